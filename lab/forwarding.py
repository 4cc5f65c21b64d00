"""What a lab device's forwarding plane knows, derived from its state and the lab's cabling.

Pure logic, no I/O: the routes a device installs (connected networks and the static routes whose
next hop it can reach — one it cannot reach is configured but not installed, as on the devices),
its ARP entries, and its OSPF interfaces and adjacencies (two cabled ports, both up, enabled in
OSPF in the same area on the same subnet). The vendors' display modules only format these.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
    ip_address,
    ip_network,
)

from govnet.lab.state import DeviceState, Interface, OspfProcess, StaticRoute
from govnet.lab.topology import Topology, addresses
from govnet.vendors import vendor_spec

ARP_AGE_MINUTES = 20


@dataclass(frozen=True)
class Route:
    prefix: IPv4Network | IPv6Network
    protocol: str  # Direct | Static | OSPF
    preference: int
    cost: int
    next_hop: str  # an address; for a connected network the interface's own address
    interface: str  # outgoing interface ("" for a blackhole)
    kind: str = "network"  # network | local (the interface's own address, a host route) | static


def is_up(itf: Interface) -> bool:
    return itf.oper_up


def routes(state: DeviceState, version: int = 4) -> list[Route]:
    """The device's routing table for one address family, sorted by prefix."""
    out: list[Route] = []
    for itf in state.interfaces:
        if not is_up(itf):
            continue
        addresses: list[IPv4Interface | IPv6Interface] = list(itf.ipv4 if version == 4 else itf.ipv6)
        for address in addresses:
            host = ip_network(f"{address.ip}/{address.max_prefixlen}")
            if address.network != host:
                out.append(Route(address.network, "Direct", 0, 0, str(address.ip), itf.name))
            out.append(Route(host, "Direct", 0, 0, str(address.ip), itf.name, "local"))
    for route in state.static_routes:
        installed = installed_static(state, route)
        if installed is not None and installed.prefix.version == version:
            out.append(installed)
    return sorted(out, key=lambda r: (r.prefix.version, r.prefix.network_address, r.prefix.prefixlen))


def installed_static(state: DeviceState, route: StaticRoute) -> Route | None:
    """The route a configured static route installs, None while its next hop is unreachable."""
    try:
        prefix = ip_network(route.prefix, strict=False)
    except ValueError:
        return None
    preference = route.preference or (1 if state.vendor == "cisco_ios" else 60)
    hop = route.next_hop
    if hop.upper().startswith("NULL"):
        return Route(
            prefix, "Static", preference, 0, "0.0.0.0" if prefix.version == 4 else "::", "NULL0", "static"
        )
    try:
        address = ip_address(hop)
    except ValueError:  # an outgoing interface: installed while it is up
        itf = state.interface(hop)
        if itf is None or not is_up(itf):
            return None
        return Route(
            prefix, "Static", preference, 0, "0.0.0.0" if prefix.version == 4 else "::", itf.name, "static"
        )
    out = connected_interface(state, address)
    if out is None or address.version != prefix.version:
        return None
    return Route(prefix, "Static", preference, 0, str(address), out.name, "static")


def connected_interface(state: DeviceState, address: IPv4Address | IPv6Address) -> Interface | None:
    """The up interface whose subnet holds ``address`` (a next hop reached directly)."""
    for itf in state.interfaces:
        if not is_up(itf):
            continue
        for a in addresses(itf):
            if a.version == address.version and address in a.network and address != a.ip:
                return itf
    return None


def mac_address(state: DeviceState, itf: Interface) -> str:
    """The interface's MAC in the vendors' dotted-dash form (``00e0-fc12-3456``), as SNMP gives it."""
    base = int.from_bytes(hashlib.sha1(state.hostname.encode()).digest()[:3], "big")
    raw = vendor_spec(state.vendor).snmp.oui.hex() + f"{(base + itf.ifindex) % 2**24:06x}"
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def link_local(state: DeviceState, itf: Interface) -> IPv6Address:
    """The EUI-64 link-local address an interface derives from its MAC (``FE80::2E0:FCFF:FE..``)."""
    mac = bytes.fromhex(mac_address(state, itf).replace("-", ""))
    eui = bytes([mac[0] ^ 0x02]) + mac[1:3] + b"\xff\xfe" + mac[3:]
    return IPv6Address(b"\xfe\x80" + bytes(6) + eui)


@dataclass(frozen=True)
class ArpEntry:
    address: IPv4Address
    mac: str
    interface: str
    dynamic: bool  # learned from a neighbour (else the interface's own address)


def arp_entries(topology: Topology | None, state: DeviceState) -> list[ArpEntry]:
    """The interface's own addresses, and each cabled neighbour's address on a shared subnet."""
    entries: list[ArpEntry] = []
    for itf in state.interfaces:
        if not is_up(itf) or itf.is_loopback:
            continue
        for a in itf.ipv4:
            entries.append(ArpEntry(a.ip, mac_address(state, itf), itf.name, False))
    if topology is not None:
        me = topology.hostname_of(state)
        for local, peer_name, peer in topology.neighbours(me or ""):
            peer_state = topology.states[peer_name]
            for theirs in peer.ipv4:
                if any(theirs.ip in mine.network and theirs.ip != mine.ip for mine in local.ipv4):
                    entries.append(ArpEntry(theirs.ip, mac_address(peer_state, peer), local.name, True))
    return sorted(entries, key=lambda e: e.address)


# --- OSPF -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OspfInterface:
    process: OspfProcess
    area: str  # dotted
    interface: Interface
    address: IPv4Interface


@dataclass(frozen=True)
class OspfNeighbour:
    local: OspfInterface
    router_id: str
    address: IPv4Address
    peer_interface: str
    is_dr: bool  # the neighbour is the segment's DR (the higher router ID wins at equal priority)


def dotted(area: str) -> str:
    return str(IPv4Address(int(area))) if area.isdecimal() else area


def router_id(state: DeviceState, process: OspfProcess) -> str:
    """The configured router ID, else the highest loopback address, else the highest address."""
    if process.router_id:
        return process.router_id
    loopbacks = [a.ip for i in state.interfaces if i.is_loopback for a in i.ipv4]
    others = [a.ip for i in state.interfaces for a in i.ipv4]
    chosen = max(loopbacks or others, default=IPv4Address(0))
    return str(chosen)


def _covered(address: IPv4Address, network: str) -> bool:
    words = network.split()
    try:
        base = int(IPv4Address(words[0]))
        wild = int(IPv4Address(words[1])) if len(words) > 1 else 0
    except ValueError:
        return False
    return (int(address) & ~wild & 0xFFFFFFFF) == (base & ~wild & 0xFFFFFFFF)


def ospf_interfaces(state: DeviceState) -> list[OspfInterface]:
    """Interfaces enabled in OSPFv2: their primary address lies in an area's ``network``."""
    out = []
    for process in state.ospf:
        if process.version != 2:
            continue
        for itf in state.interfaces:
            if not itf.ipv4:
                continue
            primary = itf.ipv4[0]
            area = next((a for a in process.areas if any(_covered(primary.ip, n) for n in a.networks)), None)
            if area is not None:
                out.append(OspfInterface(process, dotted(area.area), itf, primary))
    return out


def ospf_neighbours(topology: Topology | None, state: DeviceState) -> list[OspfNeighbour]:
    """Full adjacencies: the cabled peer's port is up and in OSPF, in the same area and subnet."""
    if topology is None:
        return []
    me = topology.hostname_of(state)
    mine = {(o.interface.name, o.process.process_id): o for o in ospf_interfaces(state)}
    out = []
    for local, peer_name, peer in topology.neighbours(me or ""):
        peer_state = topology.states[peer_name]
        theirs = [o for o in ospf_interfaces(peer_state) if o.interface is peer]
        for (name, _), ours in mine.items():
            if name != local.name:
                continue
            if ours.process.passive(ours.interface.name):
                continue  # `passive-interface`: no hellos sent, no neighbour
            for other in theirs:
                if other.process.passive(peer.name):
                    continue
                if other.area == ours.area and other.address.ip in ours.address.network:
                    rid = router_id(peer_state, other.process)
                    own = router_id(state, ours.process)
                    out.append(
                        OspfNeighbour(
                            ours, rid, other.address.ip, peer.name, IPv4Address(rid) > IPv4Address(own)
                        )
                    )
    return out


@dataclass(frozen=True)
class OspfInterfaceState:
    p2p: bool  # a loopback is point-to-point; Ethernet ports are broadcast networks
    state: str  # Down | P-2-P | DR | BDR
    dr: str
    bdr: str
    cost: int


def ospf_interface_state(o: OspfInterface, neighbours: list[OspfNeighbour]) -> OspfInterfaceState:
    """An OSPF interface's role on its segment: alone it is the DR; with a neighbour, the higher
    router ID is the DR and the other the BDR. Cost from the reference bandwidth of 100 Mbit/s."""
    itf = o.interface
    cost = itf.ospf_cost or max(1, 100 // max(itf.speed_mbps, 1))
    me = str(o.address.ip)
    if not itf.oper_up:
        return OspfInterfaceState(False, "Down", "0.0.0.0", "0.0.0.0", cost)
    if itf.is_loopback:
        return OspfInterfaceState(True, "P-2-P", "0.0.0.0", "0.0.0.0", 0)
    mine = [n for n in neighbours if n.local == o]
    if not mine:
        return OspfInterfaceState(False, "DR", me, "0.0.0.0", cost)
    peer = mine[0]
    if peer.is_dr:
        return OspfInterfaceState(False, "BDR", str(peer.address), me, cost)
    return OspfInterfaceState(False, "DR", me, str(peer.address), cost)


def cpu_percent(state: DeviceState) -> int:
    """A steady CPU load: a few percent idle, more with the traffic the device forwards."""
    line = sum(i.speed_mbps for i in state.interfaces if is_up(i)) or 1
    carried = sum(sum(i.current_rates()) for i in state.interfaces) / 1e6
    return min(95, 3 + zlib.crc32(state.hostname.encode()) % 5 + int(20 * carried / line))
