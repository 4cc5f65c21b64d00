"""Monitoring's test kit: the collectors' small lab extranet, polled into a store, with the exporter
serving it on an ephemeral loopback port. (A module of its own name, not conftest: two test folders'
`from conftest import ...` would collide in one pytest run.)"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "collectors"))  # one lab topology for both areas

from collect_topology import Net, resolve, running_lab

import govnet.collectors.schema  # noqa: F401  (registers the collectors' tables)
from govnet.collectors.snmp.poller import PollOptions
from govnet.collectors.snmp.service import run_once
from govnet.devices import snmp_target
from govnet.monitor.server import Exporter
from govnet.monitor.service import ExporterOptions, running_exporter
from govnet.store import Store

POLL = PollOptions(timeout=1.0, retries=1)
build = partial(snmp_target, resolve=resolve)


@dataclass
class Monitored:
    net: Net
    store: Store
    exporter: Exporter

    def poll(self) -> None:
        run_once(self.net.inventory, self.store, self.net.targets(), POLL)


def monitoring(tmp: Path, *, poll_interval_s: float | None = None) -> Iterator[Monitored]:
    with running_lab(tmp / "lab") as net, Store.open(f"sqlite:///{tmp / 'store.db'}") as store:
        options = ExporterOptions(port=0, poll_interval_s=poll_interval_s, poll=POLL)
        with running_exporter(net.inventory, store, options, build=build) as exporter:
            yield Monitored(net, store, exporter)
