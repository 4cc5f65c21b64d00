"""SNMP poller benchmark: values per second, values per poller CPU-second, peak memory.

For 100 and 1,000 lab devices (``--quick``: 20 and 100), served by the lab's SNMP agents in a
separate process (``bench_lab.py``'s server, 8 ports per device, v2c), it polls every device once:

- the poller as ``govnet collect snmp`` runs it (v2c through govnet's BER codec, ``govnet.snmp_ber``),
- the same poller with pysnmp doing the protocol (``fast=False``; pysnmp is what v3 uses),
- Net-SNMP's ``snmpbulkwalk`` (C) walking the same tables of the same devices in the same run
  (MIB-2, LLDP-MIB, the enterprise subtree: three walks per device, max-repetitions 25, no MIB
  loading), its CPU taken from the children's rusage.

It prints values per poller CPU-second for each and the ratio to ``snmpbulkwalk``. Wall-clock rates
depend on what else the machine runs; values per CPU-second do not. Peak memory is the poller
process's peak RSS growth over the run. Run: ``.venv/bin/python bench/bench_snmp_poll.py [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import os
import resource
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

import bench_lab  # the lab server process and its device specs (bench/ is on sys.path)

from govnet.collectors.snmp.models import PollTarget
from govnet.collectors.snmp.poller import PollOptions, poll_all

WALKS = ("1.3.6.1.2.1", "1.0.8802", "1.3.6.1.4.1")


@dataclass(frozen=True)
class Target:
    vendor: str
    host: str
    port: int
    version: str = "v2c"
    community: str | None = bench_lab.COMMUNITY
    user: str | None = None
    auth_protocol: str | None = None
    auth_key: str | None = None
    priv_protocol: str | None = None
    priv_key: str | None = None

    @property
    def ipv6(self) -> bool:  # govnet.devices.pysnmp_transport picks its transport by it
        return ":" in self.host


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_poller(targets: list[PollTarget], fast: bool) -> dict[str, float]:
    # The lab serving 1,000 devices from one process is the slow side: a patient timeout, no failures.
    options = PollOptions(timeout=2.0, retries=2, concurrency=64, fast=fast, device_deadline=300)
    rss0 = peak_rss_kb()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    polls = asyncio.run(poll_all(targets, options))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    failed = [p for p in polls if not p.ok]
    if failed:
        raise SystemExit(f"{len(failed)} device(s) failed, e.g. {failed[0].device}: {failed[0].error}")
    values = sum(p.values for p in polls)
    return {
        "values": values,
        "wall_s": wall,
        "cpu_s": cpu,
        "per_s": values / wall,
        "per_cpu_s": values / cpu,
        "peak_mb": (peak_rss_kb() - rss0) / 1024,
    }


def run_snmpbulkwalk(ports: list[int]) -> dict[str, float]:
    tool = shutil.which("snmpbulkwalk")
    if tool is None:
        raise SystemExit("snmpbulkwalk not found (Debian package `snmp`)")

    def walk(port_oid: tuple[int, str]) -> int:
        port, oid = port_oid
        out = subprocess.run(
            [
                tool,
                "-v2c",
                "-c",
                bench_lab.COMMUNITY,
                "-m",
                "",
                "-On",
                "-Cr25",
                "-t",
                "5",
                f"127.0.0.1:{port}",
                oid,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        return sum(1 for line in out.stdout.splitlines() if " = " in line)

    jobs = [(port, oid) for port in ports for oid in WALKS]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        values = sum(pool.map(walk, jobs))
    wall = time.perf_counter() - wall0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"values": values, "wall_s": wall, "cpu_s": cpu, "per_s": values / wall, "per_cpu_s": values / cpu}


def bench(n: int, walk_sample: int) -> None:
    env = {**os.environ, "BENCH_LAB_PASSWORD": secrets.token_urlsafe(12)}
    with tempfile.TemporaryDirectory(prefix="bench-snmp-") as tmp:
        proc, report = bench_lab.spawn("--serve-agent", str(n), "--dir", tmp, env=env)
        try:
            ports = report["ports"]
            specs = {s.hostname: s.vendor for s in bench_lab._specs(n, "unused-here")}
            targets = [
                PollTarget(name, Target(specs[name], "127.0.0.1", port)) for name, port in ports.items()
            ]
            fast = run_poller(targets, fast=True)
            slow_targets = targets[: max(10, n // 10)]  # pysnmp is slow: a tenth of the devices says enough
            slow = run_poller(slow_targets, fast=False)
            sample = list(ports.values())[:walk_sample]
            walk = run_snmpbulkwalk(sample)
        finally:
            bench_lab.finish(proc)
    print(f"\n{n} devices ({fast['values'] / n:.0f} values each by the poller)")
    print(
        f"  {'':34}{'values':>9}{'wall s':>9}{'values/s':>11}{'CPU s':>8}{'values/CPU-s':>14}{'vs walk':>9}"
    )
    rows = [
        ("govnet poller (v2c, govnet BER)", fast),
        (f"same, pysnmp protocol ({len(slow_targets)} dev)", slow),
        (f"snmpbulkwalk (C, {len(sample)} dev x 3 walks)", walk),
    ]
    for label, r in rows:
        ratio = r["per_cpu_s"] / walk["per_cpu_s"]
        print(
            f"  {label:34}{r['values']:>9.0f}{r['wall_s']:>9.2f}{r['per_s']:>11,.0f}{r['cpu_s']:>8.2f}"
            f"{r['per_cpu_s']:>14,.0f}{ratio:>8.2f}x"
        )
    print(
        f"  poller peak memory growth: {fast['peak_mb']:.1f} MB ({fast['peak_mb'] * 1024 / n:.0f} kB/device)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 and 100 devices")
    args = parser.parse_args()
    print("SNMP poller benchmark (the lab's agents serve from another process)")
    for n in (20, 100) if args.quick else (100, 1000):
        bench(n, walk_sample=min(n, 100))


if __name__ == "__main__":
    main()
