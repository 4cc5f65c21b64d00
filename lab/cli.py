"""`govnet lab ...` commands: thin wrappers over ``govnet.lab.service``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from govnet.errors import InputError
from govnet.output import JsonOption, console, emit
from govnet.settings import load_settings

app = typer.Typer(
    help="The device lab: simulated Huawei VRP, H3C Comware and Cisco IOS devices over SSH and SNMP.",
    no_args_is_help=True,
)

InventoryOption = Annotated[
    Path | None,
    typer.Option(
        "--inventory", "-i", help="Inventory folder or file (default: the built-in sample extranet)."
    ),
]


@app.command()
def up(
    inventory: InventoryOption = None,
    only: Annotated[
        str | None, typer.Option(help="Only devices whose hostname matches this pattern.")
    ] = None,
    background: Annotated[
        bool, typer.Option("--background", "-b", help="Run detached; pid and log in $GOVNET_HOME/lab/.")
    ] = False,
    ipv6: Annotated[bool, typer.Option("--ipv6/--no-ipv6", help="Also listen on [::1].")] = True,
    load: Annotated[
        float,
        typer.Option(help="Mean traffic on each link, in percent of its line rate (counters, utilisation)."),
    ] = 20.0,
    as_json: JsonOption = False,
) -> None:
    """Start one simulated device per inventory device; write $GOVNET_HOME/lab/overlay.yaml."""
    from govnet.lab import service

    settings = load_settings()
    paths = service.LabPaths.of(settings)
    if background:
        status = service.start_background(settings, inventory, only, ipv6=ipv6, load_percent=load)
        emit(
            status,
            as_json=as_json,
            render=lambda c: _render_status(
                c, status, f"lab running in the background (pid {status['pid']})"
            ),
        )
        if not as_json:
            console.print(
                f"overlay: {paths.overlay}   log: {paths.log}   stop: govnet lab down",
                highlight=False,
                markup=False,
            )
        return
    specs = service.load_specs(inventory, only, load)

    def ready(endpoints: dict[str, Any]) -> None:
        rows = [e.as_dict() for e in endpoints.values()]
        emit(rows, as_json=as_json, render=lambda c: _render_endpoints(c, rows))
        if not as_json:
            console.print(
                f"overlay: {paths.overlay} — Ctrl+C (or `govnet lab down`) stops the lab",
                highlight=False,
                markup=False,
            )

    service.run_foreground(settings, specs, ipv6=ipv6, on_ready=ready)


@app.command()
def status(as_json: JsonOption = False) -> None:
    """Show the running lab's devices, endpoints, faults and whether their ports answer."""
    from govnet.lab import service

    result = service.lab_status(load_settings())
    if result is None:
        emit({"running": False}, as_json=as_json, render=lambda c: c.print("no lab is running"))
        raise typer.Exit(1)
    emit(
        result,
        as_json=as_json,
        render=lambda c: _render_status(c, result, f"lab running (pid {result['pid']})"),
    )
    if not all(d["ssh_answers"] for d in result["devices"]):
        raise typer.Exit(1)


@app.command()
def down() -> None:
    """Stop the running lab (unsaved device changes are lost, as on a power cut)."""
    from govnet.lab import service

    pid = service.stop_lab(load_settings())
    console.print("no lab is running" if pid is None else f"lab stopped (pid {pid})")


@app.command()
def reset(
    device: Annotated[str | None, typer.Argument(help="One device (default: every device).")] = None,
) -> None:
    """Put devices back to factory defaults plus day 0 (their saved configuration is replaced)."""
    from govnet.lab import service

    names = service.reset(load_settings(), device)
    console.print(
        f"reset {len(names)} device(s): {', '.join(names) if names else '-'}", highlight=False, markup=False
    )


@app.command()
def fault(
    device: Annotated[str, typer.Argument(help="Hostname of a running lab device.")],
    kind: Annotated[
        str,
        typer.Argument(
            help="link-down, unreachable, slow, auth-failure, counter-wrap, reboot or surge.",
        ),
    ],
    interface: Annotated[
        str | None, typer.Option("--interface", help="The interface (link-down, surge, counter-wrap).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Clear the fault instead of injecting it.")] = False,
    seconds: Annotated[
        float, typer.Option(help="Delay for slow; how soon counters wrap for counter-wrap.")
    ] = 2.0,
) -> None:
    """Inject (or clear) a fault on a running lab device."""
    from govnet.lab import service

    if seconds < 0:
        raise InputError("--seconds must not be negative")
    console.print(
        service.inject_fault(load_settings(), device, kind, interface or "", clear=clear, seconds=seconds),
        highlight=False,
        markup=False,
    )


def _render_endpoints(c: Console, rows: list[dict[str, Any]]) -> None:
    if len(rows) > 50:  # ten thousand rows help nobody: counts here, every endpoint in the overlay
        vendors: dict[str, int] = {}
        for row in rows:
            vendors[row["vendor"]] = vendors.get(row["vendor"], 0) + 1
        counts = ", ".join(f"{n} {v}" for v, n in sorted(vendors.items()))
        c.print(f"{len(rows)} lab devices up ({counts}); `govnet lab status --json` lists every endpoint")
        return
    table = Table("device", "vendor", "ssh", "snmp", title=f"{len(rows)} lab device(s) on 127.0.0.1")
    for row in rows:
        table.add_row(row["hostname"], row["vendor"], _ports(row["ssh"]), _ports(row["snmp"]) or "-")
    c.print(table)


def _render_status(c: Console, status: dict[str, Any], title: str) -> None:
    table = Table("device", "vendor", "ssh", "snmp", "answers", "faults", "uptime", "unsaved", title=title)
    for d in status["devices"]:
        answers = d.get("ssh_answers")
        table.add_row(
            d["hostname"],
            d["vendor"],
            _ports(d["ssh"]),
            _ports(d["snmp"]) or "-",
            "-" if answers is None else ("yes" if answers else "[red]NO[/]"),
            ", ".join(d["faults"]) or "-",
            f"{d['uptime_s']} s",
            "yes" if d["unsaved_changes"] else "no",
        )
    c.print(table)


def _ports(ends: dict[str, int]) -> str:
    """The IPv4 port, and "+v6" when the device also answers on [::1] (the JSON has every address)."""
    v4 = [str(p) for h, p in ends.items() if ":" not in h]
    return (v4[0] if v4 else "") + (" +v6" if any(":" in h for h in ends) else "")
