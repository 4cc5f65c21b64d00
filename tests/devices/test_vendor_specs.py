"""One spec per vendor key: what netmiko, ntc-templates and Ansible call it, and its factory identity."""

from __future__ import annotations

import pytest

from govnet.errors import InputError
from govnet.vendors import VENDORS, port_speed, vendor_spec


def test_unknown_vendor_names_the_supported_keys() -> None:
    with pytest.raises(InputError, match="supported: cisco_ios, h3c_comware, huawei_vrp"):
        vendor_spec("juniper_junos")


def test_tool_names_per_vendor() -> None:
    table = {
        k: (s.netmiko_device_type, s.ntc_platform, s.ansible_network_os, s.hier_config_platform)
        for k, s in VENDORS.items()
    }
    assert table == {
        "huawei_vrp": ("huawei", "huawei_vrp", "govnet.extranet.huawei_vrp", "HUAWEI_VRP"),
        "h3c_comware": ("hp_comware", "hp_comware", "govnet.extranet.h3c_comware", "HP_COMWARE5"),
        "cisco_ios": ("cisco_ios", "cisco_ios", "cisco.ios.ios", "CISCO_IOS"),
    }


@pytest.mark.parametrize("key", sorted(VENDORS))
def test_sys_descr_carries_the_release_and_copyright_of_the_version_display(key: str) -> None:
    factory = vendor_spec(key).factory
    descr = factory.descr()
    assert factory.software_version in descr and factory.copyright in descr
    assert factory.descr("NE40E-X8", "V800R021C10") != descr
    assert "NE40E-X8" in factory.descr("NE40E-X8") or key == "cisco_ios"


@pytest.mark.parametrize(
    ("key", "name", "valid", "logical"),
    [
        ("huawei_vrp", "XGigabitEthernet0/0/1", True, False),
        ("huawei_vrp", "Vlanif100", True, True),
        ("huawei_vrp", "Ten-GigabitEthernet1/0/49", False, False),
        ("h3c_comware", "Ten-GigabitEthernet1/0/49", True, False),
        ("h3c_comware", "Vlan-interface10", True, True),
        ("cisco_ios", "Port-channel1", True, True),
        ("cisco_ios", "Vlan10", True, True),
        ("cisco_ios", "LoopBack0", False, True),  # IOS spells it Loopback; names are matched exactly
    ],
)
def test_interface_rules(key: str, name: str, valid: bool, logical: bool) -> None:
    rules = vendor_spec(key).interfaces
    assert rules.valid(name) is valid
    assert rules.is_logical(name) is logical


def test_short_names_and_port_speeds() -> None:
    assert vendor_spec("h3c_comware").interfaces.short("Ten-GigabitEthernet1/0/49") == "XGE1/0/49"
    assert vendor_spec("cisco_ios").interfaces.short("GigabitEthernet0/0/1") == "Gi0/0/1"
    assert vendor_spec("huawei_vrp").interfaces.short("GigabitEthernet0/0/1") == "GigabitEthernet0/0/1"
    assert port_speed("XGigabitEthernet0/0/1") == 10_000 and port_speed("Eth-Trunk1") is None


def test_only_cisco_extends_aes256_keys_the_reeder_way() -> None:
    assert vendor_spec("cisco_ios").snmp.priv_protocol("aes256") == "aes256c"
    assert vendor_spec("cisco_ios").snmp.priv_protocol("aes") == "aes"
    assert vendor_spec("huawei_vrp").snmp.priv_protocol("aes256") == "aes256"
    assert vendor_spec("h3c_comware").snmp.priv_protocol(None) is None
