"""``/probe?target=DEVICE``: poll one inventory device now and return its metrics (the multi-target
pattern of snmp_exporter, so that Prometheus schedules the polling and shards it by hashmod)."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily

from govnet.collectors.snmp.models import PollTarget
from govnet.collectors.snmp.poller import PollOptions, poll_all
from govnet.collectors.snmp.service import TargetBuilder, judge
from govnet.errors import GovnetError, InputError
from govnet.monitor.catalogue import metric
from govnet.monitor.network import (
    device_families,
    device_from_poll,
    interface_families,
    interface_from_sample,
    lldp_mismatch_counts,
)
from govnet.monitor.topology import Topology

if TYPE_CHECKING:
    from collections.abc import Iterator

    from prometheus_client.core import Metric

    from govnet.inventory.models import Inventory


class ProbeError(InputError):
    """The target cannot be probed (unknown device, no SNMP access): HTTP 400 with this text."""


class _Snapshot:
    """A collector yielding families computed once (a probe's registry lives for one request)."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


def probe(
    inventory: Inventory, topology: Topology, target: str, options: PollOptions, build: TargetBuilder
) -> CollectorRegistry:
    device = next((d for d in inventory.devices if d.hostname == target), None)
    if device is None:
        raise ProbeError(f"target {target!r} is not a device of inventory {inventory.name!r}")
    try:
        poll_target = PollTarget(device.hostname, build(device))
    except GovnetError as exc:
        raise ProbeError(f"target {target!r} cannot be polled: {exc}") from None
    started = time.monotonic()
    (poll,) = asyncio.run(poll_all([poll_target], options))
    took = time.monotonic() - started
    _, _, found = judge(inventory, [poll], {})
    families: list[Metric] = []
    families += interface_families((interface_from_sample(poll.device, s) for s in poll.interfaces), topology)
    mismatches = lldp_mismatch_counts(found).get(poll.device, 0)
    families += device_families([device_from_poll(poll, mismatches, took)], topology)
    m = metric("govnet_probe_success")
    success = GaugeMetricFamily(m.name, m.help, value=1 if poll.ok else 0)
    families.append(success)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(families))
    return registry
