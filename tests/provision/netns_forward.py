"""A network namespace joined to this machine by a veth pair, and TCP forwarders from the host end
to the lab on loopback (the lab only ever listens on loopback). Test-only; needs root."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# RFC 2544's benchmarking block: never routed, used only on this veth pair.
HOST_END = "198.18.77.1"
NS_END = "198.18.77.2"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextmanager
def namespace() -> Iterator[str]:
    tag = f"{os.getpid() % 100000}"
    ns, host_if, ns_if = f"govnet-prov-{tag}", f"gvh{tag}", f"gvn{tag}"
    _ip("netns", "add", ns)
    try:
        _ip("link", "add", host_if, "type", "veth", "peer", "name", ns_if)
        _ip("link", "set", ns_if, "netns", ns)
        _ip("addr", "add", f"{HOST_END}/30", "dev", host_if)
        _ip("link", "set", host_if, "up")
        _ip("netns", "exec", ns, "ip", "addr", "add", f"{NS_END}/30", "dev", ns_if)
        _ip("netns", "exec", ns, "ip", "link", "set", ns_if, "up")
        _ip("netns", "exec", ns, "ip", "link", "set", "lo", "up")
        yield ns
    finally:
        subprocess.run(["ip", "link", "del", host_if], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


@contextmanager
def forward(ports: list[int], listen: str = HOST_END, target: str = "127.0.0.1") -> Iterator[None]:
    """listen:PORT -> target:PORT for each port, in a thread of its own."""
    loop = asyncio.new_event_loop()
    servers: list[asyncio.base_events.Server] = []

    async def start() -> None:
        for port in ports:

            async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter, port: int = port) -> None:
                tr, tw = await asyncio.open_connection(target, port)
                await asyncio.gather(_pipe(r, tw), _pipe(tr, w))

            servers.append(await asyncio.start_server(handle, listen, port))

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield
    finally:

        async def stop() -> None:
            for s in servers:
                s.close()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
