"""`govnet backup`: configuration backups with history (thin: parse, call the service, render).

Exit codes: 0 every device backed up; 1 a device failed (the others are still committed);
2 bad arguments or input (an inventory that does not load, a --limit matching nothing, an unknown
device or revision).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govnet.output import InventoryOption, JsonOption, OverlayOption

if TYPE_CHECKING:
    from rich.console import Console

    from govnet.collectors.backup.service import BackupRun

app = typer.Typer(
    help="Config backups: pull running configurations over SSH into a git repository, with facts.",
    invoke_without_command=True,
)

Repo = Annotated[
    Path | None, typer.Option("--repo", help="The backup repository (default: $GOVNET_HOME/backups).")
]


def _repo_root(repo: Path | None) -> Path:
    from govnet.settings import load_settings

    return repo or load_settings().home / "backups"


def render_run(c: Console, run: BackupRun) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Config backup: {len(run.devices)} device(s) into {escape(run.repository)}")
    for col in ("device", "vendor", "status", "facts", "seconds"):
        table.add_column(col)
    colours = {"failed": "red", "changed": "yellow", "new": "cyan", "unchanged": "green"}
    for d in run.devices:
        facts = f"{len(d.facts)} parsed" + (f", {len(d.fact_errors)} not" if d.fact_errors else "")
        status = f"[{colours[d.status]}]{d.status}[/]"
        table.add_row(escape(d.device), d.vendor, status, facts if d.ok else "-", f"{d.seconds:.2f}")
    c.print(table)
    for d in run.failed:
        c.print(f"[red]failed[/] {escape(f'{d.device}: {d.error_kind}: {d.error}')}")
    if run.commit:
        c.print(f"committed {run.commit[:12]}: {escape(run.message.splitlines()[0])}")
    else:
        c.print("no change: nothing committed")


@app.callback()
def backup(
    ctx: typer.Context,
    limit: Annotated[str | None, typer.Option("--limit", help="Only devices whose name matches.")] = None,
    inventory: InventoryOption = None,
    overlay: OverlayOption = None,
    repo: Repo = None,
    concurrency: Annotated[int, typer.Option(help="SSH sessions at once.", min=1)] = 32,
    timeout: Annotated[float, typer.Option(help="Seconds for each connection step and command.", min=1)] = 20,
    as_json: JsonOption = False,
) -> None:
    """Back up every device's running configuration (and facts); one commit per run that changed."""
    if ctx.invoked_subcommand is not None:
        return
    from govnet.collectors.backup.service import BackupOptions, run_backup, select_devices
    from govnet.devices import load_devices
    from govnet.devices.sources import default_inventory, default_overlay
    from govnet.output import emit
    from govnet.settings import load_settings

    settings = load_settings()
    overlay = default_overlay(settings, overlay)
    devices = select_devices(load_devices(default_inventory(settings, inventory), overlay), limit)
    options = BackupOptions(concurrency=concurrency, timeout=timeout)
    run = run_backup(devices, _repo_root(repo), options)
    emit(run.to_dict(), as_json=as_json, render=partial(render_run, run=run))
    raise typer.Exit(1 if run.failed else 0)


@app.command("log")
def log(
    device: Annotated[str, typer.Argument(help="Device host name.")],
    repo: Repo = None,
    as_json: JsonOption = False,
) -> None:
    """The backups that changed DEVICE's configuration, newest first."""
    from rich.markup import escape

    from govnet.collectors.backup.repo import BackupRepo
    from govnet.output import emit

    revisions = BackupRepo(_repo_root(repo)).log(device)

    def render(c: Console) -> None:
        for r in revisions:
            c.print(f"{r.commit[:12]}  {r.date}  {escape(r.subject)}")

    emit([r.to_dict() for r in revisions], as_json=as_json, render=render)


@app.command("diff")
def diff(
    device: Annotated[str, typer.Argument(help="Device host name.")],
    rev: Annotated[
        str | None, typer.Argument(help="Compare this revision with the latest (default: the last change).")
    ] = None,
    repo: Repo = None,
) -> None:
    """A unified diff of DEVICE's configuration."""
    from govnet.collectors.backup.repo import BackupRepo

    typer.echo(BackupRepo(_repo_root(repo)).diff(device, rev), nl=False)


@app.command("show")
def show(
    device: Annotated[str, typer.Argument(help="Device host name.")],
    rev: Annotated[str, typer.Argument(help="Revision (default: the latest backup).")] = "HEAD",
    repo: Repo = None,
) -> None:
    """DEVICE's configuration as backed up (at REV)."""
    from govnet.collectors.backup.repo import BackupRepo

    typer.echo(BackupRepo(_repo_root(repo)).show(device, rev), nl=False)
