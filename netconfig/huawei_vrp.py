"""Huawei VRP configuration syntax: its config commands per view, and ``display current-configuration``
rendered from a ``DeviceConfig``.

H3C Comware descends from VRP: ``h3c_comware.py`` subclasses ``VrpSyntax`` and overrides its named
hooks (the command groups, the renderer) only where Comware differs. Every line the renderer writes
reads back through the command tables (``render`` → ``parse`` gives the same model).
"""

from __future__ import annotations

from govnet.netconfig import render_common as common
from govnet.netconfig.dialect import ConfigDialect
from govnet.netconfig.grammar import Command, cmd, len_to_mask, undo_only
from govnet.netconfig.handlers import (
    dotted_area,
    flag_handler,
    h_aaa,
    h_acl,
    h_acl_rule,
    h_acl_rule_auto,
    h_auth_mode,
    h_bandwidth,
    h_description,
    h_header,
    h_idle_timeout,
    h_info_center,
    h_interface,
    h_ipv6_address,
    h_ipv6_enable,
    h_ipv6_link_local_auto,
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
    h_rate_limit,
    h_router_id,
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
    h_ssh_acl,
    h_ssh_user,
    h_static_route,
    h_static_route6,
    h_sysname,
    h_timezone,
    h_vty,
    h_vty_acl,
    h_vty_password,
    h_vty_privilege,
    interface_address_commands,
    server_commands,
)
from govnet.netconfig.model import DeviceConfig, InterfaceConfig, SnmpV3User
from govnet.netconfig.passwords import obscure, retag


class VrpSyntax(ConfigDialect):
    """VRP, and the hooks through which Comware (its descendant) says what it writes differently."""

    vendor = "huawei_vrp"
    negation = "undo"

    def config_commands(self) -> dict[str, list[Command]]:
        return {
            "system": self.system_commands(),
            "interface": self.interface_commands(),
            "acl": self.acl_commands(),
            "acl6": self.acl_commands(),
            "ospf": [cmd("area <area>", h_ospf_area), cmd("router-id <rid>", h_router_id)],
            "ospf-area": [cmd("network <address> <wildcard>", h_ospf_network)],
            "ospfv3": [cmd("router-id <rid>", h_router_id), cmd("area <area>", h_ospf_area)],
            "ospfv3-area": [],
            "vty": self.vty_commands(),
            **self.user_view_commands(),
        }

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
            *server_commands("ntp-service unicast-server", h_ntp_server),
            *server_commands("ntp-service unicast-server ipv6", h_ntp_server6),
            *server_commands("ntp unicast-server", h_ntp_server),  # VRP V8 (CloudEngine)
            *server_commands("ntp unicast-server ipv6", h_ntp_server6),
            cmd("clock timezone <rest...>", h_timezone),
            cmd("stelnet server enable", flag_handler("ssh_server")),
            cmd("telnet server enable", flag_handler("telnet_server")),
            cmd("telnet server disable", lambda s, a: flag_handler("telnet_server")(s, {"__no__": "1"})),
            cmd("http server enable", flag_handler("http_server")),
            cmd("http secure-server enable", flag_handler("https_server")),
            cmd("ftp server enable", flag_handler("ftp_server")),
            cmd("ssh user <user> <rest...>", h_ssh_user),
            cmd("ssh server acl <acl>", h_ssh_acl),
            undo_only("ssh server acl", h_ssh_acl),
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
            *server_commands("info-center loghost", h_loghost, vrf="vpn-instance"),
            *server_commands("info-center loghost ipv6", h_loghost6, vrf="vpn-instance"),
        ]

    def interface_commands(self) -> list[Command]:
        return [
            *interface_address_commands(secondary="sub"),
            cmd("ipv6 enable", h_ipv6_enable),
            cmd("ipv6 address auto link-local", h_ipv6_link_local_auto),
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
            cmd("set authentication password <secret...>", h_vty_password),
            undo_only("set authentication password", h_vty_password),
        ]

    def aaa_commands(self) -> list[Command]:
        return [
            cmd("local-user <user> password irreversible-cipher <secret>", h_local_user_password),
            cmd(
                "local-user <user> password cipher <secret>",
                lambda s, a: h_local_user_password(s, {**a, "form": "cipher"}),
            ),
            cmd(
                "local-user <user> password simple <secret>",
                lambda s, a: h_local_user_password(s, {**a, "form": "simple"}),
            ),
            cmd("local-user <user> privilege level <level>", h_local_user_level),
            cmd("local-user <user> level <level>", h_local_user_level),  # VRP V8
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

    def render_config(self, config: DeviceConfig) -> str:
        return render_vrp(self, config)


def render_vrp(dialect: VrpSyntax, config: DeviceConfig) -> str:
    out: list[str] = [f"!Software Version {dialect.version_text}", "#", f"sysname {config.hostname}", "#"]
    if config.ipv6_enabled:
        out += ["ipv6", "#"]
    out += common.vrp_loghost_lines(config, indent="")
    if config.timezone:
        out += [f"clock timezone {config.timezone}", "#"]
    out.append("telnet server enable" if config.telnet_server else "undo telnet server enable")
    out.append("http server enable" if config.http_server else "undo http server enable")
    out.append("http secure-server enable" if config.https_server else "undo http secure-server enable")
    if config.ftp_server:
        out.append("ftp server enable")
    out.append("#")
    for acl in config.acls:
        head = (
            f"acl ipv6 number {acl.name}"
            if acl.ipv6
            else (f"acl number {acl.name}" if acl.name.isdecimal() else f"acl name {acl.name}")
        )
        out.append(head)
        for rule in acl.rules:
            out.append(f" rule {rule.rule_id} {rule.action}{' ' + rule.text if rule.text else ''}")
        out.append("#")
    out += _aaa(config)
    out += common.vrp_interface_sections(config, _interface)
    for process in sorted(config.ospf, key=lambda p: (p.version, p.process_id)):
        if process.version == 2:
            out.append(
                f"ospf {process.process_id}{' router-id ' + process.router_id if process.router_id else ''}"
            )
            for area in process.areas:
                out.append(f" area {dotted_area(area.area)}")
                out += [f"  network {n}" for n in area.networks]
        else:
            out.append(f"ospfv3 {process.process_id}")
            if process.router_id:
                out.append(f" router-id {process.router_id}")
            for area in process.areas:
                out.append(f" area {dotted_area(area.area)}")
        out.append("#")
    for route in config.static_routes:
        net, length = route.prefix.split("/")
        if ":" in route.prefix:
            out.append(f"ipv6 route-static {net} {length} {route.next_hop}{common.vrp_route_options(route)}")
        else:
            mask = len_to_mask(int(length))
            out.append(f"ip route-static {net} {mask} {route.next_hop}{common.vrp_route_options(route)}")
    if config.static_routes:
        out.append("#")
    out += _snmp(config, dialect.cipher_marks())
    out.append("stelnet server enable" if config.ssh_server else "undo stelnet server enable")
    if config.ssh_acl:
        out.append(f"ssh server acl {config.ssh_acl}")
    for user in config.local_users:
        if "ssh" in user.services:
            out.append(f"ssh user {user.name} authentication-type password")
            out.append(f"ssh user {user.name} service-type stelnet")
    out.append("#")
    for server in config.ntp_servers:
        out.append(f"ntp-service unicast-server {'ipv6 ' if ':' in server else ''}{server}")
    if config.ntp_servers:
        out.append("#")
    if config.banners.login:
        out.append(f'header login information "{config.banners.login}"')
    if config.banners.motd:
        out.append(f'header shell information "{config.banners.motd}"')
    if config.banners.login or config.banners.motd:
        out.append("#")
    vty = config.vty
    out.append(f"user-interface vty {vty.first} {vty.last}")
    out.append(f" authentication-mode {vty.auth_mode}")
    if vty.privilege is not None:
        out.append(f" user privilege level {vty.privilege}")
    out.append(f" idle-timeout {common.idle_timeout_words(config)}")
    out.append(f" protocol inbound {common.protocols_word(vty.protocols)}")
    out += common.vrp_vty_acl_lines(config)
    out.append("#")
    out += config.extra_lines
    out.append("return")
    return "\n".join(out)


def _aaa(config: DeviceConfig) -> list[str]:
    out = ["aaa"]
    lock = config.lockout
    if lock.max_failures:
        out.append(
            f" local-aaa-user wrong-password retry-interval {lock.lock_minutes} "
            f"retry-time {lock.max_failures} block-time {lock.lock_minutes}"
        )
    policy = config.password_policy
    if policy.expire_days or policy.min_length or policy.complexity:
        out.append(" local-aaa-user password policy administrator")
        if policy.expire_days:
            out.append(f"  password expire {policy.expire_days}")
        if policy.min_length:
            out.append(f"  password min-length {policy.min_length}")
        if policy.complexity:
            out.append("  password complexity")
    for user in config.local_users:
        out.append(f" local-user {user.name} password irreversible-cipher {retag(user.password_hash, '1c')}")
        out.append(f" local-user {user.name} privilege level {user.privilege}")
        if user.services:
            services = " ".join(sorted("ssh" if s == "ssh" else s for s in user.services))
            out.append(f" local-user {user.name} service-type {services}")
    out.append("#")
    return out


def _interface(itf: InterfaceConfig) -> list[str]:
    out = [f"interface {itf.name}"]
    if itf.shutdown:
        out.append(" shutdown")
    if itf.description:
        out.append(f" description {itf.description}")
    if itf.ipv6_enabled:
        out.append(" ipv6 enable")
    out += common.ipv4_address_lines(itf, "sub")
    if itf.ipv6_link_local_auto:
        out.append(" ipv6 address auto link-local")
    out += common.ipv6_address_lines(itf)
    out += common.vrp_link_lines(itf)
    if itf.acl_in:
        out.append(f" traffic-filter inbound acl {itf.acl_in}")
    return out


def _snmp(config: DeviceConfig, marks: tuple[str, str]) -> list[str]:
    def user_lines(user: SnmpV3User) -> list[str]:
        lines = [f" group {user.group}" if user.group else ""]  # each setting on a line of its own
        if user.auth_protocol and user.auth_key:
            proto = {"sha": "sha", "sha256": "sha2-256", "md5": "md5"}[user.auth_protocol]
            lines.append(f" authentication-mode {proto} cipher {obscure(user.auth_key, *marks)}")
        if user.priv_protocol and user.priv_key:
            proto = {"aes": "aes128", "aes256": "aes256", "des": "des56"}[user.priv_protocol]
            lines.append(f" privacy-mode {proto} cipher {obscure(user.priv_key, *marks)}")
        if user.acl:
            lines.append(f" acl {user.acl}")
        return lines

    return common.vrp_snmp_agent_lines(
        config.snmp,
        indent="",
        marks=marks,
        sys_info_order=("version", "contact", "location"),
        group_options=("read-view", "write-view", "acl"),
        user_lines=user_lines,
    )
