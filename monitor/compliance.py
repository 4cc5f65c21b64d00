"""Compliance results as metrics, read from the compliance area's rollup table.

``compliance_results`` (``govnet.compliance.schema``; written by every stored scan) holds the
current state per asset and control family: the latest scan that judged the asset. One source of
truth: the exporter reads exactly what compliance writes. An empty table exposes nothing — never
invented values; families with nothing judged on an asset (manual or not applicable only) have no
row, so no series.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import select

from govnet.compliance.schema import compliance_results
from govnet.monitor.catalogue import metric
from govnet.store import Store


def families(store: Store) -> Iterator[Metric]:
    found = [
        metric(name)
        for name in (
            "govnet_compliance_check_status",
            "govnet_compliance_score",
            "govnet_compliance_failed_checks",
            "govnet_compliance_last_scan_timestamp_seconds",
        )
    ]
    status, score, failed, scanned = (GaugeMetricFamily(m.name, m.help, labels=list(m.labels)) for m in found)
    last: dict[str, float] = {}
    t = compliance_results
    with store.connect() as conn:
        for r in conn.execute(select(t).order_by(t.c.asset, t.c.family)):
            status.add_metric([r.asset, r.family, str(r.level)], 1 if r.status == "pass" else 0)
            if r.score is not None:
                score.add_metric([r.asset, r.family], float(r.score))
            failed.add_metric([r.asset, r.family, "fail"], r.failed)
            failed.add_metric([r.asset, r.family, "error"], r.errors)
            last[r.asset] = max(last.get(r.asset, 0.0), float(r.scanned_at))
    if not last:
        return
    for asset, at in last.items():
        scanned.add_metric([asset], at)
    yield from (status, score, failed, scanned)
