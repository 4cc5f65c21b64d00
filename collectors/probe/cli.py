"""`govnet probe`: active probes of the devices' management addresses (thin: parse, call, render).

Exit codes: 0 every check passed; 1 a finding (loss, an open telnet/HTTP port, SSH closed, a site not
reachable over IPv6 alone); 2 bad input, or no raw sockets (not root, no CAP_NET_RAW).
"""

from __future__ import annotations

import ipaddress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govnet.output import JsonOption

if TYPE_CHECKING:
    from rich.console import Console

    from govnet.collectors.probe.service import ProbeRun

app = typer.Typer(
    help="Active probes with scapy: ICMP/ICMPv6 echo, management ports, path MTU, IPv6-only per site.",
    invoke_without_command=True,
)


def render_run(c: Console, run: ProbeRun) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Probes: {len(run.reports)} address(es)")
    for col in ("device", "site", "address", "loss", "rtt avg ms", "open ports", "path MTU", "status"):
        table.add_column(col)
    for r in run.reports:
        e = r.echo.to_dict()
        opened = ",".join(str(p) for p, s in r.ports.items() if s == "open") or "-"
        status = r.verdict().status.value
        colour = {"PASSED": "green", "FAILED": "red"}.get(status, "yellow")
        row = (
            r.target.device,
            r.target.site,
            r.target.address,
            f"{e['loss_pct']}%",
            str(e["rtt_avg_ms"] or "-"),
        )
        table.add_row(*map(escape, row), opened, str(r.mtu.mtu if r.mtu else "-"), f"[{colour}]{status}[/]")
    c.print(table)
    for verdict in [r.verdict() for r in run.reports] + run.sites:
        for check in verdict.failures:
            c.print(f"[red]finding[/] {escape(f'{verdict.subject}: {check.name}: {check.reason}')}")
    for site in run.sites:
        c.print(f"{escape(site.subject)} IPv6-only: {site.status.value}")
    for device, why in run.skipped.items():
        c.print(f"[yellow]skipped[/] {escape(f'{device}: {why}')}")


@app.callback()
def probe(
    site: Annotated[str | None, typer.Option("--site", help="Only this site's devices.")] = None,
    target: Annotated[
        list[str] | None,
        typer.Option("--target", help="Probe this address instead of the inventory's (repeat)."),
    ] = None,
    inventory: Annotated[
        Path | None,
        typer.Option("--inventory", "-i", help="Inventory folder or file (default: the built-in sample)."),
    ] = None,
    count: Annotated[int, typer.Option(help="Echo requests per address.", min=1, max=100)] = 3,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for each probe's answer.", min=0.05, max=10)
    ] = 1.0,
    concurrency: Annotated[int, typer.Option(help="Addresses probed at once.", min=1, max=256)] = 16,
    no_mtu: Annotated[bool, typer.Option("--no-mtu", help="Skip path-MTU discovery.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Probe the devices' management addresses (or --target ADDR ...); findings exit 1."""
    from govnet.collectors.probe.service import ProbeOptions, Target, run_probes, targets_from_inventory
    from govnet.devices.sources import default_inventory
    from govnet.errors import InputError
    from govnet.inventory.loader import load_inventory
    from govnet.output import emit
    from govnet.settings import load_settings

    skipped: dict[str, str] = {}
    if target:
        for address in target:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise InputError(f"--target {address!r}: not an IPv4 or IPv6 address") from None
        targets = [Target(a, site or "targets", a) for a in target]
    else:
        targets, skipped = targets_from_inventory(
            load_inventory(default_inventory(load_settings(), inventory)), site
        )
    options = ProbeOptions(count=count, timeout=timeout, concurrency=concurrency, mtu=not no_mtu)
    run = run_probes(targets, options, site_checks=not target)
    run.skipped = skipped
    emit(run.to_dict(), as_json=as_json, render=partial(render_run, run=run))
    raise typer.Exit(1 if run.failed else 0)
