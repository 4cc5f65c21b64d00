"""The custom collectors behind ``/metrics``: each reads the store at scrape time (a scrape never
polls a device) and yields metric families; the registry holding them is explicit, never global."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from govnet.collectors.snmp import store as snmp
from govnet.monitor import compliance, pki
from govnet.monitor.catalogue import metric
from govnet.monitor.network import (
    device_families,
    device_from_store,
    interface_families,
    interface_from_store,
    lldp_mismatch_counts,
)
from govnet.monitor.topology import Topology
from govnet.store import Store

DEFAULT_EXPIRY_WINDOW_S = 60 * 86400


class NetworkCollector(Collector):
    """Interfaces, links and devices from the collector's latest stored poll of each device."""

    def __init__(self, store: Store, topology: Topology) -> None:
        self.store, self.topology = store, topology

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import GaugeMetricFamily

        devices = snmp.latest_devices(self.store)
        mismatches = lldp_mismatch_counts(snmp.current_findings(self.store))
        interfaces = snmp.latest_interfaces(self.store)
        yield from interface_families((interface_from_store(r) for r in interfaces), self.topology)
        yield from device_families(
            (device_from_store(r, mismatches.get(r["device"], 0)) for r in devices), self.topology
        )
        m = metric("govnet_collector_devices_failing")
        failing = GaugeMetricFamily(m.name, m.help, labels=list(m.labels))
        for kind, n in sorted(Counter(r["error_kind"] for r in devices if not r["ok"]).items()):
            failing.add_metric([kind or "unknown"], n)
        yield failing


class ComplianceCollector(Collector):
    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        yield from compliance.families(self.store)


class PkiCollector(Collector):
    def __init__(self, store: Store, expiry_window_s: float = DEFAULT_EXPIRY_WINDOW_S) -> None:
        self.store, self.window = store, expiry_window_s

    def collect(self) -> Iterator[Metric]:
        yield from pki.families(self.store, self.window)


def store_registry(
    store: Store, topology: Topology, *, expiry_window_s: float = DEFAULT_EXPIRY_WINDOW_S
) -> CollectorRegistry:
    """A registry exposing everything the store knows (what ``govnet monitor serve`` serves)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(NetworkCollector(store, topology))
    registry.register(ComplianceCollector(store))
    registry.register(PkiCollector(store, expiry_window_s))
    return registry
