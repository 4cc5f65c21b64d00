"""Put the exporter together from settings and an inventory: what the CLI, the demo and tests call."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from govnet.collectors.snmp.poller import PollOptions
from govnet.collectors.snmp.service import TargetBuilder, select_targets
from govnet.monitor.exporter import DEFAULT_EXPIRY_WINDOW_S, store_registry
from govnet.monitor.loop import PollLoop
from govnet.monitor.probe import probe
from govnet.monitor.server import App, Exporter
from govnet.monitor.topology import Topology

if TYPE_CHECKING:
    from collections.abc import Iterator

    from govnet.inventory.models import Inventory
    from govnet.settings import Settings
    from govnet.store import Store


@dataclass
class ExporterOptions:
    host: str = "127.0.0.1"
    port: int = 9810
    poll_interval_s: float | None = None  # run the collector in-process every S seconds
    shard: tuple[int, int] | None = None  # the in-process collector's shard
    poll: PollOptions | None = None
    expiry_window_s: float = DEFAULT_EXPIRY_WINDOW_S


def load_inventory_for(settings: Settings, inventory: Path | None, overlay: Path | None) -> Inventory:
    """The inventory as ``govnet collect`` loads it: the sample by default, the running lab's overlay."""
    from govnet.devices.sources import default_inventory, default_overlay
    from govnet.inventory.loader import load_inventory

    return load_inventory(default_inventory(settings, inventory), overlay=default_overlay(settings, overlay))


def _default_builder() -> TargetBuilder:
    from govnet.devices import snmp_target

    return snmp_target


@contextmanager
def running_exporter(
    inventory: Inventory, store: Store, options: ExporterOptions, build: TargetBuilder | None = None
) -> Iterator[Exporter]:
    """The exporter (and its poll loop, if asked) on a thread until the block ends."""
    build = build or _default_builder()
    topology = Topology.of(inventory)
    registry = store_registry(store, topology, expiry_window_s=options.expiry_window_s)
    poll = options.poll or PollOptions(timeout=2.0, retries=1)
    loop = None
    if options.poll_interval_s is not None:
        targets, _ = select_targets(inventory, shard=options.shard, build=build)
        shard = f"{options.shard[0]}/{options.shard[1]}" if options.shard else "0/1"
        loop = PollLoop(inventory, store, targets, poll, options.poll_interval_s, registry, shard)
    app = App(registry, partial(probe, inventory, topology, options=poll, build=build))
    with Exporter(app, options.host, options.port) as exporter:
        if loop is not None:
            loop.start()
        try:
            yield exporter
        finally:
            if loop is not None:
                loop.stop()
