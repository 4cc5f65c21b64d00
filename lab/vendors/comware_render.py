"""H3C Comware 7 config text and ``display`` output, rendered from DeviceState.

The config lines replay through ``H3cComware``'s command tables (that is how a saved config boots).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from govnet.lab.passwords import obscure, retag
from govnet.lab.state import Acl, DeviceState, Interface, SnmpV3User
from govnet.lab.vendors import render_common as common
from govnet.lab.vendors.base import Args, CliSession
from govnet.lab.vendors.handlers import typed_interface

if TYPE_CHECKING:
    from govnet.lab.vendors.h3c_comware import H3cComware


def render_comware(dialect: H3cComware, state: DeviceState) -> str:
    out = ["#", f" version {dialect.version_text}", "#", f" sysname {state.hostname}", "#"]
    if state.timezone:
        out += [f" clock timezone {state.timezone}", "#"]
    out.append(" telnet server enable" if state.telnet_server else " undo telnet server enable")
    out.append("#")
    policy, lock = state.password_policy, state.lockout
    if policy.complexity or policy.min_length or policy.expire_days or lock.max_failures:
        if policy.complexity:
            out.append(" password-control enable")
        if policy.min_length:
            out.append(f" password-control length {policy.min_length}")
        if policy.expire_days:
            out.append(f" password-control aging {policy.expire_days}")
        if lock.max_failures:
            out.append(
                f" password-control login-attempt {lock.max_failures} exceed lock-time {lock.lock_minutes}"
            )
        out.append("#")
    out += common.vrp_interface_sections(state, _interface)
    for process in sorted(state.ospf, key=lambda p: (p.version, p.process_id)):
        word = "ospf" if process.version == 2 else "ospfv3"
        if process.version == 2 and process.router_id:
            out.append(f"{word} {process.process_id} router-id {process.router_id}")
        else:
            out.append(f"{word} {process.process_id}")
            if process.router_id:
                out.append(f" router-id {process.router_id}")
        for area in process.areas:
            out.append(f" area {area.area}")
            out += [f"  network {n}" for n in area.networks]
        out.append("#")
    for route in state.static_routes:
        net, length = route.prefix.split("/")
        word = "ipv6 route-static" if ":" in net else "ip route-static"
        out.append(f" {word} {net} {length} {route.next_hop}{common.vrp_route_options(route)}")
    if state.static_routes:
        out.append("#")
    out += common.vrp_loghost_lines(state, indent=" ")
    out += _snmp(state, dialect.cipher_marks())
    out.append(" ssh server enable" if state.ssh_server else " undo ssh server enable")
    out.append("#")
    if state.ntp_servers:
        out.append(" ntp-service enable")
        for server in state.ntp_servers:
            word = "ntp-service ipv6 unicast-server" if ":" in server else "ntp-service unicast-server"
            out.append(f" {word} {server}")
        out.append("#")
    for acl in state.acls:
        out.append(f"acl {'ipv6 ' if acl.ipv6 else ''}{acl.kind} {acl.name}")
        out += [f" rule {r.rule_id} {r.action}{' ' + r.text if r.text else ''}" for r in acl.rules]
        out.append("#")
    vty = state.vty
    out.append(f"line vty {vty.first} {vty.last}")
    out.append(f" authentication-mode {'scheme' if vty.auth_mode == 'aaa' else vty.auth_mode}")
    if vty.privilege == 15:
        out.append(" user-role network-admin")
    out.append(f" protocol inbound {common.protocols_word(vty.protocols)}")
    if idle := common.idle_timeout_words(state):
        out.append(f" idle-timeout {idle}")
    out += common.vrp_vty_acl_lines(state)
    out.append("#")
    for user in state.local_users:
        out.append(f"local-user {user.name} class manage")
        if user.password_hash:
            out.append(f" password hashed {retag(user.password_hash, 'h')}")
        if user.services:
            out.append(f" service-type {' '.join(sorted(user.services))}")
        role = "network-admin" if user.privilege >= 15 else "network-operator"
        out.append(f" authorization-attribute user-role {role}")
        out.append("#")
    out.append(" ip http enable" if state.http_server else " undo ip http enable")
    out.append(" ip https enable" if state.https_server else " undo ip https enable")
    out.append("#")
    if state.banners.login:
        out.append(f" header login %{state.banners.login}%")
    if state.banners.motd:
        out.append(f" header shell %{state.banners.motd}%")
    if state.banners.login or state.banners.motd:
        out.append("#")
    out += state.extra_lines
    out.append("return")
    return "\n".join(out)


def _interface(itf: Interface) -> list[str]:
    out = [f"interface {itf.name}"]
    if not itf.is_loopback and not itf.name.lower().startswith(("m-", "vlan")):
        out.append(" port link-mode route")
    if itf.description:
        out.append(f" description {itf.description}")
    if itf.shutdown:
        out.append(" shutdown")
    out += common.ipv4_address_lines(itf, "sub")
    if itf.ipv6_enabled and not itf.ipv6:
        out.append(" ipv6 address auto link-local")
    out += common.ipv6_address_lines(itf)
    out += common.vrp_link_lines(itf)
    if itf.acl_in:
        out.append(f" packet-filter {itf.acl_in} inbound")
    return out


def _snmp(state: DeviceState, marks: tuple[str, str]) -> list[str]:
    def user_lines(u: SnmpV3User) -> list[str]:
        line = f" {u.group} cipher"  # every setting on the one line
        if u.auth_protocol and u.auth_key:
            proto = {"sha": "sha", "sha256": "sha256", "md5": "md5"}[u.auth_protocol]
            line += f" authentication-mode {proto} {obscure(u.auth_key, *marks)}"
        if u.priv_protocol and u.priv_key:
            proto = {"aes": "aes128", "aes256": "aes256", "des": "des56"}[u.priv_protocol]
            line += f" privacy-mode {proto} {obscure(u.priv_key, *marks)}"
        if u.acl:
            line += f" acl {u.acl}"
        return [line]

    return common.vrp_snmp_agent_lines(
        state.snmp,
        indent=" ",
        marks=marks,
        sys_info_order=("contact", "location", "version"),
        group_options=("read-view", "acl"),
        user_lines=user_lines,
    )


# --- display ----------------------------------------------------------------------------------


def _short(name: str) -> str:
    for long, short in (
        ("Ten-GigabitEthernet", "XGE"),
        ("GigabitEthernet", "GE"),
        ("M-GigabitEthernet", "MGE"),
        ("LoopBack", "Loop"),
        ("Vlan-interface", "Vlan"),
    ):
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def _link(itf: Interface) -> str:
    return "ADM" if itf.shutdown else ("UP" if itf.link_up else "DOWN")


def _proto(itf: Interface) -> str:
    """The Protocol column in Comware's capitals."""
    return {"up": "UP", "up(s)": "UP(s)", "down": "DOWN"}[common.protocol_state(itf)]


def interface_brief(session: CliSession, args: Args) -> str:
    lines = [
        "Brief information on interfaces in route mode:",
        "Link: ADM - administratively down; Stby - standby",
        "Protocol: (s) - spoofing",
        f"{'Interface':<21}{'Link':<5}{'Protocol':<9}{'Primary IP':<16}Description",
    ]
    for itf in session.state.interfaces:
        ip = str(itf.ipv4[0].ip) if itf.ipv4 else "--"
        lines.append(f"{_short(itf.name):<21}{_link(itf):<5}{_proto(itf):<9}{ip:<16}{itf.description[:27]}")
    return "\n".join(lines)


def ip_interface_brief(session: CliSession, args: Args) -> str:
    lines = [
        "*down: administratively down",
        "(s): spoofing  (l): loopback",
        f"{'Interface':<25}{'Physical':<9}{'Protocol':<9}{'IP address/Mask':<19}"
        f"{'VPN instance':<13}Description",
    ]
    for itf in session.state.interfaces:
        ip = str(itf.ipv4[0]) if itf.ipv4 else "--"
        lines.append(
            f"{_short(itf.name):<25}{common.physical_state(itf):<9}{common.protocol_state(itf):<9}{ip:<19}{'--':<13}{itf.description[:12]}"
        )
    return "\n".join(lines)


def ipv6_interface_brief(session: CliSession, args: Args) -> str:
    lines = [
        "*down: administratively down",
        "(s): spoofing",
        f"{'Interface':<41}{'Physical':<22}{'Protocol':<22}IPv6 Address",
    ]
    for itf in session.state.interfaces:
        if not (itf.ipv6 or itf.ipv6_enabled):
            continue
        address = str(itf.ipv6[0].ip).upper() if itf.ipv6 else "Unassigned"
        lines.append(
            f"{itf.name:<41}{common.physical_state(itf):<22}{common.protocol_state(itf):<22}{address}"
        )
    return "\n".join(lines)


def interface_detail(session: CliSession, args: Args) -> str:
    itf = typed_interface(session, args["name"], "wrong-parameter", len("display interface "))
    c = itf.counters(session.clock())
    in_bps, out_bps = itf.current_rates()
    return "\n".join(
        [
            itf.name,
            f"Current state: {common.current_state(itf)}",
            f"Line protocol state: {_proto(itf)}",
            f"Description: {itf.description or itf.name + ' Interface'}",
            f"Bandwidth: {itf.speed_mbps * 1000} kbps",
            *(f"Internet address: {a} (primary)" for a in itf.ipv4[:1]),
            f"Last 300 seconds input rate: {int(in_bps / 8)} bytes/sec, {int(in_bps)} bits/sec",
            f"Last 300 seconds output rate: {int(out_bps / 8)} bytes/sec, {int(out_bps)} bits/sec",
            f"Input: {c.in_packets} packets, {c.in_octets} bytes, {c.in_errors} errors",
            f"Output: {c.out_packets} packets, {c.out_octets} bytes, {c.out_errors} errors",
        ]
    )


def version(session: CliSession, args: Args) -> str:
    state = session.state
    model = state.model or session.dialect.default_model
    return "\n".join(
        [
            f"H3C Comware Software, Version {state.software_version or session.dialect.version_text}",
            session.dialect.spec.factory.copyright,
            f"H3C {model} uptime is 0 weeks, {common.uptime_text(state, session.clock())}",
        ]
    )


def ssh_server_status(session: CliSession, args: Args) -> str:
    enabled = "Enable" if session.state.ssh_server else "Disable"
    return "\n".join(
        [
            f" Stelnet server: {enabled}",
            " SSH version : 2.0",
            " SSH authentication-timeout : 60 second(s)",
            " SSH server key generating interval : 0 hour(s)",
            " SSH authentication retries : 3 time(s)",
            " SFTP server: Disable",
            " SFTP Server Idle-Timeout: 10 minute(s)",
            " NETCONF server: Disable",
            " SCP server: Disable",
        ]
    )


def info_center(session: CliSession, args: Args) -> str:
    state = session.state
    lines = [
        f"Information Center: {'Enabled' if state.syslog_enabled else 'Disabled'}",
        "Console: Enabled",
        "Monitor: Enabled",
        f"Log host: {'Enabled' if state.syslog_hosts else 'Disabled'}",
    ]
    lines += [f"    {h}, port number: 514, host facility: local7" for h in state.syslog_hosts]
    lines += ["Log buffer: Enabled", "Security log file: Enabled"]
    return "\n".join(lines)


def ntp_status(session: CliSession, args: Args) -> str:
    servers = session.state.ntp_servers
    if not servers:
        return " Clock status: unsynchronized\n Clock stratum: 16\n Reference clock ID: none"
    return f" Clock status: synchronized\n Clock stratum: 3\n System peer: {servers[0]}\n Local mode: client"


def snmp_community(session: CliSession, args: Args) -> str:
    lines = []
    for c in session.state.snmp.communities:
        lines += [
            f"   Community name: {c.name}",
            f"       Group name: {c.name}",
            *([f"       ACL: {c.acl}"] if c.acl else []),
            "       Storage-type: nonVolatile",
            "",
        ]
    return "\n".join(lines)


def snmp_usm_user(session: CliSession, args: Args) -> str:
    lines = []
    for u in session.state.snmp.users:
        lines += [
            f"Username: {u.name}",
            f"Group name: {u.group}",
            f"    Engine ID: 800063A280{session.state.hostname.encode().hex()[:16].upper()}",
            f"    Authentication-mode: {(u.auth_protocol or 'none').upper()}",
            f"    Privacy-mode: {(u.priv_protocol or 'none').upper()}",
            "    Storage-type: nonVolatile",
            "    UserStatus: active",
            "",
        ]
    return "\n".join(lines)


def snmp_target_host(session: CliSession, args: Args) -> str:
    lines = []
    for h in session.state.snmp.trap_hosts:
        lines += [
            "Target host name: 1",
            "Notification type: trap",
            f"Destination: {h.address}  Port: {h.port}",
            f"Security model: {h.version}",
            f"Security level: {'privacy' if h.version == 'v3' else 'noAuthNoPriv'}",
            "",
        ]
    return "\n".join(lines)


def snmp_sys_info(session: CliSession, args: Args) -> str:
    snmp = session.state.snmp
    versions = ", ".join(sorted(v.upper() for v in snmp.versions)) or "none"
    return "\n".join(
        [
            "The contact information of the agent:",
            f" {session.state.sys_contact()}",
            "",
            "The physical location information of the agent:",
            f" {session.state.sys_location()}",
            "",
            "The SNMP version of the agent:",
            f" {versions}",
        ]
    )


def acl_all(session: CliSession, args: Args, *, ipv6: bool = False) -> str:
    """``display acl [ipv6] all``."""

    def heading(acl: Acl) -> list[str]:
        family = "IPv6" if acl.ipv6 else "IPv4"
        return [
            f"{family} {acl.kind} ACL {acl.name}, {len(acl.rules)} rule,",
            "ACL's step is 5, start ID is 0",
        ]

    return "\n".join(common.acl_listing(session.state, ipv6, heading))


acl6_all = partial(acl_all, ipv6=True)


def password_control(session: CliSession, args: Args) -> str:
    policy, lock = session.state.password_policy, session.state.lockout
    return "\n".join(
        [
            " Global password control configurations:",
            f" Password control:                    {'Enabled' if policy.complexity else 'Disabled'}",
            " Password aging:                      "
            + (f"Enabled ({policy.expire_days} days)" if policy.expire_days else "Disabled"),
            " Password length:                     "
            + (f"Enabled ({policy.min_length} characters)" if policy.min_length else "Disabled"),
            f" Maximum login attempts:              {lock.max_failures or 'Disabled'}",
            " Action for exceeding login attempts: "
            + (f"Lock user for {lock.lock_minutes} minutes" if lock.max_failures else "Disabled"),
        ]
    )


def local_users(session: CliSession, args: Args) -> str:
    lines = []
    now = session.clock()
    for u in session.state.local_users:
        lines += [
            f"Device management user {u.name}:",
            f"  State:                     {'Blocked' if u.locked_until > now else 'Active'}",
            f"  Service type:              {'/'.join(sorted(u.services)).upper()}",
            "  User role list:            " + ("network-admin" if u.privilege >= 15 else "network-operator"),
            "",
        ]
    lines.append(f"Total {len(session.state.local_users)} local users matched.")
    return "\n".join(lines)


def routing_table(session: CliSession, args: Args) -> str:
    from ipaddress import IPv4Address, IPv4Network

    rows: list[tuple[str, str, int, str, str]] = []
    connected: list[tuple[IPv4Network, str]] = []
    for itf in session.state.interfaces:
        if itf.oper_up:
            for a in itf.ipv4:
                rows.append((str(a.network), "Direct", 0, str(a.ip), _short(itf.name)))
                connected.append((a.network, _short(itf.name)))
    for r in session.state.static_routes:
        if ":" in r.prefix:
            continue
        out = next((name for net, name in connected if IPv4Address(r.next_hop) in net), None)
        if out is not None:  # a static route is active only when its next hop is reachable
            rows.append((r.prefix, "Static", r.preference or 60, r.next_hop, out))
    lines = [
        f"Destinations : {len(rows)}        Routes : {len(rows)}",
        "",
        f"{'Destination/Mask':<19}{'Proto':<8}{'Pre':<4}{'Cost':<12}{'NextHop':<16}Interface",
    ]
    lines += [f"{p:<19}{proto:<8}{pre:<4}{0:<12}{hop:<16}{itf}" for p, proto, pre, hop, itf in sorted(rows)]
    return "\n".join(lines)


def clock(session: CliSession, args: Args) -> str:
    import time

    return time.strftime("%H:%M:%S UTC %a %m/%d/%Y", time.gmtime(session.clock()))
