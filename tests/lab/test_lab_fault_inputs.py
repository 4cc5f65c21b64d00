"""What `govnet lab fault` refuses or keeps exactly: delays, events, interfaces, the control socket."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from govnet.errors import InputError
from govnet.lab import control
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
