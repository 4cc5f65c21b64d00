"""Cisco IOS / IOS XE: ``>`` and ``#``, ``enable``, ``configure terminal``/``end``, ``no`` forms,
``write memory``, ``% Invalid input detected at '^' marker.``
"""

from __future__ import annotations

from govnet.lab.lldp import lldp_commands
from govnet.lab.vendors.base import Args, CliSession, CommandError, CommandTable, Dialect, View, cmd
from govnet.lab.vendors.handlers import h_enter_config, h_save_now, h_screen_length
from govnet.netconfig.cisco_ios import IosSyntax
from govnet.netconfig.handlers import config_root_view, h_noop
from govnet.netconfig.passwords import verify_password

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


class CiscoIos(IosSyntax, Dialect):
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
            *lldp_commands(self.vendor),
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
        return self.with_terminal(
            {
                "user": [
                    cmd("enable", h_enable, negate=False),
                    cmd("show version", r.version, negate=False),
                    cmd("show ip interface brief", r.ip_interface_brief, negate=False),
                    *terminal,
                    *leave,
                ],
                "exec": [
                    *shows,
                    *terminal,
                    *leave,
                    cmd("enable", h_enable, negate=False),
                    cmd("disable", h_disable, negate=False),
                    cmd("configure terminal", h_enter_config, negate=False),
                    cmd("write memory", h_save_now, negate=False),
                    cmd("write", h_save_now, negate=False),
                    cmd("copy running-config startup-config", h_copy_run_start, negate=False),
                ],
            },
            everywhere=sub_common,
        )


__all__ = ["CiscoIos"]
