"""Cisco IOS / IOS XE: ``>`` and ``#``, ``enable``, ``configure terminal``/``end``, ``no`` forms,
``write memory``, ``% Invalid input detected at '^' marker.``
"""

from __future__ import annotations

from govnet.lab.passwords import as_hash, verify_password
from govnet.lab.state import Acl, DeviceState, LocalUser, OspfProcess
from govnet.lab.vendors.base import (
    Args,
    CliSession,
    Command,
    CommandError,
    CommandTable,
    Dialect,
    View,
    cmd,
    mask_to_len,
    negated,
    number,
    undo_only,
    word_after,
)
from govnet.lab.vendors.handlers import (
    acl_view,
    config_root_view,
    dotted_area,
    drop_local_user,
    flag_handler,
    h_bandwidth,
    h_enter_config,
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
    h_save_now,
    h_screen_length,
    h_shutdown,
    h_snmp_contact,
    h_snmp_location,
    h_snmp_trap_enable,
    h_static_route,
    h_static_route6,
    h_sysname,
    h_timezone,
    h_vty_acl,
    h_vty_privilege,
    interface_address_commands,
    itf_of,
    ospf_view_handler,
    put_rule,
    set_area_network,
    set_idle_timeout,
    set_lockout,
    vty_view_handler,
)

# --- exec -------------------------------------------------------------------------------------


def h_enable(session: CliSession, args: Args) -> str | None:
    if session.view.kind == "exec":
        return None
    secret = session.state.enable_secret_hash
    if secret is None:
        return "% No password set"
    tries = [0]

    def answer(s: CliSession, typed: str) -> str:
        if verify_password(typed, secret):
            s.view = View("exec")
            s.privileged = True
            return ""
        tries[0] += 1
        if tries[0] >= 3:
            return "% Bad secrets\n"
        s.ask(answer)
        s.echo = False
        return "Password: "

    session.ask(answer)
    session.echo = False
    return "Password: "


def h_disable(session: CliSession, args: Args) -> None:
    session.view = View("user")
    session.privileged = False


def h_exit(session: CliSession, args: Args) -> None:
    if session.view.kind in ("user", "exec"):
        session.closed = True
    elif session.view.kind == "config":
        session.view = session.view.parent or View("exec")
    else:
        session.view = config_root_view(session)


def h_end(session: CliSession, args: Args) -> None:
    session.view = View("exec")


def h_copy_run_start(session: CliSession, args: Args) -> str:
    def answer(s: CliSession, typed: str) -> str:
        return h_save_now(s, {})

    session.ask(answer)
    return "Destination filename [startup-config]? "


def h_do(session: CliSession, args: Args) -> str | None:
    here = session.view
    session.view = View("exec")
    try:
        return session.dialect.execute(session, args["command"])
    finally:
        session.view = here


# --- config -----------------------------------------------------------------------------------


def h_ospf_network_area(session: CliSession, args: Args) -> None:
    process = session.view.data
    assert isinstance(process, OspfProcess)
    set_area_network(process.area(dotted_area(args["area"])), args)


def h_ip_access_list(session: CliSession, args: Args) -> None:
    kind = args["kind"].lower()
    if kind not in ("standard", "extended"):
        raise CommandError("wrong-parameter")
    acl_view(session, args, args["acl"], ipv6=False, kind="basic" if kind == "standard" else "advanced")


def h_ipv6_access_list(session: CliSession, args: Args) -> None:
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


def h_acl_entry(session: CliSession, args: Args) -> None:
    acl = session.view.data
    assert isinstance(acl, Acl)
    seq = args.get("seq")
    seq_n = number(seq, 1, 2147483647) if seq else None
    action = args.get("action", "").lower()
    if action and action not in ("permit", "deny"):
        raise CommandError("wrong-parameter")
    _add_rule(acl, seq_n, action, " ".join(args.get("rest", "").split()), negated(args))


def h_numbered_acl(session: CliSession, args: Args) -> None:
    """``access-list 10 permit 10.0.0.0 0.0.0.255`` (1-99 standard, 100-199 extended)."""
    name = args["acl"]
    n = number(name, 1, 2699)
    state = session.state
    acl = state.acl(name)
    if negated(args) and "action" not in args:
        if acl is not None:
            state.acls.remove(acl)
        return
    action = args["action"].lower()
    if action not in ("permit", "deny"):
        raise CommandError("wrong-parameter")
    if acl is None:
        acl = Acl(name, kind="basic" if n < 100 or 1300 <= n < 2000 else "advanced")
        state.acls.append(acl)
    _add_rule(acl, None, action, " ".join(args.get("rest", "").split()), negated(args))
    if not acl.rules:  # a numbered ACL exists only through its entries
        state.acls.remove(acl)


def h_login(session: CliSession, args: Args) -> None:
    mode = args.get("mode", "").lower()
    vty = session.state.vty
    if negated(args):
        vty.auth_mode = "none"
    elif mode in ("local", "authentication"):
        vty.auth_mode = "aaa"
    elif mode == "":
        vty.auth_mode = "password"
    else:
        raise CommandError("wrong-parameter")


def h_transport_input(session: CliSession, args: Args) -> None:
    words = set(args["protocols"].lower().split())
    table = {"ssh": {"ssh"}, "telnet": {"telnet"}, "all": {"ssh", "telnet"}, "none": set()}
    protocols: set[str] = set()
    for w in words:
        if w not in table:
            raise CommandError("wrong-parameter")
        protocols |= table[w]
    state = session.state
    state.vty.protocols = {"ssh", "telnet"} if negated(args) else protocols
    state.telnet_server = "telnet" in state.vty.protocols


def h_exec_timeout(session: CliSession, args: Args) -> None:
    set_idle_timeout(session, args, max_seconds=2147483)


def h_username(session: CliSession, args: Args) -> None:
    """``username NAME [privilege N] secret [0|8|9] PASS`` or ``... password [0] PASS``."""
    state = session.state
    name = args["user"]
    if negated(args):
        drop_local_user(session, name)
        return
    words = args.get("rest", "").split()
    low = [w.lower() for w in words]
    level = word_after(words, "privilege")
    privilege = number(level, 0, 15) if level is not None else None
    password_hash = None
    for keyword in ("secret", "password"):
        if keyword in low[:-1]:
            rest = words[low.index(keyword) + 1 :]
            if len(rest) >= 2 and rest[0] in ("0", "5", "7", "8", "9"):
                rest = rest[1:]
            secret = " ".join(rest)
            min_length = state.password_policy.min_length
            if not secret.startswith("$") and len(secret) < min_length:
                raise CommandError(
                    "failed", detail=f"% Password too short - must be at least {min_length} characters."
                )
            password_hash = as_hash(secret)
    user = state.user(name)
    if user is None:
        user = LocalUser(name, password_hash="", privilege=1, services={"ssh", "telnet", "terminal"})
        state.local_users.append(user)
    if privilege is not None:
        user.privilege = privilege
    if password_hash is not None:
        user.password_hash = password_hash


def h_enable_secret(session: CliSession, args: Args) -> None:
    if negated(args):
        session.state.enable_secret_hash = None
        return
    words = args["rest"].split()
    if len(words) >= 2 and words[0] in ("0", "5", "8", "9"):
        words = words[1:]
    session.state.enable_secret_hash = as_hash(" ".join(words))


def h_login_block(session: CliSession, args: Args) -> None:
    def parse() -> tuple[int, int]:
        minutes = max(1, number(args["seconds"], 1, 65535) // 60)
        return number(args["attempts"], 1, 65535), minutes

    set_lockout(session, args, parse)


def h_min_length(session: CliSession, args: Args) -> None:
    session.state.password_policy.min_length = 0 if negated(args) else number(args["length"], 0, 16)


def h_snmp_community(session: CliSession, args: Args) -> None:
    from govnet.lab.state import SnmpCommunity

    snmp = session.state.snmp
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


def _derive_versions(session: CliSession) -> None:
    """IOS has no version switch: communities mean v1/v2c, groups and users mean v3."""
    snmp = session.state.snmp
    snmp.versions = ({"v1", "v2c"} if snmp.communities else set()) | (
        {"v3"} if snmp.groups or snmp.users else set()
    )


def h_snmp_group(session: CliSession, args: Args) -> None:
    from govnet.lab.state import SnmpGroup

    snmp = session.state.snmp
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


def h_snmp_user(session: CliSession, args: Args) -> None:
    """``snmp-server user U G v3 [auth sha|md5|sha-2 256 KEY] [priv aes 128|256|des KEY] [access ACL]``."""
    from govnet.lab.state import SnmpV3User

    snmp = session.state.snmp
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


def h_snmp_host(session: CliSession, args: Args) -> None:
    """``snmp-server host IP [version 1|2c|3 [priv|auth|noauth]] NAME [udp-port P]``."""
    from govnet.lab.state import SnmpTrapHost

    snmp = session.state.snmp
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


def h_banner(session: CliSession, args: Args) -> str | None:
    """``banner login ^C text ^C``: single or multi-line, delimited by its first character(s)."""
    kind = args["kind"].lower()
    if kind not in ("login", "motd", "exec"):
        raise CommandError("wrong-parameter")
    target = "login" if kind == "login" else "motd"
    if negated(args):
        setattr(session.state.banners, target, "")
        return None
    raw = args["text"]
    delimiter = "^C" if raw.startswith("^C") else raw[:1]
    body = raw[len(delimiter) :]
    if delimiter in body:
        setattr(session.state.banners, target, body.split(delimiter, 1)[0])
        return None
    collected = [body] if body else []

    def more(s: CliSession, line: str) -> str:
        if delimiter in line:
            collected.append(line.split(delimiter, 1)[0])
            setattr(s.state.banners, target, "\n".join(collected).strip("\n"))
            return ""
        collected.append(line)
        s.ask(more)
        return ""

    session.ask(more)
    return f"Enter TEXT message.  End with the character '{delimiter[-1]}'."


class CiscoIos(Dialect):
    vendor = "cisco_ios"
    negation = "no"
    comment = "!"
    config_root = "config"
    exec_root = "exec"

    def prompt(self, session: CliSession) -> str:
        name = session.state.hostname
        kind = session.view.kind
        suffix = {
            "user": ">",
            "exec": "#",
            "config": "(config)#",
            "interface": "(config-if)#",
            "acl": "(config-std-nacl)#",
            "acl6": "(config-ipv6-acl)#",
            "router": "(config-router)#",
            "rtr": "(config-rtr)#",
            "line": "(config-line)#",
        }[kind]
        if kind == "acl" and getattr(session.view.data, "kind", "") == "advanced":
            suffix = "(config-ext-nacl)#"
        return name + suffix

    def session_start(self, session: CliSession) -> None:
        session.view = View("exec" if session.privileged else "user")

    def parent_kind(self, kind: str) -> str | None:
        return "config" if kind not in ("user", "exec", "config") else None

    def error_text(self, session: CliSession, err: CommandError, line: str) -> str:
        if err.kind == "failed":
            return err.detail
        if err.kind == "incomplete":
            return "% Incomplete command.\n"
        if err.kind == "ambiguous":
            return f'% Ambiguous command:  "{line.strip()}"'
        if session.view.kind in ("user", "exec") and err.column == len(line) - len(line.lstrip()):
            word = line.split()[0]
            return (
                f'Translating "{word}"\n'
                "% Unknown command or computer name, or unable to find computer address"
            )
        caret = " " * (len(session.prompt()) + err.column) + "^"
        return f"{caret}\n% Invalid input detected at '^' marker.\n"

    def motd(self, session: CliSession) -> str:
        return session.state.banners.motd

    def idle_timeout_text(self) -> str:
        return ""

    def more_prompt(self) -> str:
        return " --More-- "

    def system_view_notice(self) -> str:
        return "Enter configuration commands, one per line.  End with CNTL/Z."

    def save_done_text(self) -> str:
        return "Building configuration...\n[OK]"

    def ctrl_z(self, session: CliSession) -> str:
        if session.view.kind not in ("user", "exec"):
            session.view = View("exec")
        return ""

    def build_tables(self) -> dict[str, CommandTable]:
        from govnet.lab.vendors import ios_render as r

        shows = [
            cmd("show running-config", r.show_running, negate=False),
            cmd("show running-config interface <name>", r.show_running, negate=False),
            cmd("show startup-config", r.show_startup, negate=False),
            cmd("show ip interface brief", r.ip_interface_brief, negate=False),
            cmd("show ipv6 interface brief", r.ipv6_interface_brief, negate=False),
            cmd("show interfaces", r.interfaces, negate=False),
            cmd("show interfaces <name>", r.interfaces, negate=False),
            cmd("show version", r.version, negate=False),
            cmd("show ip ssh", r.ip_ssh, negate=False),
            cmd("show logging", r.logging, negate=False),
            cmd("show ntp status", r.ntp_status, negate=False),
            cmd("show ntp associations", r.ntp_associations, negate=False),
            cmd("show snmp community", r.snmp_community, negate=False),
            cmd("show snmp user", r.snmp_user, negate=False),
            cmd("show snmp host", r.snmp_host, negate=False),
            cmd("show snmp group", r.snmp_group, negate=False),
            cmd("show access-lists", r.access_lists, negate=False),
            cmd("show ip route", r.ip_route, negate=False),
            cmd("show users", r.users, negate=False),
            cmd("show clock", r.clock, negate=False),
        ]
        terminal = [
            cmd("terminal length <n>", h_screen_length, negate=False),
            cmd("terminal width <n>", h_noop, negate=False),
            cmd("terminal no monitor", h_noop, negate=False),
            cmd("terminal monitor", h_noop, negate=False),
        ]
        leave = [
            cmd("exit", h_exit, negate=False),
            cmd("logout", h_exit, negate=False),
            cmd("quit", h_exit, negate=False),
        ]
        sub_common = [
            cmd("exit", h_exit, negate=False),
            cmd("end", h_end, negate=False),
            cmd("do <command...>", h_do, negate=False),
        ]
        return {
            "user": CommandTable(
                [
                    cmd("enable", h_enable, negate=False),
                    cmd("show version", r.version, negate=False),
                    cmd("show ip interface brief", r.ip_interface_brief, negate=False),
                    *terminal,
                    *leave,
                ]
            ),
            "exec": CommandTable(
                [
                    *shows,
                    *terminal,
                    *leave,
                    cmd("enable", h_enable, negate=False),
                    cmd("disable", h_disable, negate=False),
                    cmd("configure terminal", h_enter_config, negate=False),
                    cmd("write memory", h_save_now, negate=False),
                    cmd("write", h_save_now, negate=False),
                    cmd("copy running-config startup-config", h_copy_run_start, negate=False),
                ]
            ),
            "config": CommandTable([*self.config_commands(), *sub_common]),
            "interface": CommandTable([*self.interface_commands(), *sub_common]),
            "acl": CommandTable(
                [
                    cmd("<seq#> <action> <rest...>", h_acl_entry),
                    cmd("permit <rest...>", lambda s, a: h_acl_entry(s, {**a, "action": "permit"})),
                    cmd("deny <rest...>", lambda s, a: h_acl_entry(s, {**a, "action": "deny"})),
                    cmd("remark <rest...>", h_noop),
                    *sub_common,
                ]
            ),
            "acl6": CommandTable(
                [
                    cmd("sequence <seq#> <action> <rest...>", h_acl_entry),
                    cmd("permit <rest...>", lambda s, a: h_acl_entry(s, {**a, "action": "permit"})),
                    cmd("deny <rest...>", lambda s, a: h_acl_entry(s, {**a, "action": "deny"})),
                    cmd("sequence <seq#>", h_acl_entry),
                    *sub_common,
                ]
            ),
            "router": CommandTable(
                [
                    cmd("router-id <rid>", h_router_id),
                    cmd("network <address> <wildcard> area <area>", h_ospf_network_area),
                    *sub_common,
                ]
            ),
            "rtr": CommandTable([cmd("router-id <rid>", h_router_id), *sub_common]),
            "line": CommandTable(
                [
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
                    cmd("ipv6 access-class <acl> in", lambda s, a: h_vty_acl(s, {**a, "ipv6": "1"})),
                    cmd("privilege level <level>", h_vty_privilege),
                    *sub_common,
                ]
            ),
        }

    def config_commands(self) -> list[Command]:
        return [
            cmd("hostname <name>", h_sysname),
            cmd("version <text...>", h_noop, negate=False),
            cmd("interface <name>", h_interface),
            cmd("ip route <dest> <mask> <nexthop>", h_static_route),
            cmd("ip route <dest> <mask> <nexthop> <rest...>", _ios_route),
            cmd("ipv6 route <prefix> <nexthop>", _ios_route6),
            cmd("ipv6 route <prefix> <nexthop> <rest...>", _ios_route6),
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
            cmd("logging host <host>", h_loghost),
            cmd("logging host ipv6 <host>", h_loghost6),
            cmd("logging on", h_info_center),
            cmd("ntp server <host>", h_ntp_server),
            cmd("ntp server ipv6 <host>", h_ntp_server6),
            cmd("clock timezone <rest...>", h_timezone),
            cmd("ip ssh version <n>", flag_handler("ssh_server")),
            cmd("crypto key generate rsa <rest...>", flag_handler("ssh_server")),
            cmd("ip http server", flag_handler("http_server")),
            cmd("ip http secure-server", flag_handler("https_server")),
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

    def render_config(self, state: DeviceState) -> str:
        from govnet.lab.vendors.ios_render import render_ios

        return render_ios(self, state)

    def load_config(self, state: DeviceState, text: str) -> list[str]:
        body = [
            line
            for line in text.splitlines()
            if not line.startswith(("Building configuration", "Current configuration"))
        ]
        return super().load_config(state, "\n".join(body))


def _ios_route(session: CliSession, args: Args) -> None:
    """``ip route DEST MASK NH [AD] [name X]``: VRP's ``preference``/``description`` spelled IOS's way."""
    h_static_route(session, {**args, "rest": _vrp_route_options(args)})


def _ios_route6(session: CliSession, args: Args) -> None:
    prefix, _, length = args["prefix"].partition("/")
    if not length:
        raise CommandError("wrong-parameter")
    h_static_route6(session, {**args, "dest": prefix, "length": length, "rest": _vrp_route_options(args)})


def _vrp_route_options(args: Args) -> str:
    """IOS's ``[AD] [name X]`` after a route, as the shared handler's ``preference N description X``."""
    words = args.get("rest", "").split()
    extra: list[str] = []
    if words and words[0].isdecimal():
        extra += ["preference", words.pop(0)]
    if "name" in words[:-1]:
        extra += ["description", words[words.index("name") + 1]]
    return " ".join(extra)


def _ios_rate_limit(session: CliSession, args: Args) -> None:
    itf = itf_of(session)
    if negated(args):
        itf.rate_limit_kbps = None
        return
    h_rate_limit(session, {**args, "kbps": str(max(8, number(args["bps"], 8000, 10**12) // 1000))})


__all__ = ["CiscoIos", "h_timezone", "mask_to_len"]
