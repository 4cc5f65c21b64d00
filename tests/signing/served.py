"""`govnet serve` in a subprocess on a free loopback port, for tests that need real HTTP(S)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running `govnet serve`: its own process group (uvicorn's workers included), its output in a
    file (a pipe nobody reads would stall a talkative server)."""

    process: subprocess.Popen[bytes]
    base: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, as a crash would."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL after 20 s."""
        if self.process.poll() is None:
            self.process.terminate()
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        self.kill()


def start_server(
    *args: str,
    env: Mapping[str, str] | None = None,
    scheme: str = "http",
    client: Mapping[str, object] | None = None,
    log_path: Path | None = None,
) -> Server:
    """Start `govnet serve --listen 127.0.0.1:PORT *args` and return once /healthz answers."""
    port = free_port()
    if log_path is None:
        handle, name = tempfile.mkstemp(prefix="govnet-serve-", suffix=".log")
        os.close(handle)
        log_path = Path(name)
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "govnet.cli", "serve", "--listen", f"127.0.0.1:{port}", *args],
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"{scheme}://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(f"govnet serve exited {process.returncode}: {server.log()}")
            try:
                if httpx.get(f"{server.base}/healthz", timeout=2, **client or {}).status_code == 200:  # type: ignore[arg-type]
                    return server
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("govnet serve did not answer /healthz within 90 s")
            time.sleep(0.2)
    except BaseException:
        server.stop()
        raise


@contextmanager
def serving(
    *args: str,
    env: Mapping[str, str] | None = None,
    scheme: str = "http",
    client: Mapping[str, object] | None = None,
) -> Iterator[str]:
    """Start `govnet serve --listen 127.0.0.1:PORT *args`; yield its base URL once /healthz answers;
    stop it (SIGTERM, then SIGKILL) afterwards."""
    server = start_server(*args, env=env, scheme=scheme, client=client)
    try:
        yield server.base
    finally:
        server.stop()
        server.log_path.unlink(missing_ok=True)
