"""The running lab's control channel: JSON lines over a unix socket (``$GOVNET_HOME/lab/control.sock``).

One request per connection: ``{"op": "status"}``, ``{"op": "fault", "device": ..., "kind": ...,
"target": ..., "clear": false, "seconds": 2, "one_end": false}``, ``{"op": "reset", "device": null}``,
``{"op": "stop"}``.
Answers are ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "...", "exit_code": 2}``.
The socket is mode 0600: whoever can inject faults owns the lab.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from govnet.errors import DeviceError, GovnetError, InputError
from govnet.lab.runtime import Lab

MAX_REQUEST = 64 * 1024


class ControlServer:
    def __init__(self, lab: Lab, path: Path, on_stop: Callable[[], None]) -> None:
        self.lab = lab
        self.path = path
        self.on_stop = on_stop
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        old = os.umask(0o177)
        try:
            self._server = await asyncio.start_unix_server(self._handle, path=str(self.path))
        finally:
            os.umask(old)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            raw = await asyncio.wait_for(reader.readline(), timeout=10)
            answer = await self._answer(raw)
        except (TimeoutError, ValueError):
            answer = {"ok": False, "error": "malformed control request", "exit_code": 2}
        writer.write(json.dumps(answer, default=str).encode() + b"\n")
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()

    async def _answer(self, raw: bytes) -> dict[str, Any]:
        if len(raw) > MAX_REQUEST:
            return {"ok": False, "error": "control request too large", "exit_code": 2}
        try:
            request = json.loads(raw)
            if not isinstance(request, dict):
                raise ValueError
        except ValueError:
            return {"ok": False, "error": "control request is not a JSON object", "exit_code": 2}
        op = request.get("op")
        handlers: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "status": self._status,
            "fault": self._fault,
            "reset": self._reset,
            "stop": self._stop,
        }
        if op not in handlers:
            return {"ok": False, "error": f"unknown control op {op!r}", "exit_code": 2}
        try:
            return {"ok": True, "result": await handlers[op](request)}
        except GovnetError as exc:
            return {"ok": False, "error": str(exc), "exit_code": exc.exit_code}

    async def _status(self, request: dict[str, Any]) -> Any:
        return {"pid": os.getpid(), "devices": self.lab.status()}

    async def _fault(self, request: dict[str, Any]) -> Any:
        return await self.lab.fault(
            str(request.get("device", "")),
            str(request.get("kind", "")),
            str(request.get("target") or ""),
            clear=bool(request.get("clear")),
            seconds=_seconds(request.get("seconds")),
            one_end=bool(request.get("one_end")),
        )

    async def _reset(self, request: dict[str, Any]) -> Any:
        device = request.get("device")
        return await self.lab.reset(str(device) if device else None)

    async def _stop(self, request: dict[str, Any]) -> Any:
        asyncio.get_running_loop().call_soon(self.on_stop)
        return "stopping"


def _seconds(value: Any) -> float:
    """The request's seconds (0 included: a slow fault of 0 s is no delay), 2 when absent."""
    if value is None:
        return 2.0
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"seconds must be a number, got {value!r}") from None


def call(path: Path, request: dict[str, Any], timeout: float = 30.0) -> Any:
    """Send one request to a running lab; raise the lab's error as a GovnetError."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(json.dumps(request).encode() + b"\n")
            chunks = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
    except FileNotFoundError:
        raise DeviceError(f"no lab control socket at {path}: is the lab running? (govnet lab up)") from None
    except OSError as exc:
        raise DeviceError(f"lab control socket {path}: {exc.strerror or exc}") from None
    try:
        answer = json.loads(b"".join(chunks))
    except ValueError:
        raise DeviceError(f"lab control socket {path} answered something that is not JSON") from None
    if not answer.get("ok"):
        error = InputError if answer.get("exit_code") == 2 else DeviceError
        raise error(str(answer.get("error")))
    return answer.get("result")
