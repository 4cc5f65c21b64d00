"""``display current-configuration`` for Huawei VRP, rendered from DeviceState.

Every line here must replay through the VRP command tables (``HuaweiVrp.load_config``): that is
how a saved configuration boots.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govnet.lab.passwords import obscure, retag
from govnet.lab.state import DeviceState, Interface
from govnet.lab.vendors.base import len_to_mask
from govnet.lab.vendors.handlers import dotted_area
from govnet.lab.vendors.render_common import (
    idle_timeout_words,
    ipv4_address_lines,
    ipv6_address_lines,
    protocols_word,
    snmp_agent_shown,
    vrp_link_lines,
    vrp_loghost_lines,
    vrp_route_options,
    vrp_vty_acl_lines,
)

if TYPE_CHECKING:
    from govnet.lab.vendors.huawei_vrp import HuaweiVrp


def render_vrp(dialect: HuaweiVrp, state: DeviceState) -> str:
    out: list[str] = [f"!Software Version {dialect.version_text}", "#", f"sysname {state.hostname}", "#"]
    if state.ipv6_enabled:
        out += ["ipv6", "#"]
    out += vrp_loghost_lines(state, indent="")
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
    for itf in state.interfaces:
        out += _interface(itf)
        out += [f" ospfv3 {pid} area {area}" for pid, area in state.ospfv3_areas(itf.name)]
        out.append("#")
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
            out.append(f"ipv6 route-static {net} {length} {route.next_hop}{vrp_route_options(route)}")
        else:
            mask = len_to_mask(int(length))
            out.append(f"ip route-static {net} {mask} {route.next_hop}{vrp_route_options(route)}")
    if state.static_routes:
        out.append("#")
    out += _snmp(state)
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
    if idle := idle_timeout_words(state):
        out.append(f" idle-timeout {idle}")
    out.append(f" protocol inbound {protocols_word(vty.protocols)}")
    out += vrp_vty_acl_lines(state)
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
    out += ipv4_address_lines(itf, "sub")
    out += ipv6_address_lines(itf)
    out += vrp_link_lines(itf)
    if itf.acl_in:
        out.append(f" traffic-filter inbound acl {itf.acl_in}")
    return out


def _snmp(state: DeviceState) -> list[str]:
    snmp = state.snmp
    if not snmp_agent_shown(snmp):
        return []
    out = ["snmp-agent"]
    for community in snmp.communities:
        access = "read" if community.access == "ro" else "write"
        acl = f" acl {community.acl}" if community.acl else ""
        out.append(f"snmp-agent community {access} cipher {obscure(community.name)}{acl}")
    if snmp.versions:
        out.append(f"snmp-agent sys-info version {' '.join(sorted(snmp.versions))}")
    if snmp.contact:
        out.append(f"snmp-agent sys-info contact {snmp.contact}")
    if snmp.location:
        out.append(f"snmp-agent sys-info location {snmp.location}")
    for group in snmp.groups:
        extra = "".join(
            f" {k} {v}"
            for k, v in (("read-view", group.read_view), ("write-view", group.write_view), ("acl", group.acl))
            if v
        )
        level = "" if group.security_level == "noauthentication" else f" {group.security_level}"
        out.append(f"snmp-agent group v3 {group.name}{level}{extra}")
    for host in snmp.trap_hosts:
        level = " privacy" if host.version == "v3" else ""
        out.append(
            f"snmp-agent target-host trap address udp-domain {host.address} udp-port {host.port} "
            f"params securityname {obscure(host.params)} {host.version}{level}"
        )
    for user in snmp.users:
        out.append(f"snmp-agent usm-user v3 {user.name}" + (f" group {user.group}" if user.group else ""))
        if user.auth_protocol and user.auth_key:
            proto = {"sha": "sha", "sha256": "sha2-256", "md5": "md5"}[user.auth_protocol]
            out.append(
                f"snmp-agent usm-user v3 {user.name} authentication-mode {proto} "
                f"cipher {obscure(user.auth_key)}"
            )
        if user.priv_protocol and user.priv_key:
            proto = {"aes": "aes128", "aes256": "aes256", "des": "des56"}[user.priv_protocol]
            out.append(
                f"snmp-agent usm-user v3 {user.name} privacy-mode {proto} cipher {obscure(user.priv_key)}"
            )
        if user.acl:
            out.append(f"snmp-agent usm-user v3 {user.name} acl {user.acl}")
    if snmp.trap_enabled:
        out.append("snmp-agent trap enable")
    if not snmp.enabled:
        out.append("undo snmp-agent")  # configured, but the agent is off
    out.append("#")
    return out
