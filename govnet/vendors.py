"""Vendor facts, one frozen ``VendorSpec`` per device-type key: the one place they are written.

The key (``huawei_vrp``, ``h3c_comware``, ``cisco_ios``) is the same string in the inventory, the lab,
the collectors, the compliance parsers and the playbooks. Everything that needs a fact about a
vendor — the netmiko driver, the ntc-templates platform, the Ansible network OS, what its interfaces
are called, what the box says about itself over the CLI and SNMP, how its SNMP agent localises keys
— looks it up here with ``vendor_spec(key)``; an unknown key is an error naming the supported ones.

Pure data, no I/O; imports nothing from govnet but its errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govnet.errors import InputError


@dataclass(frozen=True)
class FactoryIdentity:
    """What a unit of this vendor says about itself out of the box (CLI version and SNMP system group).

    ``display version``/``show version`` and sysDescr are both written from these fields, so the CLI
    and SNMP never disagree about the release or the copyright line.
    """

    hostname: str  # the factory sysname / hostname
    model: str  # the model the lab simulates when the inventory names none
    software_version: str  # the release as the device prints it (V300R021C10SPC100, 16.9.4)
    platform_version: str  # the OS version in front of it (VRP 5.170, Comware 7.1.064)
    sys_object_id: str  # sysObjectID of ``model``
    copyright: str  # the copyright line, identical in the version display and in sysDescr
    sys_descr: str  # sysDescr template: {model}, {family} (model before any "/"), {version}, {copyright}
    mgmt_interface: str  # the out-of-band management port
    loopback_interface: str  # the first loopback (router ID, management source)

    def descr(self, model: str = "", version: str = "") -> str:
        """sysDescr for a unit of ``model`` running ``version`` (the factory ones when empty)."""
        model = model or self.model
        return self.sys_descr.format(
            model=model,
            family=model.split("/")[0],
            version=version or self.software_version,
            copyright=self.copyright,
        )


@dataclass(frozen=True)
class InterfaceRules:
    """How the vendor names interfaces."""

    pattern: re.Pattern[str]  # a name this vendor's CLI accepts (inventory validation uses it)
    logical: tuple[str, ...]  # kinds ``interface NAME`` creates when absent (LoopBack, Vlanif, ...)
    # ifName / brief-display abbreviations: prefix of the full name -> short form; empty: full names.
    short_names: tuple[tuple[str, str], ...] = ()

    def valid(self, name: str) -> bool:
        return self.pattern.match(name) is not None

    def is_logical(self, name: str) -> bool:
        """Whether ``name`` is an interface the configuration creates (not a hardware port)."""
        low = name.lower()
        return any(low.startswith(kind.lower()) and low[len(kind) :][:1].isdigit() for kind in self.logical)

    def short(self, name: str) -> str:
        for prefix, short in self.short_names:
            if name.startswith(prefix):
                return short + name[len(prefix) :]
        return name


@dataclass(frozen=True)
class SnmpQuirks:
    """What differs between the vendors' SNMP agents."""

    enterprise: int  # IANA private enterprise number
    services: int  # sysServices: 2 (datalink) + 4 (internet) [+ 8 end-to-end + 64 applications]
    oui: bytes  # first three bytes of interface MAC addresses
    # How AES-192/256 keys are extended beyond the hash length: "blumenthal" (draft-blumenthal-aes-usm,
    # Net-SNMP, Huawei, H3C) or "reeder" (draft-reeder-snmpv3-usm-3desede, Cisco).
    aes_extension: str = "blumenthal"
    default_contact: str = ""  # sysContact while ``snmp-agent sys-info contact`` is unset
    default_location: str = ""

    def priv_protocol(self, protocol: str | None) -> str | None:
        """The USM privacy protocol as the agent really runs it: ``aes192``/``aes256`` get a ``c``
        suffix (``aes256c``) where the vendor extends keys the Reeder way."""
        if protocol and self.aes_extension == "reeder" and protocol.lower() in ("aes192", "aes256"):
            return protocol.lower() + "c"
        return protocol


@dataclass(frozen=True)
class CliDialect:
    """How a session drives the vendor's CLI: what provisioning, backups and live scans type, and
    how the device says it refused a line."""

    show_running: str  # prints the running configuration
    show_saved: str  # prints the saved (startup) configuration
    enter_config: str  # from the exec view into configuration mode
    leave_config: str  # back to the exec view from any configuration view
    save: str  # saves the running configuration, typed in the exec view
    save_question: str  # regex of the confirmation ``save`` asks for ("" when it asks nothing)
    save_answer: str  # the reply to that question
    refused: re.Pattern[str]  # a line of the device's answer to a line it refused (its error text)
    last_line: str  # the final line of a complete configuration listing


@dataclass(frozen=True)
class VendorSpec:
    key: str  # govnet's device-type key
    name: str  # for people: "Huawei VRP"
    netmiko_device_type: str
    ntc_platform: str  # ntc-templates' platform name (TextFSM templates are filed under it)
    ansible_network_os: str  # the cliconf/terminal plugins Ansible connects with (network_cli)
    hier_config_platform: str  # hier_config's driver (``hier_config.Platform`` member name)
    factory: FactoryIdentity
    interfaces: InterfaceRules
    snmp: SnmpQuirks
    cli: CliDialect


_ETH = r"Ethernet|GigabitEthernet"

VENDORS: dict[str, VendorSpec] = {
    "huawei_vrp": VendorSpec(
        key="huawei_vrp",
        name="Huawei VRP",
        netmiko_device_type="huawei",
        ntc_platform="huawei_vrp",
        ansible_network_os="govnet.extranet.huawei_vrp",
        hier_config_platform="HUAWEI_VRP",
        factory=FactoryIdentity(
            hostname="HUAWEI",
            model="AR6140-16G4XG",
            software_version="V300R021C10SPC100",
            platform_version="5.170",
            sys_object_id="1.3.6.1.4.1.2011.2.224.279",
            copyright="Copyright (C) 2011-2024 HUAWEI TECH CO., LTD",
            sys_descr=(
                "Huawei Versatile Routing Platform Software\r\n"
                "VRP (R) software, Version 5.170 ({model} {version})\r\n"
                "{copyright}\r\n"
                "Huawei {model} Router\r\n"
            ),
            mgmt_interface="MEth0/0/1",
            loopback_interface="LoopBack0",
        ),
        interfaces=InterfaceRules(
            pattern=re.compile(
                rf"({_ETH}|XGigabitEthernet|25GE|40GE|100GE|Eth-Trunk|Vlanif|LoopBack|MEth|Tunnel|NVE)\d"
            ),
            logical=("LoopBack", "Vlanif", "Tunnel", "Eth-Trunk", "NVE"),
        ),
        snmp=SnmpQuirks(
            enterprise=2011,
            services=6,
            oui=bytes.fromhex("00e0fc"),
            default_contact="R&D Beijing, Huawei Technologies co.,Ltd.",
            default_location="Beijing China",
        ),
        cli=CliDialect(
            show_running="display current-configuration",
            show_saved="display saved-configuration",
            enter_config="system-view",
            leave_config="return",
            save="save",
            save_question=r"continue\?\s*\[Y/N\]",
            save_answer="y",
            refused=re.compile(r"^\s*Error:.*$", re.MULTILINE),
            last_line="return",
        ),
    ),
    "h3c_comware": VendorSpec(
        key="h3c_comware",
        name="H3C Comware",
        netmiko_device_type="hp_comware",
        ntc_platform="hp_comware",
        ansible_network_os="govnet.extranet.h3c_comware",
        hier_config_platform="HP_COMWARE5",
        factory=FactoryIdentity(
            hostname="H3C",
            model="MSR3620",
            software_version="7.1.064, Release 0821P16",
            platform_version="7.1.064",
            sys_object_id="1.3.6.1.4.1.25506.11.1.180",
            copyright="Copyright (c) 2004-2024 New H3C Technologies Co., Ltd. All rights reserved.",
            sys_descr=(
                "H3C Comware Platform Software, Software Version {version}\r\nH3C {model}\r\n{copyright}"
            ),
            mgmt_interface="M-GigabitEthernet0/0/0",
            loopback_interface="LoopBack0",
        ),
        interfaces=InterfaceRules(
            pattern=re.compile(
                rf"({_ETH}|Ten-GigabitEthernet|Twenty-FiveGigE|FortyGigE|HundredGigE"
                r"|Bridge-Aggregation|Route-Aggregation|Vlan-interface|LoopBack|M-GigabitEthernet|Tunnel)\d"
            ),
            logical=("LoopBack", "Vlan-interface", "Tunnel", "Bridge-Aggregation", "Route-Aggregation"),
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
        snmp=SnmpQuirks(
            enterprise=25506,
            services=6,
            oui=bytes.fromhex("3c8c40"),
            default_contact="New H3C Technologies Co., Ltd.",
            default_location="Hangzhou, China",
        ),
        cli=CliDialect(
            show_running="display current-configuration",
            show_saved="display saved-configuration",
            enter_config="system-view",
            leave_config="return",
            save="save force",  # plain ``save`` asks three questions
            save_question="",
            save_answer="",
            refused=re.compile(
                r"^\s*% (?:Unrecognized|Incomplete|Wrong|Too many|Ambiguous|Unknown).*$", re.MULTILINE
            ),
            last_line="return",
        ),
    ),
    "cisco_ios": VendorSpec(
        key="cisco_ios",
        name="Cisco IOS",
        netmiko_device_type="cisco_ios",
        ntc_platform="cisco_ios",
        ansible_network_os="cisco.ios.ios",
        hier_config_platform="CISCO_IOS",
        factory=FactoryIdentity(
            hostname="Router",
            model="ISR4331/K9",
            software_version="16.9.4",
            platform_version="16.9.4",
            sys_object_id="1.3.6.1.4.1.9.1.2068",
            copyright="Copyright (c) 1986-2019 by Cisco Systems, Inc.",
            sys_descr=(
                "Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), "
                "Version {version}, RELEASE SOFTWARE (fc2)\r\n"
                "Technical Support: http://www.cisco.com/techsupport\r\n"
                "{copyright}\r\nCompiled Tue 02-Jul-19 11:57 by mcpre"
            ),
            mgmt_interface="GigabitEthernet0",
            loopback_interface="Loopback0",
        ),
        interfaces=InterfaceRules(
            pattern=re.compile(
                rf"({_ETH}|FastEthernet|TenGigabitEthernet|TwentyFiveGigE|FortyGigabitEthernet"
                r"|HundredGigE|Port-channel|Vlan|Loopback|Tunnel)\d"
            ),
            logical=("Loopback", "Vlan", "Tunnel", "Port-channel"),
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
        ),
        snmp=SnmpQuirks(enterprise=9, services=78, oui=bytes.fromhex("001e7a"), aes_extension="reeder"),
        cli=CliDialect(
            show_running="show running-config",
            show_saved="show startup-config",
            enter_config="configure terminal",
            leave_config="end",
            save="write memory",
            save_question="",
            save_answer="",
            refused=re.compile(r"^\s*% (?:Invalid|Incomplete|Ambiguous|Unknown|Bad).*$", re.MULTILINE),
            last_line="end",
        ),
    ),
}

# Port speed by interface-name prefix, alike for every vendor (the longest prefix that matches wins).
PORT_SPEED_MBPS = {
    "Ethernet": 100,
    "FastEthernet": 100,
    "GigabitEthernet": 1_000,
    "M-GigabitEthernet": 1_000,
    "XGigabitEthernet": 10_000,
    "Ten-GigabitEthernet": 10_000,
    "TenGigabitEthernet": 10_000,
}
_PORT_PREFIXES = sorted(PORT_SPEED_MBPS, key=len, reverse=True)


def vendor_spec(key: str) -> VendorSpec:
    """The spec for a device-type key; an unknown key is an InputError naming the supported ones."""
    try:
        return VENDORS[str(key)]
    except KeyError:
        raise InputError(f"unknown vendor {key!r}; supported: {', '.join(sorted(VENDORS))}") from None


def port_speed(interface: str) -> int | None:
    """The speed a port's name says it has, in Mbit/s; None for names that do not say."""
    for prefix in _PORT_PREFIXES:
        if interface.startswith(prefix) and interface[len(prefix) : len(prefix) + 1].isdigit():
            return PORT_SPEED_MBPS[prefix]
    return None
