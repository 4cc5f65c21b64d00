"""From walked columns to a ``DevicePoll``: pure, liberal about real agents' quirks.

Quirks handled: no ifXTable (names from ifDescr, speed from ifSpeed, 32-bit counters); an ifXTable
without HC counters for some rows; ipAddressTable absent (IPv4 from the old ipAddrTable);
ipAddressTable indexes with or without the length octet, and the zoned types (ipv4z/ipv6z);
IPv6 only in the deprecated IPV6-MIB or in Cisco's CISCO-IETF-IP-MIB (IOS 12.x/15.0);
LLDP local port numbers that are not ifIndexes (mapped through lldpLocPortTable, by port ID or
port description); Huawei optical power in 0.01 dBm or in microwatts; "no module" sentinels in
optical columns; text in GBK (Chinese agents) as well as UTF-8.

An unknown stays unknown: a missing ifOperStatus is ``None`` (not "down"), a speed the agent does
not give (ifHighSpeed 0 with no ifSpeed, ifSpeed saturated at 2^32 - 1) is ``None`` (not 0).
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from govnet import snmp_ber as ber
from govnet import snmp_oids as o
from govnet.collectors.snmp.models import Health, InterfaceSample, LldpNeighbour

Oid = tuple[int, ...]
Row = tuple[Oid, int, object]  # (index under the column, BER tag, value)
Columns = dict[Oid, list[Row]]

IF = o.IF_ENTRY
IFX = o.IFX_ENTRY
IF_COLUMNS = {
    "descr": (*IF, 2),
    "type": (*IF, 3),
    "speed": (*IF, 5),
    "admin": (*IF, 7),
    "oper": (*IF, 8),
    "in_octets": (*IF, 10),
    "in_discards": (*IF, 13),
    "in_errors": (*IF, 14),
    "out_octets": (*IF, 16),
    "out_discards": (*IF, 19),
    "out_errors": (*IF, 20),
    "name": (*IFX, 1),
    "hc_in": (*IFX, 6),
    "hc_out": (*IFX, 10),
    "high_speed": (*IFX, 15),
    "alias": (*IFX, 18),
}
IP_ADDRESS_IFINDEX = (*o.IP_ADDRESS_ENTRY, 3)
IP_AD_ENT_IFINDEX = (*o.IP_ADDR_ENTRY, 2)
IPV6_ADDR_PFX_LENGTH = (*o.IPV6_ADDR_ENTRY, 2)  # IPV6-MIB: index ifIndex.16 octets
CISCO_IP_ADDRESS_IFINDEX = (*o.CISCO_IETF_IP_ADDRESS_ENTRY, 3)  # index: type.length.address
ADDRESS_COLUMNS = [IP_ADDRESS_IFINDEX, IP_AD_ENT_IFINDEX, IPV6_ADDR_PFX_LENGTH]
LLDP_LOC_PORT_ID = (*o.LLDP_LOC_PORT_ENTRY, 3)
LLDP_LOC_PORT_DESC = (*o.LLDP_LOC_PORT_ENTRY, 4)
LLDP_REM = {
    "chassis_subtype": (*o.LLDP_REM_ENTRY, 4),
    "chassis": (*o.LLDP_REM_ENTRY, 5),
    "port_subtype": (*o.LLDP_REM_ENTRY, 6),
    "port": (*o.LLDP_REM_ENTRY, 7),
    "port_descr": (*o.LLDP_REM_ENTRY, 8),
    "sys_name": (*o.LLDP_REM_ENTRY, 9),
}
ENT_NAME = (*o.ENT_PHYSICAL_ENTRY, 7)


def vendor_from_system(object_id: Oid, sys_descr: str = "") -> str | None:
    """The vendor an agent's sysDescr or sysObjectID names (``snmp_oids.DESCR_VENDORS`` first, then
    the longest matching prefix in ``snmp_oids.OBJECT_ID_VENDORS``); None when neither does."""
    lowered = sys_descr.lower()
    for word, vendor in o.DESCR_VENDORS:
        if word in lowered:
            return vendor
    best: tuple[int, str | None] = (0, None)
    for prefix, vendor in o.OBJECT_ID_VENDORS.items():
        if object_id[: len(prefix)] == prefix and len(prefix) > best[0]:
            best = (len(prefix), vendor)
    return best[1]


def address_columns(vendor: str | None) -> list[Oid]:
    """The address columns a poll walks (Cisco's pre-RFC 4293 table on Cisco devices)."""
    return [*ADDRESS_COLUMNS, CISCO_IP_ADDRESS_IFINDEX] if vendor == "cisco_ios" else list(ADDRESS_COLUMNS)


def columns_for(vendor: str | None) -> list[Oid]:
    """Every column one poll walks (the vendor's health columns when the vendor is known)."""
    cols: list[Oid] = [*IF_COLUMNS.values(), *address_columns(vendor), LLDP_LOC_PORT_ID, LLDP_LOC_PORT_DESC]
    cols += [LLDP_REM[k] for k in ("chassis_subtype", "chassis", "port_subtype", "port", "port_descr")]
    cols.append(LLDP_REM["sys_name"])
    health = o.HEALTH.get(vendor or "")
    if health is not None:
        for col in (
            health.cpu,
            health.cpu_fallback,
            health.memory,
            health.memory_used,
            health.memory_free,
            health.memory_names,
            health.optical_rx,
            health.optical_tx,
        ):
            if col is not None:
                cols.append(col)
        if health.optical_rx is not None and health.optical_index == "entity":
            cols += [o.ENT_ALIAS_MAPPING_ID, ENT_NAME]
    return cols


# ---------------------------------------------------------------- value helpers


def _num(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def text(value: object) -> str:
    """An OCTET STRING as text: UTF-8, else GB 18030 (a superset of the GBK that Chinese agents
    send in sysDescr, sysLocation and ifAlias), else Latin-1; trailing NULs and CRs dropped."""
    if isinstance(value, bytes):
        for codec in ("utf-8", "gb18030"):
            try:
                decoded = value.decode(codec)
                break
            except UnicodeDecodeError:
                continue
        else:
            decoded = value.decode("latin-1")
        return decoded.replace("\r\n", "\n").rstrip("\x00\r")
    if value is None:
        return ""
    return str(value)


def _by_index(rows: Iterable[Row]) -> dict[Oid, object]:
    return {index: value for index, tag, value in rows if tag not in ber.EXCEPTION_TAGS}


def _single(index: Oid) -> int | None:
    return index[0] if len(index) == 1 else None


# ---------------------------------------------------------------- addresses


def address_from_index(index: Oid) -> tuple[int, str] | None:
    """(ifIndex-less) an ipAddressTable index -> (version, address text); None if unreadable.

    RFC 4293 says InetAddressType then a length-prefixed InetAddress; agents in the field also send
    it without the length octet, and zoned addresses (ipv4z 3, ipv6z 4) carry 4 zone octets."""
    if not index:
        return None
    kind, rest = index[0], list(index[1:])
    size = {1: 4, 2: 16, 3: 8, 4: 20}.get(kind)
    if size is None:
        return None
    if len(rest) == size + 1 and rest[0] == size:
        rest = rest[1:]
    if len(rest) != size or any(not 0 <= b <= 255 for b in rest):
        return None
    raw = bytes(rest[:4] if kind in (1, 3) else rest[:16])
    addr = ipaddress.ip_address(raw)
    return addr.version, str(addr)


def _add(table: dict[int, list[str]], ifindex: int, address: str) -> None:
    if address not in table.setdefault(ifindex, []):
        table[ifindex].append(address)


def _inet_table(
    rows: list[Row], name: str, v4: dict[int, list[str]], v6: dict[int, list[str]], notes: list[str]
) -> None:
    """Rows of an InetAddressType/InetAddress-indexed table whose value is the ifIndex."""
    for index, tag, value in rows:
        if tag in ber.EXCEPTION_TAGS:
            continue
        found = address_from_index(index)
        ifindex = _num(value)
        if found is None or ifindex is None:
            notes.append(f"{name} index {'.'.join(map(str, index))} unreadable: skipped")
            continue
        version, address = found
        _add(v4 if version == 4 else v6, ifindex, address)


def addresses(columns: Columns) -> tuple[dict[int, list[str]], dict[int, list[str]], list[str]]:
    """IPv4 and IPv6 addresses per ifIndex, and notes on what was worked around."""
    v4: dict[int, list[str]] = {}
    v6: dict[int, list[str]] = {}
    notes: list[str] = []
    _inet_table(columns.get(IP_ADDRESS_IFINDEX, []), "ipAddressTable", v4, v6, notes)
    if not v6:  # agents that keep IPv6 in the deprecated IPV6-MIB, or (old IOS) in Cisco's own table
        legacy6 = [r for r in columns.get(IPV6_ADDR_PFX_LENGTH, []) if r[1] not in ber.EXCEPTION_TAGS]
        for index, _tag, _value in legacy6:
            if len(index) == 17 and all(0 <= b <= 255 for b in index[1:]):
                _add(v6, index[0], str(ipaddress.IPv6Address(bytes(index[1:]))))
        if legacy6:
            notes.append("IPv6 from IPV6-MIB ipv6AddrTable (no IPv6 in ipAddressTable)")
        cisco6: dict[int, list[str]] = {}
        cisco_rows = columns.get(CISCO_IP_ADDRESS_IFINDEX, [])
        _inet_table(cisco_rows, "cIpAddressTable", {}, cisco6, notes)
        for cisco_ifindex, found6 in cisco6.items():
            for address in found6:
                _add(v6, cisco_ifindex, address)
        if cisco6:
            notes.append("IPv6 from CISCO-IETF-IP-MIB cIpAddressTable (no IPv6 in ipAddressTable)")
    if not v4:  # ipAddressTable absent, or an agent that lists only IPv6 there: the old table
        legacy = columns.get(IP_AD_ENT_IFINDEX, [])
        for index, _tag, value in legacy:
            ifindex = _num(value)
            if len(index) == 4 and ifindex is not None and all(0 <= b <= 255 for b in index):
                v4.setdefault(ifindex, []).append(str(ipaddress.IPv4Address(bytes(index))))
        if legacy and not columns.get(IP_ADDRESS_IFINDEX):
            notes.append("no ipAddressTable: IPv4 from ipAddrTable")
    return v4, v6, notes


# ---------------------------------------------------------------- interfaces


# ifOperStatus / ifAdminStatus (RFC 2863): up(1) down(2) testing(3) unknown(4) dormant(5)
# notPresent(6) lowerLayerDown(7). "unknown", absent or out of range is not "down".
_STATUS_UP = {1: True, 2: False, 3: False, 5: False, 6: False, 7: False}
IF_SPEED_SATURATED = 2**32 - 1  # ifSpeed's ceiling: "faster than this, see ifHighSpeed"


def status(value: object) -> bool | None:
    number = _num(value)
    return _STATUS_UP.get(number) if number is not None else None


def speed_mbps(high_speed: object, if_speed: object) -> int | None:
    """ifHighSpeed (Mbit/s), else ifSpeed (bit/s); None when the agent gives no speed: both absent or
    0 (VLAN interfaces, loopbacks, tunnels), or only an ifSpeed saturated at 2^32 - 1."""
    high, speed = _num(high_speed), _num(if_speed)
    if high is not None and high > 0:
        return high
    if speed is None or speed <= 0 or speed >= IF_SPEED_SATURATED:
        return None
    return max(1, speed // 1_000_000)  # a serial line below 1 Mbit/s counts as 1: the model is in Mbit/s


def interfaces(
    columns: Columns, optical: dict[int, tuple[float | None, float | None]]
) -> tuple[list[InterfaceSample], list[str]]:
    cols = {key: _by_index(columns.get(oid, [])) for key, oid in IF_COLUMNS.items()}
    v4, v6, notes = addresses(columns)
    indexes = sorted({i for i in (_single(k) for k in cols["descr"]) if i is not None})
    if not indexes:  # an agent with ifXTable only would be odd, but be liberal
        indexes = sorted({i for i in (_single(k) for k in cols["name"]) if i is not None})
    if indexes and not cols["name"] and not cols["high_speed"]:
        notes.append("no ifXTable: names from ifDescr, speeds from ifSpeed, 32-bit counters")
    samples: list[InterfaceSample] = []
    thirty_two = no_status = 0
    for i in indexes:
        key = (i,)
        descr = text(cols["descr"].get(key))
        name = text(cols["name"].get(key)) or descr or f"ifIndex {i}"
        hc_in, hc_out = _num(cols["hc_in"].get(key)), _num(cols["hc_out"].get(key))
        in_oct: int | None
        out_oct: int | None
        if hc_in is not None and hc_out is not None:
            in_oct, out_oct, bits = hc_in, hc_out, 64
        else:
            in_oct, out_oct, bits = _num(cols["in_octets"].get(key)), _num(cols["out_octets"].get(key)), 32
            thirty_two += in_oct is not None or out_oct is not None
        oper = status(cols["oper"].get(key))
        no_status += oper is None
        rx, tx = optical.get(i, (None, None))
        samples.append(
            InterfaceSample(
                ifindex=i,
                name=name,
                descr=descr or name,
                alias=text(cols["alias"].get(key)),
                if_type=_num(cols["type"].get(key)) or 0,
                admin_up=status(cols["admin"].get(key)),
                oper_up=oper,
                speed_mbps=speed_mbps(cols["high_speed"].get(key), cols["speed"].get(key)),
                in_octets=in_oct,
                out_octets=out_oct,
                counter_bits=bits,
                in_errors=_num(cols["in_errors"].get(key)),
                out_errors=_num(cols["out_errors"].get(key)),
                in_discards=_num(cols["in_discards"].get(key)),
                out_discards=_num(cols["out_discards"].get(key)),
                ipv4=tuple(v4.get(i, ())),
                ipv6=tuple(v6.get(i, ())),
                optical_rx_dbm=rx,
                optical_tx_dbm=tx,
            )
        )
    if thirty_two and cols["name"]:
        notes.append(f"{thirty_two} interface(s) without 64-bit counters: 32-bit ifIn/OutOctets used")
    if no_status:
        notes.append(f"{no_status} interface(s) without a usable ifOperStatus: state unknown")
    return samples, notes


# ---------------------------------------------------------------- LLDP


def _mac_or_text(subtype: int | None, value: object, mac_subtype: int) -> str:
    if isinstance(value, bytes) and (subtype == mac_subtype or not value.isascii()) and len(value) == 6:
        return ":".join(f"{b:02x}" for b in value)
    return text(value)


def lldp(columns: Columns, samples: list[InterfaceSample]) -> list[LldpNeighbour]:
    by_name: dict[str, InterfaceSample] = {}
    for s in samples:
        by_name.setdefault(s.name.lower(), s)
        by_name.setdefault(s.descr.lower(), s)
    by_index = {s.ifindex: s for s in samples}
    local_ids = {k: text(v) for k, v in _by_index(columns.get(LLDP_LOC_PORT_ID, [])).items()}
    local_descrs = {k: text(v) for k, v in _by_index(columns.get(LLDP_LOC_PORT_DESC, [])).items()}
    rem = {key: _by_index(columns.get(oid, [])) for key, oid in LLDP_REM.items()}
    out: list[LldpNeighbour] = []
    for index in sorted(rem["sys_name"].keys() | rem["port"].keys()):
        if len(index) != 3:
            continue
        port_num = index[1]
        local_id = local_ids.get((port_num,))
        local = by_name.get(local_id.lower()) if local_id else None
        if local is None and local_descrs.get((port_num,)):  # port ID a MAC or a number (H3C, some IOS)
            local = by_name.get(local_descrs[(port_num,)].lower())
        if local is None and local_id is None:  # no lldpLocPortTable: the port number is the ifIndex
            local = by_index.get(port_num)
        chassis_subtype = _num(rem["chassis_subtype"].get(index))
        port_subtype = _num(rem["port_subtype"].get(index))
        out.append(
            LldpNeighbour(
                local_port=local.name if local else (local_id or str(port_num)),
                local_ifindex=local.ifindex if local else None,
                remote_name=text(rem["sys_name"].get(index)),
                remote_port=_mac_or_text(port_subtype, rem["port"].get(index), 3),
                remote_port_descr=text(rem["port_descr"].get(index)),
                remote_chassis=_mac_or_text(chassis_subtype, rem["chassis"].get(index), 4),
            )
        )
    return out


# ---------------------------------------------------------------- health


def _dbm_huawei(value: int) -> float | None:
    """Huawei: 0.01 dBm on current software, microwatts on older (positive values)."""
    if value in (o.OPTICAL_ABSENT, -o.OPTICAL_ABSENT, -(2**31)):
        return None
    if value <= 0:
        return value / 100
    return round(10 * math.log10(value / 1000), 2)


def _dbm_centi(value: int) -> float | None:
    if value in (o.OPTICAL_ABSENT, -o.OPTICAL_ABSENT, -(2**31)):
        return None
    return value / 100


def optical(
    columns: Columns, vendor: str | None, names: dict[str, int]
) -> dict[int, tuple[float | None, ...]]:
    """Optical (rx, tx) dBm per ifIndex. ``names``: interface name (lower case) -> ifIndex, for
    agents without entAliasMappingTable."""
    health = o.HEALTH.get(vendor or "")
    if health is None or health.optical_rx is None or health.optical_tx is None:
        return {}
    rx = _by_index(columns.get(health.optical_rx, []))
    tx = _by_index(columns.get(health.optical_tx, []))
    convert = _dbm_huawei if vendor == "huawei_vrp" else _dbm_centi
    to_ifindex: dict[Oid, int] = {}
    if health.optical_index == "ifindex":
        to_ifindex = {k: k[0] for k in rx.keys() | tx.keys() if len(k) == 1}
    else:
        for index, _tag, value in columns.get(o.ENT_ALIAS_MAPPING_ID, []):
            if isinstance(value, tuple) and len(value) > 1 and len(index) >= 1:
                to_ifindex.setdefault(index[:1], value[-1])
        for index, _tag, value in columns.get(ENT_NAME, []):
            ifindex = names.get(text(value).lower())
            if ifindex is not None:
                to_ifindex.setdefault(index, ifindex)
    out: dict[int, tuple[float | None, ...]] = {}
    for key in rx.keys() | tx.keys():
        ifindex = to_ifindex.get(key)
        if ifindex is None:
            continue
        r, t = _num(rx.get(key)), _num(tx.get(key))
        out[ifindex] = (convert(r) if r is not None else None, convert(t) if t is not None else None)
    return out


def health(columns: Columns, vendor: str | None) -> Health:
    spec = o.HEALTH.get(vendor or "")
    if spec is None:
        return Health()
    cpu_rows = _by_index(columns.get(spec.cpu, []))
    if not cpu_rows and spec.cpu_fallback is not None:
        cpu_rows = _by_index(columns.get(spec.cpu_fallback, []))
    cpus = [v for v in map(_num, cpu_rows.values()) if v]
    cpu = float(max(cpus)) if cpus else None
    memory: float | None = None
    if spec.memory is not None:
        mems = [v for v in map(_num, _by_index(columns.get(spec.memory, [])).values()) if v]
        memory = float(max(mems)) if mems else None
    elif spec.memory_used is not None and spec.memory_free is not None:
        used = _by_index(columns.get(spec.memory_used, []))
        free = _by_index(columns.get(spec.memory_free, []))
        names = _by_index(columns.get(spec.memory_names, [])) if spec.memory_names else {}
        pools = [k for k in used if k in free]
        processor = [k for k in pools if text(names.get(k)).lower() == "processor"] or pools
        u = sum(_num(used[k]) or 0 for k in processor)
        f = sum(_num(free[k]) or 0 for k in processor)
        memory = round(100 * u / (u + f), 1) if u + f else None
    return Health(cpu, memory)


@dataclass
class Parsed:
    interfaces: list[InterfaceSample] = field(default_factory=list)
    lldp: list[LldpNeighbour] = field(default_factory=list)
    health: Health = field(default_factory=Health)
    notes: list[str] = field(default_factory=list)


def parse_columns(columns: Columns, vendor: str | None) -> Parsed:
    names: dict[str, int] = {}
    for key in ("name", "descr"):
        for index, tag, value in columns.get(IF_COLUMNS[key], []):
            if len(index) == 1 and tag not in ber.EXCEPTION_TAGS:
                names.setdefault(text(value).lower(), index[0])
    opt = optical(columns, vendor, names)
    samples, notes = interfaces(columns, {k: (v[0], v[1]) for k, v in opt.items()})
    return Parsed(samples, lldp(columns, samples), health(columns, vendor), notes)
