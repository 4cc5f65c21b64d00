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
        "--inventory",
        "-i",
        help="Inventory folder or file (default: the `inventory` setting, $GOVNET_INVENTORY, "
        "else the built-in sample extranet).",
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
                f"overlay: {_overlays(paths)}   log: {paths.log}   stop: govnet lab down",
                highlight=False,
                markup=False,
            )
        return
    plan = service.load_plan(service.inventory_path_for(settings, inventory), only, load)

    def ready(endpoints: dict[str, Any]) -> None:
        rows = [e.as_dict() for e in endpoints.values()]
        emit(rows, as_json=as_json, render=lambda c: _render_endpoints(c, rows))
        if not as_json:
            console.print(
                f"overlay: {_overlays(paths)} — Ctrl+C (or `govnet lab down`) stops the lab",
                highlight=False,
                markup=False,
            )

    service.run_foreground(settings, plan, ipv6=ipv6, on_ready=ready)


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
    one_end: Annotated[
        bool,
        typer.Option(
            "--one-end",
            help="link-down: down this end only (a failing port); by default the cable is cut and "
            "the peer's port, from the inventory's link, goes down too.",
        ),
    ] = False,
    seconds: Annotated[
        float, typer.Option(help="Delay for slow; how soon counters wrap for counter-wrap.")
    ] = 2.0,
) -> None:
    """Inject (or clear) a fault on a running lab device.

    link-down cuts the cable: both ends go down (the peer found through the inventory's link),
    in the CLI and in SNMP. --one-end downs only the named port.
    """
    from govnet.lab import service

    if seconds < 0:
        raise InputError("--seconds must not be negative")
    console.print(
        service.inject_fault(
            load_settings(), device, kind, interface or "", clear=clear, seconds=seconds, one_end=one_end
        ),
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
    hosts = sorted({h for row in rows for h in row["ssh"]}, key=lambda h: ":" in h)
    title = f"{len(rows)} lab device(s) on {' and '.join(hosts)}"
    table = Table("device", "vendor", "ssh", "snmp", title=title)
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
    """Every endpoint, IPv4 first: ``127.0.0.1:40001 [::1]:40002`` (the two families' ports differ)."""
    ordered = sorted(ends.items(), key=lambda item: ":" in item[0])
    return " ".join(f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in ordered)


def _overlays(paths: Any) -> str:
    return f"{paths.overlay}" + (f" (IPv6: {paths.overlay6})" if paths.overlay6.exists() else "")
