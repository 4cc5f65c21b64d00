"""Rendering for the CLI: Rich for people, JSON for scripts. Commands call ``emit``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def emit(data: Any, *, as_json: bool, render: Callable[[Console], None]) -> None:
    """Print ``data`` as JSON when asked, else let ``render`` draw it for a person."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        render(console)
