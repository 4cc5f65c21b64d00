"""H3C Comware 7 ``display`` output, from the device state (its config text is
``govnet.netconfig.h3c_comware``'s).
"""

from __future__ import annotations

from functools import partial

from govnet.lab.state import Acl, Interface
from govnet.lab.vendors import render_common as common
from govnet.lab.vendors.base import Args, CliSession
from govnet.lab.vendors.handlers import typed_interface

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
            "  State:                     "
            + ("Blocked" if session.state.login(u.name).locked_until > now else "Active"),
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
