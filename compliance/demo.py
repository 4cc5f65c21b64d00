"""The compliance steps of `govnet demo`.

``run`` (inside the lab block): a level-3 scan of hardened example configurations (all pass), while
the demo's lab runs a live scan of its day-0 devices (they must fail), with the HTML, JSON, JUnit and
SARIF reports written to the demo's folder; then the design scan of the sample inventory with the
history the collectors' step stored. ``run_pki`` (after the PKI, seal and signing steps): the PKI
scan of the demo's store. Findings are shown, not failures of the demo: the demo fails only when a
scan could not run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from govnet.compliance.model import Finding
    from govnet.compliance.scan import Asset
    from govnet.demo import DemoContext

EXAMPLES = Path(__file__).parent / "examples"

# One line on what a design finding means on the demo's sample (shown, never the demo's failure).
DESIGN_WHY = {
    "design.bandwidth-peak:fail": "the collectors' step surged a core uplink on purpose; its peak in the "
    "stored history is over 80 % of the link's tier",
    "design.bandwidth-peak:error": "no utilisation history for these links in the demo's store: "
    "the collectors' step did not poll them",
    "design.zone-boundary:fail": "the sample wires a private-zone district site straight to the public "
    "core with no firewall between the zones: a finding of the sample's design",
    "fail": "a finding of the sample's design, as an assessor would see it; it does not fail the demo",
    "error": "the data here cannot settle it (the reason says what is missing); not the demo's failure",
}


def run(ctx: DemoContext) -> None:
    ctx.section("Compliance: GB/T 22239-2019 level 3 (等保 2.0) over configurations and live devices")
    _guarded(ctx, "compliance", _configs)
    _guarded(ctx, "compliance design", _design)


def run_pki(ctx: DemoContext) -> None:
    """The PKI and e-seal service scan of the demo's store (run after the PKI and seal steps)."""
    ctx.section("Compliance: the PKI and e-seal service (SM2/SM3, keys at rest, chains, CRLs, audit)")
    _guarded(ctx, "compliance pki", _pki)


def _guarded(ctx: DemoContext, area: str, body: Callable[[DemoContext], None]) -> None:
    """A scan that could not run is the demo's failure; what it finds is only shown."""
    try:
        body(ctx)
    except Exception as exc:  # report, never crash the demo
        why = f"{type(exc).__name__}: {exc}"
        ctx.failures.append(f"{area}: {why}")
        ctx.console.print(f"[red]{area} failed:[/] {escape(why)}")


def _configs(ctx: DemoContext) -> None:
    from govnet.compliance.report import write_reports
    from govnet.compliance.scan import scan
    from govnet.compliance.scores import score
    from govnet.compliance.sources import read_files, read_live
    from govnet.devices import load_devices

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


def _row(table: Table, label: str, totals: dict[str, object], last: str) -> None:
    value = totals["score"]
    pct = "—" if not isinstance(value, float) else f"{value * 100:.1f}%"
    last = last or str(totals["not_applicable"])
    table.add_row(label, pct, str(totals["pass"]), str(totals["fail"]), str(totals["error"]), last)


def _design(ctx: DemoContext) -> None:
    from govnet.collectors import schema  # noqa: F401  (registers the collectors' tables)
    from govnet.compliance.service import backups_dir, gather_design
    from govnet.devices.sources import sample_inventory
    from govnet.store import Store

    inventory = Path(ctx.state.get("inventory_path") or sample_inventory())
    with Store.open(ctx.settings.effective_store_url) as history:  # what the collectors' step stored
        assets = gather_design(inventory, history=history, backups=backups_dir(ctx.settings.home))
        label = "design: the sample extranet, its plan, the collectors' history"
        shown = _show(ctx, "compliance design", label, assets)
    for check, outcome in shown:
        why = DESIGN_WHY.get(f"{check}:{outcome}", DESIGN_WHY[outcome])
        ctx.console.print(f"  why {check}: {why}", highlight=False)


def _pki(ctx: DemoContext) -> None:
    from govnet.compliance.service import gather_pki

    label = "pki: the demo's CA, certificates, CRLs, keys, seals and audit chain"
    _show(ctx, "compliance pki", label, gather_pki(ctx.settings))


def _show(
    ctx: DemoContext, area: str, label: str, assets: Sequence[Asset], top: int = 5
) -> list[tuple[str, str]]:
    """One scan's score and counts, then its first failing or unjudgeable checks with the reason. An
    asset that could not be read at all is the demo's failure (the scan did not run on it). Returns
    the (check, outcome) pairs shown."""
    from govnet.compliance.model import Outcome
    from govnet.compliance.scan import scan
    from govnet.compliance.scores import score

    unread = [(a.name, getattr(a, "problem", "")) for a in assets if getattr(a, "problem", "")]
    for name, problem in unread:
        ctx.failures.append(f"{area}: {name}: {problem}")
        ctx.console.print(f"[red]{area}: cannot read[/] {escape(f'{name}: {problem}')}", highlight=False)
    if unread:
        return []
    result = scan(assets, level=3)
    kinds = {a.asset_type for a in assets}
    judged = [f for f in result.findings if f.asset_type in kinds and f.check != "manual"]
    title = "comply scan (findings: a check counts once per clause it serves)"
    table = Table("assets", "score", "pass", "fail", "error", "n/a", title=title)
    totals = score(judged).to_dict()
    _row(table, label, totals, "")
    ctx.console.print(table)
    bad = _unique([f for f in judged if f.outcome in (Outcome.FAIL, Outcome.ERROR)])
    for f in bad[:top]:
        line = f"{f.check} ({f.clause}): {_short(f.reason)}"
        ctx.console.print(f"  [red]{f.outcome.value}[/] {escape(line)}", highlight=False)
    if len(bad) > top:
        ctx.console.print(f"  … and {len(bad) - top} more")
    return [(f.check, f.outcome.value) for f in bad[:top]]


def _unique(findings: list[Finding]) -> list[Finding]:
    """One line per check (a check filed under several clauses gives one finding per clause)."""
    seen: dict[tuple[str, str], Finding] = {}
    for f in findings:
        seen.setdefault((f.asset, f.check), f)
    return list(seen.values())


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
