"""`govnet provision ...`: render intended configs, push them through Ansible, list and show runs.

Thin: options in, ``govnet.playbooks.service`` called, results rendered (Rich or --json).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from govnet.errors import InputError
from govnet.output import JsonOption, emit, err_console
from govnet.settings import load_settings

app = typer.Typer(
    help="Provision devices through Ansible: intended configs, diff, push, check mode, runs.",
    invoke_without_command=True,
)

InventoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--inventory", "-i", help="Inventory (default: $GOVNET_INVENTORY, else the built-in sample)."
    ),
]
OverlayOpt = Annotated[
    Path | None,
    typer.Option(help="Device-lab overlay (default: $GOVNET_HOME/lab/overlay.yaml while a lab runs)."),
]
PolicyOpt = Annotated[
    Path | None, typer.Option(help="Provisioning policy YAML overriding group_vars/all.yml.")
]
SiteOpt = Annotated[str | None, typer.Option("--site", help="Only this site's devices.")]
LimitOpt = Annotated[
    str | None, typer.Option("--limit", help="Hostname patterns (fnmatch, comma-separated).")
]


def _inventory(path: Path | None) -> Path:
    from govnet.devices.sources import default_inventory

    return default_inventory(load_settings(), path)


def _overlay(path: Path | None) -> Path | None:
    from govnet.devices.sources import default_overlay

    return default_overlay(load_settings(), path)


def _selection(site: str | None, limit: str | None, all_: bool = False) -> Any:
    from .render import Selection

    if sum(bool(x) for x in (site, limit, all_)) > 1:
        raise InputError("--site, --limit and --all: give one of them")
    return Selection(site=site, limit=limit)


@app.callback()
def provision_cmd(
    ctx: typer.Context,
    inventory: InventoryOpt = None,
    overlay: OverlayOpt = None,
    policy: PolicyOpt = None,
    site: SiteOpt = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every device (the default without --site/--limit).")
    ] = False,
    limit: LimitOpt = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; report what would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show each device's diff.")] = False,
    forks: Annotated[int, typer.Option(min=1, max=500, help="Devices in parallel.")] = 5,
    tags: Annotated[list[str] | None, typer.Option("--tags", help="Only tasks with these tags.")] = None,
    via_worker: Annotated[
        str | None,
        typer.Option(help="Stream the job to `ansible-runner worker` started by this command (AWX-style)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Push devices whose intended config fails the compliance gate (recorded in the run).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Converge the selected devices to their intended configuration (exit 1 if any host failed).

    Each intended configuration is first checked against its site's graded-protection level; a
    failing one is refused (not pushed) unless --force."""
    if ctx.invoked_subcommand is not None:
        return
    from .service import HostResult, provision

    home = load_settings().home
    bar = _HostProgress(enabled=not as_json and err_console.is_terminal)

    def on_host(host: str, result: HostResult, res: dict[str, Any]) -> None:
        state = (
            "unreachable"
            if result.unreachable
            else "failed"
            if result.failed
            else "changed"
            if result.changed
            else "ok"
        )
        colour = {"ok": "green", "changed": "yellow", "failed": "red", "unreachable": "red"}[state]
        line = f"[{colour}]{state}[/]: {escape(host)}" + (f" — {escape(result.msg)}" if result.msg else "")
        bar.host_done(line, res.get("diff", {}).get("prepared") if diff else None, quiet=as_json)

    with bar:
        outcome = provision(
            _inventory(inventory),
            home,
            overlay=_overlay(overlay),
            policy_file=policy,
            selection=_selection(site, limit, all_),
            check=check,
            diff=diff,
            forks=forks,
            tags=tags,
            on_host=on_host,
            on_start=bar.start,
            via_worker=via_worker,
            force=force,
        )
    data = outcome.as_dict()
    emit(data, as_json=as_json, render=lambda out: _render_summary(out, data))
    if outcome.failed_hosts or outcome.rc not in (0, None):
        raise typer.Exit(1)


class _HostProgress:
    """A bar over the selected hosts (terminals only) and a line per host as its result arrives."""

    def __init__(self, enabled: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = (
            Progress(
                TextColumn("provisioning"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )
            if enabled
            else None
        )
        self.task: Any = None

    def __enter__(self) -> _HostProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def start(self, hosts: list[str]) -> None:
        if self.progress is not None:
            self.task = self.progress.add_task("hosts", total=len(hosts))

    def host_done(self, line: str, diff_text: str | None, quiet: bool) -> None:
        if quiet:
            return
        err_console.print(line)
        if diff_text:
            err_console.print(escape(diff_text), highlight=False)
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)


def _render_summary(out: Console, data: dict[str, Any]) -> None:
    table = Table(title=f"provisioning run {data['run']}" + (" (check mode)" if data["check"] else ""))
    for column in ("host", "ok", "changed", "failed", "unreachable", "compliance", "why"):
        table.add_column(column)
    for host, r in data["hosts"].items():
        gate = r.get("compliance", "")
        table.add_row(
            host,
            str(r["ok"]),
            str(r["changed"]),
            str(r["failed"]),
            str(r["unreachable"]),
            {"refused": "[red]refused[/]", "forced": "[yellow]forced[/]"}.get(gate, gate),
            escape(r["msg"])[:120],
        )
    out.print(table)
    t = data["totals"]
    out.print(
        f"ok={t['ok']} changed={t['changed']} failed={t['failed']} unreachable={t['unreachable']}"
        f" — artifacts in {data['path']}"
    )


@app.command("render")
def render_cmd(
    inventory: InventoryOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for <hostname>.cfg files.")] = Path("intended"),
    policy: PolicyOpt = None,
    site: SiteOpt = None,
    limit: LimitOpt = None,
    as_json: JsonOption = False,
) -> None:
    """Write each device's intended configuration (secrets as placeholders); touches no device."""
    from .service import render_to

    written = render_to(_inventory(inventory), out, policy_file=policy, selection=_selection(site, limit))
    data = {"out": str(out), "devices": {h: str(p) for h, p in written.items()}}
    emit(
        data, as_json=as_json, render=lambda c: c.print(f"{len(written)} intended configuration(s) in {out}")
    )


@app.command("runs")
def runs_cmd(as_json: JsonOption = False) -> None:
    """List provisioning runs, newest first."""
    from .runs import list_runs

    runs = list_runs(load_settings().home)

    def render(out: Console) -> None:
        table = Table(title="provisioning runs")
        for column in ("run", "check", "status", "ok", "changed", "failed", "unreachable"):
            table.add_column(column)
        for r in runs:
            t = r.get("totals") or {}
            table.add_row(
                r["run"],
                str(r.get("check")),
                str(r.get("status")),
                *(str(t.get(k, "")) for k in ("ok", "changed", "failed", "unreachable")),
            )
        out.print(table)

    emit(runs, as_json=as_json, render=render)


@app.command("show")
def show_cmd(
    run: Annotated[str, typer.Argument(help="A run id from `govnet provision runs`.")],
    as_json: JsonOption = False,
) -> None:
    """One run: its summary per host and the diffs it applied (or would have)."""
    from .runs import show_run

    data = show_run(load_settings().home, run)

    def render(out: Console) -> None:
        _render_summary(out, {**data, "run": run})
        for host, gate in data["compliance"].items():
            what = "pushed with --force over" if gate.get("forced") else "refused for"
            out.rule(f"{host}: {what} failing compliance checks (level {gate.get('level')})")
            for f in gate.get("failing") or []:
                out.print(f"[red]{escape(f['check'])}[/]: {escape(f['reason'])}")
                for line in f.get("lines") or []:
                    out.print(f"    {escape(line)}", highlight=False)
        for host, text in data["diffs"].items():
            out.rule(host)
            out.print(escape(text), highlight=False)

    emit(data, as_json=as_json, render=render)
