"""`govnet pki ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="pki commands.", no_args_is_help=True)
