"""What the polls say about the extranet, judged against the inventory: pure functions, no I/O.

Each finding names the device, the interface and the inventory link, with a stable rule id:

- ``link.below-tier``: a link running below its tier (a 1G link negotiated at 100M);
- ``link.down``: an interface the inventory says is a link is down (``link.missing``: not there at all);
- ``uplink.no-ipv6``: an uplink end without a global IPv6 address;
- ``lldp.miscabled``: LLDP hears another device or port than the inventory's other end;
- ``lldp.unknown-link``: LLDP hears a neighbour on a port the inventory has no link for;
- ``device.unpolled``: the device could not be polled (the error's kind and detail).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from govnet.collectors.snmp.derive import InterfaceRate, utilisation
from govnet.collectors.snmp.models import DevicePoll, InterfaceSample
from govnet.inventory import problems
from govnet.inventory.problems import Severity
from govnet.verdict import Verdict

if TYPE_CHECKING:
    from govnet.inventory.models import Inventory

RULES = (
    "device.unpolled",
    "link.below-tier",
    "link.down",
    "link.missing",
    "link.unknown-state",
    "uplink.no-ipv6",
    "lldp.miscabled",
    "lldp.unknown-link",
)


@dataclass(frozen=True)
class LinkEnd:
    """One end of an inventory link, as the poller needs it."""

    link: str  # inventory link id
    device: str
    interface: str
    peer_device: str
    peer_interface: str
    tier_mbps: int
    tier: str
    purpose: str  # uplink | peer | lan


def link_ends(inventory: Inventory) -> list[LinkEnd]:
    ends = []
    for link in inventory.links:
        for a, b in ((link.a, link.b), (link.b, link.a)):
            ends.append(
                LinkEnd(
                    link.id,
                    a.device,
                    a.interface,
                    b.device,
                    b.interface,
                    link.tier.mbps,
                    link.tier.value,
                    link.purpose.value,
                )
            )
    return ends


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    device: str
    interface: str
    link: str  # inventory link id, "" when the inventory has none
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"{self.device} {self.interface}".strip()
        link = f" (link {self.link})" if self.link else ""
        return f"{self.severity.value}: {where}{link}: {self.message} [{self.rule}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "device": self.device,
            "interface": self.interface,
            "link": self.link,
            "message": self.message,
            "evidence": self.evidence,
        }


# ---------------------------------------------------------------- names

# Interface-name families as vendors abbreviate them (VRP/Comware/IOS full and short forms).
_FAMILIES = {
    "gigabitethernet": "ge",
    "ge": "ge",
    "gi": "ge",
    "g": "ge",
    "xgigabitethernet": "xge",
    "ten-gigabitethernet": "xge",
    "tengigabitethernet": "xge",
    "xge": "xge",
    "te": "xge",
    "fastethernet": "fe",
    "fa": "fe",
    "ethernet": "eth",
    "eth": "eth",
    "et": "eth",
    "eth-trunk": "lag",
    "port-channel": "lag",
    "po": "lag",
    "bridge-aggregation": "lag",
    "bagg": "lag",
    "route-aggregation": "lag",
    "ragg": "lag",
    "m-gigabitethernet": "mge",
    "mge": "mge",
    "meth": "meth",
}
_SPLIT = re.compile(r"^([a-z][a-z-]*?)\s*([\d/.:]+)$")


def port_key(name: str) -> str:
    """A name every vendor spelling of one port maps to: ``Gi0/0/1`` and ``GigabitEthernet0/0/1``."""
    text = name.strip().lower()
    m = _SPLIT.match(text)
    if not m:
        return text
    return f"{_FAMILIES.get(m.group(1), m.group(1))}{m.group(2)}"


def host_key(name: str) -> str:
    """sysName may be a FQDN; the inventory has host names."""
    return name.strip().lower().split(".")[0]


def global_ipv6(itf: InterfaceSample) -> list[str]:
    out = []
    for text in itf.ipv6:
        try:
            addr = ipaddress.IPv6Address(text.split("%")[0])
        except ValueError:
            continue
        if not (addr.is_link_local or addr.is_loopback or addr.is_unspecified):
            out.append(text)
    return out


# ---------------------------------------------------------------- link status


@dataclass(frozen=True)
class LinkStatus:
    """One end of an inventory link as polled: tier, speed, traffic, IPv6."""

    end: LinkEnd
    found: bool
    oper_up: bool | None = None  # None: the agent did not say
    admin_up: bool | None = None
    speed_mbps: int | None = None
    in_bps: float | None = None
    out_bps: float | None = None
    util_speed: float | None = None  # percent of ifHighSpeed
    util_tier: float | None = None  # percent of the link's tier
    ipv6: tuple[str, ...] = ()
    lldp: str = ""  # "device port" heard over LLDP

    def to_dict(self) -> dict[str, Any]:
        return {
            "link": self.end.link,
            "device": self.end.device,
            "interface": self.end.interface,
            "peer": f"{self.end.peer_device} {self.end.peer_interface}",
            "tier": self.end.tier,
            "purpose": self.end.purpose,
            "found": self.found,
            "oper_up": self.oper_up,
            "admin_up": self.admin_up,
            "speed_mbps": self.speed_mbps,
            "in_bps": self.in_bps,
            "out_bps": self.out_bps,
            "util_speed": self.util_speed,
            "util_tier": self.util_tier,
            "ipv6": list(self.ipv6),
            "lldp": self.lldp,
        }


def _find(poll: DevicePoll, name: str) -> InterfaceSample | None:
    key = port_key(name)
    for itf in poll.interfaces:
        if port_key(itf.name) == key or port_key(itf.descr) == key:
            return itf
    return None


def link_status(
    ends: Iterable[LinkEnd], polls: dict[str, DevicePoll], rates: dict[tuple[str, int], InterfaceRate]
) -> list[LinkStatus]:
    out = []
    for end in ends:
        poll = polls.get(end.device)
        if poll is None or not poll.ok:
            continue
        itf = _find(poll, end.interface)
        if itf is None:
            out.append(LinkStatus(end, False))
            continue
        rate = rates.get((end.device, itf.ifindex))
        in_bps = rate.in_bps if rate else None
        out_bps = rate.out_bps if rate else None
        heard = [n for n in poll.lldp if n.local_ifindex == itf.ifindex]
        out.append(
            LinkStatus(
                end,
                True,
                itf.oper_up,
                itf.admin_up,
                itf.speed_mbps,
                in_bps,
                out_bps,
                utilisation(in_bps, out_bps, itf.speed_mbps),
                utilisation(in_bps, out_bps, end.tier_mbps),
                tuple(global_ipv6(itf)),
                f"{heard[0].remote_name} {heard[0].remote_port}" if heard else "",
            )
        )
    return out


# ---------------------------------------------------------------- findings


def findings(ends: list[LinkEnd], polls: dict[str, DevicePoll], statuses: list[LinkStatus]) -> list[Finding]:
    out: list[Finding] = []
    for name, poll in sorted(polls.items()):
        if not poll.ok and poll.error is not None:
            out.append(
                Finding(
                    "device.unpolled",
                    Severity.ERROR,
                    name,
                    "",
                    "",
                    f"not polled: {poll.error}",
                    {"kind": poll.error.kind.value, "address": poll.address},
                )
            )
    for st in statuses:
        e = st.end
        where = (e.device, e.interface, e.link)
        if not st.found:
            out.append(Finding("link.missing", Severity.ERROR, *where, "interface not on the device"))
            continue
        if st.oper_up is None:
            out.append(
                Finding(
                    "link.unknown-state",
                    Severity.WARNING,
                    *where,
                    "the agent does not say whether the interface is up (no usable ifOperStatus)",
                    {"tier": e.tier},
                )
            )
        elif not st.oper_up:
            why = "administratively down" if st.admin_up is False else "down (link)"
            out.append(Finding("link.down", Severity.ERROR, *where, f"interface {why}", {"tier": e.tier}))
        elif st.speed_mbps is None:
            out.append(
                Finding(
                    "link.unknown-state",
                    Severity.WARNING,
                    *where,
                    f"the agent gives no speed for the interface (no ifHighSpeed/ifSpeed): its {e.tier} "
                    "tier cannot be checked",
                    {"tier": e.tier},
                )
            )
        elif st.speed_mbps < e.tier_mbps:
            out.append(
                Finding(
                    "link.below-tier",
                    Severity.ERROR,
                    *where,
                    f"running at {st.speed_mbps} Mbit/s, below its {e.tier} tier",
                    {"speed_mbps": st.speed_mbps, "tier_mbps": e.tier_mbps},
                )
            )
        if e.purpose == "uplink" and not st.ipv6:
            out.append(
                Finding("uplink.no-ipv6", Severity.ERROR, *where, "uplink without a global IPv6 address")
            )
    out += _lldp_findings(ends, polls)
    return out


def _lldp_findings(ends: list[LinkEnd], polls: dict[str, DevicePoll]) -> list[Finding]:
    by_port = {(e.device, port_key(e.interface)): e for e in ends}
    out: list[Finding] = []
    for name, poll in sorted(polls.items()):
        if not poll.ok:
            continue
        for n in poll.lldp:
            itf = next((i for i in poll.interfaces if i.ifindex == n.local_ifindex), None)
            local = itf.name if itf else n.local_port
            end = by_port.get((name, port_key(local)))
            if end is None and itf is not None:
                end = by_port.get((name, port_key(itf.descr)))
            heard = f"{n.remote_name} {n.remote_port}"
            if end is None:
                out.append(
                    Finding(
                        "lldp.unknown-link",
                        Severity.WARNING,
                        name,
                        local,
                        "",
                        f"LLDP hears {heard}, a link the inventory lacks",
                        {"remote": n.remote_name, "remote_port": n.remote_port},
                    )
                )
                continue
            same_host = host_key(n.remote_name) == host_key(end.peer_device)
            same_port = port_key(n.remote_port) == port_key(end.peer_interface)
            if not (same_host and same_port):
                out.append(
                    Finding(
                        "lldp.miscabled",
                        Severity.ERROR,
                        name,
                        end.interface,
                        end.link,
                        f"LLDP hears {heard}; the inventory says {end.peer_device} {end.peer_interface}",
                        {
                            "heard": heard,
                            "expected": f"{end.peer_device} {end.peer_interface}",
                        },
                    )
                )
    return out


def as_verdict(subject: str, found: list[Finding]) -> Verdict:
    """One check per rule: FAILED when an error broke it (warnings kept as evidence), as the
    inventory's problems are judged (a ``Finding`` has a ``Problem``'s rule, severity and message)."""
    return problems.as_verdict(subject, cast(list[problems.Problem], found), list(RULES))
