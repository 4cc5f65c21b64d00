"""``display current-configuration`` for Huawei VRP, rendered from DeviceState.

Every line here must replay through the VRP command tables (``HuaweiVrp.load_config``): that is
how a saved configuration boots.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govnet.lab.passwords import obscure, retag
from govnet.lab.state import DeviceState, Interface, SnmpV3User
from govnet.lab.vendors import render_common as common
from govnet.lab.vendors.base import len_to_mask
from govnet.lab.vendors.handlers import dotted_area

if TYPE_CHECKING:
    from govnet.lab.vendors.huawei_vrp import HuaweiVrp


def render_vrp(dialect: HuaweiVrp, state: DeviceState) -> str:
    out: list[str] = [f"!Software Version {dialect.version_text}", "#", f"sysname {state.hostname}", "#"]
    if state.ipv6_enabled:
        out += ["ipv6", "#"]
    out += common.vrp_loghost_lines(state, indent="")
    if state.timezone:
        out += [f"clock timezone {state.timezone}", "#"]
    out.append("telnet server enable" if state.telnet_server else "undo telnet server enable")
    out.append("http server enable" if state.http_server else "undo http server enable")
    out.append("http secure-server enable" if state.https_server else "undo http secure-server enable")
    out.append("#")
    for acl in state.acls:
        head = (
            f"acl ipv6 number {acl.name}"
            if acl.ipv6
            else (f"acl number {acl.name}" if acl.name.isdecimal() else f"acl name {acl.name}")
        )
        out.append(head)
        for rule in acl.rules:
            out.append(f" rule {rule.rule_id} {rule.action}{' ' + rule.text if rule.text else ''}")
        out.append("#")
    out += _aaa(state)
    out += common.vrp_interface_sections(state, _interface)
    for process in sorted(state.ospf, key=lambda p: (p.version, p.process_id)):
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
    for route in state.static_routes:
        net, length = route.prefix.split("/")
        if ":" in route.prefix:
            out.append(f"ipv6 route-static {net} {length} {route.next_hop}{common.vrp_route_options(route)}")
        else:
            mask = len_to_mask(int(length))
            out.append(f"ip route-static {net} {mask} {route.next_hop}{common.vrp_route_options(route)}")
    if state.static_routes:
        out.append("#")
    out += _snmp(state, dialect.cipher_marks())
    out.append("stelnet server enable" if state.ssh_server else "undo stelnet server enable")
    for user in state.local_users:
        if "ssh" in user.services:
            out.append(f"ssh user {user.name} authentication-type password")
            out.append(f"ssh user {user.name} service-type stelnet")
    out.append("#")
    for server in state.ntp_servers:
        out.append(f"ntp-service unicast-server {'ipv6 ' if ':' in server else ''}{server}")
    if state.ntp_servers:
        out.append("#")
    if state.banners.login:
        out.append(f'header login information "{state.banners.login}"')
    if state.banners.motd:
        out.append(f'header shell information "{state.banners.motd}"')
    if state.banners.login or state.banners.motd:
        out.append("#")
    vty = state.vty
    out.append(f"user-interface vty {vty.first} {vty.last}")
    out.append(f" authentication-mode {vty.auth_mode}")
    if vty.privilege is not None:
        out.append(f" user privilege level {vty.privilege}")
    if idle := common.idle_timeout_words(state):
        out.append(f" idle-timeout {idle}")
    out.append(f" protocol inbound {common.protocols_word(vty.protocols)}")
    out += common.vrp_vty_acl_lines(state)
    out.append("#")
    out += state.extra_lines
    out.append("return")
    return "\n".join(out)


def _aaa(state: DeviceState) -> list[str]:
    out = ["aaa"]
    lock = state.lockout
    if lock.max_failures:
        out.append(
            f" local-aaa-user wrong-password retry-interval {lock.lock_minutes} "
            f"retry-time {lock.max_failures} block-time {lock.lock_minutes}"
        )
    policy = state.password_policy
    if policy.expire_days or policy.min_length or policy.complexity:
        out.append(" local-aaa-user password policy administrator")
        if policy.expire_days:
            out.append(f"  password expire {policy.expire_days}")
        if policy.min_length:
            out.append(f"  password min-length {policy.min_length}")
        if policy.complexity:
            out.append("  password complexity")
    for user in state.local_users:
        out.append(f" local-user {user.name} password irreversible-cipher {retag(user.password_hash, '1c')}")
        out.append(f" local-user {user.name} privilege level {user.privilege}")
        if user.services:
            services = " ".join(sorted("ssh" if s == "ssh" else s for s in user.services))
            out.append(f" local-user {user.name} service-type {services}")
    out.append("#")
    return out


def _interface(itf: Interface) -> list[str]:
    out = [f"interface {itf.name}"]
    if itf.shutdown:
        out.append(" shutdown")
    if itf.description:
        out.append(f" description {itf.description}")
    if itf.ipv6_enabled:
        out.append(" ipv6 enable")
    out += common.ipv4_address_lines(itf, "sub")
    out += common.ipv6_address_lines(itf)
    out += common.vrp_link_lines(itf)
    if itf.acl_in:
        out.append(f" traffic-filter inbound acl {itf.acl_in}")
    return out


def _snmp(state: DeviceState, marks: tuple[str, str]) -> list[str]:
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
        state.snmp,
        indent="",
        marks=marks,
        sys_info_order=("version", "contact", "location"),
        group_options=("read-view", "write-view", "acl"),
        user_lines=user_lines,
    )
