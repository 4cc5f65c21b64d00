"""Scans kept in the store: save one, read the latest (or one by id) back for reports and diffs."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import desc, select

from govnet.compliance import schema
from govnet.compliance.report.formats import scan_from_dict, to_dict
from govnet.compliance.scan import Scan
from govnet.compliance.scores import score
from govnet.errors import NotFoundError
from govnet.store import Store


def save_scan(store: Store, scan: Scan) -> int:
    """Store a scan; return its id."""
    totals = score(scan.findings)
    with store.begin() as conn:
        result = conn.execute(
            schema.compliance_scans.insert().values(
                started=datetime.fromisoformat(scan.started),
                level=scan.level,
                standard=scan.standard,
                score=totals.score,
                passed=totals.counts.get("pass", 0),
                failed=totals.counts.get("fail", 0),
                errors=totals.counts.get("error", 0),
                report=json.dumps(to_dict(scan), ensure_ascii=False),
            )
        )
        scan_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        rows = [
            {
                "scan_id": scan_id,
                "seq": i,
                "asset": f.asset[:255],
                "item": f.item,
                "clause": f.clause,
                "check_id": f.check,
                "outcome": f.outcome.value,
                "severity": f.severity,
            }
            for i, f in enumerate(scan.findings)
        ]
        if rows:
            conn.execute(schema.compliance_findings.insert(), rows)
    return int(scan_id)


def load_scan(store: Store, scan_id: int | None = None, *, before: int | None = None) -> tuple[int, Scan]:
    """The scan ``scan_id``, else the latest one (older than ``before`` when given)."""
    table = schema.compliance_scans
    query = select(table.c.id, table.c.report)
    if scan_id is not None:
        query = query.where(table.c.id == scan_id)
    elif before is not None:
        query = query.where(table.c.id < before)
    with store.connect() as conn:
        row = conn.execute(query.order_by(desc(table.c.id)).limit(1)).first()
    if row is None:
        what = f"scan {scan_id}" if scan_id is not None else "an earlier scan"
        raise NotFoundError(f"{what} is not in the store {store.url_masked}")
    return int(row.id), scan_from_dict(json.loads(row.report), f"stored scan {row.id}")
