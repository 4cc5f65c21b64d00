"""Huawei VRP: ``<HOST>`` user view, ``[HOST]`` system view, ``undo`` forms, ``save`` with Y/N.

H3C Comware descends from VRP: ``h3c_comware.py`` subclasses this dialect and overrides its named
hooks (``view_suffixes``, ``error_prefix``, ``login_notice``, ``paging_commands``, ``save_commands``,
``displays``, the command groups) only where Comware differs; the rest of the VRP family's logic is
here once. The handlers behind the commands are in ``handlers.py``; config lines both write alike
are in ``render_common.py``.
"""

from __future__ import annotations

import importlib

from govnet.lab.state import DeviceState
from govnet.lab.vendors.base import (
    CliSession,
    Command,
    CommandError,
    CommandTable,
    Dialect,
    View,
    cmd,
    undo_only,
)
from govnet.lab.vendors.handlers import (
    dotted_area,
    flag_handler,
    h_aaa,
    h_acl,
    h_acl_rule,
    h_acl_rule_auto,
    h_auth_mode,
    h_bandwidth,
    h_description,
    h_display_cur,
    h_display_saved,
    h_display_this,
    h_enter_config,
    h_header,
    h_idle_timeout,
    h_info_center,
    h_interface,
    h_ipv6_address,
    h_ipv6_enable,
    h_itf_acl,
    h_itf_ospfv3,
    h_local_user_delete,
    h_local_user_level,
    h_local_user_password,
    h_local_user_service,
    h_lockout_vrp,
    h_loghost,
    h_loghost6,
    h_noop,
    h_ntp_server,
    h_ntp_server6,
    h_ospf,
    h_ospf_area,
    h_ospf_cost,
    h_ospf_network,
    h_ospfv3,
    h_password_complexity,
    h_password_expire,
    h_password_min_length,
    h_password_policy,
    h_protocol_inbound,
    h_quit,
    h_rate_limit,
    h_return,
    h_router_id,
    h_save,
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
    h_ssh_user,
    h_static_route,
    h_static_route6,
    h_sysname,
    h_timezone,
    h_vty,
    h_vty_acl,
    h_vty_privilege,
    interface_address_commands,
)

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


class HuaweiVrp(Dialect):
    """VRP, and the hooks through which Comware (its descendant) says what it does differently."""

    vendor = "huawei_vrp"
    negation = "undo"
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
        common = [cmd("quit", h_quit, negate=False), cmd("return", h_return, negate=False)]
        return {
            "any": CommandTable(self.display_commands()),
            "user": CommandTable(
                [
                    cmd("system-view", h_enter_config, negate=False),
                    *self.paging_commands(),
                    cmd("terminal monitor", h_noop),
                    *self.save_commands(),
                    *common,
                ]
            ),
            "system": CommandTable([*self.system_commands(), *self.save_commands(), *common]),
            "interface": CommandTable(self.interface_commands() + common),
            "acl": CommandTable(self.acl_commands() + common),
            "acl6": CommandTable(self.acl_commands() + common),
            "ospf": CommandTable(
                [cmd("area <area>", h_ospf_area), cmd("router-id <rid>", h_router_id), *common]
            ),
            "ospf-area": CommandTable([cmd("network <address> <wildcard>", h_ospf_network), *common]),
            "ospfv3": CommandTable(
                [cmd("router-id <rid>", h_router_id), cmd("area <area>", h_ospf_area), *common]
            ),
            "ospfv3-area": CommandTable(common),
            "vty": CommandTable(self.vty_commands() + common),
            **{kind: CommandTable(commands + common) for kind, commands in self.user_view_commands().items()},
        }

    def display_commands(self) -> list[Command]:
        module = importlib.import_module(self.display_module)
        return [
            cmd("display current-configuration", h_display_cur, negate=False),
            cmd("display current-configuration interface <name>", h_display_cur, negate=False),
            cmd("display this", h_display_this, negate=False),
            cmd("display saved-configuration", h_display_saved, negate=False),
            *(cmd(pattern, getattr(module, name), negate=False) for pattern, name in self.displays),
        ]

    def paging_commands(self) -> list[Command]:
        return [
            cmd("screen-length <n#> temporary", h_screen_length),
            cmd("screen-width <n> temporary", h_noop, negate=False),
        ]

    def save_commands(self) -> list[Command]:
        return [cmd("save", h_save, negate=False)]

    def user_view_commands(self) -> dict[str, list[Command]]:
        """The views where local users and their password rules are configured."""
        return {
            "aaa": self.aaa_commands(),
            "password-policy": [
                cmd("password expire <days>", h_password_expire),
                cmd("password min-length <length>", h_password_min_length),
                cmd("password complexity", h_password_complexity),
            ],
        }

    def system_commands(self) -> list[Command]:
        return [
            cmd("sysname <name>", h_sysname),
            cmd("interface <name>", h_interface),
            *self.static_route_commands(),
            cmd("ipv6", flag_handler("ipv6_enabled")),
            cmd("ospf", h_ospf),
            cmd("ospf <pid>", h_ospf),
            cmd("ospf <pid> router-id <rid>", h_ospf),
            cmd("ospfv3", h_ospfv3),
            cmd("ospfv3 <pid>", h_ospfv3),
            cmd("acl <acl>", h_acl),
            cmd("acl number <acl>", h_acl),
            cmd("acl name <acl>", h_acl),
            cmd("acl ipv6 <acl>", lambda s, a: h_acl(s, {**a, "ipv6": "1"})),
            cmd("acl ipv6 number <acl>", lambda s, a: h_acl(s, {**a, "ipv6": "1"})),
            cmd("user-interface vty <first> <last>", h_vty),
            cmd("aaa", h_aaa),
            *self.snmp_agent_commands(),
            *self.info_center_commands(),
            cmd("ntp-service unicast-server <host>", h_ntp_server),
            cmd("ntp-service unicast-server ipv6 <host>", h_ntp_server6),
            cmd("clock timezone <rest...>", h_timezone),
            cmd("stelnet server enable", flag_handler("ssh_server")),
            cmd("telnet server enable", flag_handler("telnet_server")),
            cmd("http server enable", flag_handler("http_server")),
            cmd("http secure-server enable", flag_handler("https_server")),
            cmd("ssh user <user> <rest...>", h_ssh_user),
            cmd("ssh authentication-type default password", h_noop),
            cmd("header <kind> <text...>", h_header),
            undo_only("header <kind>", h_header),
        ]

    def static_route_commands(self) -> list[Command]:
        return [
            cmd("ip route-static <dest> <mask> <nexthop>", h_static_route),
            cmd("ip route-static <dest> <mask> <nexthop> <rest...>", h_static_route),
            cmd("ipv6 route-static <dest> <length> <nexthop>", h_static_route6),
            cmd("ipv6 route-static <dest> <length> <nexthop> <rest...>", h_static_route6),
        ]

    def snmp_agent_commands(self) -> list[Command]:
        return [
            cmd("snmp-agent", h_snmp_agent),
            cmd("snmp-agent sys-info version <versions...>", h_snmp_version),
            cmd("snmp-agent sys-info contact <text...>", h_snmp_contact),
            cmd("snmp-agent sys-info location <text...>", h_snmp_location),
            cmd("snmp-agent community <rest...>", h_snmp_community),
            cmd("snmp-agent group v3 <group>", lambda s, a: h_snmp_group(s, {**a, "rest": ""})),
            cmd("snmp-agent group v3 <group> <rest...>", h_snmp_group),
            *self.usm_user_commands(),
            cmd("snmp-agent target-host <rest...>", h_snmp_target),
            cmd("snmp-agent trap enable", h_snmp_trap_enable),
        ]

    def usm_user_commands(self) -> list[Command]:
        return [
            cmd("snmp-agent usm-user v3 <user>", h_snmp_usm_user),
            cmd("snmp-agent usm-user v3 <user> <rest...>", h_snmp_usm_user),
        ]

    def info_center_commands(self) -> list[Command]:
        return [
            cmd("info-center enable", h_info_center),
            cmd("info-center loghost <host>", h_loghost),
            cmd("info-center loghost ipv6 <host>", h_loghost6),
        ]

    def interface_commands(self) -> list[Command]:
        return [
            *interface_address_commands(secondary="sub"),
            cmd("ipv6 enable", h_ipv6_enable),
            *self.ipv6_address_commands(),
            *self.link_commands(),
            cmd("traffic-filter inbound acl <acl>", h_itf_acl),
            cmd("traffic-filter inbound acl name <acl>", h_itf_acl),
        ]

    def ipv6_address_commands(self) -> list[Command]:
        return [
            cmd("ipv6 address <address>", h_ipv6_address),
            cmd("ipv6 address <address> <length>", h_ipv6_address),
        ]

    def link_commands(self) -> list[Command]:
        """An interface's state, bandwidth, rate limit and OSPF settings."""
        return [
            cmd("shutdown", h_shutdown),
            cmd("bandwidth <kbps>", h_bandwidth),
            cmd("qos lr outbound cir <kbps>", h_rate_limit),
            cmd("qos lr outbound cir <kbps> <rest...>", h_rate_limit),
            cmd("ospf cost <cost>", h_ospf_cost),
            cmd("ospfv3 <pid> area <area>", h_itf_ospfv3),
        ]

    def acl_commands(self) -> list[Command]:
        return [
            cmd("rule <id#> <action> <rest...>", h_acl_rule),
            cmd("rule <id#> <action>", h_acl_rule),
            undo_only("rule <id#>", h_acl_rule),
            cmd("rule permit <rest...>", lambda s, a: h_acl_rule_auto(s, {**a, "action": "permit"})),
            cmd("rule deny <rest...>", lambda s, a: h_acl_rule_auto(s, {**a, "action": "deny"})),
            cmd("description <text...>", h_description),
        ]

    def vty_commands(self) -> list[Command]:
        return [
            *self.vty_access_commands(),
            cmd("user privilege level <level>", h_vty_privilege),
            cmd("shell", h_noop),
        ]

    def vty_access_commands(self) -> list[Command]:
        """How the VTY lines authenticate, which protocols and sources they take, their timeout."""
        return [
            cmd("authentication-mode <mode>", h_auth_mode),
            cmd("protocol inbound <proto>", h_protocol_inbound),
            cmd("idle-timeout <minutes>", h_idle_timeout),
            cmd("idle-timeout <minutes> <seconds>", h_idle_timeout),
            cmd("acl <acl> inbound", h_vty_acl),
            cmd("acl ipv6 <acl> inbound", lambda s, a: h_vty_acl(s, {**a, "ipv6": "1"})),
        ]

    def aaa_commands(self) -> list[Command]:
        return [
            cmd("local-user <user> password irreversible-cipher <secret>", h_local_user_password),
            cmd("local-user <user> password cipher <secret>", h_local_user_password),
            cmd("local-user <user> privilege level <level>", h_local_user_level),
            cmd("local-user <user> service-type <services...>", h_local_user_service),
            cmd("local-user <user>", h_local_user_delete),
            cmd(
                "local-aaa-user wrong-password retry-interval <interval> retry-time <times> "
                "block-time <block>",
                h_lockout_vrp,
            ),
            undo_only("local-aaa-user wrong-password", h_lockout_vrp),
            cmd("local-aaa-user password policy administrator", h_password_policy),
        ]

    # --- configuration ------------------------------------------------------------------------
    def render_config(self, state: DeviceState) -> str:
        from govnet.lab.vendors.vrp_config import render_vrp

        return render_vrp(self, state)
