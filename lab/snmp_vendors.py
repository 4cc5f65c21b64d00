"""The lab's SNMP agents look vendors up in ``govnet.vendors`` (enterprise number, sysDescr, sysObjectID,
ifName style, MAC OUI, AES key extension); this module keeps only what is derived from an interface
name alone (ifType) and the names the agent's modules import.
"""

from __future__ import annotations

from govnet.vendors import VendorSpec, vendor_spec

SnmpVendor = VendorSpec
snmp_vendor = vendor_spec


def short_if_name(vendor: VendorSpec, name: str) -> str:
    """ifName: the vendor's abbreviation of an interface's full name (Huawei keeps the full name)."""
    return vendor.interfaces.short(name)


def if_type(name: str) -> int:
    """IANAifType from the interface name."""
    low = name.lower()
    if low.startswith("loopback"):
        return 24  # softwareLoopback
    if low.startswith(("vlanif", "vlan")):
        return 136  # l3ipvlan
    if low.startswith(("eth-trunk", "bridge-aggregation", "route-aggregation", "port-channel")):
        return 161  # ieee8023adLag
    if low.startswith("tunnel"):
        return 131  # tunnel
    if low.startswith("null"):
        return 1  # other
    return 6  # ethernetCsmacd
