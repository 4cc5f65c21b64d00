"""A poll loop inside the exporter (``serve --poll-interval``): the collector's own service, run in a
thread, recording its cycle time, targets and errors. Scrapes still read the store only."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge

from govnet.collectors.snmp.models import ErrorKind
from govnet.collectors.snmp.service import run_once
from govnet.monitor.catalogue import metric

if TYPE_CHECKING:
    from govnet.collectors.snmp.models import DevicePoll, PollTarget
    from govnet.collectors.snmp.poller import PollOptions
    from govnet.inventory.models import Inventory
    from govnet.store import Store

log = logging.getLogger(__name__)


def _make(kind: type, name: str, registry: CollectorRegistry) -> Any:
    m = metric(name)
    return kind(m.family, m.help, list(m.labels), registry=registry)


class PollLoop:
    def __init__(
        self,
        inventory: Inventory,
        store: Store,
        targets: list[PollTarget],
        options: PollOptions,
        interval_s: float,
        registry: CollectorRegistry,
        shard: str = "0/1",
    ) -> None:
        self.inventory, self.store, self.targets, self.options = inventory, store, targets, options
        self.interval_s, self.shard = interval_s, shard
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.duration = _make(Gauge, "govnet_collector_cycle_duration_seconds", registry).labels(shard)
        _make(Gauge, "govnet_collector_interval_seconds", registry).labels(shard).set(interval_s)
        self.last = _make(Gauge, "govnet_collector_last_cycle_timestamp_seconds", registry).labels(shard)
        self.cycles = _make(Counter, "govnet_collector_cycles_total", registry).labels(shard)
        _make(Gauge, "govnet_collector_targets", registry).labels(shard).set(len(targets))
        errors = _make(Counter, "govnet_collector_poll_errors_total", registry)
        self.errors = {kind.value: errors.labels(shard, kind.value) for kind in ErrorKind}

    def cycle(self, previous: dict[str, DevicePoll]) -> dict[str, DevicePoll]:
        started = time.monotonic()
        result = run_once(self.inventory, self.store, self.targets, self.options, previous)
        self.duration.set(time.monotonic() - started)
        self.last.set(time.time())
        self.cycles.inc()
        for poll in result.failed:
            assert poll.error is not None
            self.errors[poll.error.kind.value].inc()
        return {p.device: p for p in result.polls if p.ok}

    def _run(self) -> None:
        previous: dict[str, DevicePoll] = {}
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                previous = self.cycle(previous)
            except Exception:  # a bad cycle is logged; the loop and the exporter keep going
                log.exception("poll cycle failed")
            self._stop.wait(max(0.0, self.interval_s - (time.monotonic() - started)))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="govnet-poll-loop", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
