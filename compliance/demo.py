"""The compliance step of `govnet demo`: a level-3 scan of hardened example configurations (all
pass) and, while the demo's lab runs, a live scan of its day-0 devices (they must fail), with the
HTML, JSON, JUnit and SARIF reports written to the demo's folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from govnet.demo import DemoContext

EXAMPLES = Path(__file__).parent / "examples"


def run(ctx: DemoContext) -> None:
    from govnet.compliance.report import write_reports
    from govnet.compliance.scan import scan
    from govnet.compliance.scores import score
    from govnet.compliance.sources import read_files, read_live
    from govnet.devices import load_devices

    ctx.section("Compliance: GB/T 22239-2019 level 3 (等保 2.0) over configurations and live devices")
    table = Table("assets", "score", "pass", "fail", "error", "expected", title="comply scan")
    hardened = scan(list(read_files([EXAMPLES])), level=3)
    _row(table, "hardened examples (3 vendors)", score(hardened.findings).to_dict(), "100%")
    if score(hardened.findings).score != 1.0:
        ctx.failures.append("compliance: the hardened example configurations do not all pass")
    out = ctx.workdir / "compliance"
    if ctx.state.get("lab_running"):
        devices = load_devices(ctx.state["inventory_path"], overlay=ctx.state["lab_overlay"])
        live = scan([read_live(d, conn_timeout=10) for d in devices], level=3)
        totals = score(live.findings).to_dict()
        _row(table, f"lab devices, day 0 ({len(devices)}, live over SSH)", totals, "fail")
        if totals["error"] or not totals["fail"]:
            ctx.failures.append("compliance: the lab's day-0 devices should fail level 3 (and be readable)")
        written = write_reports(live, out, ("html", "json", "junit", "sarif"))
    else:
        written = write_reports(hardened, out, ("html", "json", "junit", "sarif"))
    ctx.console.print(table)
    ctx.console.print(f"reports: {', '.join(str(p) for p in written)}")


def _row(table: Table, label: str, totals: dict[str, object], expected: str) -> None:
    value = totals["score"]
    pct = "—" if not isinstance(value, float) else f"{value * 100:.1f}%"
    table.add_row(label, pct, str(totals["pass"]), str(totals["fail"]), str(totals["error"]), expected)
