"""What each vendor's SNMP agent says about itself: enterprise OID, sysDescr, ifName style, MAC OUI.

One table keyed by the project-wide device-type key; an unknown key gets an error listing the
supported ones. The texts follow what the real agents answer (VRP 8, Comware 7, IOS 15).
"""

from __future__ import annotations

from dataclasses import dataclass

from govnet.errors import InputError


@dataclass(frozen=True)
class SnmpVendor:
    key: str
    enterprise: int  # IANA private enterprise number
    default_object_id: str  # sysObjectID when the device state does not name one
    default_model: str
    default_version: str
    descr: str  # sysDescr template: {model}, {family} (the model without its /suffix), {version}
    services: int  # sysServices: 2 (datalink) + 4 (internet) [+ 8 end-to-end + 64 applications]
    oui: bytes  # first three bytes of interface MAC addresses
    # ifName abbreviations (prefix of the full name -> short form); Huawei uses the full name.
    short_names: tuple[tuple[str, str], ...] = ()
    # AES-192/256 key extension this vendor's agents use (see snmp_usm).
    aes_extension: str = "blumenthal"


VENDORS: dict[str, SnmpVendor] = {
    "huawei_vrp": SnmpVendor(
        key="huawei_vrp",
        enterprise=2011,
        default_object_id="1.3.6.1.4.1.2011.2.224.279",
        default_model="AR6140-16G4XG",
        default_version="V300R021C10SPC100",
        descr=(
            "Huawei Versatile Routing Platform Software\r\n"
            "VRP (R) software, Version 8.210 ({model} {version})\r\n"
            "Copyright (C) 2012-2023 Huawei Technologies Co., Ltd.\r\n"
            "HUAWEI {model}\r\n"
        ),
        services=6,
        oui=bytes.fromhex("00e0fc"),
    ),
    "h3c_comware": SnmpVendor(
        key="h3c_comware",
        enterprise=25506,
        default_object_id="1.3.6.1.4.1.25506.1.1795",
        default_model="S6850-56HF",
        default_version="7.1.070, Release 6635P07",
        descr=(
            "H3C Comware Platform Software, Software Version {version}\r\n"
            "H3C {model}\r\n"
            "Copyright (c) 2004-2023 New H3C Technologies Co., Ltd. All rights reserved."
        ),
        services=6,
        oui=bytes.fromhex("3c8c40"),
        short_names=(
            ("Ten-GigabitEthernet", "XGE"),
            ("FortyGigE", "FGE"),
            ("HundredGigE", "HGE"),
            ("GigabitEthernet", "GE"),
            ("M-GigabitEthernet", "MGE"),
            ("Bridge-Aggregation", "BAGG"),
            ("Route-Aggregation", "RAGG"),
            ("Vlan-interface", "Vlan"),
            ("LoopBack", "Loop"),
            ("Tunnel", "Tun"),
        ),
    ),
    "cisco_ios": SnmpVendor(
        key="cisco_ios",
        enterprise=9,
        default_object_id="1.3.6.1.4.1.9.1.1208",
        default_model="C2960X",
        default_version="15.2(7)E8",
        descr=(
            "Cisco IOS Software, {family} Software ({family}-UNIVERSALK9-M), Version {version}, "
            "RELEASE SOFTWARE (fc3)\r\nTechnical Support: http://www.cisco.com/techsupport\r\n"
            "Copyright (c) 1986-2023 by Cisco Systems, Inc.\r\nCompiled Thu 16-Mar-23 07:15 by mcpre"
        ),
        services=78,
        oui=bytes.fromhex("001e7a"),
        short_names=(
            ("TenGigabitEthernet", "Te"),
            ("GigabitEthernet", "Gi"),
            ("FastEthernet", "Fa"),
            ("Port-channel", "Po"),
            ("Loopback", "Lo"),
            ("Tunnel", "Tu"),
            ("Vlan", "Vl"),
            ("Null", "Nu"),
        ),
        aes_extension="reeder",
    ),
}


def snmp_vendor(key: str) -> SnmpVendor:
    try:
        return VENDORS[key]
    except KeyError:
        raise InputError(f"unknown vendor {key!r}; supported: {', '.join(sorted(VENDORS))}") from None


def short_if_name(vendor: SnmpVendor, name: str) -> str:
    for prefix, short in vendor.short_names:
        if name.startswith(prefix):
            return short + name[len(prefix) :]
    return name


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
