"""Compliance results as metrics, read from the compliance area's table when it exists.

The compliance area (issue 13) has not shipped its schema yet; the names are designed now and this
module reads a table ``compliance_results`` with columns ``asset``, ``family``, ``level`` (2 or 3),
``status`` (``pass``/``fail``/...), ``score`` (0..1) and ``scanned_at`` (Unix seconds) when present.
No table, or a table without those columns: nothing is exposed — never invented values.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import MetaData, Table, inspect, select

from govnet.monitor.catalogue import metric
from govnet.store import Store

TABLE = "compliance_results"
COLUMNS = {"asset", "family", "level", "status", "score", "scanned_at"}


def _table(store: Store) -> Table | None:
    with store.connect() as conn:
        if not inspect(conn).has_table(TABLE):
            return None
        table = Table(TABLE, MetaData(), autoload_with=conn)
    return table if set(table.c.keys()) >= COLUMNS else None


def families(store: Store) -> Iterator[Metric]:
    table = _table(store)
    if table is None:
        return
    status_m, score_m = metric("govnet_compliance_check_status"), metric("govnet_compliance_score")
    scan_m = metric("govnet_compliance_last_scan_timestamp_seconds")
    status = GaugeMetricFamily(status_m.name, status_m.help, labels=list(status_m.labels))
    score = GaugeMetricFamily(score_m.name, score_m.help, labels=list(score_m.labels))
    scanned = GaugeMetricFamily(scan_m.name, scan_m.help, labels=list(scan_m.labels))
    last: dict[str, float] = {}
    with store.connect() as conn:
        for r in conn.execute(select(table)):
            status.add_metric([r.asset, r.family, str(r.level)], 1 if str(r.status).lower() == "pass" else 0)
            if r.score is not None:
                score.add_metric([r.asset, r.family], float(r.score))
            last[r.asset] = max(last.get(r.asset, 0.0), float(r.scanned_at))
    for asset, at in sorted(last.items()):
        scanned.add_metric([asset], at)
    yield from (status, score, scanned)
