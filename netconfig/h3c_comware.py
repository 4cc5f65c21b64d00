"""H3C Comware 7 configuration syntax: VRP's cousin. ``line vty``, ``local-user X class manage``
views, ``password-control``, ``%TEXT%`` headers, and the config text it writes.

``ComwareSyntax`` subclasses ``VrpSyntax`` and overrides its hooks only where Comware differs.
"""

from __future__ import annotations

from govnet.netconfig import render_common as common
from govnet.netconfig.dialect import ConfigSession
from govnet.netconfig.grammar import Args, Command, CommandError, cmd, negated, number, undo_only
from govnet.netconfig.handlers import (
    drop_local_user,
    flag_handler,
    goto,
    h_acl,
    h_interface,
    h_ipv6_enable,
    h_itf_acl,
    h_noop,
    h_ntp_server,
    h_ntp_server6,
    h_ospf,
    h_ospfv3,
    h_password_complexity,
    h_password_min_length,
    h_snmp_usm_user,
    h_ssh_acl,
    h_sysname,
    h_timezone,
    h_vty,
    h_vty_privilege,
    interface_address_commands,
    local_user,
    read_delimited,
    server_commands,
    set_banner,
    set_lockout,
)
from govnet.netconfig.huawei_vrp import VrpSyntax
from govnet.netconfig.model import DeviceConfig, InterfaceConfig, LocalUser, SnmpV3User
from govnet.netconfig.passwords import as_hash, obscure, retag


def h_acl_comware(session: ConfigSession, args: Args) -> None:
    kind = args.get("kind", "").lower()
    if kind and kind not in ("basic", "advanced", "number"):
        raise CommandError("wrong-parameter")
    h_acl(session, {**args, "kind": "" if kind == "number" else kind})


def h_local_user_view(session: ConfigSession, args: Args) -> None:
    name = args["user"]
    if negated(args):
        drop_local_user(session, name)
        return
    fresh = session.config.user(name) is None
    user = local_user(session, name)
    if fresh:
        user.privilege = 1  # a new user holds network-operator until given network-admin
    goto(session, "luser", name, user)


def _luser(session: ConfigSession) -> LocalUser:
    return local_user(session, session.view.key, create=False)


def h_luser_password(session: ConfigSession, args: Args) -> None:
    user = _luser(session)
    if negated(args):
        user.password_hash = ""
        return
    policy = session.config.password_policy
    secret = args["secret"]
    if args["form"].lower() == "simple" and len(secret) < max(policy.min_length, 1):
        raise CommandError("failed", detail=f"The password is too short (at least {policy.min_length}).")
    form = args["form"].lower()
    if form not in ("simple", "hashed", "hash", "cipher"):  # Comware 7 shows `hash`, takes `hashed`
        raise CommandError("wrong-parameter")
    user.password_hash = as_hash(secret)
    user.password_reversible = form not in ("hashed", "hash")


# Comware's login services as the model names them; the others (lan-access, ppp, portal, ...) are
# network access, not device management, and are not kept.
_SERVICES = {"ssh": "ssh", "telnet": "telnet", "terminal": "terminal", "http": "http", "web": "http"}
_SERVICES |= {"https": "https", "ftp": "ftp"}
_ADMIN_ROLES = ("network-admin", "level-15")


def h_luser_service(session: ConfigSession, args: Args) -> None:
    user = _luser(session)
    wanted = {_SERVICES[w] for w in args["services"].lower().split() if w in _SERVICES}
    user.services = user.services - wanted if negated(args) else user.services | wanted


def h_luser_role(session: ConfigSession, args: Args) -> None:
    """A user holds several roles (one line each): the highest counts; removing it leaves level 1."""
    user = _luser(session)
    admin = args["role"].lower() in _ADMIN_ROLES
    if negated(args):
        user.privilege = 1 if admin else user.privilege
    elif admin:
        user.privilege = 15


def h_luser_level(session: ConfigSession, args: Args) -> None:
    """Comware 5 ``authorization-attribute level N``: level 3 (manage) is the administrator's."""
    level = number(args["level"], 0, 3)
    _luser(session).privilege = 1 if negated(args) else (15 if level == 3 else level)


def h_version(session: ConfigSession, args: Args) -> None:
    """``version 7.1.x``: Comware 7 ships its telnet server off (Comware 5 on); a later
    ``telnet server enable`` in the same file turns it on."""
    if args["text"].startswith("7."):
        session.config.telnet_server = False


def h_pwctl_aging(session: ConfigSession, args: Args) -> None:
    session.config.password_policy.expire_days = 0 if negated(args) else number(args["days"], 1, 365)


def h_pwctl_attempt(session: ConfigSession, args: Args) -> None:
    set_lockout(
        session, args, lambda: (number(args["times"], 2, 10), number(args.get("minutes", "1"), 1, 360))
    )


def h_header_comware(session: ConfigSession, args: Args) -> None:
    """``header login|shell|motd %TEXT%``: the text between the first character and its next use,
    on this line or over the lines that follow."""
    kind = args["kind"]
    kinds = ("login", "shell", "motd")
    set_banner(session, kind, "", kinds)
    raw = args.get("text", "")
    if not negated(args) and raw:
        read_delimited(session, raw, raw[:1], lambda s, text: set_banner(s, kind, text, kinds))


def h_snmp_usm_user_comware(session: ConfigSession, args: Args) -> None:
    """Comware names the group right after the user: ``snmp-agent usm-user v3 USER GROUP [...]``."""
    words = args.get("rest", "").split()
    keywords = ("cipher", "simple", "authentication-mode", "privacy-mode", "acl", "group")
    if not negated(args) and (not words or words[0].lower() in keywords):
        raise CommandError("incomplete")
    h_snmp_usm_user(session, args)


class ComwareSyntax(VrpSyntax):
    vendor = "h3c_comware"

    def cipher_marks(self) -> tuple[str, str]:
        return ("$c$3$", "")

    def user_view_commands(self) -> dict[str, list[Command]]:
        return {
            "luser": [
                cmd("password <form> <secret>", h_luser_password),
                undo_only("password", h_luser_password),
                cmd("service-type <services...>", h_luser_service),
                cmd("authorization-attribute user-role <role>", h_luser_role),
                cmd("authorization-attribute level <level>", h_luser_level),
            ]
        }

    def system_commands(self) -> list[Command]:
        return [
            cmd("sysname <name>", h_sysname),
            cmd("version <text...>", h_version, negate=False),
            cmd("interface <name>", h_interface),
            *self.static_route_commands(),
            cmd("ospf <pid>", h_ospf),
            cmd("ospf <pid> router-id <rid>", h_ospf),
            cmd("ospfv3 <pid>", h_ospfv3),
            cmd("acl <kind> <acl>", h_acl_comware),
            cmd("acl ipv6 <kind> <acl>", lambda s, a: h_acl_comware(s, {**a, "ipv6": "1"})),
            cmd("line vty <first> <last>", h_vty),
            cmd("user-interface vty <first> <last>", h_vty),  # Comware 5
            cmd("local-user <user> class manage", h_local_user_view),
            cmd("local-user <user>", h_local_user_view),
            cmd("password-control enable", h_password_complexity),
            cmd("password-control length <length>", h_password_min_length),
            cmd("password-control aging <days>", h_pwctl_aging),
            cmd("password-control login-attempt <times> exceed lock-time <minutes>", h_pwctl_attempt),
            cmd("password-control login-attempt <times> exceed lock", h_pwctl_attempt),
            undo_only("password-control login-attempt", h_pwctl_attempt),
            *self.snmp_agent_commands(),
            *self.info_center_commands(),
            cmd("ntp-service enable", h_noop),
            *server_commands("ntp-service unicast-server", h_ntp_server, vrf="vpn-instance"),
            *server_commands("ntp-service ipv6 unicast-server", h_ntp_server6, vrf="vpn-instance"),
            cmd("clock timezone <rest...>", h_timezone),
            cmd("ssh server enable", flag_handler("ssh_server")),
            cmd("ssh server acl <acl>", h_ssh_acl),
            undo_only("ssh server acl", h_ssh_acl),
            cmd("telnet server enable", flag_handler("telnet_server")),
            cmd("ip http enable", flag_handler("http_server")),
            cmd("ip https enable", flag_handler("https_server")),
            cmd("ftp server enable", flag_handler("ftp_server")),
            cmd("header <kind> <text...>", h_header_comware),
            undo_only("header <kind>", h_header_comware),
        ]

    def usm_user_commands(self) -> list[Command]:
        return [
            undo_only("snmp-agent usm-user v3 <user>", h_snmp_usm_user),
            cmd("snmp-agent usm-user v3 <user> <rest...>", h_snmp_usm_user_comware),
        ]

    def interface_commands(self) -> list[Command]:
        return [
            *interface_address_commands(secondary="sub"),
            cmd("port link-mode route", h_noop),
            *self.ipv6_address_commands(),
            cmd("ipv6 address auto link-local", h_ipv6_enable),
            *self.link_commands(),
            cmd("packet-filter <acl> inbound", h_itf_acl),
            cmd("packet-filter ipv6 <acl> inbound", h_itf_acl),
        ]

    def vty_commands(self) -> list[Command]:
        return [
            *self.vty_access_commands(),
            cmd("user-role <role>", lambda s, a: h_vty_privilege(s, {**a, "level": "15"})),
        ]

    def render_config(self, config: DeviceConfig) -> str:
        return render_comware(self, config)


def render_comware(dialect: ComwareSyntax, config: DeviceConfig) -> str:
    out = ["#", f" version {dialect.version_text}", "#", f" sysname {config.hostname}", "#"]
    if config.timezone:
        out += [f" clock timezone {config.timezone}", "#"]
    out.append(" telnet server enable" if config.telnet_server else " undo telnet server enable")
    if config.ftp_server:
        out.append(" ftp server enable")
    out.append("#")
    policy, lock = config.password_policy, config.lockout
    if policy.complexity or policy.min_length or policy.expire_days or lock.max_failures:
        if policy.complexity:
            out.append(" password-control enable")
        if policy.min_length:
            out.append(f" password-control length {policy.min_length}")
        if policy.expire_days:
            out.append(f" password-control aging {policy.expire_days}")
        if lock.max_failures:
            out.append(
                f" password-control login-attempt {lock.max_failures} exceed lock-time {lock.lock_minutes}"
            )
        out.append("#")
    out += common.vrp_interface_sections(config, _interface)
    for process in sorted(config.ospf, key=lambda p: (p.version, p.process_id)):
        word = "ospf" if process.version == 2 else "ospfv3"
        if process.version == 2 and process.router_id:
            out.append(f"{word} {process.process_id} router-id {process.router_id}")
        else:
            out.append(f"{word} {process.process_id}")
            if process.router_id:
                out.append(f" router-id {process.router_id}")
        for area in process.areas:
            out.append(f" area {area.area}")
            out += [f"  network {n}" for n in area.networks]
        out.append("#")
    for route in config.static_routes:
        net, length = route.prefix.split("/")
        word = "ipv6 route-static" if ":" in net else "ip route-static"
        out.append(f" {word} {net} {length} {route.next_hop}{common.vrp_route_options(route)}")
    if config.static_routes:
        out.append("#")
    out += common.vrp_loghost_lines(config, indent=" ")
    out += _snmp(config, dialect.cipher_marks())
    out.append(" ssh server enable" if config.ssh_server else " undo ssh server enable")
    if config.ssh_acl:
        out.append(f" ssh server acl {config.ssh_acl}")
    out.append("#")
    if config.ntp_servers:
        out.append(" ntp-service enable")
        for server in config.ntp_servers:
            word = "ntp-service ipv6 unicast-server" if ":" in server else "ntp-service unicast-server"
            out.append(f" {word} {server}")
        out.append("#")
    for acl in config.acls:
        out.append(f"acl {'ipv6 ' if acl.ipv6 else ''}{acl.kind} {acl.name}")
        out += [f" rule {r.rule_id} {r.action}{' ' + r.text if r.text else ''}" for r in acl.rules]
        out.append("#")
    vty = config.vty
    out.append(f"line vty {vty.first} {vty.last}")
    out.append(f" authentication-mode {'scheme' if vty.auth_mode == 'aaa' else vty.auth_mode}")
    if vty.privilege == 15:
        out.append(" user-role network-admin")
    out.append(f" protocol inbound {common.protocols_word(vty.protocols)}")
    out.append(f" idle-timeout {common.idle_timeout_words(config)}")
    out += common.vrp_vty_acl_lines(config)
    out.append("#")
    for user in config.local_users:
        out.append(f"local-user {user.name} class manage")
        if user.password_hash:
            out.append(f" password hashed {retag(user.password_hash, 'h')}")
        if user.services:
            out.append(f" service-type {' '.join(sorted(user.services))}")
        role = "network-admin" if user.privilege >= 15 else "network-operator"
        out.append(f" authorization-attribute user-role {role}")
        out.append("#")
    out.append(" ip http enable" if config.http_server else " undo ip http enable")
    out.append(" ip https enable" if config.https_server else " undo ip https enable")
    out.append("#")
    if config.banners.login:
        out.append(f" header login %{config.banners.login}%")
    if config.banners.motd:
        out.append(f" header shell %{config.banners.motd}%")
    if config.banners.login or config.banners.motd:
        out.append("#")
    out += config.extra_lines
    out.append("return")
    return "\n".join(out)


def _interface(itf: InterfaceConfig) -> list[str]:
    out = [f"interface {itf.name}"]
    if not itf.is_loopback and not itf.name.lower().startswith(("m-", "vlan")):
        out.append(" port link-mode route")
    if itf.description:
        out.append(f" description {itf.description}")
    if itf.shutdown:
        out.append(" shutdown")
    out += common.ipv4_address_lines(itf, "sub")
    if itf.ipv6_enabled and not itf.ipv6:
        out.append(" ipv6 address auto link-local")
    out += common.ipv6_address_lines(itf)
    out += common.vrp_link_lines(itf)
    if itf.acl_in:
        out.append(f" packet-filter {itf.acl_in} inbound")
    return out


def _snmp(config: DeviceConfig, marks: tuple[str, str]) -> list[str]:
    def user_lines(u: SnmpV3User) -> list[str]:
        line = f" {u.group} cipher"  # every setting on the one line
        if u.auth_protocol and u.auth_key:
            proto = {"sha": "sha", "sha256": "sha256", "md5": "md5"}[u.auth_protocol]
            line += f" authentication-mode {proto} {obscure(u.auth_key, *marks)}"
        if u.priv_protocol and u.priv_key:
            proto = {"aes": "aes128", "aes256": "aes256", "des": "des56"}[u.priv_protocol]
            line += f" privacy-mode {proto} {obscure(u.priv_key, *marks)}"
        if u.acl:
            line += f" acl {u.acl}"
        return [line]

    return common.vrp_snmp_agent_lines(
        config.snmp,
        indent=" ",
        marks=marks,
        sys_info_order=("contact", "location", "version"),
        group_options=("read-view", "acl"),
        user_lines=user_lines,
    )


# --- display ----------------------------------------------------------------------------------
