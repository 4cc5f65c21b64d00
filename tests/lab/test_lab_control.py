"""The running lab's control socket: requests, answers and every way a request can be wrong."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest

from govnet.errors import DeviceError, InputError
from govnet.lab import control
from govnet.lab.runtime import Lab
from govnet.lab.testing import spec


async def _raw(path: Path, payload: bytes) -> dict[str, object]:
    reader, writer = await asyncio.open_unix_connection(str(path))
    writer.write(payload)
    await writer.drain()
    answer = json.loads(await reader.readline())
    writer.close()
    return answer  # type: ignore[no-any-return]


async def test_control_requests_and_errors(tmp_path: Path) -> None:
    lab = Lab(tmp_path / "state", snmp=False)
    await lab.start([spec("cisco_ios", "R1")])
    stopped = asyncio.Event()
    server = control.ControlServer(lab, tmp_path / "control.sock", stopped.set)
    await server.start()
    try:
        assert stat.S_IMODE((tmp_path / "control.sock").stat().st_mode) == 0o600
        status = await _raw(server.path, b'{"op": "status"}\n')
        assert status["ok"] and status["result"]["devices"][0]["hostname"] == "R1"  # type: ignore[index]

        assert await _raw(server.path, b"not json\n") == {
            "ok": False,
            "error": "control request is not a JSON object",
            "exit_code": 2,
        }
        unknown = await _raw(server.path, b'{"op": "format-disk"}\n')
        assert unknown["ok"] is False and "unknown control op" in str(unknown["error"])
        missing = await _raw(server.path, b'{"op": "fault", "device": "R9", "kind": "reboot"}\n')
        assert missing["exit_code"] == 2 and "no lab device 'R9'" in str(missing["error"])
        fault = await _raw(server.path, b'{"op": "fault", "device": "R1", "kind": "slow", "seconds": 0.5}\n')
        assert fault["ok"] and lab.device("R1").state.slow_seconds == 0.5

        # The synchronous client the CLI uses turns lab errors into govnet errors.
        loop = asyncio.get_running_loop()
        with pytest.raises(InputError, match="unknown fault"):
            await loop.run_in_executor(
                None, control.call, server.path, {"op": "fault", "device": "R1", "kind": "fire"}
            )
        await _raw(server.path, b'{"op": "stop"}\n')
        await asyncio.wait_for(stopped.wait(), 5)
    finally:
        await server.stop()
        await lab.stop()
    assert not (tmp_path / "control.sock").exists()


def test_client_without_a_lab_says_so(tmp_path: Path) -> None:
    with pytest.raises(DeviceError, match="is the lab running"):
        control.call(tmp_path / "control.sock", {"op": "status"})
