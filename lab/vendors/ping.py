"""``ping`` and ``ping ipv6`` on every vendor: the options each takes, and the echoes, from the lab.

What answers is the lab's topology (``govnet.lab.topology.ping_hops``): an address held by a lab
device, on an up interface, with an up path of cables from the pinging device. The vendors'
modules only word the result. The lab answers at once; the round-trip times reported grow with
the number of cables crossed.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address

from govnet.lab.topology import Topology, ping_hops
from govnet.lab.vendors.base import CliSession, CommandError

# The options VRP and Comware take a value after (``ping -c 3 -a 10.0.0.1 10.0.0.2``).
VRP_FAMILY_OPTIONS = {
    "-c": "count",
    "-s": "size",
    "-a": "source",
    "-t": "",
    "-m": "",
    "-h": "",
    "-i": "",
    "-vpn-instance": "",
}


@dataclass(frozen=True)
class Ping:
    target: IPv4Address | IPv6Address
    count: int = 5
    size: int = 56
    source: str = ""


@dataclass(frozen=True)
class Echoes:
    request: Ping
    times_ms: list[int | None]  # one per echo: its round-trip time, None when it timed out
    ttl: int  # the replies' TTL / hop limit

    @property
    def received(self) -> int:
        return sum(1 for t in self.times_ms if t is not None)

    @property
    def answered(self) -> list[int]:
        return [t for t in self.times_ms if t is not None]


def parse_ping(
    words: list[str],
    *,
    ipv6: bool,
    value_options: dict[str, str],
    column: int,
    default_size: int = 56,
) -> Ping:
    """The target and options of a typed ping. ``value_options`` maps each option word the vendor
    takes a value after (``-c``, ``repeat``, ``-a``, ``source``, ...) to ``count``/``size``/``source``
    or ``""`` (accepted, ignored)."""
    count, size, source = 5, default_size, ""
    target: str | None = None
    i = 0
    while i < len(words):
        word = words[i].lower()
        if word in value_options:
            if i + 1 >= len(words):
                raise CommandError("incomplete", column)
            value = words[i + 1]
            meaning = value_options[word]
            if meaning in ("count", "size"):
                if not value.isdecimal() or not 1 <= int(value) <= 65535:
                    raise CommandError("wrong-parameter", column)
                if meaning == "count":
                    count = min(int(value), 1000)
                else:
                    size = int(value)
            elif meaning == "source":
                source = value
            i += 2
            continue
        if target is not None or word.startswith("-"):
            raise CommandError("wrong-parameter", column)
        target = words[i]
        i += 1
    if target is None:
        raise CommandError("incomplete", column)
    try:
        address = ip_address(target.split("%")[0])
    except ValueError:
        raise CommandError("wrong-parameter", column) from None
    if (address.version == 6) != ipv6:
        raise CommandError("wrong-parameter", column)
    return Ping(address, count, size, source)


def topology_of(session: CliSession) -> Topology | None:
    """The running lab's cabling, as the SSH side hands it to a session (None outside a lab)."""
    topology = getattr(session, "topology", None)
    return topology if isinstance(topology, Topology) else None


def send(session: CliSession, request: Ping, *, initial_ttl: int) -> Echoes:
    """The echoes as the lab's live state answers them."""
    hops = ping_hops(topology_of(session), session.state, request.target)
    if hops is None:
        return Echoes(request, [None] * request.count, 0)
    base = 1 + hops  # a millisecond per cable crossed, plus the device's own turnaround
    times: list[int | None] = [base + (i % 3 == 1) for i in range(request.count)]
    return Echoes(request, times, initial_ttl - max(hops - 1, 0))


def source_address(session: CliSession, version: int) -> str:
    """The address an echo leaves from: the first up interface's address of that family."""
    for itf in session.state.interfaces:
        if itf.oper_up:
            for a in itf.ipv4 if version == 4 else itf.ipv6:
                return str(a.ip)
    return "0.0.0.0" if version == 4 else "::"
