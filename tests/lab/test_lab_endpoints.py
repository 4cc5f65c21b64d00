"""Where lab devices answer, over IPv4 and IPv6: `lab status` shows both, and both overlays are written."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from govnet.inventory.loader import load_inventory
from govnet.lab.testing import INVENTORY_SECRETS, Terminal, example_inventory, run_govnet

TINY = example_inventory()


def has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not has_ipv6(), reason="no IPv6 loopback here")


def govnet(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run_govnet(*args, env={**INVENTORY_SECRETS, "GOVNET_HOME": str(home)})


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    up = govnet("lab", "up", "-i", str(TINY), "--only", "town-*", "--background", home=home)
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield home
    finally:
        govnet("lab", "down", home=home)


def test_lab_status_shows_the_ipv4_and_the_ipv6_port_of_each_endpoint(running: Path) -> None:
    device = json.loads(govnet("lab", "status", "--json", home=running).stdout)["devices"][0]
    v4, v6 = device["ssh"]["127.0.0.1"], device["ssh"]["::1"]
    assert v4 != v6  # each family has its own listener and port
    text = govnet("lab", "status", home=running).stdout
    assert f"127.0.0.1:{v4} [::1]:{v6}" in text
    assert "+v6" not in text
    snmp = device["snmp"]
    assert f"127.0.0.1:{snmp['127.0.0.1']} [::1]:{snmp['::1']}" in text


def test_the_ipv6_overlay_lists_the_ipv6_endpoints(running: Path) -> None:
    device = json.loads(govnet("lab", "status", "--json", home=running).stdout)["devices"][0]
    overlay4 = yaml.safe_load((running / "lab" / "overlay.yaml").read_text())["devices"]["town-acc-1"]
    overlay6 = yaml.safe_load((running / "lab" / "overlay6.yaml").read_text())["devices"]["town-acc-1"]
    assert overlay4 == {
        "ssh": {"host": "127.0.0.1", "port": device["ssh"]["127.0.0.1"]},
        "snmp": {"host": "127.0.0.1", "port": device["snmp"]["127.0.0.1"]},
    }
    assert overlay6 == {
        "ssh": {"host": "::1", "port": device["ssh"]["::1"]},
        "snmp": {"host": "::1", "port": device["snmp"]["::1"]},
    }


def test_an_inventory_loaded_with_the_ipv6_overlay_reaches_the_device_over_ipv6(running: Path) -> None:
    inventory = load_inventory(TINY, overlay=running / "lab" / "overlay6.yaml")
    device = next(d for d in inventory.devices if d.hostname == "town-acc-1")
    assert device.ssh.host == "::1"
    with Terminal(
        device.ssh.port, password=INVENTORY_SECRETS["GOVNET_LAB_PASSWORD"], host=device.ssh.host
    ) as term:
        assert "town-acc-1" in term.greeting


def test_lab_down_removes_both_overlays(tmp_path: Path) -> None:
    up = govnet("lab", "up", "-i", str(TINY), "--only", "town-*", "--background", home=tmp_path)
    assert up.returncode == 0, up.stdout + up.stderr
    assert (tmp_path / "lab" / "overlay6.yaml").exists()
    govnet("lab", "down", home=tmp_path)
    assert not (tmp_path / "lab" / "overlay.yaml").exists()
    assert not (tmp_path / "lab" / "overlay6.yaml").exists()
