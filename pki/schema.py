"""The PKI's tables (store component ``"pki"``) and their forward migrations.

Version 1 is the schema govnet first shipped: keys, certificates, revocations, authorities, CRLs.
Importing this module registers the component with ``govnet.store``; every module that reads or
writes these tables imports them from here.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Table, Text

from govnet.store import create_tables, metadata, register_migrations

COMPONENT = "pki"

# Serials are hex strings (X.509 serials reach 160 bits, wider than any SQL integer type).
pki_keys = Table(
    "pki_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(512), nullable=False),  # the subject the key belongs to
    Column("blob", LargeBinary, nullable=False),  # encrypted at rest (govnet.pki.keystore)
    Column("created_at", DateTime(timezone=True), nullable=False),
)

pki_certificates = Table(
    "pki_certificates",
    metadata,
    Column("serial", String(42), primary_key=True),
    Column("subject", Text, nullable=False),
    Column("issuer", Text, nullable=False),
    Column("issuer_serial", String(42), nullable=True),  # None for an imported certificate's issuer
    Column("profile", String(32), nullable=False),
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("not_after", DateTime(timezone=True), nullable=False),
    Column("der", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False),  # "valid" | "revoked"
    Column("is_ca", Boolean, nullable=False, default=False),
    Column("key_id", String(64), ForeignKey("pki_keys.id"), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_pki_certificates_issuer_serial", pki_certificates.c.issuer_serial)

pki_revocations = Table(
    "pki_revocations",
    metadata,
    Column("serial", String(42), ForeignKey("pki_certificates.serial"), primary_key=True),
    Column("issuer_serial", String(42), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=False),
)
Index("ix_pki_revocations_issuer_serial", pki_revocations.c.issuer_serial)

# One row per certificate authority this installation operates.
pki_authorities = Table(
    "pki_authorities",
    metadata,
    Column("serial", String(42), ForeignKey("pki_certificates.serial"), primary_key=True),
    Column("role", String(16), nullable=False),  # "root" | "intermediate"
    Column("name", Text, nullable=False),
    Column("crl_url", Text, nullable=False),
    Column("issuing", Boolean, nullable=False),  # the CA that signs end-entity certificates
)

pki_crls = Table(
    "pki_crls",
    metadata,
    Column("issuer_serial", String(42), ForeignKey("pki_certificates.serial"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("this_update", DateTime(timezone=True), nullable=False),
    Column("next_update", DateTime(timezone=True), nullable=False),
    Column("der", LargeBinary, nullable=False),
)

register_migrations(
    COMPONENT,
    [
        # 1: the first schema.
        create_tables(pki_keys, pki_certificates, pki_revocations, pki_authorities, pki_crls),
    ],
)
