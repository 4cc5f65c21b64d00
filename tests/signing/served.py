"""`govnet serve` in a subprocess on a free loopback port, for tests that need real HTTP(S)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    *args: str,
    env: Mapping[str, str] | None = None,
    scheme: str = "http",
    client: Mapping[str, object] | None = None,
) -> Iterator[str]:
    """Start `govnet serve --listen 127.0.0.1:PORT *args`; yield its base URL once /healthz answers;
    stop it (SIGTERM, then SIGKILL) afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "govnet.cli", "serve", "--listen", f"127.0.0.1:{port}", *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"{scheme}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(f"govnet serve exited {process.returncode}: {process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base}/healthz", timeout=2, **client or {}).status_code == 200:  # type: ignore[arg-type]
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("govnet serve did not answer /healthz within 90 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
