"""The provisioning step of `govnet demo`: converge the sample extranet on the running demo lab
through Ansible, show the summary, then run again to show that nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govnet.errors import GovnetError

from .gate import FORCE_NOTE
from .render import Selection
from .service import Outcome, provision

# A slice of the sample with all three vendors (the whole sample takes minutes on a busy laptop).
DEMO_LIMIT = "sg-zhenjiang-*,sg-wujiang-agg-1,sg-qujiang-*"


def _table(ctx: Any, outcome: Outcome, title: str) -> None:
    from rich.table import Table

    table = Table(title=title)
    for column in ("host", "ok", "changed", "failed", "unreachable", "compliance"):
        table.add_column(column)
    for host, r in sorted(outcome.hosts.items()):
        table.add_row(host, str(r.ok), str(r.changed), str(r.failed), str(r.unreachable), r.compliance)
    ctx.console.print(table)


def refusal_line(msg: str) -> str:
    """A refused device's summary line without the --force note (said once above the list)."""
    return msg.removesuffix(FORCE_NOTE)


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
    # The sample keeps SNMP v2c on a few devices the collectors poll that way: the compliance gate
    # refuses those (as it should); every other failure is the demo's.
    failed = [h for o in (first, second) for h in o.failed_hosts if h not in o.refused_hosts]
    if first.refused_hosts:
        ctx.console.print(
            f"{len(first.refused_hosts)} device(s) not pushed: their intended configs fail their site's"
            f" level (--force would push them and record the override; details:"
            f" `govnet provision show {first.run_dir.name}`):"
        )
        for host in first.refused_hosts:
            ctx.console.print(f"  {refusal_line(first.hosts[host].msg)}", highlight=False)
    if failed:
        ctx.failures.append(f"provisioning: failed hosts {failed}")
    elif second.totals()["changed"]:
        ctx.failures.append("provisioning: the second run changed something")
    else:
        ctx.console.print(
            f"{len(first.hosts) - len(first.refused_hosts)} devices converged"
            f" ({first.totals()['changed']} changed); the second run"
            " changed nothing. Artifacts: `govnet provision runs`, `govnet provision show RUN`."
        )
