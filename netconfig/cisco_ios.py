"""Cisco IOS / IOS XE configuration syntax: ``no`` forms, ``!`` separators, ``line vty``, and
``show running-config`` rendered from a ``DeviceConfig``.

IOS keeps SNMPv3 users out of ``show running-config`` (they live in private NVRAM); the renderer
writes them unless asked for the display form, so that a saved configuration keeps them.
"""

from __future__ import annotations

import re

from govnet.netconfig import render_common as common
from govnet.netconfig.dialect import ConfigDialect, ConfigSession
from govnet.netconfig.grammar import (
    Args,
    Command,
    CommandError,
    cmd,
    ipv4_interface,
    ipv6_interface,
    len_to_mask,
    mask_to_len,
    negated,
    number,
    undo_only,
    word_after,
)
from govnet.netconfig.handlers import (
    acl_view,
    apply_route,
    canonical_interface,
    dotted_area,
    drop_local_user,
    flag_handler,
    h_bandwidth,
    h_info_center,
    h_interface,
    h_ipv6_address,
    h_ipv6_enable,
    h_itf_acl,
    h_itf_ospfv3,
    h_loghost,
    h_loghost6,
    h_noop,
    h_ntp_server,
    h_ntp_server6,
    h_ospf_cost,
    h_rate_limit,
    h_router_id,
    h_shutdown,
    h_snmp_contact,
    h_snmp_location,
    h_snmp_trap_enable,
    h_sysname,
    h_timezone,
    h_vty_acl,
    h_vty_password,
    h_vty_privilege,
    interface_address_commands,
    itf_of,
    ospf_view_handler,
    read_delimited,
    server_commands,
    set_area_network,
    set_idle_timeout,
    set_lockout,
    vty_view_handler,
)
from govnet.netconfig.model import (
    Acl,
    DeviceConfig,
    InterfaceConfig,
    LocalUser,
    OspfProcess,
    SnmpCommunity,
    SnmpGroup,
    SnmpTrapHost,
    SnmpV3User,
    StaticRoute,
)
from govnet.netconfig.mutate import put_rule
from govnet.netconfig.passwords import as_hash, retag
from govnet.netconfig.render_common import ipv4_address_lines, ipv6_address_lines


def h_ospf_network_area(session: ConfigSession, args: Args) -> None:
    process = session.view.data
    assert isinstance(process, OspfProcess)
    set_area_network(process.area(dotted_area(args["area"])), args)


def h_passive_default(session: ConfigSession, args: Args) -> None:
    """``[no] passive-interface default``: the interfaces named so far stop being exceptions."""
    process = session.view.data
    assert isinstance(process, OspfProcess)
    process.passive_default = not negated(args)
    process.passive_exceptions.clear()


def h_passive_interface(session: ConfigSession, args: Args) -> None:
    """``passive-interface X`` / ``no passive-interface X``: X differs from the process's default."""
    process = session.view.data
    assert isinstance(process, OspfProcess)
    name = canonical_interface(session.config, args["name"], session.dialect.logical_interfaces)
    if session.config.interface(name) is None:
        raise CommandError("wrong-parameter", column=len("passive-interface "))
    passive = not negated(args)
    others = [n for n in process.passive_exceptions if n.lower() != name.lower()]
    process.passive_exceptions = others if passive == process.passive_default else [*others, name]


def h_ip_access_list(session: ConfigSession, args: Args) -> None:
    kind = args["kind"].lower()
    if kind not in ("standard", "extended"):
        raise CommandError("wrong-parameter")
    acl_view(session, args, args["acl"], ipv6=False, kind="basic" if kind == "standard" else "advanced")


def h_ipv6_access_list(session: ConfigSession, args: Args) -> None:
    acl_view(session, args, args["acl"], ipv6=True, kind="advanced")


def _add_rule(acl: Acl, seq: int | None, action: str, text: str, remove: bool) -> None:
    """IOS removes an entry by sequence number or by its text (``no permit ...``)."""
    if remove:
        if seq is not None:
            acl.rules = [r for r in acl.rules if r.rule_id != seq]
        else:
            acl.rules = [r for r in acl.rules if not (r.action == action and r.text == text)]
        return
    put_rule(acl, seq, action, text, step=10)


def h_acl_entry(session: ConfigSession, args: Args) -> None:
    acl = session.view.data
    assert isinstance(acl, Acl)
    seq = args.get("seq")
    seq_n = number(seq, 1, 2147483647) if seq else None
    action = args.get("action", "").lower()
    if action and action not in ("permit", "deny"):
        raise CommandError("wrong-parameter")
    _add_rule(acl, seq_n, action, " ".join(args.get("rest", "").split()), negated(args))


def h_numbered_acl(session: ConfigSession, args: Args) -> None:
    """``access-list 10 permit 10.0.0.0 0.0.0.255`` (1-99 standard, 100-199 extended)."""
    name = args["acl"]
    n = number(name, 1, 2699)
    config = session.config
    acl = config.acl(name)
    if negated(args) and "action" not in args:
        if acl is not None:
            config.acls.remove(acl)
        return
    action = args["action"].lower()
    if action not in ("permit", "deny"):
        raise CommandError("wrong-parameter")
    if acl is None:
        acl = Acl(name, kind="basic" if n < 100 or 1300 <= n < 2000 else "advanced")
        config.acls.append(acl)
    _add_rule(acl, None, action, " ".join(args.get("rest", "").split()), negated(args))
    if not acl.rules:  # a numbered ACL exists only through its entries
        config.acls.remove(acl)


def h_login(session: ConfigSession, args: Args) -> None:
    mode = args.get("mode", "").lower()
    vty = session.config.vty
    if negated(args):
        vty.auth_mode = "none"
    elif mode in ("local", "authentication"):
        vty.auth_mode = "aaa"
    elif mode == "":
        vty.auth_mode = "password"
    else:
        raise CommandError("wrong-parameter")


def h_transport_input(session: ConfigSession, args: Args) -> None:
    words = set(args["protocols"].lower().split())
    table = {"ssh": {"ssh"}, "telnet": {"telnet"}, "all": {"ssh", "telnet"}, "none": set()}
    protocols: set[str] = set()
    for w in words:
        if w not in table:
            raise CommandError("wrong-parameter")
        protocols |= table[w]
    config = session.config
    config.vty.protocols = {"ssh", "telnet"} if negated(args) else protocols
    config.telnet_server = "telnet" in config.vty.protocols


def h_exec_timeout(session: ConfigSession, args: Args) -> None:
    set_idle_timeout(session, args, max_seconds=2147483)


def h_username(session: ConfigSession, args: Args) -> None:
    """``username NAME [privilege N] secret [0|8|9] PASS`` or ``... password [0] PASS``."""
    config = session.config
    name = args["user"]
    if negated(args):
        drop_local_user(session, name)
        return
    words = args.get("rest", "").split()
    low = [w.lower() for w in words]
    level = word_after(words, "privilege")
    privilege = number(level, 0, 15) if level is not None else None
    password_hash = None
    reversible = False
    for keyword in ("secret", "password"):
        if keyword in low[:-1]:
            rest = words[low.index(keyword) + 1 :]
            if len(rest) >= 2 and rest[0] in ("0", "5", "7", "8", "9"):
                rest = rest[1:]
            secret = " ".join(rest)
            min_length = config.password_policy.min_length
            if not secret.startswith("$") and len(secret) < min_length:
                raise CommandError(
                    "failed", detail=f"% Password too short - must be at least {min_length} characters."
                )
            password_hash = as_hash(secret)
            reversible = keyword == "password"
    user = config.user(name)
    if user is None:
        user = LocalUser(name, password_hash="", privilege=1, services={"ssh", "telnet", "terminal"})
        config.local_users.append(user)
    if privilege is not None:
        user.privilege = privilege
    if password_hash is not None:
        user.password_hash = password_hash
        user.password_reversible = reversible


def h_aaa_new_model(session: ConfigSession, args: Args) -> None:
    """``aaa new-model``: lines without their own ``login`` authenticate through AAA's default list
    (the local user database when no list is configured), so logins name a user."""
    vty = session.config.vty
    if not negated(args):
        session.marks.add("aaa new-model")
        if vty.auth_mode == "password":
            vty.auth_mode = "aaa"


def h_enable_secret(session: ConfigSession, args: Args) -> None:
    if negated(args):
        session.config.enable_secret_hash = None
        return
    words = args["rest"].split()
    if len(words) >= 2 and words[0] in ("0", "5", "8", "9"):
        words = words[1:]
    session.config.enable_secret_hash = as_hash(" ".join(words))


def h_login_block(session: ConfigSession, args: Args) -> None:
    def parse() -> tuple[int, int]:
        minutes = max(1, number(args["seconds"], 1, 65535) // 60)
        return number(args["attempts"], 1, 65535), minutes

    set_lockout(session, args, parse)


def h_min_length(session: ConfigSession, args: Args) -> None:
    session.config.password_policy.min_length = 0 if negated(args) else number(args["length"], 0, 16)


def h_snmp_community(session: ConfigSession, args: Args) -> None:

    snmp = session.config.snmp
    words = args["rest"].split()
    name = words[0]
    snmp.communities = [c for c in snmp.communities if c.name != name]
    if negated(args):
        _derive_versions(session)
        return
    access = "ro"
    acl = None
    for w in words[1:]:
        if w.upper() in ("RO", "RW"):
            access = w.lower()
        elif w.lower() != "view":
            acl = w
    snmp.communities.append(SnmpCommunity(name, access, acl))
    snmp.enabled = True
    _derive_versions(session)


def _derive_versions(session: ConfigSession) -> None:
    """IOS has no version switch: communities mean v1/v2c, groups and users mean v3."""
    snmp = session.config.snmp
    snmp.versions = ({"v1", "v2c"} if snmp.communities else set()) | (
        {"v3"} if snmp.groups or snmp.users else set()
    )


def h_snmp_group(session: ConfigSession, args: Args) -> None:

    snmp = session.config.snmp
    name = args["group"]
    levels = {"priv": "privacy", "auth": "authentication", "noauth": "noauthentication"}
    level = levels.get(args["level"].lower())
    if level is None:
        raise CommandError("wrong-parameter")
    snmp.groups = [g for g in snmp.groups if g.name != name]
    if negated(args):
        _derive_versions(session)
        return
    words = args.get("rest", "").split()
    group = SnmpGroup(name, level)
    group.read_view = word_after(words, "read")
    group.write_view = word_after(words, "write")
    group.acl = word_after(words, "access")
    snmp.groups.append(group)
    snmp.enabled = True
    _derive_versions(session)


def h_snmp_user(session: ConfigSession, args: Args) -> None:
    """``snmp-server user U G v3 [auth sha|md5|sha-2 256 KEY] [priv aes 128|256|des KEY] [access ACL]``."""
    snmp = session.config.snmp
    name = args["user"]
    if negated(args):
        snmp.users = [u for u in snmp.users if u.name != name]
        _derive_versions(session)
        return
    words = args["rest"].split()
    low = [w.lower() for w in words]
    if len(words) < 2 or low[1] != "v3":
        raise CommandError("incomplete")

    def after(keyword: str, count: int) -> list[str]:
        i = low.index(keyword)
        values = words[i + 1 : i + 1 + count]
        if len(values) < count:
            raise CommandError("incomplete")
        return values

    user = SnmpV3User(name, words[0], auth_protocol=None, priv_protocol=None)
    if "auth" in low:
        proto = after("auth", 1)[0].lower()
        if proto == "sha-2":
            bits, key = after("auth", 3)[1:]
            if bits != "256":
                raise CommandError("wrong-parameter")
            user.auth_protocol, user.auth_key = "sha256", key
        elif proto in ("sha", "md5"):
            user.auth_protocol, user.auth_key = proto, after("auth", 2)[1]
        else:
            raise CommandError("wrong-parameter")
    if "priv" in low:
        proto = after("priv", 1)[0].lower()
        if proto == "aes":
            bits, key = after("priv", 3)[1:]
            if bits not in ("128", "256"):
                raise CommandError("wrong-parameter")
            user.priv_protocol, user.priv_key = ("aes" if bits == "128" else "aes256"), key
        elif proto == "des":
            user.priv_protocol, user.priv_key = "des", after("priv", 2)[1]
        else:
            raise CommandError("wrong-parameter")
    if "access" in low:
        user.acl = after("access", 1)[0]
    snmp.users = [u for u in snmp.users if u.name != name]
    snmp.users.append(user)
    snmp.enabled = True
    _derive_versions(session)


def h_snmp_host(session: ConfigSession, args: Args) -> None:
    """``snmp-server host IP [version 1|2c|3 [priv|auth|noauth]] NAME [udp-port P]``."""
    snmp = session.config.snmp
    address = args["host"]
    words = args.get("rest", "").split()
    low = [w.lower() for w in words]
    host = SnmpTrapHost(address, version="v1")
    skip: set[int] = set()
    if "version" in low[:-1]:
        i = low.index("version")
        versions = {"1": "v1", "2c": "v2c", "3": "v3"}
        if low[i + 1] not in versions:
            raise CommandError("wrong-parameter")
        host.version = versions[low[i + 1]]
        skip |= {i, i + 1}
        if i + 2 < len(low) and low[i + 2] in ("priv", "auth", "noauth"):
            skip.add(i + 2)
    if "udp-port" in low[:-1]:
        i = low.index("udp-port")
        host.port = number(words[i + 1], 1, 65535)
        skip |= {i, i + 1}
    names = [w for i, w in enumerate(words) if i not in skip and w.lower() != "traps"]
    host.params = names[0] if names else ""
    snmp.trap_hosts = [t for t in snmp.trap_hosts if t.address != address]
    if not negated(args):
        snmp.trap_hosts.append(host)


def h_banner(session: ConfigSession, args: Args) -> str | None:
    """``banner login ^C text ^C``: single or multi-line, delimited by its first character (``^C``
    as two characters, or the control character itself)."""
    kind = args["kind"].lower()
    if kind not in ("login", "motd", "exec", "incoming", "slip-ppp"):
        raise CommandError("wrong-parameter")
    target = {"login": "login", "motd": "motd", "exec": "motd"}.get(kind)  # the others: not for VTY users

    def store(s: ConfigSession, text: str) -> None:
        if target is not None:
            setattr(s.config.banners, target, text)

    if negated(args):
        store(session, "")
        return None
    raw = args["text"]
    delimiter = "^C" if raw.startswith("^C") else raw[:1]
    if not read_delimited(session, raw, delimiter, store):
        return None
    return f"Enter TEXT message.  End with the character '{delimiter[-1]}'."


def _ios_rate_limit(session: ConfigSession, args: Args) -> None:
    itf = itf_of(session)
    if negated(args):
        itf.rate_limit_kbps = None
        return
    h_rate_limit(session, {**args, "kbps": str(max(8, number(args["bps"], 8000, 10**12) // 1000))})


def h_ios_route(session: ConfigSession, args: Args) -> None:
    """``ip route DEST MASK NEXTHOP [AD] [name TEXT]``."""
    prefix = ipv4_interface(args["dest"], str(mask_to_len(args["mask"]))).network
    apply_route(session, args, _ios_route(str(prefix), args))


def h_ios_route6(session: ConfigSession, args: Args) -> None:
    """``ipv6 route PREFIX/LEN NEXTHOP [AD] [name TEXT]``."""
    address, _, length = args["prefix"].partition("/")
    if not length:
        raise CommandError("wrong-parameter")
    apply_route(session, args, _ios_route(str(ipv6_interface(address, length).network), args))


def _ios_route(prefix: str, args: Args) -> StaticRoute:
    words = args.get("rest", "").split()
    preference = number(words.pop(0), 1, 255) if words and words[0].isdecimal() else None
    return StaticRoute(prefix, args["nexthop"], preference, word_after(words, "name") or "")


class IosSyntax(ConfigDialect):
    vendor = "cisco_ios"
    negation = "no"
    comment = "!"
    config_root = "config"
    exec_root = "exec"
    preamble = re.compile(
        r"\s*(show (running|startup)-config.*|Building configuration\.\.\."
        r"|Current configuration ?: ?\d+ bytes|Using \d+ out of \d+ bytes|!.*|end"
        r"|[\w.-]+(\([\w-]+\))?[>#].*)\s*$"
    )

    def config_commands(self) -> dict[str, list[Command]]:
        return {
            "config": self.global_commands(),
            "interface": self.interface_commands(),
            "acl": [
                cmd("<seq#> <action> <rest...>", h_acl_entry),
                cmd("permit <rest...>", lambda s, a: h_acl_entry(s, {**a, "action": "permit"})),
                cmd("deny <rest...>", lambda s, a: h_acl_entry(s, {**a, "action": "deny"})),
                cmd("remark <rest...>", h_noop),
            ],
            "acl6": [
                cmd("sequence <seq#> <action> <rest...>", h_acl_entry),
                cmd("permit <rest...>", lambda s, a: h_acl_entry(s, {**a, "action": "permit"})),
                cmd("deny <rest...>", lambda s, a: h_acl_entry(s, {**a, "action": "deny"})),
                cmd("sequence <seq#>", h_acl_entry),
            ],
            "router": [
                cmd("router-id <rid>", h_router_id),
                cmd("network <address> <wildcard> area <area>", h_ospf_network_area),
                cmd("passive-interface default", h_passive_default),
                cmd("passive-interface <name>", h_passive_interface),
            ],
            "rtr": [cmd("router-id <rid>", h_router_id)],
            "line": [
                cmd("login", h_login),
                cmd("login <mode>", h_login),
                cmd(
                    "login authentication <list>",
                    lambda s, a: h_login(s, {**a, "mode": "authentication"}),
                ),
                cmd("transport input <protocols...>", h_transport_input),
                cmd("exec-timeout <minutes>", h_exec_timeout),
                cmd("exec-timeout <minutes> <seconds>", h_exec_timeout),
                cmd("access-class <acl> in", h_vty_acl),
                cmd("access-class <acl> in vrf-also", h_vty_acl),
                cmd("ipv6 access-class <acl> in", lambda s, a: h_vty_acl(s, {**a, "ipv6": "1"})),
                cmd("privilege level <level>", h_vty_privilege),
                cmd("password <secret...>", h_vty_password),
            ],
        }

    def global_commands(self) -> list[Command]:
        return [
            cmd("hostname <name>", h_sysname),
            cmd("version <text...>", h_noop, negate=False),
            cmd("interface <name>", h_interface),
            cmd("ip route <dest> <mask> <nexthop>", h_ios_route),
            cmd("ip route <dest> <mask> <nexthop> <rest...>", h_ios_route),
            cmd("ipv6 route <prefix> <nexthop>", h_ios_route6),
            cmd("ipv6 route <prefix> <nexthop> <rest...>", h_ios_route6),
            cmd("ipv6 unicast-routing", flag_handler("ipv6_enabled")),
            cmd("router ospf <pid>", ospf_view_handler(2, "router")),
            cmd("ipv6 router ospf <pid>", ospf_view_handler(3, "rtr")),
            cmd("ip access-list <kind> <acl>", h_ip_access_list),
            cmd("ipv6 access-list <acl>", h_ipv6_access_list),
            cmd("access-list <acl> <action> <rest...>", h_numbered_acl),
            undo_only("access-list <acl>", h_numbered_acl),
            cmd("line vty <first> <last>", vty_view_handler(1500, "line")),
            cmd("username <user> <rest...>", h_username),
            undo_only("username <user>", h_username),
            cmd("aaa new-model", h_aaa_new_model),
            cmd("enable secret <rest...>", h_enable_secret),
            undo_only("enable secret", h_enable_secret),
            cmd("login block-for <seconds> attempts <attempts> within <within>", h_login_block),
            undo_only("login block-for", h_login_block),
            cmd("security passwords min-length <length>", h_min_length),
            undo_only("security passwords min-length", h_min_length),
            cmd("snmp-server community <rest...>", h_snmp_community),
            cmd("snmp-server group <group> v3 <level>", h_snmp_group),
            cmd("snmp-server group <group> v3 <level> <rest...>", h_snmp_group),
            cmd("snmp-server user <user> <rest...>", h_snmp_user),
            cmd("snmp-server host <host>", h_snmp_host),
            cmd("snmp-server host <host> <rest...>", h_snmp_host),
            cmd("snmp-server enable traps", h_snmp_trap_enable),
            cmd("snmp-server enable traps <rest...>", h_snmp_trap_enable),
            cmd("snmp-server contact <text...>", h_snmp_contact),
            cmd("snmp-server location <text...>", h_snmp_location),
            *server_commands("logging host", h_loghost),
            *server_commands("logging host ipv6", h_loghost6),
            cmd("logging <host>", h_loghost),  # the IOS 12 form, still accepted
            cmd("logging on", h_info_center),
            *server_commands("ntp server", h_ntp_server, vrf="vrf"),
            *server_commands("ntp server ipv6", h_ntp_server6),
            cmd("clock timezone <rest...>", h_timezone),
            cmd("ip ssh version <n>", flag_handler("ssh_server")),
            cmd("crypto key generate rsa <rest...>", flag_handler("ssh_server")),
            cmd("ip http server", flag_handler("http_server")),
            cmd("ip http secure-server", flag_handler("https_server")),
            cmd("ftp-server enable", flag_handler("ftp_server")),
            cmd("banner <kind> <text...>", h_banner),
            undo_only("banner <kind>", h_banner),
            cmd("service <rest...>", h_noop),
            cmd("ip domain name <name>", h_noop),
            cmd("ip domain-name <name>", h_noop),
            cmd("ip domain lookup", h_noop),
            cmd("ip domain-lookup", h_noop),
        ]

    def interface_commands(self) -> list[Command]:
        return [
            *interface_address_commands(secondary="secondary"),
            cmd("ipv6 enable", h_ipv6_enable),
            cmd("ipv6 address <address>", h_ipv6_address),
            cmd("shutdown", h_shutdown),
            cmd("bandwidth <kbps>", h_bandwidth),
            cmd("rate-limit output <bps> <rest...>", _ios_rate_limit),
            cmd("ip ospf cost <cost>", h_ospf_cost),
            cmd("ospfv3 <pid> ipv6 area <area>", h_itf_ospfv3),
            cmd("ipv6 ospf <pid> area <area>", h_itf_ospfv3),
            cmd("ip access-group <acl> in", h_itf_acl),
            cmd("ipv6 traffic-filter <acl> in", h_itf_acl),
            cmd("negotiation auto", h_noop),
            cmd("media-type <type>", h_noop),
        ]

    def finish(self, session: ConfigSession) -> None:
        combined = bool(session.vty_blocks)
        super().finish(session)
        if combined:  # IOS has no telnet server switch: its lines decide
            session.config.telnet_server = "telnet" in session.config.vty.protocols

    def render_config(self, config: DeviceConfig) -> str:
        return render_ios(self, config)


def render_ios(dialect: IosSyntax, config: DeviceConfig, *, for_display: bool = False) -> str:
    out = [
        "!",
        "version 16.9",
        "service timestamps debug datetime msec",
        "service timestamps log datetime msec",
    ]
    out += ["!", f"hostname {config.hostname}", "!"]
    if config.enable_secret_hash:
        out += [f"enable secret 8 {retag(config.enable_secret_hash, '8')}", "!"]
    if not config.syslog_enabled:
        out += ["no logging on"]
    if config.timezone:
        out.append(f"clock timezone {config.timezone}")
    if config.ipv6_enabled:
        out += ["ipv6 unicast-routing", "!"]
    if config.password_policy.min_length:
        out.append(f"security passwords min-length {config.password_policy.min_length}")
    lock = config.lockout
    if lock.max_failures:
        out.append(f"login block-for {lock.lock_minutes * 60} attempts {lock.max_failures} within 120")
    for user in config.local_users:
        secret = f" secret 8 {retag(user.password_hash, '8')}" if user.password_hash else ""
        out.append(f"username {user.name} privilege {user.privilege}{secret}")
    out.append("!")
    if config.ssh_server:
        out += ["ip ssh version 2", "!"]
    for itf in config.interfaces:
        out += _interface(itf)
        out += [f" ipv6 ospf {pid} area {_area_number(area)}" for pid, area in config.ospfv3_areas(itf.name)]
        out.append("!")
    for process in sorted(config.ospf, key=lambda p: (p.version, p.process_id)):
        if process.version == 2:
            out.append(f"router ospf {process.process_id}")
            if process.router_id:
                out.append(f" router-id {process.router_id}")
            if process.passive_default:
                out.append(" passive-interface default")
            no = "no " if process.passive_default else ""
            out += [f" {no}passive-interface {name}" for name in process.passive_exceptions]
            for area in process.areas:
                area_id = str(_area_number(area.area))
                out += [f" network {n} area {area_id}" for n in area.networks]
        else:
            out.append(f"ipv6 router ospf {process.process_id}")
            if process.router_id:
                out.append(f" router-id {process.router_id}")
        out.append("!")
    out.append("ip http server" if config.http_server else "no ip http server")
    out.append("ip http secure-server" if config.https_server else "no ip http secure-server")
    if config.ftp_server:
        out.append("ftp-server enable")
    for route in config.static_routes:
        net, length = route.prefix.split("/")
        extra = (f" {route.preference}" if route.preference else "") + (
            f" name {route.description}" if route.description else ""
        )
        if ":" in net:
            out.append(f"ipv6 route {route.prefix} {route.next_hop}{extra}")
        else:
            out.append(f"ip route {net} {len_to_mask(int(length))} {route.next_hop}{extra}")
    out.append("!")
    for acl in config.acls:
        if acl.ipv6:
            out.append(f"ipv6 access-list {acl.name}")
            out += [f" sequence {r.rule_id} {r.action} {r.text}".rstrip() for r in acl.rules]
        elif acl.name.isdecimal():
            out += [f"access-list {acl.name} {r.action} {r.text}".rstrip() for r in acl.rules]
            continue
        else:
            out.append(f"ip access-list {'standard' if acl.kind == 'basic' else 'extended'} {acl.name}")
            out += [f" {r.rule_id} {r.action} {r.text}".rstrip() for r in acl.rules]
        out.append("!")
    for host in config.syslog_hosts:
        out.append(f"logging host {'ipv6 ' if ':' in host else ''}{host}")
    out += _snmp(config, for_display)
    out.append("!")
    if config.banners.login:
        out.append(f"banner login ^C{config.banners.login}^C")
    if config.banners.motd:
        out.append(f"banner motd ^C{config.banners.motd}^C")
    vty = config.vty
    out.append(f"line vty {vty.first} {vty.last}")
    if vty.acl_in:
        out.append(f" access-class {vty.acl_in} in")
    if vty.acl6_in:
        out.append(f" ipv6 access-class {vty.acl6_in} in")
    out.append(f" exec-timeout {common.idle_timeout_words(config)}")
    if vty.privilege is not None:
        out.append(f" privilege level {vty.privilege}")
    out.append({"aaa": " login local", "password": " login", "none": " no login"}[vty.auth_mode])
    protocols = " ".join(sorted(vty.protocols)) or "none"
    out.append(f" transport input {protocols}")
    out.append("!")
    for server in config.ntp_servers:
        out.append(f"ntp server {'ipv6 ' if ':' in server else ''}{server}")
    out += config.extra_lines
    out.append("!")
    out.append("end")
    return "\n".join(out)


def _area_number(area: str) -> int:
    parts = area.split(".")
    if len(parts) == 4 and all(p.isdecimal() for p in parts):
        return sum(int(p) << s for p, s in zip(parts, (24, 16, 8, 0), strict=True))
    return int(area) if area.isdecimal() else 0


def _interface(itf: InterfaceConfig) -> list[str]:
    out = [f"interface {itf.name}"]
    if itf.description:
        out.append(f" description {itf.description}")
    if itf.bandwidth_kbps:
        out.append(f" bandwidth {itf.bandwidth_kbps}")
    if not itf.ipv4:
        out.append(" no ip address")
    out += ipv4_address_lines(itf, "secondary")
    if itf.acl_in and not any(":" in a for a in [itf.acl_in]):
        out.append(f" ip access-group {itf.acl_in} in")
    if itf.ospf_cost:
        out.append(f" ip ospf cost {itf.ospf_cost}")
    if itf.rate_limit_kbps:
        bps = itf.rate_limit_kbps * 1000
        out.append(
            f" rate-limit output {bps} {bps // 8} {bps // 4} conform-action transmit exceed-action drop"
        )
    if itf.shutdown:
        out.append(" shutdown")
    if itf.ipv6_enabled:
        out.append(" ipv6 enable")
    out += ipv6_address_lines(itf)
    if not itf.is_loopback:
        out.append(" negotiation auto")
    return out


def _snmp(config: DeviceConfig, for_display: bool) -> list[str]:
    snmp = config.snmp
    if not snmp.enabled:
        return []
    out = []
    for c in snmp.communities:
        out.append(f"snmp-server community {c.name} {c.access.upper()}{' ' + c.acl if c.acl else ''}")
    for g in snmp.groups:
        level = {"privacy": "priv", "authentication": "auth", "noauthentication": "noauth"}[g.security_level]
        extra = "".join(
            f" {k} {v}" for k, v in (("read", g.read_view), ("write", g.write_view), ("access", g.acl)) if v
        )
        out.append(f"snmp-server group {g.name} v3 {level}{extra}")
    if not for_display:  # IOS hides v3 users from show running-config
        for u in snmp.users:
            line = f"snmp-server user {u.name} {u.group} v3"
            if u.auth_protocol and u.auth_key:
                line += (
                    f" auth {'sha-2 256' if u.auth_protocol == 'sha256' else u.auth_protocol} {u.auth_key}"
                )
            if u.priv_protocol and u.priv_key:
                proto = {"aes": "aes 128", "aes256": "aes 256", "des": "des"}[u.priv_protocol]
                line += f" priv {proto} {u.priv_key}"
            if u.acl:
                line += f" access {u.acl}"
            out.append(line)
    if snmp.contact:
        out.append(f"snmp-server contact {snmp.contact}")
    if snmp.location:
        out.append(f"snmp-server location {snmp.location}")
    if snmp.trap_enabled:
        out.append("snmp-server enable traps")
    for h in snmp.trap_hosts:
        version = {"v1": "", "v2c": " version 2c", "v3": " version 3 priv"}[h.version]
        port = f" udp-port {h.port}" if h.port != 162 else ""
        out.append(f"snmp-server host {h.address}{version} {h.params}{port}")
    return out
