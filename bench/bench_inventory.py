"""Inventory at scale: load + validate, and plan, for generated extranets of growing size.

Each size runs in a fresh process (so peak memory is that size's own); sizes up to 10k take the
best of three runs. Printed per size: seconds and
peak RSS for validation and for planning, and raw PyYAML parsing of the same files (yaml.load with
the C loader) as a reference measured in the same run. Then the time ratio for each growth in size
against the growth itself: O(n log n) work should stay near the size ratio (aim: ≤ 12 for 10×).

    .venv/bin/python bench/bench_inventory.py           # 1k, 10k, 50k sites
    .venv/bin/python bench/bench_inventory.py --quick   # 300, 3k sites
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(sites: int, folder: Path, what: str) -> dict[str, float]:
    """Runs inside a child process: one measurement on one generated inventory."""
    if what == "raw":
        import yaml

        start = time.perf_counter()
        for path in sorted(folder.glob("*.yaml")):
            if path.name != "plan.yaml":
                yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        return {"raw_s": time.perf_counter() - start, "raw_mb": _peak_mb()}
    from govnet.inventory.service import plan_at
    from govnet.inventory.validate import check_inventory

    # Best of three for the smaller sizes: on a shared machine one run of a second is noisy.
    repeats = 3 if sites <= 10_000 else 1
    # Peak memory is the high-water mark after the first run of each step.
    validate_s = plan_s = float("inf")
    validate_mb = plan_mb = 0.0
    for attempt in range(repeats):
        start = time.perf_counter()
        report = check_inventory(folder)
        validate_s = min(validate_s, time.perf_counter() - start)
        if report.errors:
            raise SystemExit(f"generated inventory of {sites} sites has errors: {report.errors[0]}")
        validate_mb = validate_mb or _peak_mb()
        del report
        start = time.perf_counter()
        outcome = plan_at(folder, dry_run=attempt < repeats - 1)  # the last one writes the plan
        plan_s = min(plan_s, time.perf_counter() - start)
        plan_mb = plan_mb or _peak_mb()
    return {
        "validate_s": validate_s,
        "validate_mb": validate_mb,
        "plan_s": plan_s,
        "plan_mb": plan_mb,
        "assigned": len(outcome.result.new),
        "devices": len(outcome.inventory.devices),
        "links": len(outcome.inventory.links),
    }


def child(sites: int, folder: Path, what: str) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, __file__, "--child", what, "--sites", str(sites), "--dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"benchmark child failed ({sites} sites, {what}):\n{run.stderr}")
    result: dict[str, float] = json.loads(run.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (300 and 3,000 sites)")
    parser.add_argument("--sizes", type=int, nargs="*", help="site counts to run (default 1000 10000 50000)")
    parser.add_argument("--child", choices=["ours", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--sites", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.sites, args.dir, args.child)))
        return

    from govnet.inventory.generate import generate

    sizes = args.sizes or ([300, 3000] if args.quick else [1000, 10000, 50000])
    rows = []
    with tempfile.TemporaryDirectory(prefix="govnet-bench-") as tmp:
        for sites in sizes:
            folder = Path(tmp) / f"s{sites}"
            start = time.perf_counter()
            counts = generate(folder, sites)
            generate_s = time.perf_counter() - start
            raw = child(sites, folder, "raw")
            ours = child(sites, folder, "ours")
            size_mb = sum(p.stat().st_size for p in folder.glob("*.yaml") if p.name != "plan.yaml") / 1e6
            rows.append(
                {"sites": sites, **counts, "generate_s": generate_s, "yaml_mb": size_mb, **raw, **ours}
            )
            r = rows[-1]
            print(
                f"{sites:>6} sites ({counts['devices']} devices, {counts['links']} links,"
                f" {size_mb:.1f} MB YAML):"
                f" validate {r['validate_s']:.2f} s / {r['validate_mb']:.0f} MB peak;"
                f" plan {r['plan_s']:.2f} s ({int(r['assigned'])} assignments) / {r['plan_mb']:.0f} MB peak;"
                f" reference raw yaml.load(CSafeLoader) {r['raw_s']:.2f} s / {r['raw_mb']:.0f} MB"
                f" → validate/raw {r['validate_s'] / r['raw_s']:.2f}×",
                flush=True,
            )
    base = rows[0]
    print(f"growth against the {base['sites']}-site run (same run):")
    for r in rows[1:]:
        grow = r["sites"] / base["sites"]
        print(
            f"  {grow:>5.1f}× sites: validate {r['validate_s'] / base['validate_s']:.1f}×,"
            f" plan {r['plan_s'] / base['plan_s']:.1f}×, raw YAML {r['raw_s'] / base['raw_s']:.1f}×,"
            f" peak memory {r['plan_mb'] / base['plan_mb']:.1f}×"
        )
    for a, b in itertools.pairwise(rows):
        grow = b["sites"] / a["sites"]
        worst = max(b["validate_s"] / a["validate_s"], b["plan_s"] / a["plan_s"])
        print(
            f"  {a['sites']} → {b['sites']} ({grow:.0f}× sites):"
            f" worst time ratio {worst:.1f} (aim ≤ {grow * 1.2:.0f})"
        )


if __name__ == "__main__":
    main()
