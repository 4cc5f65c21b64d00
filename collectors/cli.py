"""`govnet collect`: the collectors' commands (thin: parse, call the service, render).

Exit codes: 0 every device polled and no finding; 1 a device failed or a finding was made;
2 bad arguments or input (an inventory that does not load, a malformed --shard).
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govnet.output import InventoryOption, JsonOption, OverlayOption

if TYPE_CHECKING:
    from rich.console import Console

    from govnet.collectors.snmp.findings import LinkStatus
    from govnet.collectors.snmp.service import RunResult

app = typer.Typer(help="Collectors: poll the extranet's devices over SNMP.", no_args_is_help=True)


def _state(s: LinkStatus) -> str:
    """The speed column: speed when up, else why not; "?" where the agent did not say."""
    if not s.found:
        return "[red]missing[/]"
    if s.oper_up is None:
        return "[yellow]state ?[/]"
    if not s.oper_up:
        return "[red]down[/]"
    return f"{s.speed_mbps}M" if s.speed_mbps is not None else "[yellow]up, speed ?[/]"


def _mbps(bps: float | None) -> str:
    return "-" if bps is None else f"{bps / 1e6:.1f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def render_result(c: Console, result: RunResult, *, title: str = "SNMP poll", one_end: bool = False) -> None:
    """Links (tier, speed, traffic, utilisation, IPv6, LLDP), failures and findings, for people.
    ``one_end``: one row per link (the first end polled) instead of one per end."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{title}: {len(result.polls)} device(s), {result.values} values")
    for col in ("device", "interface", "link", "tier", "speed", "in Mb/s", "out Mb/s", "util/speed"):
        table.add_column(col)
    for col in ("util/tier", "IPv6", "LLDP neighbour"):
        table.add_column(col)
    shown: set[str] = set()
    for s in result.links:
        if one_end and s.end.link in shown:
            continue
        shown.add(s.end.link)
        state = _state(s)
        table.add_row(
            s.end.device,
            s.end.interface,
            s.end.link,
            s.end.tier,
            state,
            _mbps(s.in_bps),
            _mbps(s.out_bps),
            _pct(s.util_speed),
            _pct(s.util_tier),
            s.ipv6[0] if s.ipv6 else "[yellow]none[/]",
            s.lldp or "-",
        )
    c.print(table)
    for poll in result.failed:
        c.print(f"[red]not polled[/] {escape(f'{poll.device} ({poll.address}): {poll.error}')}")
    for device, why in result.skipped.items():
        c.print(f"[yellow]skipped[/] {escape(f'{device}: {why}')}")
    for f in result.findings:
        colour = "red" if f.severity.value == "error" else "yellow"
        text = escape(f"{f.device} {f.interface} {f.link}: {f.message} [{f.rule}]")
        c.print(f"[{colour}]{f.severity.value}[/] {text}")
    if not result.findings and not result.failed:
        c.print("[green]no findings[/]")


@app.command("snmp")
def snmp(
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (the default).")] = False,
    interval: Annotated[
        float | None, typer.Option("--interval", help="Poll every S seconds until interrupted.", min=1)
    ] = None,
    shard: Annotated[
        str | None, typer.Option("--shard", help="Poll shard K of N only (hashmod of host:port, K from 0).")
    ] = None,
    limit: Annotated[str | None, typer.Option("--limit", help="Only devices whose name matches.")] = None,
    inventory: InventoryOption = None,
    overlay: OverlayOption = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each answer.", min=0.05)] = 2.0,
    retries: Annotated[int, typer.Option(help="Retries after a timeout.", min=0)] = 1,
    concurrency: Annotated[int, typer.Option(help="Devices polled at once.", min=1)] = 64,
    as_json: JsonOption = False,
) -> None:
    """Poll devices over SNMP: interfaces, addresses, LLDP, health; store history; report findings."""
    from govnet.collectors.snmp.poller import PollOptions
    from govnet.collectors.snmp.service import run_once, select_targets
    from govnet.collectors.snmp.shard import parse_shard
    from govnet.devices.sources import default_inventory, default_overlay
    from govnet.errors import InputError
    from govnet.inventory.loader import load_inventory
    from govnet.output import emit, err_console
    from govnet.settings import load_settings
    from govnet.store import Store

    if once and interval is not None:
        raise InputError("--once and --interval exclude each other")
    settings = load_settings()
    chosen_shard = parse_shard(shard) if shard else None
    overlay = default_overlay(settings, overlay)
    inv = load_inventory(default_inventory(settings, inventory), overlay=overlay)
    targets, skipped = select_targets(inv, limit=limit, shard=chosen_shard)
    options = PollOptions(timeout=timeout, retries=retries, concurrency=concurrency)
    with Store.open(settings.effective_store_url) as store:
        previous: dict[str, Any] = {}
        while True:
            started = time.monotonic()
            result = run_once(inv, store, targets, options, previous)
            result.skipped = skipped
            previous = {p.device: p for p in result.polls if p.ok}
            emit(result.to_dict(), as_json=as_json, render=partial(render_result, result=result))
            if interval is None:
                break
            wait = max(0.0, interval - (time.monotonic() - started))  # polls start every S seconds
            err_console.print(f"next poll in {wait:.0f} s (Ctrl+C stops)")
            time.sleep(wait)
    raise typer.Exit(1 if result.findings or result.failed or skipped else 0)
