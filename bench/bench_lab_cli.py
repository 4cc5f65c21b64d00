"""Device-lab CLI benchmark: boot from saved config, memory per SSH device, CLI answers per second.

Each figure is printed beside a reference measured in the same run, as a ratio:

- **start-up**: booting N devices from their saved configuration (replayed through the CLI parser)
  and opening their SSH listeners, against opening N bare asyncssh listeners (the transport floor);
- **memory per device**: resident memory of the started lab / N, against the bare listeners / N
  (each measured in a fresh child process);
- **CLI answers per second**: ``display interface brief`` typed over one interactive SSH session
  (paramiko with a pty, as netmiko uses), against a bare asyncssh shell that answers every line with
  the same bytes without parsing anything.

Run: ``.venv/bin/python bench/bench_lab_cli.py [--quick]`` (quick: 50 devices, 200 commands;
default: 1,000 devices, 1,000 commands).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PASSWORD = "Bench@Passw0rd-1"


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _specs(count: int) -> list[Any]:
    from govnet.lab.bootstrap import Day0, DeviceSpec, PortSpec

    vendors = ["huawei_vrp", "h3c_comware", "cisco_ios"]
    ports = {
        "huawei_vrp": "GigabitEthernet0/0/{}",
        "h3c_comware": "GigabitEthernet1/0/{}",
        "cisco_ios": "GigabitEthernet0/0/{}",
    }
    specs = []
    for i in range(count):
        vendor = vendors[i % 3]
        specs.append(
            DeviceSpec(
                f"bench-{i:05d}",
                vendor,
                ports=[PortSpec(ports[vendor].format(n), 1000, f"uplink {n}") for n in range(1, 5)],
                day0=Day0(
                    "admin",
                    PASSWORD,
                    snmp_user="bench",
                    snmp_auth_key="Auth-Key-1",
                    snmp_priv_key="Priv-Key-1",
                ),
            )
        )
    return specs


# --- children: one measurement each, in a fresh process --------------------------------------


async def _child_lab(count: int, state_dir: str) -> dict[str, Any]:
    from govnet.lab.runtime import Lab

    specs = _specs(count)
    lab = Lab(Path(state_dir), snmp=False)
    before = _rss_kib()
    started = time.perf_counter()
    ends = await lab.start(specs)
    seconds = time.perf_counter() - started
    rss = _rss_kib() - before
    port = ends[specs[0].hostname].ssh["127.0.0.1"]
    print(json.dumps({"seconds": seconds, "rss_kib": rss, "port": port}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # serve until told to stop
    await lab.stop()
    return {}


async def _child_bare(count: int, answer_bytes: int) -> dict[str, Any]:
    import asyncssh

    key = asyncssh.generate_private_key("ssh-ed25519")
    answer = ("x" * 79 + "\r\n") * max(1, answer_bytes // 81)

    async def shell(process: asyncssh.SSHServerProcess[str]) -> None:
        process.stdout.write("<bare>")
        buffer = ""
        while True:
            data = await process.stdin.read(4096)
            if not data:
                break
            buffer += data
            while "\n" in buffer:
                line, buffer = buffer.split("\n", 1)
                process.stdout.write(line + "\r\n" + answer + "<bare>")
        process.exit(0)

    class Server(asyncssh.SSHServer):
        def begin_auth(self, username: str) -> bool:
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, password: str) -> bool:
            return password == PASSWORD

    before = _rss_kib()
    started = time.perf_counter()
    servers = []
    for _ in range(count):
        servers.append(
            await asyncssh.create_server(
                Server, "127.0.0.1", 0, server_host_keys=[key], process_factory=shell, line_editor=False
            )
        )
    seconds = time.perf_counter() - started
    rss = _rss_kib() - before
    port = servers[0].sockets[0].getsockname()[1]
    print(json.dumps({"seconds": seconds, "rss_kib": rss, "port": port}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for server in servers:
        server.close()
    return {}


def _spawn(*args: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:
        raise SystemExit(f"benchmark child {args} failed")
    return child, json.loads(line)


def _stop(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.close()
    child.wait(timeout=60)


def _commands_per_second(port: int, prompt: str, commands: int) -> tuple[float, int]:
    import paramiko

    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", port, "admin", PASSWORD, look_for_keys=False, allow_agent=False, timeout=10)
    channel = client.invoke_shell(width=200)
    pattern = re.compile(prompt)

    def until_prompt() -> str:
        buffer = ""
        while not pattern.search(buffer):
            buffer += channel.recv(65536).decode("utf-8", "replace")
        return buffer

    until_prompt()
    size = len(_send(channel, "display interface brief", until_prompt))
    started = time.perf_counter()
    for _ in range(commands):
        _send(channel, "display interface brief", until_prompt)
    rate = commands / (time.perf_counter() - started)
    client.close()
    return rate, size


def _send(channel: Any, line: str, until_prompt: Any) -> str:
    channel.send(line + "\n")
    return str(until_prompt())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="50 devices and 200 commands")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "lab":
            asyncio.run(_child_lab(int(rest[0]), rest[1]))
        else:
            asyncio.run(_child_bare(int(rest[0]), int(rest[1])))
        return

    devices, commands = (50, 200) if args.quick else (1000, 1000)
    with tempfile.TemporaryDirectory(prefix="bench-lab-cli-") as tmp:
        state_dir = str(Path(tmp) / "state")
        # First boot writes day-0 saved configs; the measured boot replays them, as `lab up` does.
        first, _ = _spawn("lab", str(devices), state_dir)
        _stop(first)
        lab, lab_fig = _spawn("lab", str(devices), state_dir)
        try:
            lab_rate, answer_size = _commands_per_second(lab_fig["port"], r"<bench-00000>\s*$", commands)
        finally:
            _stop(lab)
        bare, bare_fig = _spawn("bare", str(devices), str(answer_size))
        try:
            bare_rate, _ = _commands_per_second(bare_fig["port"], r"<bare>\s*$", commands)
        finally:
            _stop(bare)

    print(f"device lab CLI benchmark: {devices} devices (SSH only), {commands} commands")
    print(
        f"  start-up (boot from saved config + listen): {lab_fig['seconds']:.2f} s "
        f"({lab_fig['seconds'] / devices * 1000:.2f} ms/device); bare asyncssh listeners "
        f"{bare_fig['seconds']:.2f} s; ratio {lab_fig['seconds'] / max(bare_fig['seconds'], 1e-9):.2f}x"
    )
    lab_kib, bare_kib = lab_fig["rss_kib"] / devices, bare_fig["rss_kib"] / devices
    print(
        f"  memory per device: {lab_kib:.0f} KiB; bare asyncssh listener {bare_kib:.0f} KiB; "
        f"ratio {lab_kib / max(bare_kib, 1e-9):.2f}x"
    )
    print(
        f"  CLI answers per second (display interface brief, {answer_size} bytes, one session): "
        f"{lab_rate:.0f}/s; bare asyncssh shell with the same answer {bare_rate:.0f}/s; "
        f"ratio {lab_rate / bare_rate:.2f}x"
    )


if __name__ == "__main__":
    main()
