"""Rendering for the CLI: Rich for people, JSON for scripts. Commands call ``emit``."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


def _console(stderr: bool = False) -> Console:
    # Rich falls back to 80 columns when output is not a terminal (CI logs, pipes), which squeezes
    # tables of Chinese names; logs have room, so use a wider default unless COLUMNS says otherwise.
    probe = Console(stderr=stderr)
    if probe.is_terminal or os.environ.get("COLUMNS"):
        return probe
    return Console(stderr=stderr, width=160)


console = _console()
err_console = _console(stderr=True)


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
