"""Cisco IOS operational commands: ``show ipv6 route``, ``show ip ospf neighbor``, ``ping`` and
``ping ipv6`` — answered from the state and the lab's cabling (``govnet.lab.forwarding``), laid out
as IOS XE 16 lays them out (and as ntc-templates parses them)."""

from __future__ import annotations

from govnet.lab import forwarding
from govnet.lab.vendors import ping as pings
from govnet.lab.vendors.base import Args, CliSession

# Privileged exec; ``ping`` also in user exec, as on the devices.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("show ipv6 route", "ipv6_route"),
    ("show ip ospf neighbor", "ospf_neighbor"),
    ("ping <rest...>", "ping"),
    ("ping ip <rest...>", "ping"),
    ("ping ipv6 <rest...>", "ping6"),
)
USER_COMMANDS = ("ping <rest...>", "ping ip <rest...>", "ping ipv6 <rest...>")

_CODES = [
    "Codes: C - Connected, L - Local, S - Static, U - Per-user Static route",
    "       B - BGP, R - RIP, H - NHRP, I1 - ISIS L1",
    "       I2 - ISIS L2, IA - ISIS interarea, IS - ISIS summary, D - EIGRP",
    "       EX - EIGRP external, ND - ND Default, NDp - ND Prefix, DCE - Destination",
    "       NDr - Redirect, O - OSPF Intra, OI - OSPF Inter, OE1 - OSPF ext 1",
    "       OE2 - OSPF ext 2, ON1 - OSPF NSSA ext 1, ON2 - OSPF NSSA ext 2",
    "       a - Application",
]


def ipv6_route(session: CliSession, args: Args) -> str:
    rows: list[tuple[str, str, str, str]] = []  # code, prefix, [AD/metric], via line
    for route in forwarding.routes(session.state, 6):
        prefix = str(route.prefix).upper()
        if route.protocol == "Direct" and route.kind == "local":
            rows.append(("L", prefix, "[0/0]", f"via {route.interface}, receive"))
        elif route.protocol == "Direct":
            rows.append(("C", prefix, "[0/0]", f"via {route.interface}, directly connected"))
        elif route.interface == "NULL0":
            rows.append(("S", prefix, f"[{route.preference}/0]", "via Null0, directly connected"))
        else:
            rows.append(("S", prefix, f"[{route.preference}/0]", f"via {route.next_hop.upper()}"))
    rows.append(("L", "FF00::/8", "[0/0]", "via Null0, receive"))
    lines = [f"IPv6 Routing Table - default - {len(rows)} entries", *_CODES]
    for code, prefix, distance, via in rows:
        lines += [f"{code:<4}{prefix} {distance}", f"     {via}"]
    return "\n".join(lines)


def ospf_neighbor(session: CliSession, args: Args) -> str:
    peers = forwarding.ospf_neighbours(pings.topology_of(session), session.state)
    if not peers:
        return ""
    lines = ["", f"{'Neighbor ID':<16}{'Pri':<6}{'State':<16}{'Dead Time':<12}{'Address':<16}Interface"]
    for n in peers:
        state = "FULL/DR" if n.is_dr else "FULL/BDR"
        lines.append(
            f"{n.router_id:<16}{1:>3}   {state:<16}{'00:00:33':<12}{n.address!s:<16}{n.local.interface.name}"
        )
    return "\n".join(lines)


_OPTIONS = {"repeat": "count", "size": "size", "source": "source", "timeout": "", "df-bit": ""}


def _ping(session: CliSession, args: Args, *, ipv6: bool) -> str:
    column = len("ping ipv6 " if ipv6 else "ping ")
    request = pings.parse_ping(
        args["rest"].split(), ipv6=ipv6, value_options=_OPTIONS, column=column, default_size=100
    )
    echoes = pings.send(session, request, initial_ttl=255)
    target = str(request.target).upper()
    sent, got = request.count, echoes.received
    stream = "".join("." if t is None else "!" for t in echoes.times_ms)
    lines = [
        "Type escape sequence to abort.",
        f"Sending {sent}, {request.size}-byte ICMP Echos to {target}, timeout is 2 seconds:",
    ]
    if request.source:
        lines.append(f"Packet sent with a source address of {request.source}")
    lines += [stream[i : i + 70] for i in range(0, len(stream), 70)]
    rate = f"Success rate is {100 * got // sent} percent ({got}/{sent})"
    if echoes.answered:
        t = echoes.answered
        rate += f", round-trip min/avg/max = {min(t)}/{sum(t) // len(t)}/{max(t)} ms"
    return "\n".join([*lines, rate])


def ping(session: CliSession, args: Args) -> str:
    return _ping(session, args, ipv6=False)


def ping6(session: CliSession, args: Args) -> str:
    return _ping(session, args, ipv6=True)
