"""Compliance scan benchmark: level-3 scans of 100, 1,000 and 10,000 device configurations, the
whole pipeline as ``govnet comply scan -f json,html,junit,sarif`` runs it.

A scan reads each configuration (vendor detection, lenient ``govnet.netconfig`` parse), runs every
device check of the baseline on it, and streams the findings to the store (SQLite, batched inserts,
with the diff against the previous scan and the exporter's rollup) and to the four report writers.
Each size runs in a fresh process (nothing carried over: allocator, garbage collector), which
prints its CPU seconds (process time: on a machine shared with other jobs, wall time measures the
neighbours; it is printed too), configurations per CPU-second and its peak memory above the
interpreter's own (ru_maxrss after the warm-up scan is the baseline). The time ratio per tenfold is
10 when linear (aim ≤ 11), printed next to the parse-only reference's own ratio.
Reference, measured in the same run on the same texts: ``govnet.netconfig.parse`` alone — the ratio
scan/parse is what checking, evidence, the store and the reports cost on top of reading.

The fleet: the three hardened example configurations and weakened variants of them (telnet on,
no ACL, no syslog), each with its own hostname. The store holds the previous size's scan, so the
diff is computed as well.

Run: ``.venv/bin/python bench/bench_comply.py [--quick]`` (--quick: 100 and 1,000 only).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from benchkit import pin_to_one_cpu

EXAMPLES = Path(__file__).resolve().parents[1] / "compliance" / "examples"
WEAKEN = [
    ("", ""),
    ("undo telnet server enable", "telnet server enable"),
    ("transport input ssh", "transport input telnet ssh"),
    (" acl 2000 inbound", ""),
    ("info-center loghost", "undo info-center loghost"),
]
FORMATS = ("json", "html", "junit", "sarif")


def fleet(n: int) -> Iterator[tuple[str, str]]:
    """``n`` (name, text) configurations, cycling vendors and weaknesses (generated lazily)."""
    from govnet.compliance.sources import detect_vendor

    bases = []
    for path in sorted(EXAMPLES.glob("*.cfg")):
        text = path.read_text(encoding="utf-8")
        bases.append((detect_vendor(text) or "", text))
    for i in range(n):
        _, text = bases[i % len(bases)]
        old, new = WEAKEN[(i // len(bases)) % len(WEAKEN)]
        if old:
            text = text.replace(old, new)
        for marker in ("\nsysname ", "\n sysname ", "\nhostname "):
            text = text.replace(marker, f"{marker}BENCH-{i}-", 1)
        yield f"dev{i}.cfg", text


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def one(n: int, workdir: Path) -> dict[str, float]:
    """One size, in this process: the full scan, then the parse-only reference."""
    from govnet.compliance import schema  # noqa: F401  (registers the tables)
    from govnet.compliance.service import run_scan
    from govnet.compliance.sources import asset_from_text, detect_vendor
    from govnet.netconfig import parse
    from govnet.store import Store

    pin_to_one_cpu()
    store = Store.open(f"sqlite:///{workdir / 'store.db'}")
    warm = (asset_from_text(t, source=name) for name, t in fleet(6))
    run_scan(warm, level=3, store=None, out=workdir / "warm", formats=FORMATS)
    baseline = _maxrss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    run = run_scan(
        (asset_from_text(t, source=name) for name, t in fleet(n)),
        level=3,
        store=store,
        out=workdir / f"reports-{n}",
        formats=FORMATS,
    )
    wall_s, scan_s = time.perf_counter() - started, time.process_time() - cpu
    peak = _maxrss_mb() - baseline
    cpu = time.process_time()
    for _, t in fleet(n):
        parse(detect_vendor(t) or "huawei_vrp", t)
    parse_s = time.process_time() - cpu
    findings = sum(run.tally.counts.values())
    return {"scan_s": scan_s, "wall_s": wall_s, "parse_s": parse_s, "peak_mb": peak, "findings": findings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 configurations only")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.workdir)))
        return
    sizes = (100, 1_000) if args.quick else (100, 1_000, 10_000)
    cpu = pin_to_one_cpu()
    where = cpu if cpu is not None else "unpinned"
    print(f"compliance scan, level 3, store + json/html/junit/sarif, one CPU ({where})")
    print(
        f"{'configs':>8} {'findings':>9} {'cpu s':>8} {'wall s':>8} {'configs/s':>10} {'peak MB':>8} "
        f"{'x/tenfold':>9} {'parse s':>8} {'parse x/10':>10} {'scan/parse':>10}"
    )
    previous = previous_parse = None
    with tempfile.TemporaryDirectory(prefix="bench-comply-") as tmp:
        for n in sizes:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--workdir", tmp],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            ratio = f"{r['scan_s'] / previous:.1f}" if previous else "-"
            parse_ratio = f"{r['parse_s'] / previous_parse:.1f}" if previous_parse else "-"
            print(
                f"{n:>8} {int(r['findings']):>9} {r['scan_s']:>8.2f} {r['wall_s']:>8.2f} "
                f"{n / r['scan_s']:>10.0f} "
                f"{r['peak_mb']:>8.1f} {ratio:>9} {r['parse_s']:>8.2f} {parse_ratio:>10} "
                f"{r['scan_s'] / r['parse_s']:>10.2f}"
            )
            previous, previous_parse = r["scan_s"], r["parse_s"]


if __name__ == "__main__":
    main()
