"""Compliance scan benchmark: level-3 scans of 100, 1,000 and 10,000 device configurations.

A scan reads each configuration (vendor detection, lenient ``govnet.netconfig`` parse), runs every
device check of the baseline on it and builds findings with evidence. Printed per size:
configurations per second, peak memory (tracemalloc over up to 1,000 configurations, scaled:
findings grow linearly), and the time ratio per tenfold (10 is
linear; aim ≤ 11). Reference, measured in the same run on the same texts: ``govnet.netconfig.parse``
alone — the ratio scan/parse is what checking and evidence cost on top of reading.

The fleet: the three hardened example configurations and weakened variants of them (telnet on,
no ACL, no syslog), each with its own hostname.

Run: ``.venv/bin/python bench/bench_comply.py [--quick]`` (--quick: 100 and 1,000 only).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
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


def fleet(n: int) -> Iterator[tuple[str, str]]:
    """``n`` (name, text) configurations, cycling vendors and weaknesses."""
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


def run_scan(texts: list[tuple[str, str]]) -> int:
    from govnet.compliance.scan import scan
    from govnet.compliance.sources import asset_from_text

    result = scan((asset_from_text(t, source=name) for name, t in texts), level=3)
    return len(result.findings)


def run_parse(texts: list[tuple[str, str]]) -> int:
    from govnet.compliance.sources import detect_vendor
    from govnet.netconfig import parse

    return sum(len(parse(detect_vendor(t) or "huawei_vrp", t).unknown) for _, t in texts)


def timed(func, texts):  # type: ignore[no-untyped-def]
    """Seconds for ``func(texts)``, and the peak memory it allocated (a second run under
    tracemalloc, which slows allocation down too much to time with)."""
    started = time.perf_counter()
    func(texts)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    func(texts[: min(len(texts), 1_000)])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak * len(texts) / min(len(texts), 1_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 configurations only")
    args = parser.parse_args()
    cpu = pin_to_one_cpu()
    sizes = (100, 1_000) if args.quick else (100, 1_000, 10_000)
    run_scan(list(fleet(6)))  # warm up: imports, baseline, command tables
    print(f"compliance scan, level 3, one CPU ({cpu if cpu is not None else 'unpinned'})")
    print(
        f"{'configs':>8} {'scan s':>8} {'configs/s':>10} {'~peak MB':>8} {'x/tenfold':>9} "
        f"{'parse s':>8} {'scan/parse':>10}"
    )
    previous = None
    for n in sizes:
        texts = list(fleet(n))
        scan_s, peak = timed(run_scan, texts)
        started = time.perf_counter()
        run_parse(texts)
        parse_s = time.perf_counter() - started
        ratio = f"{scan_s / previous:.1f}" if previous else "-"
        print(
            f"{n:>8} {scan_s:>8.2f} {n / scan_s:>10.0f} {peak / 1e6:>8.1f} {ratio:>9} "
            f"{parse_s:>8.2f} {scan_s / parse_s:>10.2f}"
        )
        previous = scan_s


if __name__ == "__main__":
    main()
