"""Huawei VRP: ``<HOST>`` user view, ``[HOST]`` system view, ``undo`` forms, ``save`` with Y/N.

H3C Comware descends from VRP: ``h3c_comware.py`` subclasses this dialect and overrides its named
hooks (``view_suffixes``, ``error_prefix``, ``login_notice``, ``paging_commands``, ``save_commands``,
``displays``) only where Comware differs; the rest of the VRP family's terminal is here once. The
configuration commands and the config text are the VRP syntax's (``govnet.netconfig.huawei_vrp``).
"""

from __future__ import annotations

import importlib

from govnet.lab.lldp import lldp_commands
from govnet.lab.vendors.base import (
    CliSession,
    Command,
    CommandError,
    CommandTable,
    Dialect,
    View,
    cmd,
)
from govnet.lab.vendors.handlers import (
    h_display_cur,
    h_display_saved,
    h_display_this,
    h_enter_config,
    h_quit,
    h_return,
    h_save,
    h_screen_length,
)
from govnet.netconfig.handlers import dotted_area, h_noop
from govnet.netconfig.huawei_vrp import VrpSyntax

# The errors a typed command can get, worded alike by VRP and Comware (each adds its own prefix).
ERROR_WORDS = {
    "unrecognized": "Unrecognized command",
    "incomplete": "Incomplete command",
    "ambiguous": "Ambiguous command",
    "wrong-parameter": "Wrong parameter",
}

# ``display`` commands both dialects have, each shown by the function of that name in the
# dialect's display module (``display_module``).
VRP_FAMILY_DISPLAYS: tuple[tuple[str, str], ...] = (
    ("display interface brief", "interface_brief"),
    ("display interface <name>", "interface_detail"),
    ("display ip interface brief", "ip_interface_brief"),
    ("display ipv6 interface brief", "ipv6_interface_brief"),
    ("display version", "version"),
    ("display ssh server status", "ssh_server_status"),
    ("display info-center", "info_center"),
    ("display ntp-service status", "ntp_status"),
    ("display snmp-agent community", "snmp_community"),
    ("display snmp-agent usm-user", "snmp_usm_user"),
    ("display snmp-agent target-host", "snmp_target_host"),
    ("display snmp-agent sys-info", "snmp_sys_info"),
    ("display acl all", "acl_all"),
    ("display acl ipv6 all", "acl6_all"),
    ("display ip routing-table", "routing_table"),
    ("display local-user", "local_users"),
    ("display clock", "clock"),
)


class HuaweiVrp(VrpSyntax, Dialect):
    """VRP, and the hooks through which Comware (its descendant) says what it does differently."""

    display_module = "govnet.lab.vendors.vrp_display"
    displays: tuple[tuple[str, str], ...] = (
        *VRP_FAMILY_DISPLAYS,
        ("display snmp-agent community <access>", "snmp_community"),
        ("display interface description", "interface_description"),
        ("display telnet server status", "telnet_server_status"),
        ("display http server", "http_server"),
        ("display user-interface", "user_interface"),
    )
    error_prefix = "Error:"
    vty_view = "ui-vty"  # the VTY view's name in the prompt

    # --- texts --------------------------------------------------------------------------------
    def prompt(self, session: CliSession) -> str:
        name = session.state.hostname
        view = session.view
        if view.kind == "user":
            return f"<{name}>"
        return f"[{name}{self.view_suffixes(view).get(view.kind, '')}]"

    def view_suffixes(self, view: View) -> dict[str, str]:
        """What the prompt adds after the hostname in each view."""
        pid = view.parent.key if view.parent else ""
        acl_kind = "basic" if view.key.isdecimal() and int(view.key) < 3000 else "adv"
        return {
            "system": "",
            "interface": f"-{view.key}",
            "acl": f"-acl-{acl_kind}-{view.key}",
            "acl6": f"-acl6-{acl_kind}-{view.key}",
            "ospf": f"-ospf-{view.key}",
            "ospf-area": f"-ospf-{pid}-area-{self.area_label(view.key)}",
            "ospfv3": f"-ospfv3-{view.key}",
            "ospfv3-area": f"-ospfv3-{pid}-area-{self.area_label(view.key)}",
            "vty": f"-{self.vty_view}{view.key.replace(' ', '-')}",
            "aaa": "-aaa",
            "password-policy": "-aaa-lupp-admin",
        }

    def area_label(self, area: str) -> str:
        return dotted_area(area)

    def system_view_notice(self) -> str:
        return "Enter system view, return user view with return command."

    def save_question(self) -> str:
        return "The current configuration will be written to the device.\nAre you sure to continue?[Y/N]"

    def save_done_text(self) -> str:
        return "Now saving the current configuration to the slot 0.\nSave the configuration successfully."

    def error_text(self, session: CliSession, err: CommandError, line: str) -> str:
        if err.kind == "failed":
            return self.failed_text(err.detail)
        caret = " " * (len(session.prompt()) + err.column) + "^"
        return f"{caret}\n{self.error_prefix} {ERROR_WORDS[err.kind]} found at '^' position."

    def failed_text(self, detail: str) -> str:
        """A command the device understood but refused."""
        return f"Error: {detail}"

    def motd(self, session: CliSession) -> str:
        banner = session.state.banners.motd
        notice = self.login_notice()
        return f"{banner}\n{notice}" if banner else notice

    def login_notice(self) -> str:
        """What the device prints after every login, below the configured banner."""
        return "Info: The max number of VTY users is 5, the number of current VTY users online is 1."

    # --- tables -------------------------------------------------------------------------------
    def build_tables(self) -> dict[str, CommandTable]:
        leave = [cmd("quit", h_quit, negate=False), cmd("return", h_return, negate=False)]
        return self.with_terminal(
            {
                "any": self.display_commands(),
                "user": [
                    cmd("system-view", h_enter_config, negate=False),
                    *self.paging_commands(),
                    cmd("terminal monitor", h_noop),
                    *self.save_commands(),
                    *leave,
                ],
                "system": self.save_commands(),
            },
            everywhere=leave,
        )

    def display_commands(self) -> list[Command]:
        module = importlib.import_module(self.display_module)
        return [
            cmd("display current-configuration", h_display_cur, negate=False),
            cmd("display current-configuration interface <name>", h_display_cur, negate=False),
            cmd("display this", h_display_this, negate=False),
            cmd("display saved-configuration", h_display_saved, negate=False),
            *(cmd(pattern, getattr(module, name), negate=False) for pattern, name in self.displays),
            *lldp_commands(self.vendor),
        ]

    def paging_commands(self) -> list[Command]:
        return [
            cmd("screen-length <n#> temporary", h_screen_length),
            cmd("screen-width <n> temporary", h_noop, negate=False),
        ]

    def save_commands(self) -> list[Command]:
        return [cmd("save", h_save, negate=False)]
