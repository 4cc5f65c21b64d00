"""The lab's cabling: which port of which device is wired to which, and what can reach what.

Pure logic, no I/O. The runtime builds a ``Topology`` from the inventory's links (both ends in the
lab) and hands it to every device's CLI sessions, so that a ``link-down`` fault cuts the cable at
both ends and ``ping`` answers from the lab's live state: an address answers when an up path of
links leads from the pinging device to the device that holds it, on an interface that is up.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv6Address, IPv6Interface
from typing import TYPE_CHECKING

from govnet.lab.state import DeviceState, Interface

if TYPE_CHECKING:
    from govnet.inventory.models import Inventory


def addresses(itf: Interface) -> list[IPv4Interface | IPv6Interface]:
    """An interface's IPv4 and IPv6 addresses (with their prefix lengths)."""
    return [*itf.ipv4, *itf.ipv6]


@dataclass(frozen=True)
class Cable:
    """One inventory link between two lab devices (interface names as the inventory writes them)."""

    a_device: str
    a_interface: str
    b_device: str
    b_interface: str


def cables_from_inventory(inventory: Inventory, hostnames: Iterable[str]) -> list[Cable]:
    """The inventory's links whose two ends are both lab devices."""
    present = set(hostnames)
    return [
        Cable(link.a.device, link.a.interface, link.b.device, link.b.interface)
        for link in inventory.links
        if link.a.device in present and link.b.device in present
    ]


@dataclass
class Topology:
    """The running devices (inventory hostname -> state) and the cables between them."""

    states: Mapping[str, DeviceState] = field(default_factory=dict)
    cables: list[Cable] = field(default_factory=list)
    # (device, interface in lower case) -> the other end; built once (a lab's cabling is fixed).
    _ends: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for cable in self.cables:
            self._ends[(cable.a_device, cable.a_interface.lower())] = (cable.b_device, cable.b_interface)
            self._ends[(cable.b_device, cable.b_interface.lower())] = (cable.a_device, cable.a_interface)

    def peer(self, device: str, interface: str) -> tuple[str, Interface] | None:
        """The device and interface at the other end of ``device``'s ``interface``, if cabled."""
        other = self._ends.get((device, interface.lower()))
        if other is None or other[0] not in self.states:
            return None
        itf = self.states[other[0]].interface(other[1])
        return (other[0], itf) if itf is not None else None

    def hostname_of(self, state: DeviceState) -> str | None:
        for name, candidate in self.states.items():
            if candidate is state:
                return name
        return None

    def neighbours(self, device: str) -> list[tuple[Interface, str, Interface]]:
        """(local port, peer device, peer port) for every cabled port of ``device`` whose both ends
        are up: the adjacencies routing protocols and ping can use right now."""
        state = self.states.get(device)
        if state is None:
            return []
        out = []
        for itf in state.interfaces:
            found = self.peer(device, itf.name)
            if found is not None and itf.oper_up and found[1].oper_up:
                out.append((itf, found[0], found[1]))
        return out

    def holder(self, address: IPv4Address | IPv6Address) -> tuple[str, Interface] | None:
        """The device and interface an address is configured on."""
        wanted, version = int(address), address.version
        for name, state in self.states.items():
            for itf in state.interfaces:
                # int() of an interface address is its address: no objects made per comparison.
                if any(int(a) == wanted and a.version == version for a in addresses(itf)):
                    return name, itf
        return None

    def hops(self, source: str, target: str) -> int | None:
        """How many cables the shortest up path from ``source`` to ``target`` crosses (breadth-first);
        None when no up path leads there."""
        seen = {source: 0}
        queue = deque([source])
        while queue:
            here = queue.popleft()
            if here == target:
                return seen[here]
            for _, peer, _ in self.neighbours(here):
                if peer not in seen:
                    seen[peer] = seen[here] + 1
                    queue.append(peer)
        return None


def ping_hops(topology: Topology | None, state: DeviceState, target: IPv4Address | IPv6Address) -> int | None:
    """Whether an echo from ``state``'s device to ``target`` comes back, from the lab's live state:
    the number of cables it crosses (0 for the device's own address), None when it times out.

    Without a topology (a device outside a running lab) only the device's own addresses answer.
    """
    own = [a for itf in state.interfaces if itf.oper_up for a in addresses(itf)]
    if any(a.ip == target for a in own):
        return 0
    if topology is None:
        return None
    source = topology.hostname_of(state)
    found = topology.holder(target)
    if source is None or found is None or not found[1].oper_up:
        return None
    # The echo leaves from an address of the same family on an up interface of the source.
    if not any(a.ip.version == target.version for a in own):
        return None
    return topology.hops(source, found[0])
