"""The seals' table (store component ``"seal"``) and its forward migrations.

Importing this module registers the component with ``govnet.store``. A seal's status is "active"
or "revoked"; "expired" is not stored but derived from ``valid_end`` when read.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, LargeBinary, String, Table, Text

from govnet.store import create_tables, metadata, register_migrations

COMPONENT = "seal"

seal_seals = Table(
    "seal_seals",
    metadata,
    Column("es_id", String(128), primary_key=True),  # SES_SealInfo.esID
    Column("name", Text, nullable=False),
    Column("kind", Integer, nullable=False),  # 1 organisation, 2 person
    Column("vendor_id", String(64), nullable=False),
    Column("maker_serial", String(42), nullable=False),  # the seal maker's certificate (pki)
    Column("valid_start", DateTime(timezone=True), nullable=False),
    Column("valid_end", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),  # "active" | "revoked"
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("reason", Text, nullable=True),
    Column("der", LargeBinary, nullable=False),  # the SES_Seal as signed
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_seal_seals_status", seal_seals.c.status)

register_migrations(
    COMPONENT,
    [
        # 1: the first schema.
        create_tables(seal_seals),
    ],
)
