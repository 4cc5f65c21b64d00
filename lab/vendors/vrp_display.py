"""Huawei VRP ``display`` commands, rendered from DeviceState (layouts follow VRP V200/V300)."""

from __future__ import annotations

import time
from functools import partial

from govnet.lab.state import Acl, Interface
from govnet.lab.vendors.base import Args, CliSession, CommandError
from govnet.lab.vendors.handlers import typed_interface
from govnet.lab.vendors.render_common import (
    acl_listing,
    current_state,
    physical_state,
    protocol_state,
    uptime_text,
)


def _uti(itf: Interface) -> tuple[str, str]:
    in_bps, out_bps = itf.current_rates()
    line = max(itf.speed_mbps, 1) * 1_000_000
    return f"{min(100.0, in_bps * 100 / line):.0f}%", f"{min(100.0, out_bps * 100 / line):.0f}%"


def interface_brief(session: CliSession, args: Args) -> str:
    now = session.clock()
    lines = [
        "PHY: Physical",
        "*down: administratively down",
        "(l): loopback",
        "(s): spoofing",
        "(b): BFD down",
        "(e): ETHOAM down",
        "(d): Dampening Suppressed",
        "InUti/OutUti: input utility/output utility",
        f"{'Interface':<28}{'PHY':<6}{'Protocol':<10}{'InUti':>6} {'OutUti':>6}"
        f" {'inErrors':>10} {'outErrors':>10}",
    ]
    for itf in session.state.interfaces:
        c = itf.counters(now)
        in_u, out_u = _uti(itf)
        lines.append(
            f"{itf.name:<28}{physical_state(itf):<6}{protocol_state(itf):<10}{in_u:>6} {out_u:>6}"
            f" {c.in_errors:>10} {c.out_errors:>10}"
        )
    return "\n".join(lines)


def ip_interface_brief(session: CliSession, args: Args) -> str:
    itfs = session.state.interfaces
    up_phy = sum(1 for i in itfs if i.oper_up)
    up_proto = sum(1 for i in itfs if protocol_state(i).startswith("up"))
    lines = [
        "*down: administratively down",
        "^down: standby",
        "(l): loopback",
        "(s): spoofing",
        "(E): E-Trunk down",
        f"The number of interface that is UP in Physical is {up_phy}",
        f"The number of interface that is DOWN in Physical is {len(itfs) - up_phy}",
        f"The number of interface that is UP in Protocol is {up_proto}",
        f"The number of interface that is DOWN in Protocol is {len(itfs) - up_proto}",
        "",
        f"{'Interface':<34}{'IP Address/Mask':<21}{'Physical':<11}{'Protocol':<10}",
    ]
    for itf in itfs:
        address = str(itf.ipv4[0]) if itf.ipv4 else "unassigned"
        lines.append(f"{itf.name:<34}{address:<21}{physical_state(itf):<11}{protocol_state(itf):<10}")
    return "\n".join(lines)


def ipv6_interface_brief(session: CliSession, args: Args) -> str:
    lines = [
        "*down: administratively down",
        "(l): loopback",
        "(s): spoofing",
        f"{'Interface':<34}{'Physical':<22}{'Protocol':<10}",
    ]
    for itf in session.state.interfaces:
        if not (itf.ipv6_enabled or itf.ipv6):
            continue
        lines.append(f"{itf.name:<34}{physical_state(itf):<22}{protocol_state(itf):<10}")
        addresses = [str(a.ip).upper() for a in itf.ipv6] or ["unassigned"]
        lines.append(f"[IPv6 Address] {addresses[0]}")
        lines += [f"               {a}" for a in addresses[1:]]
    return "\n".join(lines)


def interface_detail(session: CliSession, args: Args) -> str:
    itf = typed_interface(session, args["name"], "wrong-parameter", len("display interface "))
    c = itf.counters(session.clock())
    in_bps, out_bps = itf.current_rates()
    lines = [
        f"{itf.name} current state : {current_state(itf)}",
        f"Line protocol current state : {'UP' if protocol_state(itf).startswith('up') else 'DOWN'}",
        f"Description:{itf.description}",
        "Route Port,The Maximum Transmit Unit is 1500",
    ]
    lines += [f"Internet Address is {a}" for a in itf.ipv4] or ["Internet protocol processing : disabled"]
    lines += [
        f"Port Mode: COMMON COPPER, Speed : {itf.speed_mbps}, Loopback: NONE",
        f"    Last 300 seconds input rate {int(in_bps)} bits/sec, {int(in_bps / 6400)} packets/sec",
        f"    Last 300 seconds output rate {int(out_bps)} bits/sec, {int(out_bps / 6400)} packets/sec",
        f"    Input: {c.in_packets} packets, {c.in_octets} bytes",
        f"    Total Error: {c.in_errors}",
        f"    Output: {c.out_packets} packets, {c.out_octets} bytes",
        f"    Total Error: {c.out_errors}",
    ]
    return "\n".join(lines)


def version(session: CliSession, args: Args) -> str:
    state = session.state
    dialect = session.dialect
    model = state.model or dialect.default_model
    return "\n".join(
        [
            "Huawei Versatile Routing Platform Software",
            f"VRP (R) software, Version {dialect.spec.factory.platform_version} "
            f"({model} {state.software_version or dialect.version_text})",
            dialect.spec.factory.copyright,
            f"Huawei {model} Router uptime is {uptime_text(state, session.clock())}",
        ]
    )


def ssh_server_status(session: CliSession, args: Args) -> str:
    state = session.state
    enabled = "Enable" if state.ssh_server else "Disable"
    return "\n".join(
        [
            " SSH Version                                : 2.0",
            " SSH authentication timeout (Seconds)       : 60",
            " SSH authentication retries (Times)         : 3",
            " SSH server key generating interval (Hours) : 0",
            " SSH version 1.x compatibility              : Disable",
            " SSH server keepalive                       : Disable",
            " SFTP IPv4 server                           : Disable",
            f" STELNET IPv4 server                        : {enabled}",
            f" STELNET IPv6 server                        : {enabled}",
            " SSH server port                            : 22",
            f" ACL name                                   : {state.vty.acl_in or ''}",
            f" ACL number                                 : {state.vty.acl_in or ''}",
        ]
    )


def info_center(session: CliSession, args: Args) -> str:
    state = session.state
    lines = [
        "Information Center:" + ("enabled" if state.syslog_enabled else "disabled"),
        "Log host:",
    ]
    lines += [
        f"        {host} <loghost>, channel number : 2, channel name : loghost" for host in state.syslog_hosts
    ]
    lines += [
        "Console:",
        "        channel number : 0, channel name : console",
        "Monitor:",
        "        channel number : 1, channel name : monitor",
        "Log buffer:",
        "        enabled,max buffer size : 1024, current buffer size : 512",
    ]
    return "\n".join(lines)


def ntp_status(session: CliSession, args: Args) -> str:
    state = session.state
    if not state.ntp_servers:
        return "\n".join([" clock status: unsynchronized", " clock stratum: 16", " reference clock ID: none"])
    return "\n".join(
        [
            " clock status: synchronized",
            " clock stratum: 3",
            f" reference clock ID: {state.ntp_servers[0]}",
            " nominal frequency: 100.0000 Hz",
            " clock offset: 0.2155 ms",
            " root delay: 1.27 ms",
            " synchronization state: clock synchronized",
        ]
    )


def snmp_community(session: CliSession, args: Args) -> str:
    """``display snmp-agent community [read|write]``."""
    snmp = session.state.snmp
    wanted = args.get("access", "").lower()
    if wanted and not ("read".startswith(wanted) or "write".startswith(wanted)):
        raise CommandError("wrong-parameter", column=len("display snmp-agent community "))
    chosen = [c for c in snmp.communities if not wanted or (c.access == "ro") == "read".startswith(wanted)]
    if not chosen:
        return "Info: The SNMP community is not configured."
    lines: list[str] = []
    for c in chosen:
        lines += [
            f"   Community name: {c.name}",
            f"       Group name: {c.name}",
            *([f"       Acl: {c.acl}"] if c.acl and c.acl.isdecimal() else []),
            "       Storage-type: nonVolatile",
            "",
        ]
    lines.append(f"   Total number is {len(chosen)}")
    return "\n".join(lines)


def interface_description(session: CliSession, args: Args) -> str:
    lines = [
        "PHY: Physical",
        "*down: administratively down",
        "(l): loopback",
        "(s): spoofing",
        f"{'Interface':<28}{'PHY':<7}{'Protocol':<9}Description",
    ]
    for itf in session.state.interfaces:
        lines.append(
            f"{itf.name:<28}{physical_state(itf):<7}{protocol_state(itf):<9}{itf.description}".rstrip()
        )
    return "\n".join(lines)


def _acl_number(name: str | None) -> str:
    return name if name and name.isdecimal() else "0"


def telnet_server_status(session: CliSession, args: Args) -> str:
    state = session.state
    enabled = "Enable" if state.telnet_server else "Disable"
    return "\n".join(
        [
            f"  TELNET IPv4 server                       : {enabled}",
            f"  TELNET IPv6 server                       : {enabled}",
            "  TELNET server port                       : 23",
            "  TELNET server source address             : 0.0.0.0",
            f"  ACL4 number                              : {_acl_number(state.vty.acl_in)}",
            f"  ACL6 number                              : {_acl_number(state.vty.acl6_in)}",
        ]
    )


def http_server(session: CliSession, args: Args) -> str:
    state = session.state
    http = "enabled" if state.http_server else "disabled"
    https = "enabled" if state.https_server else "disabled"
    return "\n".join(
        [
            f"  HTTP Server Status              : {http}",
            "  HTTP Server Port                : 80(80)",
            "  HTTP Timeout Interval           : 20",
            "  Current Online Users            : 0",
            "  Maximum Users Allowed           : 5",
            f"  HTTP Secure-server Status       : {https}",
            "  HTTP Secure-server Port         : 443(443)",
            "  HTTP SSL Policy                 : default_policy",
            f"  HTTP IPv6 Server Status         : {http}",
            "  HTTP IPv6 Server Port           : 80(80)",
            f"  HTTP IPv6 Secure-server Status  : {https}",
            "  HTTP IPv6 Secure-server Port    : 443(443)",
            "  HTTP server source address      : 0.0.0.0",
        ]
    )


def snmp_usm_user(session: CliSession, args: Args) -> str:
    lines: list[str] = []
    engine = session.state.snmp.engine_id or "800007DB03" + session.state.hostname.encode().hex()[:12]
    for user in session.state.snmp.users:
        lines += [
            f"   User name: {user.name}",
            f"   Engine ID: {engine} active",
            f"   Group name: {user.group}",
            f"   Authentication Protocol: {(user.auth_protocol or 'none').upper()}",
            f"   Privacy Protocol: {(user.priv_protocol or 'none').upper()}",
            f"   Acl: {user.acl or ''}",
            "",
        ]
    return "\n".join(lines) or "Info: The SNMP usm-user is not configured."


def snmp_target_host(session: CliSession, args: Args) -> str:
    lines: list[str] = []
    for host in session.state.snmp.trap_hosts:
        lines += [
            "Target-host NO. 1",
            "-----------------------------------------------------------",
            f"  IP-address    : {host.address}",
            "  VPN instance  : -",
            f"  Security name : {'%^%#********%^%#' if host.version != 'v3' else host.params}",
            f"  Port          : {host.port}",
            "  Type          : trap",
            f"  Version       : {host.version}",
            "  Level         : " + ("Privacy" if host.version == "v3" else "No authentication and privacy"),
            "",
        ]
    return "\n".join(lines) or "Info: The SNMP target host is not configured."


def snmp_sys_info(session: CliSession, args: Args) -> str:
    snmp = session.state.snmp
    versions = " ".join(sorted(v.upper() if v != "v2c" else "SNMPv2c" for v in snmp.versions)) or "none"
    return "\n".join(
        [
            "   The contact person for this managed node:",
            f"           {session.state.sys_contact()}",
            "",
            "   The physical location of this node:",
            f"           {session.state.sys_location()}",
            "",
            "   SNMP version running in the system:",
            f"           {versions}",
        ]
    )


def acl_all(session: CliSession, args: Args, *, ipv6: bool = False) -> str:
    """``display acl [ipv6] all``."""

    def heading(acl: Acl) -> list[str]:
        kind = "Basic" if acl.kind == "basic" else "Advanced"
        return [f"{kind} ACL{'6' if ipv6 else ''} {acl.name}, {len(acl.rules)} rule", "Acl's step is 5"]

    nonempty = sum(1 for a in session.state.acls if a.ipv6 == ipv6 and a.rules)
    lines = [f"Total quantity of nonempty ACL number is {nonempty}", ""]
    return "\n".join(lines + acl_listing(session.state, ipv6, heading))


acl6_all = partial(acl_all, ipv6=True)


def routing_table(session: CliSession, args: Args) -> str:
    lines = [
        "Route Flags: R - relay, D - download to fib",
        "------------------------------------------------------------------------------",
        "Routing Tables: Public",
        f"{'Destination/Mask':<20}{'Proto':<9}{'Pre':<5}{'Cost':<8}{'Flags':<6}{'NextHop':<16}Interface",
        "",
    ]
    for itf in session.state.interfaces:
        if itf.oper_up:
            for address in itf.ipv4:
                lines.append(
                    f"{address.network!s:<20}{'Direct':<9}{'0':<5}{'0':<8}{'D':<6}"
                    f"{address.ip!s:<16}{itf.name}"
                )
    for route in session.state.static_routes:
        if ":" not in route.prefix:
            lines.append(
                f"{route.prefix:<20}{'Static':<9}{route.preference or 60:<5}{'0':<8}{'RD':<6}"
                f"{route.next_hop:<16}"
            )
    return "\n".join(lines)


def local_users(session: CliSession, args: Args) -> str:
    lines = [
        "  ----------------------------------------------------------------------------",
        "  User-name                      State  AuthMask  AdminLevel",
        "  ----------------------------------------------------------------------------",
    ]
    now = session.clock()
    for user in session.state.local_users:
        state = "B" if session.state.login(user.name).locked_until > now else "A"
        mask = "".join(
            k
            for k, s in (("S", "ssh"), ("T", "telnet"), ("H", "http"), ("C", "terminal"))
            if s in user.services
        )
        lines.append(f"  {user.name:<31}{state:<7}{mask:<10}{user.privilege}")
    lines += [
        "  ----------------------------------------------------------------------------",
        f"  Total {len(session.state.local_users)} user(s)",
    ]
    return "\n".join(lines)


def user_interface(session: CliSession, args: Args) -> str:
    vty = session.state.vty
    auth = {"aaa": "A", "password": "P", "none": "N"}[vty.auth_mode]
    lines = [
        "  Idx  Type     Tx/Rx      Modem Privi ActualPrivi Auth  Int",
        "  0    CON 0    9600       -     15    -           P     -",
    ]
    for n in range(vty.first, vty.last + 1):
        lines.append(
            f"  {129 + n:<5}VTY {n:<5}            -     {vty.privilege or 0:<6}-           {auth:<6}-"
        )
    return "\n".join(lines)


def clock(session: CliSession, args: Args) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+08:00", time.localtime(session.clock()))
