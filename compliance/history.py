"""Scans kept in the store, written as they stream: ``ScanRecorder`` inserts the scan's row first,
its findings in batches as assets are judged, then the summary, the per-asset rollup the exporter
reads (``compliance_results``) and the ``finished`` mark. ``load_scan`` reads a finished scan back
(for ``comply report`` and ``diff``); ``failed_keys`` gives what an earlier scan failed, all a diff
needs to hold."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, case, cast, desc, func, literal, select

from govnet.compliance import schema
from govnet.compliance.model import Outcome
from govnet.compliance.scan import SYSTEM, AssetInfo, AssetResult, Header, Scan
from govnet.compliance.scores import Diff, Tally
from govnet.errors import NotFoundError
from govnet.store import Store

BATCH = 5_000  # findings per INSERT (executemany): ~200 devices' worth


class ScanRecorder:
    """A ``ReportWriter``-shaped sink that keeps a streamed scan in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: list[dict[str, Any]] = []
        self.seq = 0
        self.assets: list[AssetInfo] = []  # small: written with the summary
        self.scan_id: int | None = None

    def begin(self, header: Header) -> None:
        self.header = header
        with self.store.begin() as conn:
            result = conn.execute(
                schema.compliance_scans.insert().values(
                    started=datetime.fromisoformat(header.started),
                    level=header.level,
                    standard=header.standard,
                    passed=0,
                    failed=0,
                    errors=0,
                    report="{}",
                )
            )
            self.scan_id = int(result.inserted_primary_key[0])  # type: ignore[index]

    def add(self, result: AssetResult) -> None:
        if result.info is not None:
            self.assets.append(result.info)
        for f in result.findings:
            self.rows.append(
                {
                    "scan_id": self.scan_id,
                    "seq": self.seq,
                    "asset": f.asset[:255],
                    "item": f.item,
                    "clause": f.clause,
                    "check_id": f.check,
                    "outcome": f.outcome.value,
                    "severity": f.severity,
                    "family": f.family,
                    "asset_type": f.asset_type,
                    "reason": f.reason,
                    "evidence": json.dumps(f.evidence.to_dict(), ensure_ascii=False, default=str),
                    "remedy": f.remedy,
                }
            )
            self.seq += 1
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            with self.store.begin() as conn:
                conn.execute(schema.compliance_findings.insert(), self.rows)
            self.rows = []

    def finish(self, tally: Tally, diff: Diff | None) -> None:
        from govnet.compliance.report.writers import SCHEMA, summary_parts

        self._flush()
        h, total = self.header, tally.total()
        summary = {
            "schema": SCHEMA,
            "standard": h.standard,
            "level": h.level,
            "started": h.started,
            **summary_parts(h, tally),
            "assets": [a.to_dict() for a in self.assets],
        }
        with self.store.begin() as conn:
            self._rollup(conn)
            conn.execute(
                schema.compliance_scans.update()
                .where(schema.compliance_scans.c.id == self.scan_id)
                .values(
                    score=total.score,
                    passed=total.counts.get("pass", 0),
                    failed=total.counts.get("fail", 0),
                    errors=total.counts.get("error", 0),
                    report=json.dumps(summary, ensure_ascii=False),
                    finished=datetime.now(UTC),
                )
            )

    def _rollup(self, conn: Any) -> None:
        """Replace the rollup rows of the assets this scan judged (others keep their last state),
        aggregated by the database from the findings just stored: no per-asset state in memory.
        Families with nothing judged on an asset (manual or not applicable only) get no row."""
        t, f = schema.compliance_results, schema.compliance_findings
        mine = (f.c.scan_id == self.scan_id) & (f.c.asset != SYSTEM)

        def count(outcome: str) -> Any:
            return func.sum(case((f.c.outcome == outcome, 1), else_=0))

        passed, failed, errors = count("pass"), count("fail"), count("error")
        judged = select(
            f.c.asset,
            f.c.family,
            literal(self.header.level).label("level"),
            case((failed + errors > 0, "fail"), else_="pass").label("status"),
            (cast(passed, Float) / func.nullif(passed + failed, 0)).label("score"),
            passed.label("passed"),
            failed.label("failed"),
            errors.label("errors"),
            literal(datetime.fromisoformat(self.header.started).timestamp()).label("scanned_at"),
            literal(self.scan_id).label("scan_id"),
        )
        judged = judged.where(mine).group_by(f.c.asset, f.c.family).having(passed + failed + errors > 0)
        conn.execute(t.delete().where(t.c.asset.in_(select(f.c.asset).where(mine).distinct())))
        conn.execute(t.insert().from_select([c.name for c in t.columns], judged))


def _latest(store: Store, scan_id: int | None, before: int | None) -> Any:
    table = schema.compliance_scans
    query = select(table.c.id, table.c.report).where(table.c.finished.is_not(None))
    if scan_id is not None:
        query = query.where(table.c.id == scan_id)
    elif before is not None:
        query = query.where(table.c.id < before)
    with store.connect() as conn:
        row = conn.execute(query.order_by(desc(table.c.id)).limit(1)).first()
    if row is None:
        what = f"scan {scan_id}" if scan_id is not None else "an earlier scan"
        raise NotFoundError(f"{what} is not in the store {store.url_masked}")
    return row


def load_scan(store: Store, scan_id: int | None = None, *, before: int | None = None) -> tuple[int, Scan]:
    """The finished scan ``scan_id``, else the latest one (older than ``before`` when given), in
    memory (``comply diff``); ``stored_results`` streams it instead."""
    from govnet.compliance.report.formats import scan_from_dict

    row = _latest(store, scan_id, before)
    doc = json.loads(row.report)
    where = f"stored scan {row.id}"
    if "findings" not in doc:  # findings are rows of their own since schema step 2
        doc["findings"] = list(_finding_dicts(store, int(row.id)))
    return int(row.id), scan_from_dict(doc, where)


def stored_results(store: Store, scan_id: int | None = None) -> tuple[int, Header, Iterator[AssetResult]]:
    """A finished scan's header and its results streamed asset by asset from the store (the
    findings are read in batches, never all at once)."""
    from govnet.compliance.report.formats import scan_from_dict

    row = _latest(store, scan_id, None)
    doc = json.loads(row.report)
    where = f"stored scan {row.id}"
    if "findings" in doc:  # a scan stored before findings had rows of their own
        old = scan_from_dict(doc, where)
        return int(row.id), old.header, old.results()
    shell = scan_from_dict({**doc, "findings": []}, where)  # validates and parses the summary

    def results() -> Iterator[AssetResult]:
        infos = {a.name: a for a in shell.assets}
        rows = _finding_dicts(store, int(row.id))
        for asset, group in itertools.groupby(rows, key=lambda d: d["asset"]):
            findings = scan_from_dict({**doc, "assets": [], "findings": list(group)}, where).findings
            yield AssetResult(infos.pop(asset, None), findings)
        for info in infos.values():  # assets without findings (none at this level)
            yield AssetResult(info, ())

    return int(row.id), shell.header, results()


def _finding_dicts(store: Store, scan_id: int) -> Any:
    t = schema.compliance_findings
    query = select(t).where(t.c.scan_id == scan_id).order_by(t.c.seq)
    with store.connect() as conn:
        for r in conn.execute(query.execution_options(yield_per=BATCH)):
            yield {
                "item": r.item,
                "clause": r.clause,
                "family": r.family,
                "check": r.check_id,
                "asset": r.asset,
                "asset_type": r.asset_type,
                "outcome": r.outcome,
                "reason": r.reason,
                "severity": r.severity,
                "evidence": json.loads(r.evidence or "{}"),
                "remedy": r.remedy or "",
            }


def failed_keys(store: Store, *, before: int | None = None) -> tuple[int, set[str]] | None:
    """The latest finished scan's id (older than ``before``) and the keys of its failures; None
    when there is none."""
    try:
        row = _latest(store, None, before)
    except NotFoundError:
        return None
    t = schema.compliance_findings
    query = select(t.c.asset, t.c.item, t.c.check_id).where(
        t.c.scan_id == row.id, t.c.outcome == Outcome.FAIL.value
    )
    with store.connect() as conn:
        keys = {f"{r.asset}|{r.item}|{r.check_id}" for r in conn.execute(query)}
    return int(row.id), keys
