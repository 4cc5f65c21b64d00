"""Rendering for the CLI: Rich for people, JSON for scripts. Commands call ``emit``."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from rich.console import Console


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
