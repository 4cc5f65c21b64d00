"""Scans kept in the store, written as they stream: ``ScanRecorder`` inserts the scan's row first,
its findings in batches as assets are judged, then the summary, the per-asset rollup the exporter
reads (``compliance_results``) and the ``finished`` mark. ``stored_results`` streams a finished scan
back (for ``comply report``); ``previous_scan`` finds the earlier scan a scan is compared with (same
level, same asset kinds) and ``stored_diff`` compares two stored scans, streaming."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, case, cast, desc, func, literal, select

from govnet.compliance import schema
from govnet.compliance.model import Finding, Outcome
from govnet.compliance.scan import SYSTEM, AssetInfo, AssetResult, Header
from govnet.compliance.scores import Diff, DiffTracker, Tally
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
                    kinds=",".join(sorted({a.asset_type for a in self.assets})),
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


def _latest(store: Store, scan_id: int | None) -> Any:
    """The finished scan ``scan_id``, else the latest finished one (NotFoundError if none)."""
    table = schema.compliance_scans
    query = select(table.c.id, table.c.report).where(table.c.finished.is_not(None))
    if scan_id is not None:
        query = query.where(table.c.id == scan_id)
    with store.connect() as conn:
        row = conn.execute(query.order_by(desc(table.c.id)).limit(1)).first()
    if row is None:
        what = f"scan {scan_id}" if scan_id is not None else "a finished scan"
        raise NotFoundError(f"{what} is not in the store {store.url_masked}")
    return row


def stored_results(store: Store, scan_id: int | None = None) -> tuple[int, Header, Iterator[AssetResult]]:
    """A finished scan's header and its results streamed asset by asset from the store (the
    findings are read in batches, never all at once)."""
    from govnet.compliance.report.formats import scan_from_dict

    row = _latest(store, scan_id)
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


def _finding_dicts(store: Store, scan_id: int, seqs: set[int] | None = None) -> Any:
    """The scan's findings as report dicts, in order (only those numbered ``seqs`` when given,
    then as (seq, dict) pairs)."""
    t = schema.compliance_findings
    query = select(t).where(t.c.scan_id == scan_id).order_by(t.c.seq)
    if seqs is not None:
        query = query.where(t.c.seq.in_(sorted(seqs)))
    with store.connect() as conn:
        for r in conn.execute(query.execution_options(yield_per=BATCH)):
            d = {
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
            yield d if seqs is None else (r.seq, d)


def latest_scan(store: Store) -> int:
    """The latest finished scan's id (NotFoundError when there is none)."""
    return int(_latest(store, None).id)


def previous_scan(store: Store, scan_id: int) -> int | None:
    """The latest finished scan before ``scan_id`` at its level over the same asset kinds (what a
    diff compares it with: a hosts-only scan is not compared with a devices scan); None if none."""
    t = schema.compliance_scans
    mine = select(t.c.level, t.c.kinds).where(t.c.id == scan_id).subquery()
    query = (
        select(t.c.id)
        .where(t.c.id < scan_id, t.c.finished.is_not(None))
        .where(t.c.level == mine.c.level, t.c.kinds == mine.c.kinds)
        .order_by(desc(t.c.id))
        .limit(1)
    )
    with store.connect() as conn:
        found = conn.execute(query).scalar()
    return None if found is None else int(found)


@dataclass(frozen=True)
class _Row:
    """A stored finding as a diff sees it (the whole finding is read only if it is listed)."""

    seq: int
    asset: str
    item: str
    check: str
    outcome: Outcome

    @property
    def key(self) -> str:
        return f"{self.asset}|{self.item}|{self.check}"


def stored_diff(store: Store, earlier: int, later: int) -> Diff:
    """Stored scan ``later`` against ``earlier``, streamed from the store: the earlier scan's
    assets and failing keys are held, the later scan's findings pass by in batches, and only the
    listed changes are read whole."""
    t = schema.compliance_findings
    with store.connect() as conn:
        assets = conn.execute(select(t.c.asset).where(t.c.scan_id == earlier).distinct()).scalars().all()
        failed = conn.execute(
            select(t.c.asset, t.c.item, t.c.check_id).where(
                t.c.scan_id == earlier, t.c.outcome == Outcome.FAIL.value
            )
        )
        keys = {f"{r.asset}|{r.item}|{r.check_id}" for r in failed}
    tracker = DiffTracker[_Row](keys, assets)
    query = (
        select(t.c.seq, t.c.asset, t.c.item, t.c.check_id, t.c.outcome)
        .where(t.c.scan_id == later)
        .order_by(t.c.seq)
    )
    with store.connect() as conn:
        rows = conn.execute(query.execution_options(yield_per=BATCH))
        tracker.add(_Row(r.seq, r.asset, r.item, r.check_id, Outcome(r.outcome)) for r in rows)
    new, fixed = tracker.changes()
    whole = _findings_at(store, later, {r.seq for r in (*new, *fixed)})
    return tracker.result([whole[r.seq] for r in new], [whole[r.seq] for r in fixed], earlier)


def _findings_at(store: Store, scan_id: int, seqs: set[int]) -> dict[int, Finding]:
    from govnet.compliance.report.formats import finding_from_dict

    return {seq: finding_from_dict(d) for seq, d in _finding_dicts(store, scan_id, seqs)}
