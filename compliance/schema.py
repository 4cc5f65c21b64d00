"""The compliance area's tables in the shared store (registered with ``govnet.store``).

``compliance_scans``: one row per scan with its summary and the full JSON report (the schema in
docs/compliance.md), so any earlier report can be printed again or diffed against.
``compliance_findings``: one row per finding, for queries across scans (which assets failed what).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text

from govnet.store import Migration, metadata, register_migrations

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
    Column("report", Text, nullable=False),  # the JSON report
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
)
Index("ix_compliance_findings_asset", compliance_findings.c.asset)


def _create(conn: object) -> None:
    for table in (compliance_scans, compliance_findings):
        table.create(conn, checkfirst=True)  # type: ignore[arg-type]


MIGRATIONS: list[Migration] = [_create]
register_migrations("compliance", MIGRATIONS)
