"""Rendering for the CLI: Rich for people, JSON for scripts. Commands call ``emit``.

Everything the CLI prints goes through the consoles made here, so that one place decides how data
is treated: never as emoji codes (``2001:db8:1000:100::/56`` must not turn into a 💯), and never
hard-wrapped when the output is not a terminal (a log or a script reads whole lines).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from govnet.verdict import Verdict


def make_console(*, stderr: bool = False, **options: Any) -> Console:
    """The one way govnet makes a Rich console: emoji codes off, no hard wraps off a terminal.

    Data cells still want ``rich.text.Text`` (or ``markup=False``): markup stays on for govnet's
    own styling, and an inventory name like ``市[/b]`` must not be read as a tag.
    """
    options.setdefault("emoji", False)
    probe = Console(stderr=stderr, **options)
    if probe.is_terminal or "width" in options:
        return probe
    # Not a terminal (a pipe, a log, CI): wrapping there would split messages, commands and rule
    # tags mid-line, so print lines whole. Tables still need a width: Rich's fallback of 80
    # columns squeezes tables of Chinese names, and logs have room, so 160 unless COLUMNS says.
    width = None if os.environ.get("COLUMNS") else 160
    return Console(stderr=stderr, soft_wrap=True, width=width, **options)


console = make_console()
err_console = make_console(stderr=True)

# The `--json` switch, the same on every command that has one.
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

# Which devices a command talks to: the same two options wherever a command reaches devices
# (the defaults themselves are decided in ``govnet.devices.sources``).
InventoryOption = Annotated[
    Path | None,
    typer.Option(
        "--inventory", "-i", help="Inventory folder or file (default: GOVNET_INVENTORY, else the sample)."
    ),
]
OverlayOption = Annotated[
    Path | None, typer.Option(help="Lab overlay (default: the running lab's overlay, if any).")
]


def emit(data: Any, *, as_json: bool, render: Callable[[Console], None]) -> None:
    """Print ``data`` as JSON when asked, else let ``render`` draw it for a person."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        render(console)


@contextlib.contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Show a person how far a long job is: a bar when ``total`` is known, else a spinner.

    Yields ``advance(n)``. Drawn on stderr only when stderr is a terminal, so logs, pipes, CI and
    ``--json`` output stay clean; the bar disappears when the job ends.
    """
    if not err_console.is_terminal:

        def ignore(n: int = 1) -> None:
            pass

        yield ignore
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, TimeElapsedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance


_VERDICT_COLOURS = {"PASSED": "green", "FAILED": "red", "INDETERMINATE": "yellow"}


def render_verdict(out: Console, verdict: Verdict) -> None:
    """A verdict for a person: one row per check, then the overall status."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(verdict.subject), show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("reason", overflow="fold")
    for check in verdict.checks:
        table.add_row(
            Text(check.name),
            Text(check.status.value, _VERDICT_COLOURS[check.status.value]),
            Text(check.reason),
        )
    out.print(table)
    out.print(
        Text.assemble("verdict: ", (verdict.status.value, f"bold {_VERDICT_COLOURS[verdict.status.value]}"))
    )


def emit_verdict(verdict: Verdict, *, as_json: bool) -> None:
    """A verdict as JSON (its ``summary()``) for scripts, else as a table."""
    emit(verdict.summary(), as_json=as_json, render=lambda out: render_verdict(out, verdict))
