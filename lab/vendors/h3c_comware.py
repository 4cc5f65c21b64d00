"""H3C Comware 7: VRP's cousin. ``<H3C>``/``[H3C]``, ``screen-length disable``, ``save force``,
``line vty``, ``local-user X class manage`` views, ``password-control``, ``%``-style errors.

Handlers shared with VRP come from ``huawei_vrp``; only what Comware does differently is here.
"""

from __future__ import annotations

from govnet.lab.passwords import as_hash
from govnet.lab.state import DeviceState, LocalUser
from govnet.lab.vendors.base import (
    Args,
    CliSession,
    Command,
    CommandError,
    CommandTable,
    cmd,
    negated,
    number,
    undo_only,
)
from govnet.lab.vendors.handlers import (
    flag_handler,
    goto,
    h_acl,
    h_auth_mode,
    h_bandwidth,
    h_description,
    h_display_this,
    h_enter_config,
    h_idle_timeout,
    h_info_center,
    h_interface,
    h_ip_address,
    h_ip_address_sub,
    h_ipv6_address,
    h_ipv6_enable,
    h_itf_acl,
    h_itf_ospfv3,
    h_loghost,
    h_loghost6,
    h_noop,
    h_ntp_server,
    h_ntp_server6,
    h_ospf,
    h_ospf_cost,
    h_ospfv3,
    h_protocol_inbound,
    h_quit,
    h_rate_limit,
    h_return,
    h_screen_length,
    h_shutdown,
    h_snmp_agent,
    h_snmp_community,
    h_snmp_contact,
    h_snmp_group,
    h_snmp_location,
    h_snmp_target,
    h_snmp_trap_enable,
    h_snmp_usm_user,
    h_snmp_version,
    h_static_route,
    h_static_route6,
    h_sysname,
    h_timezone,
    h_vty,
    h_vty_acl,
    h_vty_privilege,
    local_user,
)
from govnet.lab.vendors.huawei_vrp import HuaweiVrp


def h_acl_comware(session: CliSession, args: Args) -> None:
    kind = args.get("kind", "").lower()
    if kind and kind not in ("basic", "advanced", "number"):
        raise CommandError("wrong-parameter")
    h_acl(session, {**args, "kind": "" if kind == "number" else kind})


def h_local_user_view(session: CliSession, args: Args) -> None:
    name = args["user"]
    if negated(args):
        session.state.local_users = [u for u in session.state.local_users if u.name != name]
        return
    user = local_user(session, name)
    goto(session, "luser", name, user)


def _luser(session: CliSession) -> LocalUser:
    return local_user(session, session.view.key, create=False)


def h_luser_password(session: CliSession, args: Args) -> None:
    user = _luser(session)
    if negated(args):
        user.password_hash = ""
        return
    policy = session.state.password_policy
    secret = args["secret"]
    if args["form"].lower() == "simple" and len(secret) < max(policy.min_length, 1):
        raise CommandError("failed", detail=f"The password is too short (at least {policy.min_length}).")
    if args["form"].lower() not in ("simple", "hashed", "cipher"):
        raise CommandError("wrong-parameter")
    user.password_hash = as_hash(secret)


def h_luser_service(session: CliSession, args: Args) -> None:
    user = _luser(session)
    wanted = set(args["services"].lower().split())
    if not wanted <= {"ssh", "telnet", "terminal", "http", "https", "ftp"}:
        raise CommandError("wrong-parameter")
    user.services = user.services - wanted if negated(args) else user.services | wanted


def h_luser_role(session: CliSession, args: Args) -> None:
    user = _luser(session)
    role = args["role"].lower()
    user.privilege = 15 if role in ("network-admin", "level-15") and not negated(args) else 1


def h_pwctl_enable(session: CliSession, args: Args) -> None:
    session.state.password_policy.complexity = not negated(args)


def h_pwctl_length(session: CliSession, args: Args) -> None:
    session.state.password_policy.min_length = 0 if negated(args) else number(args["length"], 4, 32)


def h_pwctl_aging(session: CliSession, args: Args) -> None:
    session.state.password_policy.expire_days = 0 if negated(args) else number(args["days"], 1, 365)


def h_pwctl_attempt(session: CliSession, args: Args) -> None:
    lockout = session.state.lockout
    if negated(args):
        lockout.max_failures = 0
        return
    lockout.max_failures, lockout.lock_minutes = (
        number(args["times"], 2, 10),
        number(args.get("minutes", "1"), 1, 360),
    )


def h_header_comware(session: CliSession, args: Args) -> None:
    kind = args["kind"].lower()
    if negated(args):
        text = ""
    else:
        raw = args.get("text", "")
        delimiter = raw[:1]
        text = raw[1:].split(delimiter, 1)[0] if delimiter and delimiter in raw[1:] else raw[1:]
    if kind.startswith("login"):
        session.state.banners.login = text
    elif kind.startswith("shell") or kind.startswith("motd"):
        session.state.banners.motd = text
    else:
        raise CommandError("wrong-parameter")


def h_snmp_usm_user_comware(session: CliSession, args: Args) -> None:
    """Comware names the group right after the user: ``snmp-agent usm-user v3 USER GROUP [...]``."""
    words = args.get("rest", "").split()
    keywords = ("cipher", "simple", "authentication-mode", "privacy-mode", "acl", "group")
    if not negated(args) and (not words or words[0].lower() in keywords):
        raise CommandError("incomplete")
    h_snmp_usm_user(session, args)


def h_save_force(session: CliSession, args: Args) -> str:
    session.save()
    return H3cComware.save_done


def h_save_ask(session: CliSession, args: Args) -> str:
    """Plain ``save``: three questions, as Comware asks them."""

    def overwrite(s: CliSession, reply: str) -> str:
        if reply.strip().lower() not in ("y", "yes"):
            return ""
        s.save()
        return H3cComware.save_done

    def file_name(s: CliSession, reply: str) -> str:
        s.ask(overwrite)
        return "flash:/startup.cfg exists, overwrite? [Y/N]:"

    def sure(s: CliSession, reply: str) -> str:
        if reply.strip().lower() not in ("y", "yes"):
            return ""
        s.ask(file_name)
        return (
            "Please input the file name(*.cfg)[flash:/startup.cfg]\n"
            "(To leave the existing filename unchanged, press the enter key):"
        )

    session.ask(sure)
    return "The current configuration will be written to the device. Are you sure? [Y/N]:"


class H3cComware(HuaweiVrp):
    vendor = "h3c_comware"
    netmiko_device_type = "hp_comware"
    factory_hostname = "H3C"
    logical_interfaces = ("LoopBack", "Vlan-interface", "Tunnel", "Bridge-Aggregation")
    default_model = "MSR3620"
    version_text = "7.1.064, Release 0821P16"
    save_done = (
        "Validating file. Please wait...\nSaved the current configuration to mainboard device successfully."
    )

    def prompt(self, session: CliSession) -> str:
        name = session.state.hostname
        view = session.view
        if view.kind == "user":
            return f"<{name}>"
        suffix = {
            "system": "",
            "interface": f"-{view.key}",
            "acl": f"-acl-ipv4-{getattr(view.data, 'kind', 'basic')}-{view.key}",
            "acl6": f"-acl-ipv6-{getattr(view.data, 'kind', 'basic')}-{view.key}",
            "ospf": f"-ospf-{view.key}",
            "ospf-area": f"-ospf-{view.parent.key if view.parent else ''}-area-{view.key}",
            "ospfv3": f"-ospfv3-{view.key}",
            "ospfv3-area": f"-ospfv3-{view.parent.key if view.parent else ''}-area-{view.key}",
            "vty": f"-line-vty{view.key.replace(' ', '-')}",
            "luser": f"-luser-manage-{view.key}",
        }.get(view.kind, "")
        return f"[{name}{suffix}]"

    def cipher_marks(self) -> tuple[str, str]:
        return ("$c$3$", "")

    def system_view_notice(self) -> str:
        return "System View: return to User View with Ctrl+Z."

    def error_text(self, session: CliSession, err: CommandError, line: str) -> str:
        if err.kind == "failed":
            return err.detail
        caret = " " * (len(session.prompt()) + err.column) + "^"
        word = {
            "unrecognized": "Unrecognized command",
            "incomplete": "Incomplete command",
            "ambiguous": "Ambiguous command",
            "wrong-parameter": "Wrong parameter",
        }[err.kind]
        return f"{caret}\n % {word} found at '^' position."

    def motd(self, session: CliSession) -> str:
        banner = session.state.banners.motd
        note = (
            "******************************************************************************\n"
            "* Copyright (c) 2004-2024 New H3C Technologies Co., Ltd. All rights reserved.*\n"
            "* Without the owner's prior written consent,                                 *\n"
            "* no decompiling or reverse-engineering shall be allowed.                    *\n"
            "******************************************************************************"
        )
        return f"{banner}\n{note}" if banner else note

    def more_prompt(self) -> str:
        return "---- More ----"

    def idle_timeout_text(self) -> str:
        return "Info: The line is idle for a long time, and will be disconnected."

    def build_tables(self) -> dict[str, CommandTable]:
        from govnet.lab.vendors import comware_render as r

        tables = super().build_tables()
        common = [cmd("quit", h_quit, negate=False), cmd("return", h_return, negate=False)]
        tables["any"] = CommandTable(
            [
                cmd("display current-configuration", r.h_display_cur, negate=False),
                cmd("display current-configuration interface <name>", r.h_display_cur, negate=False),
                cmd("display this", h_display_this, negate=False),
                cmd("display saved-configuration", r.h_display_saved, negate=False),
                cmd("display interface brief", r.interface_brief, negate=False),
                cmd("display interface <name>", r.interface_detail, negate=False),
                cmd("display ip interface brief", r.ip_interface_brief, negate=False),
                cmd("display ipv6 interface brief", r.ipv6_interface_brief, negate=False),
                cmd("display version", r.version, negate=False),
                cmd("display ssh server status", r.ssh_server_status, negate=False),
                cmd("display info-center", r.info_center, negate=False),
                cmd("display ntp-service status", r.ntp_status, negate=False),
                cmd("display snmp-agent community", r.snmp_community, negate=False),
                cmd("display snmp-agent usm-user", r.snmp_usm_user, negate=False),
                cmd("display snmp-agent target-host", r.snmp_target_host, negate=False),
                cmd("display snmp-agent sys-info", r.snmp_sys_info, negate=False),
                cmd("display acl all", r.acl_all, negate=False),
                cmd("display acl ipv6 all", r.acl6_all, negate=False),
                cmd("display password-control", r.password_control, negate=False),
                cmd("display local-user", r.local_users, negate=False),
                cmd("display ip routing-table", r.routing_table, negate=False),
                cmd("display clock", r.clock, negate=False),
            ]
        )
        tables["user"] = CommandTable(
            [
                cmd("system-view", h_enter_config, negate=False),
                cmd("screen-length disable", h_screen_length, negate=False),
                cmd("save force", h_save_force, negate=False),
                cmd("save", h_save_ask, negate=False),
                cmd("terminal monitor", h_noop),
                *common,
            ]
        )
        tables["system"] = CommandTable(
            [
                *self.system_commands(),
                cmd("save force", h_save_force, negate=False),
                cmd("save", h_save_ask, negate=False),
                *common,
            ]
        )
        tables["luser"] = CommandTable(
            [
                cmd("password <form> <secret>", h_luser_password),
                undo_only("password", h_luser_password),
                cmd("service-type <services...>", h_luser_service),
                cmd("authorization-attribute user-role <role>", h_luser_role),
                *common,
            ]
        )
        for kind in ("interface", "acl", "acl6", "vty"):
            tables[kind] = CommandTable(
                [c for c in tables[kind].commands if c.words[0] not in ("quit", "return")] + common
            )
        return tables

    def system_commands(self) -> list[Command]:
        return [
            cmd("sysname <name>", h_sysname),
            cmd("version <text...>", h_noop, negate=False),
            cmd("interface <name>", h_interface),
            cmd("ip route-static <dest> <mask> <nexthop>", h_static_route),
            cmd("ip route-static <dest> <mask> <nexthop> <rest...>", h_static_route),
            cmd("ipv6 route-static <dest> <length> <nexthop>", h_static_route6),
            cmd("ipv6 route-static <dest> <length> <nexthop> <rest...>", h_static_route6),
            cmd("ospf <pid>", h_ospf),
            cmd("ospf <pid> router-id <rid>", h_ospf),
            cmd("ospfv3 <pid>", h_ospfv3),
            cmd("acl <kind> <acl>", h_acl_comware),
            cmd("acl ipv6 <kind> <acl>", lambda s, a: h_acl_comware(s, {**a, "ipv6": "1"})),
            cmd("line vty <first> <last>", h_vty),
            cmd("local-user <user> class manage", h_local_user_view),
            cmd("local-user <user>", h_local_user_view),
            cmd("password-control enable", h_pwctl_enable),
            cmd("password-control length <length>", h_pwctl_length),
            cmd("password-control aging <days>", h_pwctl_aging),
            cmd("password-control login-attempt <times> exceed lock-time <minutes>", h_pwctl_attempt),
            cmd("password-control login-attempt <times> exceed lock", h_pwctl_attempt),
            undo_only("password-control login-attempt", h_pwctl_attempt),
            cmd("snmp-agent", h_snmp_agent),
            cmd("snmp-agent sys-info version <versions...>", h_snmp_version),
            cmd("snmp-agent sys-info contact <text...>", h_snmp_contact),
            cmd("snmp-agent sys-info location <text...>", h_snmp_location),
            cmd("snmp-agent community <rest...>", h_snmp_community),
            cmd("snmp-agent group v3 <group>", lambda s, a: h_snmp_group(s, {**a, "rest": ""})),
            cmd("snmp-agent group v3 <group> <rest...>", h_snmp_group),
            undo_only("snmp-agent usm-user v3 <user>", h_snmp_usm_user),
            cmd("snmp-agent usm-user v3 <user> <rest...>", h_snmp_usm_user_comware),
            cmd("snmp-agent target-host <rest...>", h_snmp_target),
            cmd("snmp-agent trap enable", h_snmp_trap_enable),
            cmd("info-center enable", h_info_center),
            cmd("info-center loghost <host>", h_loghost),
            cmd("info-center loghost ipv6 <host>", h_loghost6),
            cmd("ntp-service enable", h_noop),
            cmd("ntp-service unicast-server <host>", h_ntp_server),
            cmd("ntp-service ipv6 unicast-server <host>", h_ntp_server6),
            cmd("clock timezone <rest...>", h_timezone),
            cmd("ssh server enable", flag_handler("ssh_server")),
            cmd("telnet server enable", flag_handler("telnet_server")),
            cmd("ip http enable", flag_handler("http_server")),
            cmd("ip https enable", flag_handler("https_server")),
            cmd("header <kind> <text...>", h_header_comware),
            undo_only("header <kind>", h_header_comware),
        ]

    def interface_commands(self) -> list[Command]:
        return [
            cmd("description <text...>", h_description),
            undo_only("description", h_description),
            cmd("port link-mode route", h_noop),
            cmd("ip address <address> <mask>", h_ip_address),
            cmd("ip address <address> <mask> sub", h_ip_address_sub),
            undo_only("ip address", h_ip_address),
            cmd("ipv6 address <address>", h_ipv6_address),
            cmd("ipv6 address <address> <length>", h_ipv6_address),
            cmd("ipv6 address auto link-local", h_ipv6_enable),
            cmd("shutdown", h_shutdown),
            cmd("bandwidth <kbps>", h_bandwidth),
            cmd("qos lr outbound cir <kbps>", h_rate_limit),
            cmd("qos lr outbound cir <kbps> <rest...>", h_rate_limit),
            cmd("ospf cost <cost>", h_ospf_cost),
            cmd("ospfv3 <pid> area <area>", h_itf_ospfv3),
            cmd("packet-filter <acl> inbound", h_itf_acl),
            cmd("packet-filter ipv6 <acl> inbound", h_itf_acl),
        ]

    def vty_commands(self) -> list[Command]:
        return [
            cmd("authentication-mode <mode>", h_auth_mode),
            cmd("protocol inbound <proto>", h_protocol_inbound),
            cmd("idle-timeout <minutes>", h_idle_timeout),
            cmd("idle-timeout <minutes> <seconds>", h_idle_timeout),
            cmd("acl <acl> inbound", h_vty_acl),
            cmd("acl ipv6 <acl> inbound", lambda s, a: h_vty_acl(s, {**a, "ipv6": "1"})),
            cmd("user-role <role>", lambda s, a: h_vty_privilege(s, {**a, "level": "15"})),
        ]

    def render_config(self, state: DeviceState) -> str:
        from govnet.lab.vendors.comware_render import render_comware

        return render_comware(self, state)


__all__ = ["H3cComware"]
