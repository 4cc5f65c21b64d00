"""The MIB a lab device serves, read from its live ``DeviceState`` at request time.

The tree is one sorted list of nodes shared by every device: scalars and table columns. A column's
instances come from the device's rows (interfaces, addresses), whose sorted indexes are rebuilt
only when ``DeviceState.revision`` changes; values are read from the state when asked, so counters
move and configuration changes show up immediately. GET is one bisect in the node list and one
dict lookup; GETNEXT is two bisects. Nothing is materialised per instance, so a device costs the
memory of its state plus a few index lists, whatever the size of its tables.

Served: SNMPv2-MIB system and snmp groups; IF-MIB ifNumber, ifTable, ifXTable; IP-MIB ipForwarding,
ipDefaultTTL, ipAddrTable (IPv4, legacy), ipAddressPrefixTable and ipAddressTable (IPv4 and IPv6);
SNMP-FRAMEWORK-MIB snmpEngine; SNMP-TARGET-MIB snmpUnknownContexts; SNMP-USER-BASED-SM-MIB usmStats.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Interface, IPv6Interface
from typing import Any, NamedTuple

from govnet.lab import snmp_ber as ber
from govnet.lab.snmp_ber import Oid
from govnet.lab.snmp_vendors import SnmpVendor, if_type, short_if_name, snmp_vendor
from govnet.lab.state import COUNTER32, DeviceState, Interface, InterfaceCounters

Value = tuple[int, Any]  # (BER tag, Python value)
Getter = Callable[["MibView", Any], Value | None]

MAX_MESSAGE_SIZE = 65507  # snmpEngineMaxMessageSize: the largest UDP payload over IPv4
GAUGE_MAX = 2**32 - 1

SYSTEM = (1, 3, 6, 1, 2, 1, 1)
SNMP_GROUP = (1, 3, 6, 1, 2, 1, 11)
IF_NUMBER = (1, 3, 6, 1, 2, 1, 2, 1)
IF_ENTRY = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_ENTRY = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
IP = (1, 3, 6, 1, 2, 1, 4)
IP_ADDR_ENTRY = (*IP, 20, 1)
IP_ADDRESS_PREFIX_ENTRY = (*IP, 32, 1)
IP_ADDRESS_ENTRY = (*IP, 34, 1)
SNMP_ENGINE = (1, 3, 6, 1, 6, 3, 10, 2, 1)
SNMP_UNKNOWN_CONTEXTS = (1, 3, 6, 1, 6, 3, 12, 1, 5)
USM_STATS = (1, 3, 6, 1, 6, 3, 15, 1, 1)

# usmStats counter name -> OID of its instance (carried in Report PDUs)
USM_STATS_OIDS: dict[str, Oid] = {
    name: (*USM_STATS, i, 0)
    for i, name in enumerate(
        (
            "usmStatsUnsupportedSecLevels",
            "usmStatsNotInTimeWindows",
            "usmStatsUnknownUserNames",
            "usmStatsUnknownEngineIDs",
            "usmStatsWrongDigests",
            "usmStatsDecryptionErrors",
        ),
        start=1,
    )
}
SNMP_UNKNOWN_CONTEXTS_OID = (*SNMP_UNKNOWN_CONTEXTS, 0)


@dataclass
class EngineState:
    """What the agent itself keeps per device: its SNMP engine and its statistics counters."""

    engine_id: bytes
    boots: int = 1
    boot_time_seen: float | None = None
    stats: Counter[str] = field(default_factory=Counter)

    def engine_time(self, state: DeviceState, now: float) -> int:
        return max(0, int(now - state.boot_time))

    def observe_boot(self, state: DeviceState) -> None:
        """A new boot time means the device rebooted: snmpEngineBoots goes up (RFC 3414 2.2.2)."""
        if self.boot_time_seen is None:
            self.boot_time_seen = state.boot_time
        elif state.boot_time != self.boot_time_seen:
            self.boot_time_seen = state.boot_time
            self.boots += 1


def default_engine_id(state: DeviceState) -> bytes:
    """RFC 3411 snmpEngineID: enterprise number with the high bit set, format 4 (text), the name."""
    if state.snmp.engine_id:
        return bytes.fromhex(state.snmp.engine_id)
    vendor = snmp_vendor(state.vendor)
    return (0x80000000 | vendor.snmp.enterprise).to_bytes(4, "big") + b"\x04" + state.hostname.encode()[:27]


class Table(NamedTuple):
    keys: list[Oid]  # sorted instance indexes
    rows: list[Any]
    by_key: dict[Oid, Any]


def _table(items: list[tuple[Oid, Any]]) -> Table:
    items.sort(key=lambda kv: kv[0])
    by_key: dict[Oid, Any] = {}
    for k, row in items:
        by_key.setdefault(k, row)  # a duplicate address keeps its first interface, as ipAddrTable does
    keys = sorted(by_key)
    return Table(keys, [by_key[k] for k in keys], by_key)


def _addr_index(addr: IPv4Interface | IPv6Interface) -> Oid:
    raw = addr.ip.packed
    return (1 if addr.version == 4 else 2, len(raw), *raw)


def _prefix_index(itf: Interface, addr: IPv4Interface | IPv6Interface) -> Oid:
    raw = addr.network.network_address.packed
    return (itf.ifindex, 1 if addr.version == 4 else 2, len(raw), *raw, addr.network.prefixlen)


@dataclass(frozen=True)
class AddressRow:
    itf: Interface
    addr: IPv4Interface | IPv6Interface


def build_tables(state: DeviceState) -> dict[str, Table]:
    """Row indexes of every table, from the device's configuration (rebuilt when it changes)."""
    interfaces: list[tuple[Oid, Any]] = [((i.ifindex,), i) for i in state.interfaces]
    addresses: list[tuple[Oid, Any]] = []
    legacy: list[tuple[Oid, Any]] = []
    prefixes: list[tuple[Oid, Any]] = []
    for itf in state.interfaces:
        addrs: list[IPv4Interface | IPv6Interface] = [*itf.ipv4, *itf.ipv6]
        for addr in addrs:
            row = AddressRow(itf, addr)
            addresses.append((_addr_index(addr), row))
            prefixes.append((_prefix_index(itf, addr), row))
            if addr.version == 4:
                legacy.append((tuple(addr.ip.packed), row))
    return {
        "if": _table(interfaces),
        "ipAddress": _table(addresses),
        "ipAddr": _table(legacy),
        "ipAddressPrefix": _table(prefixes),
    }


class MibView:
    """One request's view of one device: the state, the instant, and per-request memos."""

    __slots__ = ("_counters", "engine", "now", "state", "tables", "vendor")

    def __init__(self, state: DeviceState, engine: EngineState, tables: dict[str, Table], now: float) -> None:
        self.state = state
        self.engine = engine
        self.tables = tables
        self.now = now
        self.vendor: SnmpVendor = snmp_vendor(state.vendor)
        self._counters: dict[int, InterfaceCounters] = {}

    def counters(self, itf: Interface) -> InterfaceCounters:
        c = self._counters.get(itf.ifindex)
        if c is None:
            c = self._counters[itf.ifindex] = itf.counters(self.now)
        return c

    def ticks(self, when: float) -> int:
        """A TimeStamp: sysUpTime at ``when`` (0 when it happened before this boot)."""
        if when <= self.state.boot_time:
            return 0
        return int((when - self.state.boot_time) * 100) % COUNTER32


# ---------------------------------------------------------------- value helpers


def _int(v: int) -> Value:
    return (ber.INTEGER, v)


def _str(v: str) -> Value:
    return (ber.OCTET_STRING, v.encode())


def _c32(v: int) -> Value:
    return (ber.COUNTER32, v % COUNTER32)


def _c64(v: int) -> Value:
    return (ber.COUNTER64, v)


def _gauge(v: int) -> Value:
    return (ber.GAUGE32, min(max(v, 0), GAUGE_MAX))


def _oid(text: str) -> Oid:
    return tuple(int(x) for x in text.strip(".").split("."))


def _sys_descr(view: MibView, _: Any) -> Value:
    return _str(view.vendor.factory.descr(view.state.model, view.state.software_version))


def _sys_object_id(view: MibView, _: Any) -> Value:
    return (ber.OBJECT_IDENTIFIER, _oid(view.state.sys_object_id or view.vendor.factory.sys_object_id))


def _is_virtual(itf: Interface) -> bool:
    return if_type(itf.name) in (24, 1, 131)


def _mac(view: MibView, itf: Interface) -> Value:
    if _is_virtual(itf):
        return (ber.OCTET_STRING, b"")
    base = int.from_bytes(hashlib.sha1(view.state.hostname.encode()).digest()[:3], "big")
    return (ber.OCTET_STRING, view.vendor.snmp.oui + ((base + itf.ifindex) % 2**24).to_bytes(3, "big"))


def _speed_bps(itf: Interface) -> int:
    return 0 if _is_virtual(itf) else itf.speed_mbps * 1_000_000


def _ucast(packets: int) -> int:
    return packets - packets // 50 - packets // 200


def _mcast(packets: int) -> int:
    return packets // 50  # ~2% multicast: a fixed share keeps every counter monotonic


def _bcast(packets: int) -> int:
    return packets // 200


def _stat(name: str) -> Getter:
    return lambda view, _: _c32(view.engine.stats[name])


# ---------------------------------------------------------------- the tree


class Node(NamedTuple):
    oid: Oid
    table: str | None  # None for a scalar (instance .0)
    get: Getter
    prefix_der: bytes  # BER content of the node's OID, so instances encode by appending the index


def _nodes() -> list[Node]:
    spec: list[tuple[Oid, str | None, Getter]] = []

    def scalar(oid: Oid, get: Getter) -> None:
        spec.append((oid, None, get))

    def column(oid: Oid, table: str, get: Getter) -> None:
        spec.append((oid, table, get))

    # SNMPv2-MIB system group
    scalar((*SYSTEM, 1), _sys_descr)
    scalar((*SYSTEM, 2), _sys_object_id)
    scalar((*SYSTEM, 3), lambda v, _: (ber.TIMETICKS, v.state.uptime_ticks(v.now)))
    scalar((*SYSTEM, 4), lambda v, _: _str(v.state.sys_contact()))
    scalar((*SYSTEM, 5), lambda v, _: _str(v.state.hostname))
    scalar((*SYSTEM, 6), lambda v, _: _str(v.state.sys_location()))
    scalar((*SYSTEM, 7), lambda v, _: _int(v.vendor.snmp.services))
    # IF-MIB
    scalar(IF_NUMBER, lambda v, _: _int(len(v.state.interfaces)))
    if_columns: list[tuple[int, Getter]] = [
        (1, lambda v, i: _int(i.ifindex)),
        (2, lambda v, i: _str(i.name)),
        (3, lambda v, i: _int(if_type(i.name))),
        (4, lambda v, i: _int(1500)),
        (5, lambda v, i: _gauge(_speed_bps(i))),
        (6, _mac),
        (7, lambda v, i: _int(2 if i.shutdown else 1)),
        (8, lambda v, i: _int(1 if i.oper_up else 2)),
        (9, lambda v, i: (ber.TIMETICKS, v.ticks(i.last_change))),
        (10, lambda v, i: _c32(v.counters(i).in_octets)),
        (11, lambda v, i: _c32(_ucast(v.counters(i).in_packets))),
        (12, lambda v, i: _c32(_mcast(v.counters(i).in_packets) + _bcast(v.counters(i).in_packets))),
        (13, lambda v, i: _c32(0)),
        (14, lambda v, i: _c32(v.counters(i).in_errors)),
        (15, lambda v, i: _c32(0)),
        (16, lambda v, i: _c32(v.counters(i).out_octets)),
        (17, lambda v, i: _c32(_ucast(v.counters(i).out_packets))),
        (18, lambda v, i: _c32(_mcast(v.counters(i).out_packets) + _bcast(v.counters(i).out_packets))),
        (19, lambda v, i: _c32(0)),
        (20, lambda v, i: _c32(v.counters(i).out_errors)),
        (21, lambda v, i: _gauge(0)),
        (22, lambda v, i: (ber.OBJECT_IDENTIFIER, (0, 0))),
    ]
    for col, get in if_columns:
        column((*IF_ENTRY, col), "if", get)
    ifx_columns: list[tuple[int, Getter]] = [
        (1, lambda v, i: _str(short_if_name(v.vendor, i.name))),
        (2, lambda v, i: _c32(_mcast(v.counters(i).in_packets))),
        (3, lambda v, i: _c32(_bcast(v.counters(i).in_packets))),
        (4, lambda v, i: _c32(_mcast(v.counters(i).out_packets))),
        (5, lambda v, i: _c32(_bcast(v.counters(i).out_packets))),
        (6, lambda v, i: _c64(v.counters(i).in_octets)),
        (7, lambda v, i: _c64(_ucast(v.counters(i).in_packets))),
        (8, lambda v, i: _c64(_mcast(v.counters(i).in_packets))),
        (9, lambda v, i: _c64(_bcast(v.counters(i).in_packets))),
        (10, lambda v, i: _c64(v.counters(i).out_octets)),
        (11, lambda v, i: _c64(_ucast(v.counters(i).out_packets))),
        (12, lambda v, i: _c64(_mcast(v.counters(i).out_packets))),
        (13, lambda v, i: _c64(_bcast(v.counters(i).out_packets))),
        (14, lambda v, i: _int(1)),
        (15, lambda v, i: _gauge(0 if _is_virtual(i) else i.speed_mbps)),
        (16, lambda v, i: _int(2)),
        (17, lambda v, i: _int(2 if _is_virtual(i) else 1)),
        (18, lambda v, i: _str(i.description)),
        (19, lambda v, i: (ber.TIMETICKS, 0)),
    ]
    for col, get in ifx_columns:
        column((*IFX_ENTRY, col), "if", get)
    # IP-MIB
    scalar((*IP, 1), lambda v, _: _int(1))  # ipForwarding: forwarding
    scalar((*IP, 2), lambda v, _: _int(255))  # ipDefaultTTL
    ip_addr_columns: list[tuple[int, Getter]] = [
        (1, lambda v, r: (ber.IP_ADDRESS, r.addr.ip.packed)),
        (2, lambda v, r: _int(r.itf.ifindex)),
        (3, lambda v, r: (ber.IP_ADDRESS, r.addr.netmask.packed)),
        (4, lambda v, r: _int(1)),
        (5, lambda v, r: _int(65535)),
    ]
    for col, get in ip_addr_columns:
        column((*IP_ADDR_ENTRY, col), "ipAddr", get)
    prefix_columns: list[tuple[int, Getter]] = [
        (5, lambda v, r: _int(2)),  # ipAddressPrefixOrigin: manual
        (6, lambda v, r: _int(1)),  # onLink: true
        (7, lambda v, r: _int(1 if r.addr.version == 6 else 2)),  # autonomous
        (8, lambda v, r: _gauge(GAUGE_MAX)),
        (9, lambda v, r: _gauge(GAUGE_MAX)),
    ]
    for col, get in prefix_columns:
        column((*IP_ADDRESS_PREFIX_ENTRY, col), "ipAddressPrefix", get)
    address_columns: list[tuple[int, Getter]] = [
        (3, lambda v, r: _int(r.itf.ifindex)),
        (4, lambda v, r: _int(1)),  # unicast
        (
            5,
            lambda v, r: (
                ber.OBJECT_IDENTIFIER,
                (*IP_ADDRESS_PREFIX_ENTRY, 5, *_prefix_index(r.itf, r.addr)),
            ),
        ),
        (6, lambda v, r: _int(2)),  # manual
        (7, lambda v, r: _int(1)),  # preferred
        (8, lambda v, r: (ber.TIMETICKS, 0)),
        (9, lambda v, r: (ber.TIMETICKS, 0)),
        (10, lambda v, r: _int(1)),  # active
        (11, lambda v, r: _int(3)),  # nonVolatile
    ]
    for col, get in address_columns:
        column((*IP_ADDRESS_ENTRY, col), "ipAddress", get)
    # SNMPv2-MIB snmp group: the agent's own statistics
    for sub, name in (
        (1, "snmpInPkts"),
        (2, "snmpOutPkts"),
        (3, "snmpInBadVersions"),
        (4, "snmpInBadCommunityNames"),
        (5, "snmpInBadCommunityUses"),
        (6, "snmpInASNParseErrs"),
    ):
        scalar((*SNMP_GROUP, sub), _stat(name))
    scalar((*SNMP_GROUP, 30), lambda v, _: _int(1 if v.state.snmp.trap_enabled else 2))
    scalar((*SNMP_GROUP, 31), _stat("snmpSilentDrops"))
    scalar((*SNMP_GROUP, 32), _stat("snmpProxyDrops"))
    # SNMP-FRAMEWORK-MIB snmpEngine group
    scalar((*SNMP_ENGINE, 1), lambda v, _: (ber.OCTET_STRING, v.engine.engine_id))
    scalar((*SNMP_ENGINE, 2), lambda v, _: _int(v.engine.boots))
    scalar((*SNMP_ENGINE, 3), lambda v, _: _int(v.engine.engine_time(v.state, v.now)))
    scalar((*SNMP_ENGINE, 4), lambda v, _: _int(MAX_MESSAGE_SIZE))
    scalar(SNMP_UNKNOWN_CONTEXTS, _stat("snmpUnknownContexts"))
    for name, instance in USM_STATS_OIDS.items():
        scalar(instance[:-1], _stat(name))

    spec.sort(key=lambda s: s[0])
    return [Node(oid, table, get, ber.oid_content(oid)) for oid, table, get in spec]


NODES: list[Node] = _nodes()
NODE_OIDS: list[Oid] = [n.oid for n in NODES]


class Found(NamedTuple):
    """A varbind ready to encode: the instance OID's BER TLV and its value."""

    oid: Oid
    oid_der: bytes
    value: Value


def _instance_der(node: Node, index: Oid) -> bytes:
    return ber.tlv(ber.OBJECT_IDENTIFIER, node.prefix_der + ber.arcs_content(index))


def get(view: MibView, oid: Oid) -> Found:
    """GET: the value at exactly ``oid``, or noSuchObject / noSuchInstance."""
    i = bisect_right(NODE_OIDS, oid) - 1
    exception = ber.NO_SUCH_OBJECT
    if i >= 0:
        node = NODES[i]
        n = len(node.oid)
        if oid[:n] == node.oid:
            index = oid[n:]
            exception = ber.NO_SUCH_INSTANCE
            value: Value | None = None
            if node.table is None:
                if index == (0,):
                    value = node.get(view, None)
            else:
                row = view.tables[node.table].by_key.get(index)
                if row is not None:
                    value = node.get(view, row)
            if value is not None:
                return Found(oid, _instance_der(node, index), value)
    return Found(oid, ber.encode_oid(oid), (exception, None))


def get_next(view: MibView, oid: Oid, *, skip_counter64: bool = False) -> Found:
    """GETNEXT: the first instance after ``oid`` in lexicographic order, or endOfMibView.

    ``skip_counter64`` serves SNMPv1, which cannot carry Counter64 (RFC 3584 4.2.2.1)."""
    i = max(0, bisect_right(NODE_OIDS, oid) - 1)
    for node in NODES[i:]:
        n = len(node.oid)
        inside = oid[:n] == node.oid
        if not inside and node.oid < oid:
            continue  # every instance of this node sorts before oid
        if node.table is None:
            if inside and oid[n:] >= (0,):
                continue
            value = node.get(view, None)
            if value is not None and not (skip_counter64 and value[0] == ber.COUNTER64):
                return Found((*node.oid, 0), _instance_der(node, (0,)), value)
            continue
        table = view.tables[node.table]
        j = bisect_right(table.keys, oid[n:]) if inside else 0
        for k in range(j, len(table.keys)):
            value = node.get(view, table.rows[k])
            if value is not None and not (skip_counter64 and value[0] == ber.COUNTER64):
                index = table.keys[k]
                return Found((*node.oid, *index), _instance_der(node, index), value)
    return Found(oid, ber.encode_oid(oid), (ber.END_OF_MIB_VIEW, None))


def snmprec_lines(view: MibView) -> list[str]:
    """The device's whole tree in snmpsim's .snmprec format (oid|tag|value), for the reference
    benchmark and for debugging: what a walk of this device would return right now."""
    tags = {
        ber.INTEGER: "2",
        ber.OCTET_STRING: "4x",
        ber.OBJECT_IDENTIFIER: "6",
        ber.IP_ADDRESS: "64x",
        ber.COUNTER32: "65",
        ber.GAUGE32: "66",
        ber.TIMETICKS: "67",
        ber.COUNTER64: "70",
    }
    lines: list[str] = []
    oid: Oid = (0, 0)
    while True:
        found = get_next(view, oid)
        tag, value = found.value
        if tag == ber.END_OF_MIB_VIEW:
            return lines
        oid = found.oid
        if tag in (ber.OCTET_STRING, ber.IP_ADDRESS):
            text = value.hex()
        elif tag == ber.OBJECT_IDENTIFIER:
            text = ".".join(map(str, value))
        else:
            text = str(value)
        lines.append(f"{'.'.join(map(str, oid))}|{tags[tag]}|{text}")
