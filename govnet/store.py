"""The shared storage layer: SQLAlchemy Core on SQLite (default) or PostgreSQL, and nothing else.

The core owns no area's tables. Each area that keeps state defines its tables in its own
``<area>/schema.py`` on the one ``metadata`` below (table names prefixed with the area, e.g.
``pki_certificates``) and, at import time, registers forward migrations for its *component*::

    register_migrations("pki", [create_tables(pki_keys, ...), add_columns(pki_keys, "custody")])

``Store.open(url)`` connects and brings every component registered so far up to its newest
version, recording it in ``schema_version`` — the same code on both databases. An area's data
access module imports its schema module, so a process that uses an area has registered it before it
opens a store; ``Store.migrate()`` may be called again (it is idempotent) after a late registration.

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
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    inspect,
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

# --- migrations -------------------------------------------------------------------------------

Migration = Callable[[Connection], None]
_MIGRATIONS: dict[str, list[Migration]] = {}


def register_migrations(component: str, migrations: list[Migration]) -> None:
    """Declare a component's forward migrations: ``migrations[i]`` takes it from version i to i+1.

    Called at import time by the area's ``<area>/schema.py`` (``"pki"`` by ``govnet.pki.schema``).
    Append new steps at the end; never edit or reorder a released one: a database's
    ``schema_version`` row for the component counts the steps it has run. Registering the same
    component again replaces its list (a module re-imported is harmless).
    """
    _MIGRATIONS[component] = list(migrations)


def registered_components() -> dict[str, int]:
    """Each registered component and the schema version its migrations reach."""
    return {component: len(steps) for component, steps in _MIGRATIONS.items()}


def create_tables(*tables: Table) -> Migration:
    """A migration step creating ``tables`` (and their indexes) as they stood when the step was
    released. Skips tables that exist already, so a step interrupted half-way can run again.

    Build a table's *later* columns with ``add_columns`` steps, never by editing the ``Table`` a
    released ``create_tables`` step creates: a new database runs every step in order too.
    """

    def step(conn: Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)

    return step


def add_columns(table: Table, *names: str) -> Migration:
    """A migration step adding the named columns of ``table`` (defined on it) to an existing
    database; columns already present are skipped, so the step is idempotent on SQLite and
    PostgreSQL alike."""

    def step(conn: Connection) -> None:
        have = {c["name"] for c in inspect(conn).get_columns(table.name)}
        for name in names:
            if name in have:
                continue
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{name}" {kind}')

    return step


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
