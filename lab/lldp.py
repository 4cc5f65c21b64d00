"""LLDP in the lab: who each port's cable reaches, and the CLI views of it.

A port's neighbour comes from the inventory link it was built for (``LldpPeer`` on the interface,
set at boot by ``bootstrap``); ``swap_cables`` models a miscabling (two cables swapped at a patch
panel), changing what both ends see. The SNMP agent serves the same data as LLDP-MIB
(``snmp_mib_ext``), and the display commands here lay it out as each vendor does:
VRP ``display lldp neighbor brief``, Comware ``display lldp neighbor-information list``,
IOS ``show lldp neighbors``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from govnet.vendors import vendor_spec

if TYPE_CHECKING:
    from govnet.lab.state import DeviceState, Interface
    from govnet.lab.vendors.base import Args, CliSession, Command

HOLD_SECONDS = 120  # LLDP TTL: msgTxInterval 30 s x msgTxHold 4


@dataclass(frozen=True)
class LldpPeer:
    """What a port hears over LLDP: the system and port at the far end of its cable."""

    hostname: str
    port: str  # the neighbour's full interface name
    vendor: str  # the neighbour's vendor key (chassis MAC OUI, port ID style, sysDescr)
    port_description: str = ""


def chassis_mac(vendor: str, hostname: str) -> bytes:
    """A device's base MAC address: its vendor's OUI and three bytes from its name (stable)."""
    return vendor_spec(vendor).snmp.oui + hashlib.sha1(hostname.encode()).digest()[:3]


def mac_text(mac: bytes, style: str) -> str:
    """``4c1f-cc12-3456`` (VRP, Comware) or ``4c1f.cc12.3456`` (IOS)."""
    h = mac.hex()
    sep = "." if style == "cisco_ios" else "-"
    return sep.join((h[0:4], h[4:8], h[8:12]))


def lldp_port_id(vendor: str, name: str) -> tuple[int, str]:
    """(LLDP port ID subtype, port ID) a vendor advertises: VRP and Comware the full interface name
    (interfaceName(5)), IOS its short name as a local(7) ID."""
    if vendor == "cisco_ios":
        return 7, vendor_spec(vendor).interfaces.short(name)
    return 5, name


def lldp_ports(state: DeviceState) -> list[Interface]:
    """The ports LLDP runs on: physical Ethernet ports (not loopbacks, VLAN or tunnel interfaces)."""
    from govnet.lab.snmp_vendors import if_type

    return [i for i in state.interfaces if if_type(i.name) == 6]


def local_port_num(state: DeviceState, itf: Interface) -> int:
    """lldpLocPortNum: the ifIndex on VRP and Comware; IOS numbers its LLDP ports 1, 2, ... apart
    from ifIndex, so managers must map through lldpLocPortTable."""
    if state.vendor == "cisco_ios":
        return [i.ifindex for i in lldp_ports(state)].index(itf.ifindex) + 1
    return itf.ifindex


def neighbours(state: DeviceState) -> list[tuple[Interface, LldpPeer]]:
    """Ports that hear a neighbour now: a peer behind the cable and the link up at both ends."""
    return [(i, i.lldp_peer) for i in lldp_ports(state) if i.lldp_peer is not None and i.oper_up]


def swap_cables(states: dict[str, DeviceState], hostname: str, port_a: str, port_b: str) -> str:
    """Swap the cables of two ports of one device (a patch-panel mistake): each port now reaches the
    other's neighbour, and those neighbours (when they run in this lab) see the swapped ports."""
    state = states[hostname]
    a, b = state.interface(port_a), state.interface(port_b)
    if a is None or b is None:
        missing = port_a if a is None else port_b
        raise ValueError(f"{hostname} has no interface {missing!r}")
    peer_a, peer_b = a.lldp_peer, b.lldp_peer
    a.lldp_peer, b.lldp_peer = peer_b, peer_a
    for itf, peer in ((a, peer_b), (b, peer_a)):
        far = states.get(peer.hostname) if peer else None
        far_itf = far.interface(peer.port) if far and peer else None
        if far is not None and far_itf is not None and far_itf.lldp_peer is not None:
            far_itf.lldp_peer = replace(far_itf.lldp_peer, port=itf.name, port_description=itf.description)
            far.touch()
    state.touch()
    return f"{hostname}: cables of {a.name} and {b.name} swapped"


# ---------------------------------------------------------------- CLI views


def _vrp_short(name: str) -> str:
    for prefix, short in (
        ("XGigabitEthernet", "XGE"),
        ("GigabitEthernet", "GE"),
        ("100GE", "100GE"),
        ("40GE", "40GE"),
        ("25GE", "25GE"),
        ("Ethernet", "Eth"),
        ("MEth", "MEth"),
    ):
        if name.startswith(prefix):
            return short + name[len(prefix) :]
    return name


def _ttl(session: CliSession, itf: Interface) -> int:
    # Neighbours re-advertise every 30 s: the time left counts down from the hold time.
    return HOLD_SECONDS - int(session.clock() - session.state.boot_time + itf.ifindex) % 30


def vrp_lldp_brief(session: CliSession, args: Args) -> str:
    lines = [f"{'Local Intf':<17}{'Neighbor Dev':<25}{'Neighbor Intf':<26}Exptime(s)"]
    for itf, peer in neighbours(session.state):
        port = (
            _vrp_short(peer.port) if peer.vendor == "huawei_vrp" else lldp_port_id(peer.vendor, peer.port)[1]
        )
        lines.append(f"{_vrp_short(itf.name):<17}{peer.hostname:<25}{port:<26}{_ttl(session, itf)}")
    return "\n".join(lines)


def comware_lldp_list(session: CliSession, args: Args) -> str:
    rules = vendor_spec(session.state.vendor).interfaces
    lines = [
        "Chassis ID : * -- -- Nearest nontpmr bridge neighbor",
        "             # -- -- Nearest customer bridge neighbor",
        "             Default -- -- Nearest bridge neighbor",
        f"{'System Name':<21}{'Local Interface':<16}{'Chassis ID':<16}Port ID",
    ]
    for itf, peer in neighbours(session.state):
        local = rules.short(itf.name)
        chassis = mac_text(chassis_mac(peer.vendor, peer.hostname), "h3c_comware")
        port = lldp_port_id(peer.vendor, peer.port)[1]
        name = peer.hostname if len(peer.hostname) <= 20 else peer.hostname + "\n" + " " * 21
        lines.append(f"{name:<21}{local:<16}{chassis:<16}{port}")
    return "\n".join(lines)


def ios_lldp_neighbors(session: CliSession, args: Args) -> str:
    rules = vendor_spec("cisco_ios").interfaces
    found = neighbours(session.state)
    lines = [
        "Capability codes:",
        "    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "",
        f"{'Device ID':<20}{'Local Intf':<15}{'Hold-time':<11}{'Capability':<16}Port ID",
    ]
    for itf, peer in found:
        local = rules.short(itf.name)
        port = lldp_port_id(peer.vendor, peer.port)[1]
        lines.append(f"{peer.hostname[:20]:<20}{local:<15}{_ttl(session, itf):<11}{'B,R':<16}{port}")
    lines += ["", f"Total entries displayed: {len(found)}"]
    return "\n".join(lines)


def lldp_commands(vendor: str) -> list[Command]:
    """The LLDP display commands of a vendor's CLI (added to its command tables)."""
    from govnet.lab.vendors.base import cmd

    if vendor == "huawei_vrp":
        return [cmd("display lldp neighbor brief", vrp_lldp_brief, negate=False)]
    if vendor == "h3c_comware":
        return [cmd("display lldp neighbor-information list", comware_lldp_list, negate=False)]
    return [cmd("show lldp neighbors", ios_lldp_neighbors, negate=False)]
