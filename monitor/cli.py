"""`govnet monitor`: the exporter and the Prometheus configuration (thin: parse, call, render).

Exit codes: 0 ok; 2 bad arguments or input (an inventory that does not load, a bad --listen).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Monitoring: Prometheus exporter, alert rules, sharded scrape configs.", no_args_is_help=True
)


@app.command("serve")
def serve(
    listen: Annotated[
        str, typer.Option(help="HOST:PORT to serve /metrics and /probe on.")
    ] = "127.0.0.1:9810",
    inventory: Annotated[
        Path | None,
        typer.Option("--inventory", "-i", help="Inventory folder or file (default: the built-in sample)."),
    ] = None,
    overlay: Annotated[
        Path | None,
        typer.Option(help="Lab overlay (default: the running lab's, $GOVNET_HOME/lab/overlay.yaml)."),
    ] = None,
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
