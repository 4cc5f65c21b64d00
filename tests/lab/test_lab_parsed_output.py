"""netmiko + ntc-templates against the lab: VRP parses too, through govnet.ntc (netmiko's own
``use_textfsm=True`` looks under ``huawei``, where ntc-templates files nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler

from govnet.devices import netmiko_params
from govnet.errors import InputError, NotFoundError
from govnet.lab.runtime import LabThread
from govnet.lab.testing import inventory_device, resolve, spec
from govnet.ntc import parse, send_parsed, spec_for_netmiko, template_path

COMMANDS = {
    "huawei_vrp": ("display interface brief", "interface", "GigabitEthernet0/0/1"),
    "h3c_comware": ("display interface brief", "interface", "GE1/0/1"),
    "cisco_ios": ("show ip interface brief", "interface", "GigabitEthernet0/0/1"),
}


@pytest.fixture(scope="module")
def connections(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:  # type: ignore[type-arg]
    devices = {vendor: spec(vendor, f"P-{vendor[:3]}") for vendor in COMMANDS}
    with LabThread(tmp_path_factory.mktemp("lab"), snmp=False) as lab:
        ends = lab.start(devices.values())
        conns = {
            vendor: ConnectHandler(
                **netmiko_params(
                    inventory_device(d, ends[d.hostname].ssh["127.0.0.1"]), resolve=resolve, conn_timeout=10
                )
            )
            for vendor, d in devices.items()
        }
        try:
            yield conns
        finally:
            for conn in conns.values():
                conn.disconnect()


def test_netmikos_own_textfsm_returns_raw_text_for_huawei(connections) -> None:  # type: ignore[no-untyped-def]
    # The problem this module solves: netmiko looks under "huawei", ntc-templates files VRP as "huawei_vrp".
    out = connections["huawei_vrp"].send_command("display interface brief", use_textfsm=True)
    assert isinstance(out, str)


@pytest.mark.parametrize("vendor", sorted(COMMANDS))
def test_send_parsed_parses_every_vendor_over_netmiko(connections, vendor: str) -> None:  # type: ignore[no-untyped-def]
    command, key, value = COMMANDS[vendor]
    rows = send_parsed(connections[vendor], command)
    assert any(row[key] == value for row in rows), rows


def test_the_template_path_makes_netmikos_own_call_parse_vrp(connections) -> None:  # type: ignore[no-untyped-def]
    command = "display interface brief"
    rows = connections["huawei_vrp"].send_command(
        command, use_textfsm=True, textfsm_template=str(template_path("huawei_vrp", command))
    )
    assert isinstance(rows, list) and any(r["interface"] == "GigabitEthernet0/0/1" for r in rows)


def test_a_command_without_a_template_is_named_not_returned_raw() -> None:
    with pytest.raises(NotFoundError, match="no template for 'display current-configuration' on huawei_vrp"):
        parse("huawei_vrp", "display current-configuration", "sysname R1\n")


def test_output_the_template_rejects_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"does not parse with huawei_vrp_display_arp_all\.textfsm"):
        parse("huawei_vrp", "display arp all", "this is not an ARP table\n")


def test_netmiko_device_types_map_to_govnet_vendors() -> None:
    assert spec_for_netmiko("huawei").ntc_platform == "huawei_vrp"
    assert spec_for_netmiko("hp_comware").key == "h3c_comware"
    with pytest.raises(InputError, match="not a govnet vendor's; known: cisco_ios, hp_comware, huawei"):
        spec_for_netmiko("juniper_junos")


def test_template_path_names_an_existing_file() -> None:
    assert (
        template_path("cisco_ios", "show ip ospf neighbor").name == "cisco_ios_show_ip_ospf_neighbor.textfsm"
    )
    assert Path(template_path("huawei_vrp", "display device")).is_file()
