"""The shared storage layer: one SQLAlchemy Core schema on SQLite (default) or PostgreSQL.

Every area that keeps state (the PKI's certificates and keys; later seals and audit records) defines
its tables on the one ``metadata`` below and registers forward migrations for its *component* with
``register_migrations``. ``Store.open(url)`` connects and brings every registered component up to
its newest version, recording it in ``schema_version`` — the same code on both databases.

Errors from SQLAlchemy and the drivers become ``govnet.errors.StoreError`` with the URL's password
masked, so a connection string never reaches a terminal or a log.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from govnet.errors import ConfigError, GovnetError

log = logging.getLogger(__name__)

metadata = MetaData()


class StoreError(GovnetError):
    """The store cannot be reached or refused an operation."""


class StoreConflict(StoreError):
    """A uniqueness or reference constraint refused a write (e.g. another worker wrote first)."""


# --- bookkeeping ------------------------------------------------------------------------------

schema_version = Table(
    "schema_version",
    metadata,
    Column("component", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
)

# --- PKI tables (component "pki") -------------------------------------------------------------

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

# --- migrations -------------------------------------------------------------------------------

Migration = Callable[[Connection], None]
_MIGRATIONS: dict[str, list[Migration]] = {}


def register_migrations(component: str, migrations: list[Migration]) -> None:
    """Declare a component's forward migrations: ``migrations[i]`` takes it from version i to i+1.

    Append new steps at the end; never edit or reorder a released one.
    """
    _MIGRATIONS[component] = list(migrations)


def _create(*tables: Table) -> Migration:
    def step(conn: Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)

    return step


register_migrations(
    "pki",
    [_create(pki_keys, pki_certificates, pki_revocations, pki_authorities, pki_crls)],
)

# --- the store --------------------------------------------------------------------------------

_migrate_lock = threading.Lock()


class Store:
    """A connection pool plus the schema, brought up to date when opened."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigError(f"store URL {_mask(url)!r} is not a valid SQLAlchemy URL") from None
        if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we ship
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"store URL {_mask(url)!r}: cannot create the folder {folder}: "
                    + (
                        "a file is in the way"
                        if isinstance(exc, FileExistsError)
                        else str(exc.strerror or exc)
                    )
                ) from None
            _create_private(Path(parsed.database))
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except (ArgumentError, ImportError) as exc:
            raise ConfigError(f"store URL {_mask(url)!r}: {exc}") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError as exc:
            raise StoreConflict(f"store {self.url_masked}: {_describe(exc)}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"store {self.url_masked}: {_describe(exc)}") from None

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reads (and streaming with ``yield_per``)."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"store {self.url_masked}: {_describe(exc)}") from None

    @property
    def url_masked(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def versions(self) -> dict[str, int]:
        with self.connect() as conn:
            return {row.component: row.version for row in conn.execute(select(schema_version))}

    def migrate(self) -> dict[str, int]:
        """Run every pending forward migration; return the components' versions afterwards."""
        with _migrate_lock, self.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Several workers may open the store at once: one migrates, the others wait.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7405283)")
            schema_version.create(conn, checkfirst=True)
            current = {row.component: row.version for row in conn.execute(select(schema_version))}
            for component, steps in _MIGRATIONS.items():
                have = current.get(component, 0)
                if have > len(steps):
                    raise StoreError(
                        f"store {self.url_masked}: component {component!r} is at schema version {have}, "
                        f"newer than this govnet knows ({len(steps)}); upgrade govnet"
                    )
                for version in range(have, len(steps)):
                    log.info("store: migrating %s to version %d", component, version + 1)
                    steps[version](conn)
                if have == 0:
                    conn.execute(schema_version.insert().values(component=component, version=len(steps)))
                elif have < len(steps):
                    conn.execute(
                        schema_version.update()
                        .where(schema_version.c.component == component)
                        .values(version=len(steps))
                    )
                current[component] = len(steps)
            return current


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable by its owner only: it holds (encrypted) keys. SQLite gives its
    -wal and -shm files the database file's mode."""
    with contextlib.suppress(OSError):  # exists already, or SQLite will name the problem when it opens it
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL: readers do not block the writer, and a commit is one fsync of the log instead of the
    # rollback journal's several; synchronous stays FULL, so a committed certificate survives power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _mask(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def _describe(exc: SQLAlchemyError) -> str:
    # The driver's first line says what went wrong; SQLAlchemy appends the statement and its
    # parameters, which may hold key blobs: leave those out.
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else 'failed'}"
