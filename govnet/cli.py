"""The `govnet` command: one Typer app, one sub-app per area, each defined in its area's cli.py.

The CLI is a client of the library: commands parse arguments, call a service function and render
its result. Exit codes: 0 ok, 1 findings or failures, 2 usage or input errors.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
from typing import Annotated

import typer
from rich.markup import escape

from govnet import __version__
from govnet.errors import GovnetError
from govnet.output import err_console

# area name -> module holding that area's Typer `app`. Area modules import heavy libraries
# (netmiko, pysnmp, ansible) inside their commands so that `govnet --help` stays fast.
AREAS: dict[str, str] = {
    "inventory": "govnet.inventory.cli",
    "lab": "govnet.lab.cli",
    "pki": "govnet.pki.cli",
    "collect": "govnet.collectors.cli",
    "monitor": "govnet.monitor.cli",
}

app = typer.Typer(
    name="govnet",
    help="E-government extranet operations: inventory, device lab, PKI and e-seals, compliance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"govnet {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


for _name, _module in AREAS.items():
    app.add_typer(importlib.import_module(_module).app, name=_name)


@app.command()
def demo(
    workdir: Annotated[
        str | None, typer.Option(help="Where the demo keeps its state (default: a fresh temporary folder).")
    ] = None,
) -> None:
    """Run the full demo on the built-in sample extranet and device lab."""
    from pathlib import Path

    from govnet.demo import run_demo
    from govnet.errors import InputError

    if workdir is not None:
        try:
            Path(workdir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror or exc
            raise InputError(f"--workdir {workdir}: cannot create the folder: {reason}") from None
    raise typer.Exit(run_demo(workdir))


def _json_error(message: str, exit_code: int, kind: str) -> None:
    """A script that asked for --json reads JSON on failure too: the error as an object on stdout."""
    if "--json" in sys.argv[1:]:
        print(json.dumps({"error": message, "kind": kind, "exit_code": exit_code}, ensure_ascii=False))


def _run_app() -> int:
    """Run the Typer app and return its exit code, rendering usage errors ourselves so that a
    script that asked for --json gets a JSON object for those too."""
    try:
        result = app(standalone_mode=False)
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except typer.TyperException as exc:  # usage errors: bad option, missing argument, no such command
        from typer import rich_utils

        rich_utils.rich_format_error(exc)  # type: ignore[arg-type]  # typer's own rendering
        exit_code = int(getattr(exc, "exit_code", 2))
        _json_error(getattr(exc, "format_message", exc.__str__)(), exit_code, "UsageError")
        return exit_code
    return result if isinstance(result, int) else 0  # typer.Exit(n) comes back as n


def main() -> None:
    try:
        sys.exit(_run_app())
    except GovnetError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
        _json_error(str(exc), exc.exit_code, type(exc).__name__)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug: say so briefly; the traceback only when asked for
        if os.environ.get("GOVNET_DEBUG"):
            raise
        message = f"{type(exc).__name__}: {exc}"
        err_console.print(
            f"[bold red]internal error:[/] {escape(message)} (set GOVNET_DEBUG=1 for a traceback)",
            highlight=False,
        )
        _json_error(f"internal error: {message}", 1, "InternalError")
        sys.exit(1)


if __name__ == "__main__":
    main()
