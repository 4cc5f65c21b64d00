"""The SNMP objects govnet reads, written once: the lab's agent serves them, the poller walks them.

Standard MIBs by name (SNMPv2-MIB, IF-MIB, IP-MIB, LLDP-MIB, ENTITY-MIB), then each vendor's own
health objects, the ones LibreNMS and Observium read (HUAWEI-ENTITY-EXTENT-MIB, HH3C-ENTITY-EXT-MIB,
HH3C-TRANSCEIVER-INFO-MIB, CISCO-PROCESS-MIB, CISCO-MEMORY-POOL-MIB).
"""

from __future__ import annotations

from dataclasses import dataclass

Oid = tuple[int, ...]


def oid(text: str) -> Oid:
    return tuple(int(x) for x in text.strip(".").split("."))


# SNMPv2-MIB system group and its scalars
SYSTEM = oid("1.3.6.1.2.1.1")
SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME = (*SYSTEM, 1), (*SYSTEM, 2), (*SYSTEM, 3), (*SYSTEM, 5)

# IF-MIB
IF_ENTRY = oid("1.3.6.1.2.1.2.2.1")  # ifTable columns: .2 ifDescr ... .20 ifOutErrors
IFX_ENTRY = oid("1.3.6.1.2.1.31.1.1.1")  # ifXTable columns: .1 ifName ... .18 ifAlias

# IP-MIB
IP_ADDR_ENTRY = oid("1.3.6.1.2.1.4.20.1")  # ipAddrTable (IPv4 only, deprecated but everywhere)
IP_ADDRESS_ENTRY = oid("1.3.6.1.2.1.4.34.1")  # ipAddressTable (RFC 4293, IPv4 and IPv6)
IP_ADDRESS_PREFIX_ENTRY = oid("1.3.6.1.2.1.4.32.1")
IPV6_ADDR_ENTRY = oid("1.3.6.1.2.1.55.1.8.1")  # IPV6-MIB ipv6AddrTable (RFC 2465, deprecated): .2 PfxLength
# CISCO-IETF-IP-MIB cIpAddressTable: IOS 12.x/15.0 keep IPv6 here, indexed like ipAddressTable; .3 IfIndex
CISCO_IETF_IP_ADDRESS_ENTRY = oid("1.3.6.1.4.1.9.10.86.1.1.2.1")

# LLDP-MIB (IEEE 802.1AB-2005, lldpMIB 1.0.8802.1.1.2)
LLDP_LOCAL = oid("1.0.8802.1.1.2.1.3")  # .1 chassis ID subtype, .2 chassis ID, .3 sysName, .4 sysDesc
LLDP_LOC_PORT_ENTRY = oid("1.0.8802.1.1.2.1.3.7.1")  # .2 port ID subtype, .3 port ID, .4 port desc
LLDP_REM_ENTRY = oid("1.0.8802.1.1.2.1.4.1.1")  # index: time mark, local port num, remote index

# ENTITY-MIB (RFC 6933)
ENT_PHYSICAL_ENTRY = oid("1.3.6.1.2.1.47.1.1.1.1")  # .2 descr, .4 contained in, .5 class, .7 name
ENT_ALIAS_MAPPING_ID = oid("1.3.6.1.2.1.47.1.3.2.1.2")  # index: entPhysicalIndex, logical index 0

# Vendor health
HW_ENTITY_STATE_ENTRY = oid("1.3.6.1.4.1.2011.5.25.31.1.1.1.1")  # .5 hwEntityCpuUsage, .7 hwEntityMemUsage
HW_OPTICAL_ENTRY = oid("1.3.6.1.4.1.2011.5.25.31.1.1.3.1")  # .8 hwEntityOpticalRxPower, .9 TxPower
HH3C_ENTITY_EXT_ENTRY = oid("1.3.6.1.4.1.25506.2.6.1.1.1.1")  # .6 hh3cEntityExtCpuUsage, .8 MemUsage
HH3C_TRANSCEIVER_ENTRY = oid("1.3.6.1.4.1.25506.2.70.1.1.1")  # .9 CurTXPower, .12 CurRXPower (ifIndex)
CPM_CPU_TOTAL_ENTRY = oid("1.3.6.1.4.1.9.9.109.1.1.1.1")  # .8 cpmCPUTotal5minRev, .5 the older 5min
CISCO_MEMORY_POOL_ENTRY = oid("1.3.6.1.4.1.9.9.48.1.1.1")  # .2 name, .5 ciscoMemoryPoolUsed, .6 Free


@dataclass(frozen=True)
class HealthObjects:
    """Where one vendor keeps CPU, memory and optical power (column OIDs; None: not exposed)."""

    cpu: Oid  # percent
    memory: Oid | None  # percent (Huawei, H3C); None where used/free pools say it (Cisco)
    cpu_fallback: Oid | None = None  # read where ``cpu`` has no rows (older software)
    optical_rx: Oid | None = None
    optical_tx: Oid | None = None
    optical_index: str = "entity"  # "entity": entPhysicalIndex (map through ENTITY-MIB); "ifindex"
    memory_used: Oid | None = None
    memory_free: Oid | None = None
    memory_names: Oid | None = None


HEALTH: dict[str, HealthObjects] = {
    "huawei_vrp": HealthObjects(
        cpu=(*HW_ENTITY_STATE_ENTRY, 5),
        memory=(*HW_ENTITY_STATE_ENTRY, 7),
        optical_rx=(*HW_OPTICAL_ENTRY, 8),
        optical_tx=(*HW_OPTICAL_ENTRY, 9),
    ),
    "h3c_comware": HealthObjects(
        cpu=(*HH3C_ENTITY_EXT_ENTRY, 6),
        memory=(*HH3C_ENTITY_EXT_ENTRY, 8),
        optical_rx=(*HH3C_TRANSCEIVER_ENTRY, 12),
        optical_tx=(*HH3C_TRANSCEIVER_ENTRY, 9),
        optical_index="ifindex",
    ),
    "cisco_ios": HealthObjects(
        cpu=(*CPM_CPU_TOTAL_ENTRY, 8),
        memory=None,
        cpu_fallback=(*CPM_CPU_TOTAL_ENTRY, 5),  # cpmCPUTotal5min: IOS before 12.2(3.5)
        memory_used=(*CISCO_MEMORY_POOL_ENTRY, 5),
        memory_free=(*CISCO_MEMORY_POOL_ENTRY, 6),
        memory_names=(*CISCO_MEMORY_POOL_ENTRY, 2),
    ),
}

# sysObjectID prefixes -> vendor (the longest prefix wins), and words in sysDescr that name the
# vendor whatever the sysObjectID: H3C's Comware also ran on Huawei-3Com and HP boxes whose
# sysObjectID sits elsewhere (Huawei-3Com's under Huawei's 2011.10); LibreNMS matches "Comware" too.
# (HP's own 11.2.3.7.11 is ProCurve/Aruba, not Comware.)
OBJECT_ID_VENDORS: dict[Oid, str] = {
    oid("1.3.6.1.4.1.2011"): "huawei_vrp",
    oid("1.3.6.1.4.1.25506"): "h3c_comware",
    oid("1.3.6.1.4.1.9"): "cisco_ios",
}
DESCR_VENDORS: tuple[tuple[str, str], ...] = (("comware", "h3c_comware"),)

# The value agents put in an optical column when no module is inserted (H3C: 2147483647).
OPTICAL_ABSENT = 2147483647
