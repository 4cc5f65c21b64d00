"""The signing service's tables (store component ``"signing"``) and their forward migrations.

Importing this module registers the component with ``govnet.store``. Secrets are never stored:
tokens as SHA-256 of the token (looked up by their public id), PINs as Argon2id hashes.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from govnet.store import create_tables, metadata, register_migrations

COMPONENT = "signing"

signing_clients = Table(
    "signing_clients",
    metadata,
    Column("id", String(64), primary_key=True),  # a name chosen by the operator: "tax-bureau"
    Column("description", Text, nullable=False, default=""),
    Column("role", String(16), nullable=False),  # "client" | "admin"
    Column("status", String(16), nullable=False),  # "active" | "revoked"
    # SHA-256 of the client's TLS certificate (DER), hex: mutual TLS identifies the client by it
    Column("cert_sha256", String(64), nullable=True, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

signing_tokens = Table(
    "signing_tokens",
    metadata,
    Column("id", String(32), primary_key=True),  # the token's public part, used to find the row
    Column("client_id", String(64), ForeignKey("signing_clients.id"), nullable=False),
    Column("sha256", String(64), nullable=False),  # SHA-256 of the whole token, hex
    Column("status", String(16), nullable=False),  # "active" | "revoked"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)
Index("ix_signing_tokens_client", signing_tokens.c.client_id)

signing_grants = Table(
    "signing_grants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(64), ForeignKey("signing_clients.id"), nullable=False),
    Column("es_id", String(128), nullable=False),  # the seal (seal_seals.es_id)
    Column("signer_serial", String(42), nullable=False),  # whose key signs with it (pki_certificates)
    Column("operations", Text, nullable=False),  # comma-separated: sign,sign-ofd,sm2-sign,p7-sign
    Column("pin_hash", Text, nullable=True),  # Argon2id (PHC string); None: no PIN asked
    Column("status", String(16), nullable=False),  # "active" | "revoked"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("client_id", "es_id", name="uq_signing_grants_client_seal"),
)

# Wrong PINs per (client, seal); a lock until a time once too many were given in a row.
signing_pin_failures = Table(
    "signing_pin_failures",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("es_id", String(128), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

# The audit chain: seq is the position (no gaps), record_hash = SM3(canonical record incl. prev_hash).
signing_audit = Table(
    "signing_audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),  # ISO 8601 UTC as hashed (no round-trip through a type)
    Column("actor", String(64), nullable=False),  # client id, or "admin-cli:<user>"
    Column("operation", String(32), nullable=False),
    Column("es_id", String(128), nullable=True),
    Column("serial", String(42), nullable=True),  # the certificate whose key signed / that was read
    Column("document_hash", String(64), nullable=True),  # SM3 hex of what was signed or verified
    Column("result", String(16), nullable=False),  # ok | invalid | refused | error
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("record_hash", String(64), nullable=False),
)

# One row per chain ("audit"): its newest record (seq, hash), read and moved by each append under
# the chain lock (SQLite BEGIN IMMEDIATE, PostgreSQL an advisory lock; see audit.py).
signing_chain_head = Table(
    "signing_chain_head",
    metadata,
    Column("chain", String(16), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("record_hash", String(64), nullable=False),
)

# Chain heads signed with the service's key (SM2): evidence that the chain up to seq existed then.
signing_head_signatures = Table(
    "signing_head_signatures",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("record_hash", String(64), nullable=False),
    Column("at", String(40), nullable=False),
    Column("signer_serial", String(42), nullable=False),
    Column("signature", LargeBinary, nullable=False),  # SM2 (DER) over head_message(seq, hash, at)
)

register_migrations(
    COMPONENT,
    [
        # 1: the first schema.
        create_tables(
            signing_clients,
            signing_tokens,
            signing_grants,
            signing_pin_failures,
            signing_audit,
            signing_chain_head,
            signing_head_signatures,
        ),
    ],
)
