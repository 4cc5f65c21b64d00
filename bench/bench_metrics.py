"""Exporter benchmark: scrape time and memory of ``/metrics`` at 10k and 100k series.

The store (SQLite, written through the collectors' own ``save_run``) holds synthetic polls of enough
devices (48 ports each, two of them inventory link ends) for about 10k and 100k series. Each size
is scraped over HTTP through the exporter (custom collectors reading the store at scrape time) and,
in the same run, through the same HTTP app serving a plain prometheus-client registry that holds
exactly the series the exporter returned (Gauges and Counters with those labels, values set once):
the reference for what exposition alone costs. It prints the best-of-N scrape time of each, their
ratio, and the tracemalloc peak of one in-process exposition of each (Python heap, not RSS).
Run: ``.venv/bin/python bench/bench_metrics.py [--quick]`` (``--quick``: 2k and 10k series).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
import urllib.request
from pathlib import Path

from benchkit import pin_to_one_cpu
from prometheus_client import CollectorRegistry, Counter, Gauge, disable_created_metrics, generate_latest
from prometheus_client.parser import text_string_to_metric_families

import govnet.collectors.schema  # noqa: F401  (registers the collectors' tables)
from govnet.collectors.snmp import store as history
from govnet.collectors.snmp.derive import InterfaceRate
from govnet.collectors.snmp.findings import LinkEnd, port_key
from govnet.collectors.snmp.models import DevicePoll, Health, InterfaceSample
from govnet.monitor.exporter import store_registry
from govnet.monitor.server import App, Exporter
from govnet.monitor.topology import DeviceFacts, Topology
from govnet.store import Store

PORTS = 48


def populate(store: Store, devices: int) -> Topology:
    now = time.time()
    facts, ends, polls, rates = {}, {}, [], []
    for d in range(devices):
        name = f"dev-{d:05d}"
        facts[name] = DeviceFacts(
            name, f"site-{d // 10}", ("city", "county", "town")[d % 3], "huawei_vrp", "access", 2
        )
        samples = []
        for p in range(1, PORTS + 1):
            port = f"GigabitEthernet0/0/{p}"
            samples.append(
                InterfaceSample(
                    p,
                    port,
                    port,
                    "",
                    6,
                    True,
                    p % 7 != 0,
                    1000,
                    10**9 + p,
                    2 * 10**9 + p,
                    64,
                    p,
                    0,
                    ipv6=("2001:db8::1",) if p == 1 else (),
                    optical_rx_dbm=-5.0,
                    optical_tx_dbm=-3.0,
                )
            )
            rates.append(InterfaceRate(name, port, p, 300.0, 1e6 * p, 2e6 * p, 1000))
            if p <= 2:
                ends[(name, port_key(port))] = LinkEnd(
                    f"L-{d}-{p}", name, port, "peer", "Gi0/0/1", 1000, "1G", "uplink"
                )
        polls.append(
            DevicePoll(
                name,
                f"10.0.{d // 250}.{d % 250}:161",
                now,
                uptime_ticks=10**7,
                interfaces=tuple(samples),
                health=Health(20.0, 40.0),
            )
        )
    history.save_run(store, polls, rates, [], now)
    return Topology(facts, ends)


def plain_registry(text: str) -> CollectorRegistry:
    """A plain prometheus-client registry holding exactly the scraped series."""
    registry = CollectorRegistry()
    for family in text_string_to_metric_families(text):
        if not family.samples:
            continue
        labels = list(family.samples[0].labels)
        kind = Counter if family.type == "counter" else Gauge
        metric = kind(family.name, family.documentation or family.name, labels, registry=registry)
        for s in family.samples:
            child = metric.labels(*(s.labels[k] for k in labels)) if labels else metric
            if kind is Counter:
                child.inc(s.value)  # type: ignore[union-attr]
            else:
                child.set(s.value)  # type: ignore[union-attr]
    return registry


def best_scrape(url: str, runs: int) -> tuple[float, int]:
    best, size = float("inf"), 0
    for _ in range(runs):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=300) as reply:
            size = len(reply.read())
        best = min(best, time.perf_counter() - started)
    return best, size


def peak_bytes(registry: CollectorRegistry) -> int:
    tracemalloc.start()
    generate_latest(registry)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def measure(devices: int, runs: int, tmp: Path) -> None:
    with Store.open(f"sqlite:///{tmp / f'store-{devices}.db'}") as store:
        topology = populate(store, devices)
        registry = store_registry(store, topology)
        with Exporter(App(registry)) as ours:
            text = urllib.request.urlopen(ours.url + "/metrics", timeout=300).read().decode()
            plain = plain_registry(text)
            series = sum(len(f.samples) for f in text_string_to_metric_families(text))
            ours_s, size = best_scrape(ours.url + "/metrics", runs)
            with Exporter(App(plain)) as ref:
                ref_s, _ = best_scrape(ref.url + "/metrics", runs)
        ours_mem, ref_mem = peak_bytes(registry), peak_bytes(plain)
    print(
        f"{series:>7} series ({devices} devices, {size / 1e6:.1f} MB): /metrics {ours_s * 1000:6.0f} ms"
        f"  plain registry {ref_s * 1000:6.0f} ms  ratio {ours_s / ref_s:4.2f}x | peak heap govnet"
        f" {ours_mem / 1e6:6.1f} MB  plain {ref_mem / 1e6:6.1f} MB  ratio {ours_mem / ref_mem:4.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2k and 10k series instead of 10k and 100k")
    args = parser.parse_args()
    cpu = pin_to_one_cpu()
    print(f"exporter scrape benchmark (pinned to CPU {cpu}); best of 5 scrapes over HTTP on loopback")
    disable_created_metrics()  # the reference's counters would add *_created series the exporter lacks
    per_device = 446  # series of one 48-port device (measured: 9 per port, 2 link ends, 10 per device)
    sizes = [max(1, n // per_device) for n in ((2_000, 10_000) if args.quick else (10_000, 100_000))]
    with tempfile.TemporaryDirectory(prefix="govnet-bench-metrics-") as tmp:
        for devices in sizes:
            measure(devices, 5, Path(tmp))


if __name__ == "__main__":
    main()
