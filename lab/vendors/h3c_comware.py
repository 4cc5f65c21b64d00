"""H3C Comware 7: VRP's cousin. ``<H3C>``/``[H3C]``, ``screen-length disable``, ``save force``,
``line vty``, ``local-user X class manage`` views, ``password-control``, ``%``-style errors.

``H3cComware`` subclasses ``HuaweiVrp`` and overrides its hooks only where Comware differs.
"""

from __future__ import annotations

from govnet.lab.passwords import as_hash
from govnet.lab.state import DeviceState, LocalUser
from govnet.lab.vendors.base import (
    Args,
    CliSession,
    Command,
    CommandError,
    View,
    cmd,
    negated,
    number,
    undo_only,
)
from govnet.lab.vendors.handlers import (
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
    h_save_now,
    h_screen_length,
    h_snmp_usm_user,
    h_sysname,
    h_timezone,
    h_vty,
    h_vty_privilege,
    interface_address_commands,
    is_yes,
    local_user,
    save_if_yes,
    set_banner,
    set_lockout,
)
from govnet.lab.vendors.huawei_vrp import VRP_FAMILY_DISPLAYS, HuaweiVrp


def h_acl_comware(session: CliSession, args: Args) -> None:
    kind = args.get("kind", "").lower()
    if kind and kind not in ("basic", "advanced", "number"):
        raise CommandError("wrong-parameter")
    h_acl(session, {**args, "kind": "" if kind == "number" else kind})


def h_local_user_view(session: CliSession, args: Args) -> None:
    name = args["user"]
    if negated(args):
        drop_local_user(session, name)
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


def h_pwctl_aging(session: CliSession, args: Args) -> None:
    session.state.password_policy.expire_days = 0 if negated(args) else number(args["days"], 1, 365)


def h_pwctl_attempt(session: CliSession, args: Args) -> None:
    set_lockout(
        session, args, lambda: (number(args["times"], 2, 10), number(args.get("minutes", "1"), 1, 360))
    )


def h_header_comware(session: CliSession, args: Args) -> None:
    """``header login|shell|motd %TEXT%``: the text between the first character and its next use."""
    text = ""
    if not negated(args):
        raw = args.get("text", "")
        delimiter = raw[:1]
        text = raw[1:].split(delimiter, 1)[0] if delimiter and delimiter in raw[1:] else raw[1:]
    set_banner(session, args["kind"], text, ("login", "shell", "motd"))


def h_snmp_usm_user_comware(session: CliSession, args: Args) -> None:
    """Comware names the group right after the user: ``snmp-agent usm-user v3 USER GROUP [...]``."""
    words = args.get("rest", "").split()
    keywords = ("cipher", "simple", "authentication-mode", "privacy-mode", "acl", "group")
    if not negated(args) and (not words or words[0].lower() in keywords):
        raise CommandError("incomplete")
    h_snmp_usm_user(session, args)


def h_save_ask(session: CliSession, args: Args) -> str:
    """Plain ``save``: three questions, as Comware asks them."""

    def file_name(s: CliSession, reply: str) -> str:
        s.ask(save_if_yes)
        return "flash:/startup.cfg exists, overwrite? [Y/N]:"

    def sure(s: CliSession, reply: str) -> str:
        if not is_yes(reply):
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
    display_module = "govnet.lab.vendors.comware_render"
    displays = (*VRP_FAMILY_DISPLAYS, ("display password-control", "password_control"))
    error_prefix = " %"
    vty_view = "line-vty"

    def view_suffixes(self, view: View) -> dict[str, str]:
        kind = getattr(view.data, "kind", "basic")
        return {
            **super().view_suffixes(view),
            "acl": f"-acl-ipv4-{kind}-{view.key}",
            "acl6": f"-acl-ipv6-{kind}-{view.key}",
            "luser": f"-luser-manage-{view.key}",
        }

    def area_label(self, area: str) -> str:
        return area  # as typed: `area 0` stays `area-0`

    def cipher_marks(self) -> tuple[str, str]:
        return ("$c$3$", "")

    def system_view_notice(self) -> str:
        return "System View: return to User View with Ctrl+Z."

    def save_done_text(self) -> str:
        return (
            "Validating file. Please wait...\n"
            "Saved the current configuration to mainboard device successfully."
        )

    def failed_text(self, detail: str) -> str:
        return detail

    def login_notice(self) -> str:
        return (
            "******************************************************************************\n"
            "* Copyright (c) 2004-2024 New H3C Technologies Co., Ltd. All rights reserved.*\n"
            "* Without the owner's prior written consent,                                 *\n"
            "* no decompiling or reverse-engineering shall be allowed.                    *\n"
            "******************************************************************************"
        )

    def more_prompt(self) -> str:
        return "---- More ----"

    def idle_timeout_text(self) -> str:
        return "Info: The line is idle for a long time, and will be disconnected."

    def paging_commands(self) -> list[Command]:
        return [cmd("screen-length disable", h_screen_length, negate=False)]

    def save_commands(self) -> list[Command]:
        return [cmd("save force", h_save_now, negate=False), cmd("save", h_save_ask, negate=False)]

    def user_view_commands(self) -> dict[str, list[Command]]:
        return {
            "luser": [
                cmd("password <form> <secret>", h_luser_password),
                undo_only("password", h_luser_password),
                cmd("service-type <services...>", h_luser_service),
                cmd("authorization-attribute user-role <role>", h_luser_role),
            ]
        }

    def system_commands(self) -> list[Command]:
        return [
            cmd("sysname <name>", h_sysname),
            cmd("version <text...>", h_noop, negate=False),
            cmd("interface <name>", h_interface),
            *self.static_route_commands(),
            cmd("ospf <pid>", h_ospf),
            cmd("ospf <pid> router-id <rid>", h_ospf),
            cmd("ospfv3 <pid>", h_ospfv3),
            cmd("acl <kind> <acl>", h_acl_comware),
            cmd("acl ipv6 <kind> <acl>", lambda s, a: h_acl_comware(s, {**a, "ipv6": "1"})),
            cmd("line vty <first> <last>", h_vty),
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

    def render_config(self, state: DeviceState) -> str:
        from govnet.lab.vendors.comware_render import render_comware

        return render_comware(self, state)


__all__ = ["H3cComware"]
