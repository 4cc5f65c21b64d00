"""Cisco IOS ``show`` output, from the device state (its config text is
``govnet.netconfig.cisco_ios``'s; ``show running-config`` adds IOS's header and hides v3 users).
"""

from __future__ import annotations

import re
import time

from govnet.lab.state import DeviceState, Interface
from govnet.lab.vendors.base import Args, CliSession, config_section
from govnet.lab.vendors.handlers import typed_interface
from govnet.lab.vendors.render_common import uptime_text
from govnet.netconfig.cisco_ios import IosSyntax, render_ios

# --- show -------------------------------------------------------------------------------------


def show_running(session: CliSession, args: Args) -> str:
    assert isinstance(session.dialect, IosSyntax)
    body = render_ios(session.dialect, session.state.config, for_display=True)
    if "name" in args:  # show running-config interface Gi0/0/1
        itf = typed_interface(session, args["name"], "unrecognized", len("show running-config interface "))
        block = config_section(body, rf"interface {re.escape(itf.name)}$")
        return f"Building configuration...\n\nCurrent configuration : {len(block) + 1} bytes\n!\n{block}\nend"
    return f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n{body}"


def show_startup(session: CliSession, args: Args) -> str:
    saved = session.state.saved_config
    if saved is None:
        return "startup-config is not present"
    return f"Using {len(saved)} out of 33554432 bytes\n{saved}"


def _status(itf: Interface) -> tuple[str, str]:
    if itf.shutdown:
        return "administratively down", "down"
    return ("up", "up") if itf.link_up else ("down", "down")


def ip_interface_brief(session: CliSession, args: Args) -> str:
    lines = [f"{'Interface':<27}{'IP-Address':<16}{'OK?':<4}{'Method':<7}{'Status':<22}{'Protocol'}"]
    for itf in session.state.interfaces:
        status, proto = _status(itf)
        address = str(itf.ipv4[0].ip) if itf.ipv4 else "unassigned"
        method = "manual" if itf.ipv4 else "unset"
        lines.append(f"{itf.name:<27}{address:<16}{'YES':<4}{method:<7}{status:<22}{proto}")
    return "\n".join(lines)


def ipv6_interface_brief(session: CliSession, args: Args) -> str:
    lines = []
    for itf in session.state.interfaces:
        status, proto = _status(itf)
        lines.append(f"{itf.name:<23}[{status}/{proto}]")
        if itf.ipv6_enabled or itf.ipv6:
            lines.append(f"    FE80::{itf.ifindex:X}")
            lines += [f"    {str(a.ip).upper()}" for a in itf.ipv6]
        else:
            lines.append("    unassigned")
    return "\n".join(lines)


def interfaces(session: CliSession, args: Args) -> str:
    chosen = session.state.interfaces
    if "name" in args:
        chosen = [typed_interface(session, args["name"], "unrecognized", len("show interfaces "))]
    now = session.clock()
    lines = []
    for itf in chosen:
        status, proto = _status(itf)
        c = itf.counters(now)
        in_bps, out_bps = itf.current_rates()
        lines += [
            f"{itf.name} is {status}, line protocol is {proto}",
            f"  Hardware is ISR4331-3x1GE, address is 00a3.d14f.{itf.ifindex:04x}",
            *([f"  Description: {itf.description}"] if itf.description else []),
            *([f"  Internet address is {itf.ipv4[0]}"] if itf.ipv4 else []),
            f"  MTU 1500 bytes, BW {itf.bandwidth_kbps or itf.speed_mbps * 1000} Kbit/sec, DLY 10 usec,",
            f"  Full Duplex, {itf.speed_mbps}Mbps, link type is auto, media type is RJ45",
            f"  5 minute input rate {int(in_bps)} bits/sec, {int(in_bps / 6400)} packets/sec",
            f"  5 minute output rate {int(out_bps)} bits/sec, {int(out_bps / 6400)} packets/sec",
            f"     {c.in_packets} packets input, {c.in_octets} bytes, 0 no buffer",
            f"     {c.in_errors} input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
            f"     {c.out_packets} packets output, {c.out_octets} bytes, 0 underruns",
            f"     {c.out_errors} output errors, 0 collisions, 0 interface resets",
        ]
    return "\n".join(lines)


def version(session: CliSession, args: Args) -> str:
    state = session.state
    model = state.model or session.dialect.default_model
    release = state.software_version or session.dialect.version_text
    return "\n".join(
        [
            f"Cisco IOS XE Software, Version {release}",
            "Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), "
            f"Version {release}, RELEASE SOFTWARE (fc2)",
            "Technical Support: http://www.cisco.com/techsupport",
            session.dialect.spec.factory.copyright,
            "",
            f"{state.hostname} uptime is {uptime_text(state, session.clock())}",
            'System image file is "bootflash:isr4300-universalk9.16.09.04.SPA.bin"',
            "",
            f"cisco {model} (1RU) processor with 1795999K/6147K bytes of memory.",
            f"{sum(1 for i in state.interfaces if not i.is_loopback)} Gigabit Ethernet interfaces",
            "Configuration register is 0x2102",
        ]
    )


def ip_ssh(session: CliSession, args: Args) -> str:
    state = session.state
    if not state.ssh_server:
        return (
            "SSH Disabled - version 2.0\n"
            "%Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2)."
        )
    return "\n".join(
        [
            "SSH Enabled - version 2.0",
            "Authentication methods:publickey,keyboard-interactive,password",
            "Authentication timeout: 120 secs; Authentication retries: 3",
            "Minimum expected Diffie Hellman key size : 2048 bits",
        ]
    )


def logging(session: CliSession, args: Args) -> str:
    state = session.state
    lines = [
        f"Syslog logging: {'enabled' if state.syslog_enabled else 'disabled'}"
        " (0 messages dropped, 0 flushes)",
        "    Console logging: level debugging, 12 messages logged, xml disabled,",
        "    Buffer logging:  level debugging, 12 messages logged, xml disabled,",
        "    Trap logging: level informational, 15 message lines logged",
    ]
    for host in state.syslog_hosts:
        lines.append(f"        Logging to {host}  (udp port 514, audit disabled,")
        lines.append("              link up),")
    return "\n".join(lines)


def ntp_status(session: CliSession, args: Args) -> str:
    servers = session.state.ntp_servers
    if not servers:
        return "Clock is unsynchronized, stratum 16, no reference clock"
    return f"Clock is synchronized, stratum 3, reference is {servers[0]}"


def ntp_associations(session: CliSession, args: Args) -> str:
    lines = ["  address         ref clock       st   when   poll reach  delay  offset   disp"]
    lines += [
        f"*~{s:<15} .GPS.            2     33     64   377  1.000   0.215  0.977"
        for s in session.state.ntp_servers
    ]
    lines.append(" * sys.peer, # selected, + candidate, - outlyer, x falseticker, ~ configured")
    return "\n".join(lines)


def snmp_community(session: CliSession, args: Args) -> str:
    lines = []
    for c in session.state.snmp.communities:
        lines += [f"Community name: {c.name}", "Community Index: cisco0", "Community SecurityName: " + c.name]
        lines += ["storage-type: nonvolatile        active", ""]
    return "\n".join(lines)


def snmp_user(session: CliSession, args: Args) -> str:
    lines = []
    for u in session.state.snmp.users:
        lines += [
            f"User name: {u.name}",
            f"Engine ID: 800000090300{session.state.hostname.encode().hex()[:12].upper()}",
            "storage-type: nonvolatile        active",
            f"Authentication Protocol: {(u.auth_protocol or 'None').upper()}",
            "Privacy Protocol: "
            + ("AES128" if u.priv_protocol == "aes" else (u.priv_protocol or "None").upper()),
            f"Group-name: {u.group}",
            "",
        ]
    return "\n".join(lines)


def snmp_group(session: CliSession, args: Args) -> str:
    lines = []
    for g in session.state.snmp.groups:
        level = {"privacy": "v3 priv", "authentication": "v3 auth", "noauthentication": "v3 noauth"}[
            g.security_level
        ]
        acl = f"\taccess-list: {g.acl}" if g.acl else ""
        lines += [
            f"groupname: {g.name:<33}security model:{level}",
            f"contextname: {'<no context specified>':<31}storage-type: nonvolatile",
            f"readview : {g.read_view or 'v1default':<33}"
            f"writeview: {g.write_view or '<no writeview specified>'}",
            "notifyview: <no notifyview specified>",
            f"row status: active{acl}",
            "",
        ]
    return "\n".join(lines)


def snmp_host(session: CliSession, args: Args) -> str:
    lines = []
    for h in session.state.snmp.trap_hosts:
        lines += [
            f"Notification host: {h.address}	udp-port: {h.port}	type: trap",
            f"user: {h.params}	security model: {h.version}",
            "",
        ]
    return "\n".join(lines)


def access_lists(session: CliSession, args: Args) -> str:
    lines = []
    for acl in session.state.acls:
        if acl.ipv6:
            lines.append(f"IPv6 access list {acl.name}")
            lines += [f"    {r.action} {r.text} sequence {r.rule_id}" for r in acl.rules]
        else:
            kind = "Standard" if acl.kind == "basic" else "Extended"
            label = "" if acl.name.isdecimal() else " "
            lines.append(f"{kind} IP access list{label}{' ' if acl.name.isdecimal() else ''}{acl.name}")
            lines += [f"    {r.rule_id} {r.action} {r.text}".rstrip() for r in acl.rules]
    return "\n".join(lines)


def ip_route(session: CliSession, args: Args) -> str:
    lines = [
        "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
        "       O - OSPF, IA - OSPF inter area",
        "",
        _gateway(session.state),
        "",
    ]
    for itf in session.state.interfaces:
        if itf.oper_up:
            for a in itf.ipv4:
                lines.append(f"C        {a.network} is directly connected, {itf.name}")
                lines.append(f"L        {a.ip}/32 is directly connected, {itf.name}")
    for r in session.state.static_routes:
        if ":" not in r.prefix:
            code = "S*" if r.prefix == "0.0.0.0/0" else "S "
            lines.append(f"{code}       {r.prefix} [{r.preference or 1}/0] via {r.next_hop}")
    return "\n".join(lines)


def _gateway(state: DeviceState) -> str:
    default = next((r for r in state.static_routes if r.prefix == "0.0.0.0/0"), None)
    if default is None:
        return "Gateway of last resort is not set"
    return f"Gateway of last resort is {default.next_hop} to network 0.0.0.0"


def users(session: CliSession, args: Args) -> str:
    return "    Line       User       Host(s)              Idle       Location\n" + (
        f"*866 vty 0     {session.username:<11}idle                 00:00:00 127.0.0.1"
    )


def clock(session: CliSession, args: Args) -> str:
    return time.strftime("*%H:%M:%S.000 UTC %a %b %d %Y", time.gmtime(session.clock()))
