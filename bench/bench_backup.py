"""Config backup benchmark: configurations backed up per second, against plain netmiko in the same run.

100 lab devices (``--quick``: 30) of the three vendors, served by the lab runtime in a separate
process (``bench_lab.py``'s server). In the same run, with the same devices and the same number of
SSH sessions at once:

- reference: plain netmiko, one ``ConnectHandler`` + ``send_command`` of the running configuration
  per device in a thread pool (what a hand-written script does);
- ``run_backup`` without facts: fetch, clean, write, one git commit;
- ``run_backup`` as ``govnet backup`` runs it: also three fact commands per device parsed with TextFSM.

It prints configurations per second for each and the ratio to the reference. Wall-clock rates depend
on what else the machine runs. Run: ``.venv/bin/python bench/bench_backup.py [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import bench_lab  # the lab server process and its device specs (bench/ is on sys.path)

from govnet.collectors.backup.fetch import CONFIG_COMMAND
from govnet.collectors.backup.service import BackupOptions, run_backup
from govnet.devices import netmiko_params
from govnet.inventory.models import Device

CONCURRENCY = 16


def _devices(ssh: dict[str, int], vendors: dict[str, str]) -> list[Device]:
    return [
        Device.model_validate(
            {
                "hostname": name,
                "site": "bench",
                "vendor": vendors[name],
                "role": "access",
                "ssh": {"host": "127.0.0.1", "port": port},
                "credentials": {"username": "bench", "password": "env:BENCH_LAB_PASSWORD"},
            }
        )
        for name, port in sorted(ssh.items())
    ]


def plain_netmiko(devices: list[Device]) -> tuple[float, int]:
    from netmiko import ConnectHandler

    def one(device: Device) -> int:
        params = netmiko_params(device, global_cmd_verify=True)
        with ConnectHandler(**params) as conn:
            return len(conn.send_command(CONFIG_COMMAND[str(device.vendor)]))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        sizes = list(pool.map(one, devices))
    return time.perf_counter() - started, sum(1 for s in sizes if s)


def backup(devices: list[Device], root: Path, facts: bool) -> tuple[float, int, Any]:
    started = time.perf_counter()
    run = run_backup(devices, root, BackupOptions(concurrency=CONCURRENCY, facts=facts))
    return time.perf_counter() - started, len(devices) - len(run.failed), run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 devices instead of 100")
    args = parser.parse_args()
    n = 30 if args.quick else 100
    password = secrets.token_urlsafe(12) + "-A1"
    os.environ["BENCH_LAB_PASSWORD"] = password
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lab, info = bench_lab.spawn("--serve-lab", str(n), "--dir", str(work / "lab"), env=dict(os.environ))
        try:
            vendors = {s.hostname: s.vendor for s in bench_lab._specs(n, password)}
            devices = _devices(info["ssh"], vendors)
            ref_s, ref_ok = plain_netmiko(devices)
            bare_s, bare_ok, _ = backup(devices, work / "bare", facts=False)
            full_s, full_ok, run = backup(devices, work / "full", facts=True)
        finally:
            bench_lab.finish(lab)
    ref = ref_ok / ref_s
    print(f"devices: {n}, SSH sessions at once: {CONCURRENCY}")
    print(f"plain netmiko send_command (reference): {ref_ok} configs in {ref_s:.1f} s = {ref:.1f} configs/s")
    for label, secs, ok in (
        ("govnet backup, no facts", bare_s, bare_ok),
        ("govnet backup + 3 fact commands (TextFSM)", full_s, full_ok),
    ):
        rate = ok / secs
        print(
            f"{label}: {ok} configs in {secs:.1f} s = {rate:.1f} configs/s, {rate / ref:.2f}x the reference"
        )
    print(f"commit: {run.commit[:12] if run.commit else None}, failed: {len(run.failed)}")


if __name__ == "__main__":
    main()
