"""Provisioning throughput: N lab devices converged through ansible-runner at forks 1, 5 and 20.

Each (size, forks) run starts a fresh lab (factory defaults + day 0), so every device changes. The
compliance gate judges every device (forced, so that every one is pushed). Prints devices per
minute and the speed-up over forks 1 at the same size, as a ratio measured in the same run, and a
profile of where the time goes, per device:

- session s: wall time inside the device's SSH session (connect, read the config, type the
  remediation, save) — netmiko waiting for the lab, and for a CPU when the machine is busy;
- Ansible CPU s: CPU of ansible-playbook and every worker it forked (the controller's templating
  and forking, the action plugin, govnet's render/gate/diff, netmiko and paramiko in the worker);
- lab+runner CPU s: CPU of this process (the lab's thread, ansible-runner's event processing);
- CPU-bound ceiling: this machine's cores divided by the CPU a device cost, over forks 1's rate —
  the speed-up an otherwise idle machine would allow.

    .venv/bin/python bench/bench_provision.py            # 20, 100, 200 devices at forks 1, 5, 20
    .venv/bin/python bench/bench_provision.py --quick    # 20 devices
    .venv/bin/python bench/bench_provision.py --sizes 40 --forks 1 --profile cpu   # + the workers' CPU

``--profile cpu`` has every task record its worker's CPU before and during the task
(``govnet.playbooks.profiling``) and prints the means per row; ``--profile functions`` adds the
task's costliest functions (cProfile's own cost is then in the CPU figures: compare those only
between runs without it).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GOVNET_LAB_PASSWORD", "Bench-Passw0rd-77")
os.environ.setdefault("GOVNET_LAB_SNMP_AUTH", "Bench-Auth-Key-1")
os.environ.setdefault("GOVNET_LAB_SNMP_PRIV", "Bench-Priv-Key-1")
os.environ.setdefault("GOVNET_LAB_SNMP_COMMUNITY", "Bench-Community-1")

from govnet.inventory.generate import generate
from govnet.inventory.service import plan_at
from govnet.lab.bootstrap import specs_from_inventory
from govnet.lab.runtime import LabThread
from govnet.lab.service import write_overlay
from govnet.playbooks import profiling
from govnet.playbooks.render import Selection
from govnet.playbooks.service import provision
from govnet.secrets import resolve_secret


def one_run(
    inventory: Path, hosts: list[str], forks: int, work: Path, profile: Path | None, functions: bool = False
) -> dict[str, float]:
    inv = plan_at(inventory, dry_run=True).inventory
    specs = [s for s in specs_from_inventory(inv, resolve_secret) if s.hostname in set(hosts)]
    device_seconds = 0.0

    def on_host(host: str, result: object, res: dict) -> None:
        nonlocal device_seconds
        device_seconds += float(res.get("elapsed") or 0.0)

    if profile is not None:
        os.environ[profiling.ENV] = str(profile)  # ansible-runner passes it on to every worker
        os.environ[profiling.FUNCTIONS_ENV] = "1" if functions else "0"
    with LabThread(work / f"lab-{len(hosts)}-{forks}") as lab:
        ends = lab.start(specs)
        write_overlay(work / "overlay.yaml", ends, "127.0.0.1")
        cpu0, wall0, kids0 = time.process_time(), time.perf_counter(), _children_cpu()
        outcome = provision(
            inventory,
            work / "home",
            overlay=work / "overlay.yaml",
            selection=Selection(limit=",".join(hosts)),
            forks=forks,
            on_host=on_host,
            force=True,  # the gate still judges every device; forced so that every device is pushed
        )
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        ansible_cpu = _children_cpu() - kids0
    totals = outcome.totals()
    if totals["failed"] or totals["unreachable"] or totals["changed"] != len(hosts):
        sys.exit(f"bench: run at forks {forks} did not converge every device: {totals}")
    return {
        "wall": wall,
        "per_min": len(hosts) / wall * 60,
        "device_s": device_seconds / len(hosts),
        "ansible_cpu": ansible_cpu / len(hosts),
        "lab_cpu": cpu / len(hosts),
    }


def _children_cpu() -> float:
    """CPU seconds of finished child processes: ansible-playbook and every worker it forked."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 devices only")
    parser.add_argument("--sizes", default="20,100,200")
    parser.add_argument("--forks", default="1,5,20")
    parser.add_argument(
        "--profile",
        choices=("cpu", "functions"),
        help="every task records its worker's CPU (cpu), and its functions' (functions)",
    )
    args = parser.parse_args()
    sizes = [20] if args.quick else [int(s) for s in args.sizes.split(",")]
    forks_list = [int(f) for f in args.forks.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-provision-"))
    inventory = work / "inv"
    generate(inventory, max(300, max(sizes) * 2))
    inv = plan_at(inventory, dry_run=True).inventory
    names = sorted(d.hostname for d in inv.devices if d.role.value != "firewall")
    print(f"inventory: {len(inv.devices)} devices; CPUs: {os.cpu_count()}")
    print(
        f"{'devices':>7} {'forks':>5} {'wall s':>8} {'dev/min':>8} {'speed-up':>9} {'session s/dev':>13}"
        f" {'Ansible CPU s/dev':>17} {'lab+runner CPU s/dev':>20} {'CPU-bound ceiling':>17}"
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    for size in sizes:
        hosts = names[:size]
        base = None
        for forks in forks_list:
            profile = work / f"profile-{size}-{forks}" if args.profile else None
            r = one_run(inventory, hosts, forks, work, profile, args.profile == "functions")
            base = base or r["per_min"]
            # What these cores could do if every device cost only the CPU it used here (an idle
            # machine, enough forks), over forks 1's measured rate.
            ceiling = cores * 60 / (r["ansible_cpu"] + r["lab_cpu"]) / base
            print(
                f"{size:>7} {forks:>5} {r['wall']:>8.1f} {r['per_min']:>8.1f} {r['per_min'] / base:>8.2f}x"
                f" {r['device_s']:>13.2f} {r['ansible_cpu']:>17.2f} {r['lab_cpu']:>20.2f} {ceiling:>16.1f}x",
                flush=True,
            )
            if profile is not None:
                _print_profile(profiling.summarize(profile))


def _print_profile(summary: dict) -> None:
    mean = summary["mean"]
    for part in ("before_task", "task"):
        m = mean[part]
        cpu = f"user {m['user']:.3f} s, sys {m['sys']:.3f} s"
        faults = f"minor faults {m['minflt']:.0f}, full collections {m['full_gc']:.2f}"
        print(f"    worker {part}: {cpu}, {faults}")
    if summary["functions"]:
        print("    task's functions, cumulative s/device (own s/device):")
    for f in summary["functions"]:
        print(f"      {f['cumulative_s']:7.4f} ({f['own_s']:.4f})  {f['function']}")


if __name__ == "__main__":
    main()
