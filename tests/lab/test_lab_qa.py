"""Regressions found by trying to break `govnet lab fault` as a user would (QA pass)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govnet.errors import InputError
from govnet.lab import control, service
from govnet.lab.runtime import Lab
from govnet.lab.state import FaultKind
from govnet.lab.testing import spec


@pytest.fixture
async def lab(tmp_path: Path):  # type: ignore[no-untyped-def]
    lab = Lab(tmp_path / "state", snmp=False)
    await lab.start([spec("huawei_vrp", "R1")])
    try:
        yield lab
    finally:
        await lab.stop()


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), 1e308, -1.0, 3601.0])
async def test_slow_refuses_delays_that_are_not_a_sane_number(lab: Lab, seconds: float) -> None:
    # 1e308 used to be accepted: the device then never answered, like `unreachable` but unlisted.
    with pytest.raises(InputError, match="--seconds must be between 0 and 3600"):
        await lab.fault("R1", "slow", seconds=seconds)
    assert lab.device("R1").state.slow_seconds == 0.0


async def test_clearing_an_event_is_refused_and_does_not_reboot(lab: Lab) -> None:
    # `fault R1 reboot --clear` used to reboot the device (losing its unsaved configuration).
    state = lab.device("R1").state
    booted = state.boot_time
    with pytest.raises(InputError, match="reboot is an event"):
        await lab.fault("R1", "reboot", clear=True)
    with pytest.raises(InputError, match="counter-wrap is an event"):
        await lab.fault("R1", "counter-wrap", clear=True)
    assert state.boot_time == booted


async def test_interfaces_are_checked_for_every_fault_that_takes_one(lab: Lab) -> None:
    with pytest.raises(InputError, match="R1 has no interface 'Nope0/0/9'; one of: "):
        await lab.fault("R1", "link-down", "Nope0/0/9")
    with pytest.raises(InputError, match="R1 has no interface 'Nope0/0/9'"):
        await lab.fault("R1", "counter-wrap", "Nope0/0/9")
    with pytest.raises(InputError, match="fault slow applies to the whole device"):
        await lab.fault("R1", "slow", "GigabitEthernet0/0/1")
    assert not lab.device("R1").state.faults
    assert "link-down on GigabitEthernet0/0/1 injected" in await lab.fault(
        "R1", "link-down", "GigabitEthernet0/0/1"
    )
    assert {f.kind for f in lab.device("R1").state.faults} == {FaultKind.LINK_DOWN}


async def test_control_socket_keeps_zero_seconds(lab: Lab, tmp_path: Path) -> None:
    # `"seconds": 0` used to become 2 (falsy → default).
    server = control.ControlServer(lab, tmp_path / "control.sock", lambda: None)
    await server.start()
    try:
        reader, writer = await asyncio.open_unix_connection(str(server.path))
        writer.write(
            json.dumps({"op": "fault", "device": "R1", "kind": "slow", "seconds": 0}).encode() + b"\n"
        )
        await writer.drain()
        answer = json.loads(await reader.readline())
        writer.close()
        assert answer["ok"], answer
        assert lab.device("R1").state.slow_seconds == 0.0
    finally:
        await server.stop()


LAB_SECRETS = {
    "GOVNET_LAB_PASSWORD": "Qa@Passw0rd-1",
    "GOVNET_LAB_SNMP_AUTH": "Qa-Auth-Key-1",
    "GOVNET_LAB_SNMP_PRIV": "Qa-Priv-Key-1",
    "GOVNET_LAB_SNMP_COMMUNITY": "Qa-Community-1",
}
TINY = Path(__file__).resolve().parents[2] / "inventory" / "examples" / "tiny.yaml"


async def test_a_damaged_saved_config_stops_the_lab_before_it_overwrites_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    damaged = state / "R1.cfg"
    damaged.write_bytes(b"sysname R1\n\xcb\xff\x00 garbage\n")
    lab = Lab(state, snmp=False)
    with pytest.raises(InputError, match=r"R1.cfg: the saved configuration is not UTF-8 text \(byte 11\)"):
        await lab.start([spec("huawei_vrp", "R1")])
    await lab.stop()
    assert damaged.read_bytes() == b"sysname R1\n\xcb\xff\x00 garbage\n"  # kept for the user to repair


def test_lab_up_background_names_a_damaged_saved_config(tmp_path: Path) -> None:
    home = tmp_path / "home"
    damaged = home / "lab" / "state" / "city-core-1.cfg"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(os.urandom(64) + b"\xff")
    env = {**os.environ, **LAB_SECRETS, "GOVNET_HOME": str(home), "COLUMNS": "250"}
    env.pop("GOVNET_DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-m", "govnet.cli", "lab", "up", "-i", str(TINY), "--background"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"{damaged}: the saved configuration is not UTF-8 text" in run.stderr
    assert not (home / "lab" / "lab.pid").exists()


def test_a_killed_but_unreaped_lab_is_not_running(tmp_path: Path) -> None:
    # After `kill -9`, a process without a reaping parent stays a zombie: kill(pid, 0) still works,
    # so `lab status` used to try the dead lab's socket ("Connection refused", exit 1).
    paths = service.LabPaths(tmp_path / "lab")
    paths.root.mkdir()
    child = subprocess.Popen(["sleep", "60"])
    try:
        child.send_signal(signal.SIGKILL)
        for _ in range(100):  # wait until it is a zombie, without reaping it
            if service._zombie(child.pid):
                break
            time.sleep(0.02)
        paths.pid.write_text(f"{child.pid}\n")
        paths.socket.write_text("")
        assert service.running_pid(paths) is None
        assert not paths.pid.exists() and not paths.socket.exists()
    finally:
        child.wait()


def test_offline_reset_never_deletes_outside_the_state_folder(tmp_path: Path) -> None:
    # `govnet lab reset ../../victim` (no lab running) used to delete <home>/victim.cfg.
    from govnet.settings import load_settings

    settings = load_settings(home=tmp_path)
    paths = service.LabPaths.of(settings)
    paths.state_dir.mkdir(parents=True)
    victim = tmp_path / "victim.cfg"
    victim.write_text("keep me\n")
    (paths.state_dir / "R1.cfg").write_text("sysname R1\n")
    for name in ("../../victim", f"{tmp_path}/victim", ".hidden"):
        with pytest.raises(InputError, match="is not a device hostname"):
            service.reset(settings, name)
    assert victim.read_text() == "keep me\n"
    assert service.reset(settings, "R1") == ["R1"]
    assert not (paths.state_dir / "R1.cfg").exists()


@pytest.mark.parametrize("command", [["status"], ["down"], ["reset"], ["up", "--background"]])
def test_a_govnet_home_that_is_a_file_is_an_input_error(tmp_path: Path, command: list[str]) -> None:
    home = tmp_path / "a-file"
    home.write_text("x\n")
    env = {**os.environ, **LAB_SECRETS, "GOVNET_HOME": str(home), "COLUMNS": "250"}
    env.pop("GOVNET_DEBUG", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "govnet.cli",
            "lab",
            *command,
            *(["-i", str(TINY)] if "up" in command else []),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "internal error" not in run.stderr and "Not a directory" in run.stderr


def test_lab_up_refuses_snmpv3_keys_shorter_than_rfc_3414_allows(tmp_path: Path) -> None:
    # A 3-character key used to be configured; every SNMP manager then refused to use it.
    env = {**os.environ, **LAB_SECRETS, "GOVNET_LAB_SNMP_AUTH": "abc", "GOVNET_HOME": str(tmp_path)}
    env.pop("GOVNET_DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-m", "govnet.cli", "lab", "up", "--background", "--only", "sg-city-core-1"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "COLUMNS": "250"},
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert (
        "device sg-city-core-1: snmp.v3.auth_key (env:GOVNET_LAB_SNMP_AUTH) is shorter than the 8"
        in run.stderr
    )
    assert not (tmp_path / "lab" / "lab.pid").exists()


def test_lab_up_refuses_an_inventory_that_does_not_validate(tmp_path: Path) -> None:
    broken = (
        Path(__file__).resolve().parents[2] / "inventory" / "examples" / "broken" / "dangling-parent.yaml"
    )
    home = tmp_path / "home"
    env = {**os.environ, **LAB_SECRETS, "GOVNET_HOME": str(home), "COLUMNS": "250"}
    env.pop("GOVNET_DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-m", "govnet.cli", "lab", "up", "-i", str(broken), "--background"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "dangling-parent.yaml:25:5: error: site town: parent 'nowhere'" in run.stderr
    assert "[site.dangling-parent]" in run.stderr
    assert not (home / "lab" / "lab.pid").exists()
    assert not (home / "lab" / "overlay.yaml").exists()
