"""Unmodified netmiko drivers against the lab: connect, show, config, save, reconnect, restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from netmiko import ConnectHandler

from govnet.devices import netmiko_params
from govnet.lab.bootstrap import DeviceSpec
from govnet.lab.runtime import LabThread
from govnet.lab.testing import PORTS, Terminal, inventory_device, resolve, spec
from govnet.vendors import vendor_spec

SHOW_BRIEF = {
    "huawei_vrp": "display ip interface brief",
    "h3c_comware": "display ip interface brief",
    "cisco_ios": "show ip interface brief",
}


def _connect(device: DeviceSpec, port: int):  # type: ignore[no-untyped-def]
    return ConnectHandler(**netmiko_params(inventory_device(device, port), resolve=resolve, conn_timeout=10))


@pytest.mark.parametrize("vendor", ["huawei_vrp", "h3c_comware", "cisco_ios"])
def test_netmiko_config_save_reconnect_and_restart(vendor: str, lab_dir: Path) -> None:
    device = spec(vendor)
    port_name = PORTS[vendor]
    with LabThread(lab_dir, snmp=False) as lab:
        port = lab.start([device])[device.hostname].ssh["127.0.0.1"]
        conn = _connect(device, port)
        assert conn.find_prompt().strip("<>[]#") == device.hostname
        brief = conn.send_command(SHOW_BRIEF[vendor])
        assert port_name.replace("GigabitEthernet", "GE") in brief or port_name in brief
        out = conn.send_config_set([f"interface {port_name}", "description saved-by-netmiko"])
        assert "rror" not in out and "Invalid" not in out
        conn.save_config()
        conn.disconnect()

        # A new session sees the running change, and the saved configuration holds it.
        conn = _connect(device, port)
        assert "description saved-by-netmiko" in conn.send_command(vendor_spec(vendor).cli.show_running)
        assert "description saved-by-netmiko" in conn.send_command(vendor_spec(vendor).cli.show_saved)
        conn.disconnect()

        # An unsaved change, typed by a person.
        with Terminal(port) as term:
            if vendor == "cisco_ios":
                term.run("configure terminal")
            else:
                term.run("system-view")
            term.run(f"interface {port_name}")
            assert term.run("description not-saved") == ""

    # Saved config survives a restart (lab down / up); the unsaved change is gone, as after a reboot.
    with LabThread(lab_dir, snmp=False) as lab:
        port = lab.start([device])[device.hostname].ssh["127.0.0.1"]
        conn = _connect(device, port)
        config = conn.send_command(vendor_spec(vendor).cli.show_running)
        conn.disconnect()
    assert "description saved-by-netmiko" in config
    assert "not-saved" not in config
    assert (lab_dir / f"{device.hostname}.cfg").stat().st_mode & 0o077 == 0
