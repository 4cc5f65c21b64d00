"""The provisioning step of `govnet demo`: converge the sample extranet on the running demo lab
through Ansible, show the summary, then run again to show that nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govnet.errors import GovnetError

from .render import Selection
from .service import Outcome, provision

# A slice of the sample with all three vendors (the whole sample takes minutes on a busy laptop).
DEMO_LIMIT = "sg-zhenjiang-*,sg-wujiang-agg-1,sg-qujiang-*"


def _table(ctx: Any, outcome: Outcome, title: str) -> None:
    from rich.table import Table

    table = Table(title=title)
    for column in ("host", "ok", "changed", "failed", "unreachable"):
        table.add_column(column)
    for host, r in sorted(outcome.hosts.items()):
        table.add_row(host, str(r.ok), str(r.changed), str(r.failed), str(r.unreachable))
    ctx.console.print(table)


def run(ctx: Any) -> None:
    ctx.section("Provisioning through Ansible (ansible-runner, govnet.extranet collection)")
    inventory = ctx.state.get("inventory_path")
    overlay = ctx.state.get("lab_overlay")
    if inventory is None or overlay is None or not Path(overlay).is_file():
        ctx.failures.append("provisioning: no running lab or inventory from the earlier steps")
        return
    selection = Selection(limit=DEMO_LIMIT)
    try:
        first = provision(
            Path(inventory), ctx.settings.home, overlay=Path(overlay), selection=selection, forks=10
        )
        _table(ctx, first, f"first run ({first.run_dir.name})")
        second = provision(
            Path(inventory), ctx.settings.home, overlay=Path(overlay), selection=selection, forks=10
        )
        _table(ctx, second, f"second run ({second.run_dir.name}): nothing to change")
    except GovnetError as exc:
        ctx.failures.append(f"provisioning: {exc}")
        return
    if first.failed_hosts or second.failed_hosts:
        ctx.failures.append(f"provisioning: failed hosts {first.failed_hosts + second.failed_hosts}")
    elif second.totals()["changed"]:
        ctx.failures.append("provisioning: the second run changed something")
    else:
        ctx.console.print(
            f"{len(first.hosts)} devices converged ({first.totals()['changed']} changed); the second run"
            " changed nothing. Artifacts: `govnet provision runs`, `govnet provision show RUN`."
        )
