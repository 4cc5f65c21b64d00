"""Demo step: validate the sample extranet, plan its addresses, show what it looks like."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from rich.text import Text

from . import ansible
from .cli import render_summary
from .service import plan_at
from .summary import summarize
from .validate import check_inventory

EXAMPLES = Path(__file__).resolve().parent / "examples"
SAMPLE = EXAMPLES / "sample"
SHOWCASE_BROKEN = "tier-below-policy.yaml"


def run(ctx: Any) -> None:
    ctx.section("Inventory: the sample extranet (韶关市电子政务外网)")
    out = ctx.console
    target = Path(ctx.workdir) / "inventory"
    # A copy, so that planning writes plan.yaml into the demo's folder and never into the repository.
    shutil.copytree(SAMPLE, target, dirs_exist_ok=True)
    ctx.state["inventory_path"] = target

    report = check_inventory(target)
    inv = report.inventory
    out.print(
        f"validated {target}: {len(inv.sites)} sites, {len(inv.devices)} devices, {len(inv.links)} links;"
        f" {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    )
    for problem in report.problems[:10]:
        out.print(Text(f"  {problem}"))
    if report.errors:
        ctx.failures.append(f"inventory: the sample has {len(report.errors)} validation error(s)")
        return

    outcome = plan_at(target)
    r = outcome.result
    out.print(f"address plan: {len(r.new)} new assignment(s), {r.kept} kept → {outcome.plan_path}")
    for a in r.new[:4]:
        out.print(f"  {a.section[:-1]} {a.id}: {a.field} {a.value}")
    again = plan_at(target, dry_run=True)
    if again.result.new:
        ctx.failures.append(f"inventory: planning twice assigned {len(again.result.new)} more addresses")
    else:
        out.print("planning again: nothing moves, nothing new (stable)")

    render_summary(out, summarize(outcome.inventory), level3_rows=8)
    script = ansible.write_script(Path(ctx.workdir) / "ansible-inventory.sh", target)
    ctx.state["ansible_inventory_script"] = script
    out.print(f"Ansible dynamic inventory: {script} (try `ansible-inventory -i {script} --graph`)")

    # What a mistake looks like: one of the deliberately broken inventories.
    broken = check_inventory(EXAMPLES / "broken" / SHOWCASE_BROKEN)
    out.print(f"a broken inventory ({SHOWCASE_BROKEN}) is reported with file, line and column:")
    for problem in broken.problems:
        out.print(Text(f"  {problem}"))
    if [p.rule for p in broken.problems] != ["tier.below-policy"]:
        ctx.failures.append("inventory: the broken example was not reported as tier.below-policy")
