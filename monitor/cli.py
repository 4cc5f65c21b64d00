"""`govnet monitor`: the exporter and the Prometheus configuration (thin: parse, call, render).

Exit codes: 0 ok; 2 bad arguments or input (an inventory that does not load, a bad --listen).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govnet.output import InventoryOption, OverlayOption

app = typer.Typer(
    help="Monitoring: Prometheus exporter, alert rules, sharded scrape configs.", no_args_is_help=True
)


@app.command("serve")
def serve(
    listen: Annotated[
        str, typer.Option(help="HOST:PORT to serve /metrics and /probe on.")
    ] = "127.0.0.1:9810",
    inventory: InventoryOption = None,
    overlay: OverlayOption = None,
    poll_interval: Annotated[
        float | None,
        typer.Option(
            "--poll-interval", help="Also run the SNMP collector in-process every S seconds.", min=1
        ),
    ] = None,
    shard: Annotated[
        str | None, typer.Option("--shard", help="The in-process collector's shard K/N (hashmod).")
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="SNMP timeout per request (polls and /probe).", min=0.05)
    ] = 2.0,
    retries: Annotated[int, typer.Option(help="SNMP retries after a timeout.", min=0)] = 1,
    expiry_window: Annotated[
        float, typer.Option(help="Days ahead a non-CA certificate gets an expiry series.", min=1)
    ] = 60,
) -> None:
    """Serve the exporter: /metrics reads the store at scrape time; /probe?target=DEVICE polls now."""
    import time

    from govnet.collectors.snmp.poller import PollOptions
    from govnet.collectors.snmp.shard import parse_shard
    from govnet.monitor.server import parse_listen
    from govnet.monitor.service import ExporterOptions, load_inventory_for, running_exporter
    from govnet.output import err_console
    from govnet.settings import load_settings
    from govnet.store import Store

    host, port = parse_listen(listen)
    settings = load_settings()
    inv = load_inventory_for(settings, inventory, overlay)
    options = ExporterOptions(
        host,
        port,
        poll_interval,
        parse_shard(shard) if shard else None,
        PollOptions(timeout=timeout, retries=retries),
        expiry_window * 86400,
    )
    with Store.open(settings.effective_store_url) as store, running_exporter(inv, store, options) as exporter:
        err_console.print(f"govnet exporter on {exporter.url}/metrics and {exporter.url}/probe?target=DEVICE")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@app.command("prometheus-config")
def prometheus_config(
    shards: Annotated[int, typer.Option("--shards", help="Number of Prometheus shards.", min=1)] = 2,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the configs to.")] = Path("prometheus"),
    exporter: Annotated[str, typer.Option(help="HOST:PORT of govnet monitor serve.")] = "127.0.0.1:9810",
    shard_host: Annotated[
        str, typer.Option(help="Host the shards' Prometheus servers listen on.")
    ] = "127.0.0.1",
    shard_base_port: Annotated[int, typer.Option(help="Shard K listens on this port + K.", min=1)] = 9091,
    scrape_interval: Annotated[str, typer.Option(help="Scrape and evaluation interval.")] = "60s",
    alertmanager: Annotated[str | None, typer.Option(help="HOST:PORT of Alertmanager.")] = None,
    inventory: Annotated[
        Path | None,
        typer.Option("--inventory", "-i", help="Inventory folder or file (default: the built-in sample)."),
    ] = None,
    overlay: Annotated[Path | None, typer.Option(help="Lab overlay (default: the running lab's).")] = None,
) -> None:
    """Write scrape configs for N Prometheus shards (hashmod over /probe) and a global federating one."""
    from govnet.monitor.promconfig import ShardPlan, render, write
    from govnet.monitor.server import parse_listen
    from govnet.monitor.service import load_inventory_for
    from govnet.output import console
    from govnet.settings import load_settings

    parse_listen(exporter, "--exporter")  # a clear error now rather than a config Prometheus rejects later
    if shard_base_port + shards - 1 > 65535:
        from govnet.errors import InputError

        raise InputError(f"--shard-base-port {shard_base_port} + {shards} shards passes port 65535")
    inv = load_inventory_for(load_settings(), inventory, overlay)
    addresses = tuple(f"{shard_host}:{shard_base_port + k}" for k in range(shards))
    plan = ShardPlan(shards, exporter, addresses, scrape_interval, alertmanager)
    for path in write(render(inv, plan), out):
        console.print(str(path), highlight=False)
