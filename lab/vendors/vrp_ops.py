"""Huawei VRP operational commands: OSPF peers and interfaces, the IPv6 routing table, ARP, the log
buffer, the device's cards, CPU usage and ping — answered from the state and the lab's cabling
(``govnet.lab.forwarding``), laid out as VRP V200/V300 lays them out."""

from __future__ import annotations

import time
from collections.abc import Callable
from ipaddress import IPv6Address

from govnet.lab import forwarding
from govnet.lab.state import DeviceState, OspfProcess
from govnet.lab.vendors import ping as pings
from govnet.lab.vendors.base import Args, CliSession
from govnet.lab.vendors.vrp_display import is_switch

# pattern -> function name in this module (the dialect adds them to every view).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("display ospf peer", "ospf_peer"),
    ("display ospf peer brief", "ospf_peer_brief"),
    ("display ospf interface", "ospf_interface"),
    ("display ipv6 routing-table", "ipv6_routing_table"),
    ("display arp", "arp"),
    ("display arp all", "arp"),
    ("display arp brief", "arp"),
    ("display logbuffer", "logbuffer"),
    ("display device", "device"),
    ("display cpu-usage", "cpu_usage"),
    ("ping <rest...>", "ping"),
    ("ping ipv6 <rest...>", "ping6"),
)


def _process_heading(state: DeviceState, process: OspfProcess) -> str:
    return f"\t OSPF Process {process.process_id} with Router ID {forwarding.router_id(state, process)}"


def ospf_peer_brief(session: CliSession, args: Args) -> str:
    state = session.state
    peers = forwarding.ospf_neighbours(pings.topology_of(session), state)
    lines: list[str] = []
    for process in (p for p in state.ospf if p.version == 2):
        mine = [n for n in peers if n.local.process is process]
        lines += [
            "",
            _process_heading(state, process),
            "\t\t  Peer Statistic Information",
            " ----------------------------------------------------------------------------",
            f" {'Area Id':<17}{'Interface':<33}{'Neighbor id':<17}State    ",
        ]
        lines += [
            f" {n.local.area:<17}{n.local.interface.name:<33}{n.router_id:<17}Full        " for n in mine
        ]
        lines += [
            " ----------------------------------------------------------------------------",
            f" Total Peer(s):     {len(mine)}",
        ]
    return "\n".join(lines)


def ospf_peer(session: CliSession, args: Args) -> str:
    state = session.state
    peers = forwarding.ospf_neighbours(pings.topology_of(session), state)
    up_for = time.strftime("%H:%M:%S", time.gmtime(max(0, int(session.clock() - state.boot_time)) % 86400))
    lines: list[str] = []
    for process in (p for p in state.ospf if p.version == 2):
        lines += ["", _process_heading(state, process), "\t\t Neighbors ", ""]
        own = forwarding.router_id(state, process)
        for n in (n for n in peers if n.local.process is process):
            dr, bdr = (n.address, n.local.address.ip) if n.is_dr else (n.local.address.ip, n.address)
            lines += [
                f" Area {n.local.area} interface {n.local.address.ip}({n.local.interface.name})'s neighbors",
                f" Router ID: {n.router_id:<17}Address: {n.address!s:<16}",
                f"   State: Full  Mode:Nbr is  {'Master' if n.router_id > own else 'Slave'}  Priority: 1",
                f"   DR: {dr}  BDR: {bdr}  MTU: 0    ",
                "   Dead timer due in 35  sec ",
                "   Retrans timer interval: 5 ",
                f"   Neighbor is up for {up_for}     ",
                "   Authentication Sequence: [ 0 ] ",
                "",
            ]
    return "\n".join(lines)


def ospf_interface(session: CliSession, args: Args) -> str:
    def heading(state: DeviceState, process: OspfProcess) -> list[str]:
        return ["", _process_heading(state, process), "\t\t Interfaces ", ""]

    return ospf_interface_table(
        session,
        heading,
        f" Area: {{area:<17}}(MPLS TE not enabled)\n {'IP Address':<16}{'Type':<13}{'State':<9}{'Cost':<8}"
        f"{'Pri':<6}{'DR':<16}BDR",
        _ospf_interface_row,
    )


def ospf_interface_table(
    session: CliSession,
    heading: Callable[[DeviceState, OspfProcess], list[str]],
    area_header: str,
    row: Callable[[forwarding.OspfInterface, list[forwarding.OspfNeighbour]], str],
) -> str:
    """``display ospf interface`` on VRP and Comware: per process, per area, one row per interface
    (the vendor gives its heading, the area's header with ``{area}``, and the row's layout)."""
    state = session.state
    peers = forwarding.ospf_neighbours(pings.topology_of(session), state)
    lines: list[str] = []
    for process in (p for p in state.ospf if p.version == 2):
        lines += heading(state, process)
        enabled = [o for o in forwarding.ospf_interfaces(state) if o.process is process]
        for area in dict.fromkeys(o.area for o in enabled):
            lines += area_header.format(area=area).split("\n")
            lines += [" " + row(o, peers) for o in enabled if o.area == area]
            lines.append("")
    return "\n".join(lines)


def _ospf_interface_row(o: forwarding.OspfInterface, peers: list[forwarding.OspfNeighbour]) -> str:
    st = forwarding.ospf_interface_state(o, peers)
    kind = "P2P" if st.p2p else "Broadcast"
    return f"{o.address.ip!s:<16}{kind:<13}{st.state:<9}{st.cost:<8}{1:<6}{st.dr:<16}{st.bdr}"


def ipv6_routing_table(session: CliSession, args: Args) -> str:
    """``display ipv6 routing-table``: connected networks, local addresses and installed static routes."""
    entries = [("::1", 128, "::1", 0, 0, "Direct", "::", "InLoopBack0", "D")]
    for route in forwarding.routes(session.state, 6):
        net = route.prefix
        if route.protocol == "Direct":
            hop = "::1" if route.kind == "local" else route.next_hop
            entries.append(
                (str(net.network_address), net.prefixlen, hop, 0, 0, "Direct", "::", route.interface, "D")
            )
        else:
            entries.append(
                (
                    str(net.network_address),
                    net.prefixlen,
                    route.next_hop,
                    route.preference,
                    route.cost,
                    route.protocol,
                    route.next_hop,
                    route.interface,
                    "RD",
                )
            )
    entries.append(("FE80::", 10, "::", 0, 0, "Direct", "::", "NULL0", "DB"))
    entries.sort(key=lambda e: (IPv6Address(e[0]), e[1]))
    lines = [
        "Routing Table : Public",
        f"         Destinations : {len({(e[0], e[1]) for e in entries}):<8} Routes : {len(entries)}",
        "",
    ]
    for dest, length, hop, pre, cost, proto, relay, itf, flags in entries:
        lines += [
            f" Destination  : {dest.upper():<40}PrefixLength : {length}",
            f" NextHop      : {hop.upper():<40}Preference   : {pre}",
            f" Cost         : {cost:<40}Protocol     : {proto}",
            f" RelayNextHop : {relay.upper():<40}TunnelID     : 0x0",
            f" Interface    : {itf:<40}Flags        : {flags}",
            "",
        ]
    return "\n".join(lines).rstrip("\n")


def arp(session: CliSession, args: Args) -> str:
    entries = forwarding.arp_entries(pings.topology_of(session), session.state)
    lines = [
        "IP ADDRESS      MAC ADDRESS     EXPIRE(M) TYPE        INTERFACE   VPN-INSTANCE",
        "                                          VLAN/CEVLAN PVC                     ",
        "------------------------------------------------------------------------------",
    ]
    for e in entries:
        expire, kind = (str(forwarding.ARP_AGE_MINUTES), "D-0") if e.dynamic else ("", "I -")
        lines.append(f"{e.address!s:<16}{e.mac:<16}{expire:<10}{kind:<12}{e.interface}")
    dynamic = sum(1 for e in entries if e.dynamic)
    lines += [
        "------------------------------------------------------------------------------",
        f"Total:{len(entries):<10}Dynamic:{dynamic:<8}Static:{0:<5}Interface:{len(entries) - dynamic}",
    ]
    return "\n".join(lines)


def log_events(state: DeviceState) -> list[tuple[float, str, str]]:
    """(when, module/level/brief, text) for what the device logged: its start and each interface's
    last change of state, oldest first (the lab keeps no other history)."""
    events = [(state.boot_time, "SYSTEM/4/SYS_START", "The system started.")]
    for itf in state.interfaces:
        if itf.last_change > state.boot_time + 0.5:
            word = "UP" if itf.oper_up else "DOWN"
            events.append(
                (itf.last_change, "IFNET/4/IF_STATE", f"Interface {itf.name} has turned into {word} state.")
            )
    return sorted(events)


def logbuffer(session: CliSession, args: Args) -> str:
    state = session.state
    events = log_events(state)
    lines = [
        "Logging buffer configuration and contents : enabled",
        "Allowed max buffer size : 1024",
        "Actual buffer size : 512",
        "Channel number : 4 , Channel name : logbuffer",
        "Dropped messages : 0",
        "Overwritten messages : 0",
        f"Current messages : {len(events)}",
        "",
    ]
    for when, tag, text in reversed(events):  # VRP lists the newest first
        stamp = time.strftime("%b %e %Y %H:%M:%S", time.localtime(when))
        lines.append(f"{stamp} {state.hostname} %%01{tag}(l)[0]:{text}")
    return "\n".join(lines)


def _cards(model: str) -> list[tuple[str, str, str, str]]:
    """(slot, card, type, role) per board, by the product family the model belongs to."""
    if model.upper().startswith("CE128"):
        slots = int(model[-1]) if model[-1].isdigit() else 4
        boards = [(str(n), "-", "CE-L48XS-FD", "NA") for n in range(1, slots + 1)]
        boards += [(str(slots + 5), "-", "CE-MPUA", "Master"), (str(slots + 6), "-", "CE-MPUA", "Slave")]
        boards += [(f"PWR{n}", "-", "PAC-2700WA", "NA") for n in (1, 2)]
        return boards
    if is_switch(model):
        return [("0", "-", model, "Master"), ("PWR1", "-", "PAC600S12-CB", "NA")]
    return [("0", "-", model, "Master"), ("PWR1", "-", "PAC150S12-R", "NA")]


def device(session: CliSession, args: Args) -> str:
    model = session.state.model or session.dialect.default_model
    lines = [
        f"{model}'s Device status:",
        "-------------------------------------------------------------------------------",
        f"{'Slot':<6}{'Card':<7}{'Type':<20}{'Online':<9}{'Power':<9}{'Register':<13}{'Alarm':<8}Primary",
        "-------------------------------------------------------------------------------",
    ]
    for slot, card, kind, role in _cards(model):
        lines.append(
            f"{slot:<6}{card:<7}{kind:<20}{'Present':<9}{'PowerOn':<9}{'Registered':<13}{'Normal':<8}{role}"
        )
    lines.append("-------------------------------------------------------------------------------")
    return "\n".join(lines)


def cpu_usage(session: CliSession, args: Args) -> str:
    state = session.state
    now = session.clock()
    usage = forwarding.cpu_percent(state)
    stamp = time.strftime("%Y-%m-%d  %H:%M:%S", time.localtime(now))
    peak = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(state.boot_time + 60))
    return "\n".join(
        [
            "CPU Usage Stat. Cycle: 60 (Second)",
            f"CPU Usage            : {usage}% Max: {min(99, usage + 35)}%",
            f"CPU Usage Stat. Time : {stamp}",
            f"CPU utilization for five seconds: {usage}%: one minute: {usage}%: five minutes: {usage}%",
            f"Max CPU Usage Stat. Time : {peak}.",
            "",
            "TaskName        CPU  Runtime(CPU Tick High/Tick Low)  Task Explanation",
            f"VIDL           {100 - usage:>3}%         0/ 3b9aca0       DOPRA IDLE",
            f"_TOTAL_        {usage:>3}%         0/  5f5e10       ",
        ]
    )


def _ping(session: CliSession, args: Args, *, ipv6: bool, render: Callable[[pings.Echoes], str]) -> str:
    column = len("ping ipv6 " if ipv6 else "ping ")
    request = pings.parse_ping(
        args["rest"].split(), ipv6=ipv6, value_options=pings.VRP_FAMILY_OPTIONS, column=column
    )
    return render(pings.send(session, request, initial_ttl=255 if not ipv6 else 64))


def _statistics(echoes: pings.Echoes, target: str) -> list[str]:
    sent = echoes.request.count
    lines = [
        f"  --- {target} ping statistics ---",
        f"    {sent} packet(s) transmitted",
        f"    {echoes.received} packet(s) received",
        f"    {100 * (sent - echoes.received) / sent:.2f}% packet loss",
    ]
    if echoes.answered:
        t = echoes.answered
        lines.append(f"    round-trip min/avg/max = {min(t)}/{sum(t) // len(t)}/{max(t)} ms")
    return lines


def ping(session: CliSession, args: Args) -> str:
    def render(echoes: pings.Echoes) -> str:
        target = str(echoes.request.target)
        size = echoes.request.size
        lines = [f"  PING {target}: {size}  data bytes, press CTRL_C to break"]
        for seq, rtt in enumerate(echoes.times_ms, 1):
            lines.append(
                "    Request time out"
                if rtt is None
                else f"    Reply from {target}: bytes={size} Sequence={seq} ttl={echoes.ttl} time={rtt} ms"
            )
        return "\n".join([*lines, "", *_statistics(echoes, target)])

    return _ping(session, args, ipv6=False, render=render)


def ping6(session: CliSession, args: Args) -> str:
    def render(echoes: pings.Echoes) -> str:
        target = str(echoes.request.target).upper()
        size = echoes.request.size
        lines = [f"  PING {target} : {size}  data bytes, press CTRL_C to break"]
        for seq, rtt in enumerate(echoes.times_ms, 1):
            if rtt is None:
                lines.append("    Request time out")
            else:
                lines += [
                    f"    Reply from {target} ",
                    f"    bytes={size} Sequence={seq} hop limit={echoes.ttl}  time = {rtt} ms",
                ]
        return "\n".join([*lines, "", *_statistics(echoes, target)])

    return _ping(session, args, ipv6=True, render=render)
