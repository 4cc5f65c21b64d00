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
from typing import Annotated, Any

import typer
from rich.markup import escape

from govnet import __version__
from govnet.errors import GovnetError
from govnet.output import err_console

# area name -> module holding that area's Typer `app`. Area modules import heavy libraries
# (netmiko, pysnmp, ansible) inside their commands so that `govnet --help` stays fast.
AREAS: dict[str, str] = {
    "comply": "govnet.compliance.cli",
    "inventory": "govnet.inventory.cli",
    "lab": "govnet.lab.cli",
    "pki": "govnet.pki.cli",
    "seal": "govnet.pki.seal.cli",
    "ofd": "govnet.pki.ofd.cli",
    "sign": "govnet.pki.cms.cli",
    "collect": "govnet.collectors.cli",
    "provision": "govnet.playbooks.cli",
    "backup": "govnet.collectors.backup.cli",
    "probe": "govnet.collectors.probe.cli",
    "monitor": "govnet.monitor.cli",
    "serve": "govnet.signing.cli",
    "audit": "govnet.signing.audit_cli",
}


def _tidy_help() -> None:
    """Help pages that read well at 80 columns: plain flags show no ``<bool>``, and option names
    are never cut (``--intermediate-crl-…``); the help text column wraps instead."""
    from rich.table import Table
    from typer import core, rich_utils

    typed = core.TyperOption.display_type_rich
    if getattr(typed, "govnet_tidy", False):
        return

    def display_type_rich(self: core.TyperOption, ctx: Any) -> str | None:
        return None if self.is_bool_flag else typed(self, ctx)

    display_type_rich.govnet_tidy = True  # type: ignore[attr-defined]
    core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]

    class HelpTable(Table):
        """typer's options table: its columns come from the first row; all but the help text
        (the last) keep their width."""

        def add_row(self, *renderables: Any, **options: Any) -> None:
            if not self.columns:
                for index in range(len(renderables)):
                    self.add_column(no_wrap=index < len(renderables) - 1)
            super().add_row(*renderables, **options)

    rich_utils.Table = HelpTable  # type: ignore[misc]


_tidy_help()

app = typer.Typer(
    name="govnet",
    help=(
        "E-government extranet operations: inventory, device lab, provisioning, collectors, monitoring, "
        "compliance, PKI and e-seals."
    ),
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


def _usage_error(exc: typer.TyperException) -> None:
    """typer's boxed rendering on a terminal; whole lines elsewhere (a box wraps the message)."""
    from typer import rich_utils

    if err_console.is_terminal:
        rich_utils.rich_format_error(exc)  # type: ignore[arg-type]
        return
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = " ".join([ctx.command_path, *ctx.command.collect_usage_pieces(ctx)])
        err_console.print(f"Usage: {usage}", markup=False, highlight=False)
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help."
            err_console.print(hint, markup=False, highlight=False)
    message = getattr(exc, "format_message", exc.__str__)()
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)


def _run_app() -> int:
    """Run the Typer app and return its exit code, rendering usage errors ourselves so that a
    script that asked for --json gets a JSON object for those too."""
    try:
        result = app(standalone_mode=False, prog_name="govnet")
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except typer.TyperException as exc:  # usage errors: bad option, missing argument, no such command
        _usage_error(exc)
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
