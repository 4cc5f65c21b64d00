"""More of a lab device's MIB: LLDP-MIB, ENTITY-MIB and each vendor's health objects.

``snmp_mib`` merges these into its one sorted node list (``node_specs``) and its row tables
(``table_items``). Values are read from the live state: LLDP neighbours from the ports' cables
(``govnet.lab.lldp``), CPU and memory from the traffic the device carries (they climb with load and
with a ``surge`` fault), optical power per fibre port (loss of signal while the link is down).
The OIDs come from ``govnet.snmp_oids``, the table the poller reads too.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from typing import Any

from govnet import snmp_ber as ber
from govnet import snmp_oids as o
from govnet.lab.lldp import chassis_mac, lldp_port_id, lldp_ports, local_port_num, neighbours
from govnet.lab.state import DeviceState, Interface
from govnet.vendors import vendor_spec

Value = tuple[int, Any]
Getter = Callable[[Any, Any], Value | None]  # (MibView, row) -> value
NodeSpec = tuple[o.Oid, str | None, Getter]

# Physical entity indexes per vendor: (chassis, main board / CPU, first port). Real agents number
# them so (Huawei 16777216/16842753/..., Comware small numbers), never equal to ifIndex.
ENTITY_BASE = {
    "huawei_vrp": (16777216, 16842753, 16850433),
    "h3c_comware": (1, 30, 100),
    "cisco_ios": (1, 7, 1000),
}
LOS_CENTI_DBM = -4000  # what a port reports with no light: -40 dBm
CISCO_PROCESSOR_POOL = 1_073_741_824  # bytes
CISCO_IO_POOL = 67_108_864
CAPS_BRIDGE_ROUTER = b"\x28"  # LldpSystemCapabilitiesMap BITS: bridge(2), router(4)


# ---------------------------------------------------------------- health model


def load(state: DeviceState, now: float) -> float:
    """Mean share of line rate the device's ports carry now (0..1)."""
    shares = []
    for itf in lldp_ports(state):
        if itf.speed_mbps <= 0:
            continue
        rin, rout = itf.current_rates()
        shares.append(max(rin, rout) / (itf.speed_mbps * 1_000_000))
    return min(1.0, sum(shares) / len(shares)) if shares else 0.0


def _wobble(state: DeviceState, now: float, amplitude: float) -> float:
    phase = zlib.crc32(state.hostname.encode()) % 628 / 100
    return amplitude * math.sin(now / 47 + phase)


def _surging(state: DeviceState) -> bool:
    return any(itf.surge and itf.oper_up for itf in state.interfaces)


def cpu_percent(state: DeviceState, now: float) -> int:
    value = 6 + 55 * load(state, now) + (30 if _surging(state) else 0) + _wobble(state, now, 3)
    return int(min(100, max(1, round(value))))


def memory_percent(state: DeviceState, now: float) -> int:
    value = 31 + 14 * load(state, now) + (9 if _surging(state) else 0) + _wobble(state, now, 1)
    return int(min(99, max(5, round(value))))


def _optical_ports(state: DeviceState) -> list[Interface]:
    # Fibre: the 1G and faster link ports (management ports and 100M access links are copper).
    return [i for i in lldp_ports(state) if i.speed_mbps >= 1000 and i.lldp_peer is not None]


def _rx_centi_dbm(state: DeviceState, itf: Interface) -> int:
    if not itf.oper_up:
        return LOS_CENTI_DBM
    return -250 - zlib.crc32(f"{state.hostname}/{itf.name}/rx".encode()) % 600


def _tx_centi_dbm(state: DeviceState, itf: Interface) -> int:
    return -120 - zlib.crc32(f"{state.hostname}/{itf.name}/tx".encode()) % 250


# ---------------------------------------------------------------- rows


class Entity:
    __slots__ = ("contained_in", "descr", "index", "itf", "klass", "name")

    def __init__(
        self, index: int, klass: int, name: str, descr: str, contained_in: int, itf: Interface | None = None
    ) -> None:
        self.index, self.klass, self.name, self.descr = index, klass, name, descr
        self.contained_in, self.itf = contained_in, itf


def entities(state: DeviceState) -> list[Entity]:
    vendor = state.vendor
    chassis, board, first_port = ENTITY_BASE[vendor]
    model = state.model or vendor_spec(vendor).factory.model
    out = [
        Entity(chassis, 3, "Chassis", f"{model} chassis", 0),
        Entity(
            board, 9, "Board 0" if state.vendor != "cisco_ios" else "CPU 0", f"{model} main board", chassis
        ),
    ]
    for n, itf in enumerate(lldp_ports(state)):
        out.append(Entity(first_port + n, 10, itf.name, itf.name, board, itf))
    return out


def table_items(state: DeviceState) -> dict[str, list[tuple[o.Oid, Any]]]:
    """Rows of every table this module serves, keyed by table name, indexed as on the wire."""
    ents = entities(state)
    ports = [e for e in ents if e.itf is not None]
    board = ents[1]
    vendor = state.vendor
    optical = {i.ifindex for i in _optical_ports(state)}
    rem: list[tuple[o.Oid, Any]] = []
    for itf, peer in neighbours(state):
        rem.append(((0, local_port_num(state, itf), 1), peer))
    items: dict[str, list[tuple[o.Oid, Any]]] = {
        "lldpLocPort": [((local_port_num(state, i),), i) for i in lldp_ports(state)],
        "lldpRem": rem,
        "entPhysical": [((e.index,), e) for e in ents],
        "entAlias": [((e.index, 0), e) for e in ports],
        "hwEntity": [((board.index,), board)] if vendor == "huawei_vrp" else [],
        "hwOptical": (
            [((e.index,), e) for e in ports if e.itf and e.itf.ifindex in optical]
            if vendor == "huawei_vrp"
            else []
        ),
        "hh3cEntity": [((board.index,), board)] if vendor == "h3c_comware" else [],
        "hh3cTransceiver": (
            [((i.ifindex,), i) for i in _optical_ports(state)] if vendor == "h3c_comware" else []
        ),
        "cpmCpu": [((1,), board)] if vendor == "cisco_ios" else [],
        "ciscoMemPool": [((1,), "Processor"), ((2,), "I/O")] if vendor == "cisco_ios" else [],
    }
    return items


# ---------------------------------------------------------------- nodes


def _int(v: int) -> Value:
    return (ber.INTEGER, v)


def _octets(v: bytes) -> Value:
    return (ber.OCTET_STRING, v)


def _str(v: str) -> Value:
    return (ber.OCTET_STRING, v.encode())


def _sys_descr_of(vendor: str) -> str:
    return vendor_spec(vendor).factory.descr()


def _pool(view: Any, name: str) -> tuple[int, int]:
    if name == "Processor":
        used = CISCO_PROCESSOR_POOL * memory_percent(view.state, view.now) // 100
        return used, CISCO_PROCESSOR_POOL - used
    used = CISCO_IO_POOL * 3 // 10
    return used, CISCO_IO_POOL - used


def node_specs() -> list[NodeSpec]:
    spec: list[NodeSpec] = []

    def scalar(oid: o.Oid, get: Getter) -> None:
        spec.append((oid, None, get))

    def column(entry: o.Oid, col: int, table: str, get: Getter) -> None:
        spec.append(((*entry, col), table, get))

    # LLDP-MIB local system and ports
    scalar((*o.LLDP_LOCAL, 1), lambda v, _: _int(4))  # macAddress
    scalar((*o.LLDP_LOCAL, 2), lambda v, _: _octets(chassis_mac(v.state.vendor, v.state.hostname)))
    scalar((*o.LLDP_LOCAL, 3), lambda v, _: _str(v.state.hostname))
    column(
        o.LLDP_LOC_PORT_ENTRY, 2, "lldpLocPort", lambda v, i: _int(lldp_port_id(v.state.vendor, i.name)[0])
    )
    column(
        o.LLDP_LOC_PORT_ENTRY, 3, "lldpLocPort", lambda v, i: _str(lldp_port_id(v.state.vendor, i.name)[1])
    )
    column(o.LLDP_LOC_PORT_ENTRY, 4, "lldpLocPort", lambda v, i: _str(i.description))
    # LLDP-MIB remote table
    rem = o.LLDP_REM_ENTRY
    column(rem, 4, "lldpRem", lambda v, p: _int(4))
    column(rem, 5, "lldpRem", lambda v, p: _octets(chassis_mac(p.vendor, p.hostname)))
    column(rem, 6, "lldpRem", lambda v, p: _int(lldp_port_id(p.vendor, p.port)[0]))
    column(rem, 7, "lldpRem", lambda v, p: _str(lldp_port_id(p.vendor, p.port)[1]))
    column(rem, 8, "lldpRem", lambda v, p: _str(p.port_description))
    column(rem, 9, "lldpRem", lambda v, p: _str(p.hostname))
    column(rem, 10, "lldpRem", lambda v, p: _str(_sys_descr_of(p.vendor)))
    column(rem, 11, "lldpRem", lambda v, p: _octets(CAPS_BRIDGE_ROUTER))
    column(rem, 12, "lldpRem", lambda v, p: _octets(CAPS_BRIDGE_ROUTER))
    # ENTITY-MIB
    ent = o.ENT_PHYSICAL_ENTRY
    column(ent, 2, "entPhysical", lambda v, e: _str(e.descr))
    column(ent, 4, "entPhysical", lambda v, e: _int(e.contained_in))
    column(ent, 5, "entPhysical", lambda v, e: _int(e.klass))
    column(ent, 7, "entPhysical", lambda v, e: _str(e.name))
    scalar_alias: Getter = lambda v, e: (ber.OBJECT_IDENTIFIER, (*o.IF_ENTRY, 1, e.itf.ifindex))  # noqa: E731
    spec.append((o.ENT_ALIAS_MAPPING_ID, "entAlias", scalar_alias))
    # Huawei
    hw = o.HEALTH["huawei_vrp"]
    spec.append((hw.cpu, "hwEntity", lambda v, e: _int(cpu_percent(v.state, v.now))))
    assert hw.memory and hw.optical_rx and hw.optical_tx
    spec.append((hw.memory, "hwEntity", lambda v, e: _int(memory_percent(v.state, v.now))))
    spec.append((hw.optical_rx, "hwOptical", lambda v, e: _int(_rx_centi_dbm(v.state, e.itf))))
    spec.append((hw.optical_tx, "hwOptical", lambda v, e: _int(_tx_centi_dbm(v.state, e.itf))))
    # H3C
    h3c = o.HEALTH["h3c_comware"]
    assert h3c.memory and h3c.optical_rx and h3c.optical_tx
    spec.append((h3c.cpu, "hh3cEntity", lambda v, e: _int(cpu_percent(v.state, v.now))))
    spec.append((h3c.memory, "hh3cEntity", lambda v, e: _int(memory_percent(v.state, v.now))))
    spec.append((h3c.optical_rx, "hh3cTransceiver", lambda v, i: _int(_rx_centi_dbm(v.state, i))))
    spec.append((h3c.optical_tx, "hh3cTransceiver", lambda v, i: _int(_tx_centi_dbm(v.state, i))))
    # Cisco
    cisco = o.HEALTH["cisco_ios"]
    assert cisco.memory_names and cisco.memory_used and cisco.memory_free
    spec.append((cisco.cpu, "cpmCpu", lambda v, e: (ber.GAUGE32, cpu_percent(v.state, v.now))))
    spec.append((cisco.memory_names, "ciscoMemPool", lambda v, name: _str(name)))
    spec.append((cisco.memory_used, "ciscoMemPool", lambda v, name: (ber.GAUGE32, _pool(v, name)[0])))
    spec.append((cisco.memory_free, "ciscoMemPool", lambda v, name: (ber.GAUGE32, _pool(v, name)[1])))
    return spec
