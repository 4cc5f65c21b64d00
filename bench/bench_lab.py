"""Device lab benchmark: start-up, memory per device, SNMP values per second, SSH sessions held.

For 100 and 1,000 devices (``--quick``: 20 and 100) it measures, each in a fresh server process:

- the SNMP agent pool: start-up time, resident memory per device (the booted states, then the
  agents on top), and SNMP values answered per second under a GETBULK walk load (max-repetitions
  25, 32 requests in flight, spread over every device), beside **snmpsim serving the same data**
  (each device's tree exported as a .snmprec file) under the same load in the same run;
- the whole lab runtime (SSH + SNMP): start-up time, then SSH sessions opened and held at once
  (one per device, logged in, at the prompt) and the memory they cost.

The load generator is a raw-UDP client in this process using the lab's own BER codec, so that the
servers, not pysnmp's client (1.5k-3.8k values per CPU-second), are what is measured. Server CPU
seconds come from /proc, so values per server CPU-second are printed too: that ratio does not
depend on what else the machine is doing, the wall-clock one does.
Run: ``.venv/bin/python bench/bench_lab.py [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from govnet import snmp_ber as ber

ROOT_OID = (1, 3, 6, 1, 2, 1)
COMMUNITY = "bench-ro"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- process measurements


def rss_kb(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


# ---------------------------------------------------------------- the devices


def _vendors() -> list[str]:
    """Vendors whose CLI dialect exists in this tree (the lab boots devices through it)."""
    from govnet.lab.vendors import DIALECTS

    usable = []
    for key, where in DIALECTS.items():
        try:
            importlib.import_module(where.partition(":")[0])
            usable.append(key)
        except ImportError:
            pass
    return usable


def _specs(n: int, password: str) -> list[Any]:
    from govnet.lab.bootstrap import Day0, DeviceSpec, PortSpec

    port_names = {
        "huawei_vrp": "GigabitEthernet0/0/{}",
        "h3c_comware": "GigabitEthernet1/0/{}",
        "cisco_ios": "GigabitEthernet0/0/{}",
    }
    vendors = _vendors()
    specs = []
    for i in range(n):
        vendor = vendors[i % len(vendors)]
        ports = [PortSpec(port_names[vendor].format(k), 1000, f"link {k} of site {i}") for k in range(1, 9)]
        day0 = Day0(
            username="bench",
            password=password,
            snmp_community=COMMUNITY,
            mgmt_ipv4=f"10.{i // 250}.{i % 250}.2/24",
            loopback_ipv4=f"10.255.{i // 250}.{i % 250}/32",
            loopback_ipv6=f"2001:db8:ff::{i + 1:x}/128",
        )
        specs.append(DeviceSpec(f"SITE-{i:05d}", vendor, ports=ports, day0=day0))
    return specs


# ---------------------------------------------------------------- server processes


async def _wait_for_stdin_eof() -> None:
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def serve_agent(n: int, snmprec_dir: str) -> None:
    """Child: boot n device states, start the SNMP agent pool, report, serve until stdin closes."""
    from govnet.lab.bootstrap import boot
    from govnet.lab.snmp_agent import SnmpAgentPool
    from govnet.lab.snmp_mib import snmprec_lines

    rss_start = rss_kb()
    now = time.time()
    states = [boot(spec, None, now)[0] for spec in _specs(n, os.environ["BENCH_LAB_PASSWORD"])]
    rss_states = rss_kb()
    pool = SnmpAgentPool()
    t0 = time.perf_counter()
    ports = await pool.start(states)
    startup = time.perf_counter() - t0
    for state in states:  # build each agent's row indexes, as the first request would
        pool.responder(state.hostname).view()
    rss_agents = rss_kb()
    values = 0
    for state in states:  # the reference serves exactly what each agent serves now
        lines = snmprec_lines(pool.responder(state.hostname).view())
        values += len(lines)
        Path(snmprec_dir, f"{state.hostname}.snmprec").write_text("\n".join(lines) + "\n")
    report = {
        "ports": ports,
        "startup_s": startup,
        "kb_states": (rss_states - rss_start) / n,
        "kb_agents": (rss_agents - rss_states) / n,
        "values_per_device": values / n,
    }
    print(json.dumps(report), flush=True)
    await _wait_for_stdin_eof()
    await pool.stop()


async def serve_lab(n: int, state_dir: str) -> None:
    """Child: start the whole lab runtime (SSH + SNMP), report, serve until stdin closes."""
    from govnet.lab.runtime import Lab

    specs = _specs(n, os.environ["BENCH_LAB_PASSWORD"])
    rss_start = rss_kb()
    lab = Lab(Path(state_dir))
    t0 = time.perf_counter()
    endpoints = await lab.start(specs)
    startup = time.perf_counter() - t0
    report = {
        "ssh": {name: e.ssh["127.0.0.1"] for name, e in endpoints.items()},
        "startup_s": startup,
        "kb_per_device": (rss_kb() - rss_start) / n,
        "pid": os.getpid(),
    }
    print(json.dumps(report), flush=True)
    await _wait_for_stdin_eof()
    await lab.stop()


def spawn(*args: str, env: dict[str, str]) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, __file__, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"server {args} failed to start (exit {proc.wait()})")
    return proc, json.loads(line)


def finish(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


# ---------------------------------------------------------------- SNMP load


def _bulk_request(request_id: int, community: bytes, oid: tuple[int, ...], reps: int) -> bytes:
    varbind = ber.encode_varbind(ber.encode_oid(oid), b"\x05\x00")
    pdu = ber.encode_pdu(ber.GET_BULK_REQUEST, request_id, 0, reps, varbind)
    return ber.tlv(ber.SEQUENCE, ber.encode_integer(1) + ber.encode_octets(community) + pdu)


def _parse_response(data: bytes) -> tuple[int, int, tuple[int, ...] | None]:
    """(request id, values in it, OID to continue from; None at the end of the subtree)."""
    start, end = ber.expect(data, 0, ber.SEQUENCE)
    _, e = ber.expect(data, start, ber.INTEGER, end)
    _, e = ber.expect(data, e, ber.OCTET_STRING, end)
    _, ps, pe = ber.read_tlv(data, e, end)
    s, e = ber.expect(data, ps, ber.INTEGER, pe)
    request_id = ber.decode_integer(data, s, e)
    _, e = ber.expect(data, e, ber.INTEGER, pe)
    _, e = ber.expect(data, e, ber.INTEGER, pe)
    s, list_end = ber.expect(data, e, ber.SEQUENCE, pe)
    count, last, done = 0, None, False
    while s < list_end:
        vs, ve = ber.expect(data, s, ber.SEQUENCE, list_end)
        os_, oe = ber.expect(data, vs, ber.OBJECT_IDENTIFIER, ve)
        tag = data[oe]
        if tag == ber.END_OF_MIB_VIEW:
            done = True
        else:
            count += 1
            last = ber.decode_oid(data, os_, oe)
        s = ve
    if last is None or done or last[: len(ROOT_OID)] != ROOT_OID:
        return request_id, count, None
    return request_id, count, last


def snmp_load(
    targets: list[tuple[int, str]], seconds: float, window: int = 32, reps: int = 25
) -> dict[str, float]:
    """Walk every target's MIB-2 over and over with GETBULK; return values answered per second."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.settimeout(0.5)
    cursors = [ROOT_OID] * len(targets)
    in_flight: dict[int, int] = {}
    next_target = 0
    request_id = 0
    values = responses = lost = 0

    def send(t: int) -> None:
        nonlocal request_id
        request_id = (request_id + 1) % 2**31
        in_flight[request_id] = t
        port, community = targets[t]
        sock.sendto(_bulk_request(request_id, community.encode(), cursors[t], reps), ("127.0.0.1", port))

    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        while len(in_flight) < window:
            send(next_target)
            next_target = (next_target + 1) % len(targets)
        try:
            data = sock.recv(65535)
        except TimeoutError:
            lost += len(in_flight)
            in_flight.clear()
            continue
        rid, count, cont = _parse_response(data)
        t = in_flight.pop(rid, -1)
        if t < 0:
            continue
        values += count
        responses += 1
        cursors[t] = cont or ROOT_OID
    elapsed = time.perf_counter() - started
    sock.close()
    return {"values_per_s": values / elapsed, "responses": responses, "lost": lost, "elapsed": elapsed}


def start_snmpsim(
    data_dir: str, cache_dir: str, n_devices: int
) -> tuple[subprocess.Popen[bytes], int, float]:
    exe = Path(sys.executable).parent / "snmpsim-command-responder"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(exe),
            f"--data-dir={data_dir}",
            f"--cache-dir={cache_dir}",
            f"--agent-udpv4-endpoint=127.0.0.1:{port}",
            "--logging-method=null",
        ],
        env={**os.environ, "SNMPSIM_ALLOW_ROOT": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Ready when the last device's community answers.
    probe_target = [(port, f"SITE-{n_devices - 1:05d}")]
    while proc.poll() is None and time.perf_counter() - t0 < 600:
        if snmp_load(probe_target, 0.3, window=1)["responses"]:
            return proc, port, time.perf_counter() - t0
    proc.kill()
    raise SystemExit("snmpsim did not start")


# ---------------------------------------------------------------- SSH sessions


async def hold_ssh_sessions(ports: dict[str, int], password: str, concurrency: int = 32) -> dict[str, float]:
    import asyncssh

    sessions: list[Any] = []
    gate = asyncio.Semaphore(concurrency)
    failures = 0

    async def open_one(port: int) -> None:
        nonlocal failures
        async with gate:
            try:
                conn = await asyncssh.connect(
                    "127.0.0.1", port, username="bench", password=password, known_hosts=None
                )
                process = await conn.create_process(term_type="vt100")
                prompt = ""
                while not prompt.rstrip().endswith((">", "#", "]")):
                    prompt += await asyncio.wait_for(process.stdout.read(1024), 10)
                sessions.append((conn, process))
            except (OSError, asyncssh.Error, TimeoutError):
                failures += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(open_one(p) for p in ports.values()))
    elapsed = time.perf_counter() - t0
    held = sum(1 for conn, _ in sessions if not conn.is_closed())
    for conn, _ in sessions:
        conn.close()
    return {"held": held, "failed": failures, "open_s": elapsed}


# ---------------------------------------------------------------- main


def pysnmp_engine_reference(count: int = 20) -> tuple[float, float]:
    """kB and ms per pysnmp SnmpEngine: what one full engine per device would cost."""
    from pysnmp.entity import engine

    engine.SnmpEngine()  # imports and first-use costs out of the way
    before = rss_kb()
    t0 = time.perf_counter()
    keep = [engine.SnmpEngine() for _ in range(count)]
    elapsed = time.perf_counter() - t0
    kb = (rss_kb() - before) / count
    del keep
    return kb, elapsed / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 and 100 devices, short load runs")
    parser.add_argument("--serve-agent", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-lab", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_agent:
        asyncio.run(serve_agent(args.serve_agent, args.dir))
        return
    if args.serve_lab:
        asyncio.run(serve_lab(args.serve_lab, args.dir))
        return

    sizes = (20, 100) if args.quick else (100, 1000)
    seconds = 2.0 if args.quick else 6.0
    password = secrets.token_urlsafe(12)  # generated per run; never stored
    env = {**os.environ, "BENCH_LAB_PASSWORD": password}
    print(f"device lab benchmark ({'quick' if args.quick else 'full'}), vendors: {', '.join(_vendors())}")
    kb_engine, ms_engine = pysnmp_engine_reference()
    print(
        f"reference: one pysnmp SnmpEngine per device would cost {kb_engine:.0f} kB "
        f"and {ms_engine:.0f} ms each"
    )
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix="govnet-bench-lab-"))
        try:
            (work / "data").mkdir()
            (work / "cache").mkdir()
            proc, info = spawn("--serve-agent", str(n), "--dir", str(work / "data"), env=env)
            targets = [(port, COMMUNITY) for port in info["ports"].values()]
            cpu0 = cpu_seconds(proc.pid)
            ours = snmp_load(targets, seconds)
            ours_cpu = cpu_seconds(proc.pid) - cpu0
            finish(proc)
            sim, sim_port, sim_start = start_snmpsim(str(work / "data"), str(work / "cache"), n)
            cpu0 = cpu_seconds(sim.pid)
            ref = snmp_load([(sim_port, name) for name in info["ports"]], seconds)
            ref_cpu = cpu_seconds(sim.pid) - cpu0
            sim.terminate()
            sim.wait(timeout=30)

            ours_per_cpu = ours["values_per_s"] * ours["elapsed"] / max(ours_cpu, 1e-9)
            ref_per_cpu = ref["values_per_s"] * ref["elapsed"] / max(ref_cpu, 1e-9)
            print(f"\n== {n} devices ({info['values_per_device']:.0f} SNMP values each)")
            print(
                f"SNMP agent pool start-up : {info['startup_s']:.2f} s"
                f"  (snmpsim, same data: {sim_start:.2f} s)"
            )
            print(
                f"memory per device        : {info['kb_agents']:.1f} kB agent"
                f" + {info['kb_states']:.0f} kB state  (pysnmp engine per device: {kb_engine:.0f} kB,"
                f" {kb_engine / max(info['kb_agents'], 0.1):.0f}x the agent)"
            )
            print(
                f"SNMP values answered/s   : {ours['values_per_s']:,.0f}"
                f"  vs snmpsim {ref['values_per_s']:,.0f}"
                f"  -> ratio {ours['values_per_s'] / max(ref['values_per_s'], 1):.1f}x"
            )
            print(
                f"values per server CPU-s  : {ours_per_cpu:,.0f}  vs snmpsim {ref_per_cpu:,.0f}"
                f"  -> ratio {ours_per_cpu / max(ref_per_cpu, 1):.1f}x"
                f"  (requests lost: {ours['lost']:.0f} / {ref['lost']:.0f})"
            )

            lab, lab_info = spawn("--serve-lab", str(n), "--dir", str(work / "lab"), env=env)
            rss_before = rss_kb(lab_info["pid"])
            ssh = asyncio.run(hold_ssh_sessions(lab_info["ssh"], password))
            rss_after = rss_kb(lab_info["pid"])
            finish(lab)
            per_session = (rss_after - rss_before) / max(ssh["held"], 1)
            print(
                f"lab start-up (SSH + SNMP): {lab_info['startup_s']:.2f} s,"
                f" {lab_info['kb_per_device']:.0f} kB per device"
            )
            print(
                f"SSH sessions held at once: {ssh['held']:.0f} of {n}"
                f" (failed {ssh['failed']:.0f}), opened in "
                f"{ssh['open_s']:.1f} s, {per_session:.0f} kB each on the lab side"
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
