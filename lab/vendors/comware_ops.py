"""H3C Comware 7 operational commands: OSPF peers and interfaces, the IPv6 routing table, ARP, the
log buffer, the device's slots, CPU usage and ping — the same facts as VRP's (``vrp_ops``), worded
and laid out as Comware does."""

from __future__ import annotations

import time
from collections.abc import Callable
from ipaddress import IPv6Address
from statistics import pstdev

from govnet.lab import forwarding
from govnet.lab.state import DeviceState, OspfProcess
from govnet.lab.vendors import ping as pings
from govnet.lab.vendors.base import Args, CliSession
from govnet.lab.vendors.comware_render import _short as short_name
from govnet.lab.vendors.vrp_ops import log_events, ospf_interface_table

COMMANDS: tuple[tuple[str, str], ...] = (
    ("display ospf peer", "ospf_peer"),
    ("display ospf peer brief", "ospf_peer"),
    ("display ospf interface", "ospf_interface"),
    ("display ipv6 routing-table", "ipv6_routing_table"),
    ("display arp", "arp"),
    ("display logbuffer", "logbuffer"),
    ("display device", "device"),
    ("display cpu-usage", "cpu_usage"),
    ("ping <rest...>", "ping"),
    ("ping ipv6 <rest...>", "ping6"),
)


def _heading(state: DeviceState, process: OspfProcess, title: str) -> list[str]:
    return [
        "",
        f"         OSPF Process {process.process_id} with Router ID {forwarding.router_id(state, process)}",
        f"               {title}",
        "",
    ]


def ospf_peer(session: CliSession, args: Args) -> str:
    state = session.state
    peers = forwarding.ospf_neighbours(pings.topology_of(session), state)
    lines: list[str] = []
    for process in (p for p in state.ospf if p.version == 2):
        lines += _heading(state, process, "Neighbor Brief Information")
        mine = [n for n in peers if n.local.process is process]
        for area in dict.fromkeys(n.local.area for n in mine):
            lines += [
                f" Area: {area}",
                f" {'Router ID':<16}{'Address':<16}{'Pri':<4}{'Dead-Time':<11}{'State':<18}Interface",
            ]
            for n in (n for n in mine if n.local.area == area):
                role = "Full/DR" if n.is_dr else "Full/BDR"
                itf = short_name(n.local.interface.name)
                lines.append(f" {n.router_id:<16}{n.address!s:<16}{1:<4}{37:<11}{role:<18}{itf}")
    return "\n".join(lines)


def ospf_interface(session: CliSession, args: Args) -> str:
    return ospf_interface_table(
        session,
        lambda state, process: _heading(state, process, " Interfaces"),
        f" Area: {{area}}\n {'IP Address':<16}{'Type':<10}{'State':<9}{'Cost':<6}{'Pri':<6}{'DR':<16}BDR",
        _interface_row,
    )


def _interface_row(o: forwarding.OspfInterface, peers: list[forwarding.OspfNeighbour]) -> str:
    st = forwarding.ospf_interface_state(o, peers)
    kind = "PTP" if st.p2p else "Broadcast"
    return f"{o.address.ip!s:<16}{kind:<10}{st.state:<9}{st.cost:<6}{1:<6}{st.dr:<16}{st.bdr}"


def ipv6_routing_table(session: CliSession, args: Args) -> str:
    entries = [("::1", 128, "Direct", "::1", 0, "InLoop0")]
    for route in forwarding.routes(session.state, 6):
        net = route.prefix
        if route.protocol == "Direct" and route.kind == "local":
            entries.append((str(net.network_address), net.prefixlen, "Direct", "::1", 0, "InLoop0"))
        elif route.protocol == "Direct":
            entries.append(
                (str(net.network_address), net.prefixlen, "Direct", "::", 0, short_name(route.interface))
            )
        else:
            entries.append(
                (
                    str(net.network_address),
                    net.prefixlen,
                    route.protocol,
                    route.next_hop,
                    route.preference,
                    short_name(route.interface),
                )
            )
    entries += [("FE80::", 10, "Direct", "::", 0, "NULL0"), ("FF00::", 8, "Direct", "::", 0, "NULL0")]
    entries.sort(key=lambda e: (IPv6Address(e[0]), e[1]))
    lines = ["", f"Destinations : {len(entries):<8} Routes : {len(entries)}", ""]
    for dest, length, proto, hop, pre, itf in entries:
        lines += [
            f"Destination: {dest.upper() + '/' + str(length):<41}Protocol  : {proto}",
            f"NextHop    : {hop.upper():<41}Preference: {pre}",
            f"Interface  : {itf:<41}Cost      : 0",
            "",
        ]
    return "\n".join(lines).rstrip("\n")


def arp(session: CliSession, args: Args) -> str:
    """Comware lists learned entries only (its own addresses are not ARP entries)."""
    entries = [e for e in forwarding.arp_entries(pings.topology_of(session), session.state) if e.dynamic]
    lines = [
        "  Type: S-Static   D-Dynamic   O-Openflow   R-Rule   M-Multiport  I-Invalid",
        f"{'IP address':<16}{'MAC address':<15}{'VLAN/VSI name':<14}{'Interface':<25}{'Aging':<6}Type",
    ]
    for e in entries:
        lines.append(
            f"{e.address!s:<16}{e.mac:<15}{'N/A':<14}{short_name(e.interface):<25}{forwarding.ARP_AGE_MINUTES:<6}D"
        )
    return "\n".join(lines)


def logbuffer(session: CliSession, args: Args) -> str:
    state = session.state
    events = log_events(state)
    lines = [
        "Log buffer: Enabled",
        "Max buffer size: 1024",
        "Actual buffer size: 512",
        "Dropped messages: 0",
        "Overwritten messages: 0",
        f"Current messages: {len(events)}",
    ]
    model = state.model or session.dialect.default_model
    for when, tag, text in events:  # Comware lists the oldest first
        stamp = time.strftime("%b %e %H:%M:%S:000 %Y", time.localtime(when))
        if tag.startswith("SYSTEM"):
            tag, text = (
                "DEV/5/BOARD_STATE_NORMAL",
                f"Board state changed to Normal on slot 0, type is {model}.",
            )
        else:
            word = "up" if "UP state" in text else "down"
            name = text.split()[1]
            tag, text = "IFNET/3/PHY_UPDOWN", f"Physical state on the interface {name} changed to {word}."
        lines.append(f"%{stamp} {state.hostname} {tag}: {text}")
    return "\n".join(lines)


def device(session: CliSession, args: Args) -> str:
    model = session.state.model or session.dialect.default_model
    release = (session.state.software_version or session.dialect.version_text).split("Release")[-1].strip()
    family = model[:5] + "00" if model.upper().startswith("MSR") else model
    return "\n".join(
        [
            f"{'Slot':<5}{'Type':<17}{'State':<9}{'Subslot':<9}{'Soft Ver':<21}Patch Ver",
            f"{'0':<5}{model:<17}{'Master':<9}{'0':<9}{family}-CMW710-R{release} None",
        ]
    )


def cpu_usage(session: CliSession, args: Args) -> str:
    usage = forwarding.cpu_percent(session.state)
    return "\n".join(
        [
            "Slot 0 CPU 0 CPU usage:",
            f"      {usage:>3}% in last 5 seconds",
            f"      {usage:>3}% in last 1 minute",
            f"      {usage:>3}% in last 5 minutes",
        ]
    )


def _ping(session: CliSession, args: Args, *, ipv6: bool, render: Callable[[pings.Echoes], list[str]]) -> str:
    column = len("ping ipv6 " if ipv6 else "ping ")
    request = pings.parse_ping(
        args["rest"].split(), ipv6=ipv6, value_options=pings.VRP_FAMILY_OPTIONS, column=column
    )
    echoes = pings.send(session, request, initial_ttl=64 if ipv6 else 255)
    sent, got = request.count, echoes.received
    target = str(request.target).upper() if ipv6 else str(request.target)
    lines = [
        *render(echoes),
        "",
        f"--- Ping{'6' if ipv6 else ''} statistics for {target} ---",
        f"{sent} packet(s) transmitted, {got} packet(s) received, "
        f"{100 * (sent - got) / sent:.1f}% packet loss",
    ]
    if echoes.answered:
        t = echoes.answered
        figures = (min(t), sum(t) / len(t), max(t), pstdev(t))
        lines.append("round-trip min/avg/max/std-dev = " + "/".join(f"{f:.3f}" for f in figures) + " ms")
    return "\n".join(lines)


def ping(session: CliSession, args: Args) -> str:
    def render(echoes: pings.Echoes) -> list[str]:
        target, size = str(echoes.request.target), echoes.request.size
        lines = [f"Ping {target} ({target}): {size} data bytes, press CTRL_C to break"]
        for seq, rtt in enumerate(echoes.times_ms):
            lines.append(
                "Request time out"
                if rtt is None
                else f"{size} bytes from {target}: icmp_seq={seq} ttl={echoes.ttl} time={rtt:.3f} ms"
            )
        return lines

    return _ping(session, args, ipv6=False, render=render)


def ping6(session: CliSession, args: Args) -> str:
    def render(echoes: pings.Echoes) -> list[str]:
        target, size = str(echoes.request.target).upper(), echoes.request.size
        source = (echoes.request.source or pings.source_address(session, 6)).upper()
        lines = [f"Ping6({size} data bytes) {source} --> {target}, press CTRL_C to break"]
        for seq, rtt in enumerate(echoes.times_ms):
            lines.append(
                "Request time out"
                if rtt is None
                else f"{size} bytes from {target}, icmp_seq={seq} hlim={echoes.ttl} time={rtt:.3f} ms"
            )
        return lines

    return _ping(session, args, ipv6=True, render=render)
