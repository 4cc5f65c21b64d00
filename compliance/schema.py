"""The compliance area's tables in the shared store (registered with ``govnet.store``).

``compliance_scans``: one row per scan with its summary (``report``: the JSON report without its
findings, which are rows of their own); ``finished`` is set when every finding is in, so a scan
that died half-way is never read back; ``level`` and ``kinds`` (the asset kinds it judged) say
which earlier scan a diff compares with (like with like).
``compliance_findings``: one row per finding with its evidence (JSON) and remedy, written in
batches as the scan streams; queries across scans read it (which assets failed what).
``compliance_results``: the current state per asset and control family (the latest scan that
judged the asset replaces its rows). It is the one source the exporter reads
(``govnet.monitor.compliance``): ``status`` is ``pass`` when every judged check of the family
passed, ``fail`` when one failed or could not run, ``score`` pass / (pass + fail).
"""

from __future__ import annotations

import json

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
)

from govnet.store import Migration, add_columns, create_tables, metadata, register_migrations

compliance_scans = Table(
    "compliance_scans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("level", Integer, nullable=False),
    Column("standard", String(64), nullable=False),
    Column("score", Float, nullable=True),  # pass / (pass + fail); NULL when nothing was judged
    Column("passed", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("report", Text, nullable=False),  # the JSON report (v1 rows: with findings; now: without)
    Column("finished", DateTime(timezone=True), nullable=True),  # NULL: still running, or died
    Column("kinds", String(64), nullable=True),  # the asset kinds judged, sorted: "device,host"
)

compliance_findings = Table(
    "compliance_findings",
    metadata,
    Column("scan_id", Integer, ForeignKey("compliance_scans.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("asset", String(255), nullable=False),
    Column("item", String(64), nullable=False),
    Column("clause", String(32), nullable=False),
    Column("check_id", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("family", String(64), nullable=True),
    Column("asset_type", String(16), nullable=True),
    Column("reason", Text, nullable=True),
    Column("evidence", Text, nullable=True),  # JSON: Evidence.to_dict()
    Column("remedy", Text, nullable=True),
)
Index("ix_compliance_findings_asset", compliance_findings.c.asset)

compliance_results = Table(
    "compliance_results",
    metadata,
    Column("asset", String(255), primary_key=True),
    Column("family", String(64), primary_key=True),
    Column("level", Integer, nullable=False),
    Column("status", String(8), nullable=False),  # pass | fail
    Column("score", Float, nullable=True),
    Column("passed", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("scanned_at", Float, nullable=False),  # Unix seconds: the scan's start
    Column("scan_id", Integer, nullable=False),
)


def _finished_backfill(conn: Connection) -> None:
    """Scans stored before ``finished`` existed were written in one transaction: complete."""
    conn.execute(
        compliance_scans.update()
        .where(compliance_scans.c.finished.is_(None))
        .values(finished=compliance_scans.c.started)
    )


def _kinds_backfill(conn: Connection) -> None:
    """A scan's asset kinds, from the assets its summary lists."""
    t = compliance_scans
    for row in conn.execute(select(t.c.id, t.c.report).where(t.c.kinds.is_(None))).all():
        try:
            assets = json.loads(row.report).get("assets", [])
            kinds = ",".join(sorted({str(a["type"]) for a in assets}))
        except (ValueError, TypeError, KeyError, AttributeError):
            kinds = ""  # an unreadable summary: compared with nothing
        conn.execute(t.update().where(t.c.id == row.id).values(kinds=kinds))


MIGRATIONS: list[Migration] = [
    # 1: the first schema (a new database gets later columns here too; their steps skip them).
    create_tables(compliance_scans, compliance_findings),
    # 2: findings with their evidence (scans stream: the report no longer holds them), the
    #    finished mark, and the per-asset rollup the exporter reads.
    add_columns(compliance_findings, "family", "asset_type", "reason", "evidence", "remedy"),
    add_columns(compliance_scans, "finished"),
    _finished_backfill,
    create_tables(compliance_results),
    # 3: the asset kinds a scan judged (a diff compares scans of the same kinds and level).
    add_columns(compliance_scans, "kinds"),
    _kinds_backfill,
]
register_migrations("compliance", MIGRATIONS)
