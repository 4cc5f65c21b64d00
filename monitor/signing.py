"""The signing service's metrics, defined here so that the service (issue: signing service) imports
them rather than inventing its own names: requests by operation and result, latency histograms.

    metrics = SigningMetrics(registry)          # the service's own explicit registry
    with metrics.time("sign") as outcome:
        ...; outcome.result = "ok"              # or "refused", "error", ... (a small fixed set)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

from govnet.monitor.catalogue import metric

OPERATIONS = ("sign", "verify")
RESULTS = ("ok", "invalid", "refused", "error")  # bounded: never put a client or document in a label
# SM2 signs in about a millisecond; a remote HSM or a queue adds tens to hundreds
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class Outcome:
    result: str = "error"  # what a request that raised counts as


class SigningMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        req, lat = metric("govnet_signing_requests_total"), metric("govnet_signing_request_duration_seconds")
        self.requests = Counter(req.family, req.help, list(req.labels), registry=registry)
        self.latency = Histogram(lat.name, lat.help, list(lat.labels), registry=registry, buckets=BUCKETS)
        for op in OPERATIONS:  # series exist from the start: rates are 0, not absent
            self.latency.labels(op)
            for result in RESULTS:
                self.requests.labels(op, result)

    def observe(self, operation: str, result: str, seconds: float) -> None:
        if operation not in OPERATIONS or result not in RESULTS:
            raise ValueError(
                f"signing metrics: operation {operation!r} / result {result!r}"
                f" not in {OPERATIONS} / {RESULTS}"
            )
        self.requests.labels(operation, result).inc()
        self.latency.labels(operation).observe(seconds)

    @contextmanager
    def time(self, operation: str) -> Iterator[Outcome]:
        outcome = Outcome()
        started = time.perf_counter()
        try:
            yield outcome
        finally:
            self.observe(operation, outcome.result, time.perf_counter() - started)
