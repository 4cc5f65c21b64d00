"""`govnet lab` end to end: up --background, status, fault, reset, down, overlay, and bad input."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from govnet_cli import RunGovnet

from govnet.inventory.loader import load_inventory
from govnet.lab.bootstrap import boot, specs_from_inventory
from govnet.lab.service import sample_inventory
from govnet.lab.testing import Terminal
from govnet.lab.vendors import dialect_for
from govnet.secrets import resolve_secret

SECRETS = {
    "GOVNET_LAB_PASSWORD": "Sample@Passw0rd-1",
    "GOVNET_LAB_SNMP_AUTH": "Sample-Auth-Key-1",
    "GOVNET_LAB_SNMP_PRIV": "Sample-Priv-Key-1",
    "GOVNET_LAB_SNMP_COMMUNITY": "Sample-Community-1",
}


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return SECRETS


def govnet(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return RunGovnet()(*args, check=check)  # the suite's runner; these tests expect success by default


def test_every_sample_device_boots_and_its_saved_config_replays(secrets: dict[str, str]) -> None:
    inventory = load_inventory(sample_inventory())
    specs = specs_from_inventory(inventory, resolve_secret)
    assert len(specs) == len(inventory.devices) and {s.vendor for s in specs} == {
        "huawei_vrp",
        "h3c_comware",
        "cisco_ios",
    }
    for spec in specs:
        state, _ = boot(spec, None, now=0.0)
        rebooted, problems = boot(spec, state.saved_config, now=1.0)
        assert problems == [], spec.hostname
        dialect = dialect_for(spec.vendor)
        assert dialect.render_config(rebooted) == state.saved_config
        assert SECRETS["GOVNET_LAB_PASSWORD"] not in (state.saved_config or "")
        for port in spec.ports:
            assert rebooted.interface(port.name) is not None


def test_lab_lifecycle_through_the_cli(secrets: dict[str, str], isolated_govnet_home: Path) -> None:
    lab_root = isolated_govnet_home / "lab"
    up = govnet("lab", "up", "--background", "--only", "sg-d-czj-*", "--load", "50", "--json")
    started = json.loads(up.stdout)
    assert sorted(d["hostname"] for d in started["devices"]) == ["sg-d-czj-acc-1", "sg-d-czj-sw-1"]
    try:
        assert govnet("lab", "up", "--background", check=False).returncode == 2  # one lab at a time

        status = json.loads(govnet("lab", "status", "--json").stdout)
        device = next(d for d in status["devices"] if d["hostname"] == "sg-d-czj-acc-1")
        assert device["ssh_answers"] and device["snmp"]["127.0.0.1"] > 0

        # The rest of govnet reaches lab devices through the inventory plus the overlay.
        inventory = load_inventory(sample_inventory(), overlay=lab_root / "overlay.yaml")
        endpoint = next(d for d in inventory.devices if d.hostname == "sg-d-czj-acc-1").ssh
        assert (endpoint.host, endpoint.port) == ("127.0.0.1", device["ssh"]["127.0.0.1"])

        with Terminal(endpoint.port, "admin", SECRETS["GOVNET_LAB_PASSWORD"]) as term:
            # --load 50: uplinks carry 25-75% of their line rate (each link drawn around the mean).
            shown = term.run("show interfaces")
            rates = re.findall(r"BW (\d+) Kbit/sec.*?5 minute input rate (\d+) bits/sec", shown, re.S)
            loads = [int(bps) / (int(kbps) * 1000) for kbps, bps in rates if int(bps)]
            assert loads and all(0.25 <= x <= 0.75 for x in loads)
            term.run("configure terminal")
            term.run("logging host 10.9.9.9")
            term.run("end")
            assert "[OK]" in term.run("write memory")

        fault = govnet("lab", "fault", "sg-d-czj-acc-1", "unreachable")
        assert "injected" in fault.stdout
        after = json.loads(govnet("lab", "status", "--json", check=False).stdout)
        faulty = next(d for d in after["devices"] if d["hostname"] == "sg-d-czj-acc-1")
        assert faulty["faults"] == ["unreachable"] and faulty["ssh_answers"] is False
        assert govnet("lab", "status", check=False).returncode == 1  # a device does not answer
        govnet("lab", "fault", "sg-d-czj-acc-1", "unreachable", "--clear")

        wrong = govnet("lab", "fault", "sg-d-czj-acc-1", "link-down", check=False)
        assert wrong.returncode == 2 and "needs --interface" in wrong.stderr

        # Restart: the saved change is still there.
        assert "lab stopped" in govnet("lab", "down").stdout
        assert not (lab_root / "overlay.yaml").exists()
        govnet("lab", "up", "--background", "--only", "sg-d-czj-*")
        port = load_inventory(sample_inventory(), overlay=lab_root / "overlay.yaml")
        port_of = {d.hostname: d.ssh.port for d in port.devices}
        with Terminal(port_of["sg-d-czj-acc-1"], "admin", SECRETS["GOVNET_LAB_PASSWORD"]) as term:
            assert "logging host 10.9.9.9" in term.run("show running-config")

        # Reset: back to factory defaults plus day 0.
        assert "reset 1 device(s): sg-d-czj-acc-1" in govnet("lab", "reset", "sg-d-czj-acc-1").stdout
        with Terminal(port_of["sg-d-czj-acc-1"], "admin", SECRETS["GOVNET_LAB_PASSWORD"]) as term:
            assert "logging host" not in term.run("show running-config")
            assert "logging host" not in term.run("show startup-config")
    finally:
        govnet("lab", "down", check=False)
    assert "no lab is running" in govnet("lab", "down").stdout
    assert govnet("lab", "status", check=False).returncode == 1


def test_bad_input_fails_cleanly_and_starts_nothing(
    secrets: dict[str, str], isolated_govnet_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = govnet("lab", "up", "--inventory", str(tmp_path / "nowhere"), "--background", check=False)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    overloaded = govnet("lab", "up", "--background", "--load", "150", check=False)
    assert overloaded.returncode == 2 and "--load" in overloaded.stderr
    nothing = govnet("lab", "up", "--background", "--only", "no-such-*", check=False)
    assert nothing.returncode == 2 and "no device matches" in nothing.stderr
    monkeypatch.delenv("GOVNET_LAB_PASSWORD")
    unset = govnet("lab", "up", "--background", "--only", "sg-d-czj-*", check=False)
    assert unset.returncode == 2 and "GOVNET_LAB_PASSWORD" in unset.stderr
    assert not (isolated_govnet_home / "lab" / "lab.pid").exists()
    no_lab = govnet("lab", "fault", "sg-d-czj-acc-1", "reboot", check=False)
    assert no_lab.returncode == 2 and "no lab is running" in no_lab.stderr


def test_offline_reset_removes_saved_configs(isolated_govnet_home: Path) -> None:
    state_dir = isolated_govnet_home / "lab" / "state"
    state_dir.mkdir(parents=True)
    (state_dir / "r1.cfg").write_text("sysname r1\n")
    (state_dir / "r2.cfg").write_text("sysname r2\n")
    assert "r1" in govnet("lab", "reset", "r1").stdout
    assert not (state_dir / "r1.cfg").exists() and (state_dir / "r2.cfg").exists()
    assert govnet("lab", "reset", "r9", check=False).returncode == 2
    govnet("lab", "reset")
    assert list(state_dir.glob("*.cfg")) == []


def test_a_home_too_long_for_the_control_socket_is_refused(
    secrets: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / ("x" * 120)
    monkeypatch.setenv("GOVNET_HOME", str(home))
    result = govnet("lab", "up", "--background", "--only", "sg-d-czj-*", check=False)
    assert result.returncode == 2 and "control socket" in result.stderr
