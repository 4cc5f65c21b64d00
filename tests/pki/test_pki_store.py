"""The shared store: same schema and behaviour on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, String, Table, select

from govnet.errors import ConfigError
from govnet.pki.schema import pki_certificates, pki_keys
from govnet.store import (
    Store,
    StoreError,
    add_columns,
    create_tables,
    metadata,
    register_migrations,
    schema_version,
)

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _cert_row(serial: str) -> dict[str, object]:
    return {
        "serial": serial,
        "subject": "CN=t",
        "issuer": "CN=t",
        "issuer_serial": serial,
        "profile": "root",
        "not_before": NOW,
        "not_after": NOW,
        "der": b"\x30\x00",
        "status": "valid",
        "is_ca": True,
        "key_id": None,
        "created_at": NOW,
    }


def test_open_creates_schema_and_records_version(store: Store) -> None:
    assert store.versions()["pki"] == 1
    assert store.migrate()["pki"] == 1  # idempotent


def test_serial_is_unique_and_failed_transaction_writes_nothing(store: Store) -> None:
    with store.begin() as conn:
        conn.execute(pki_certificates.insert().values(**_cert_row("0a")))
    with pytest.raises(StoreError) as info, store.begin() as conn:
        conn.execute(pki_keys.insert().values(id="k", owner="o", blob=b"secret-blob", created_at=NOW))
        conn.execute(pki_certificates.insert().values(**_cert_row("0a")))
    assert "secret-blob" not in str(info.value)
    with store.connect() as conn:
        assert conn.execute(select(pki_keys)).first() is None  # rolled back
        assert conn.execute(select(pki_certificates.c.serial)).scalars().all() == ["0a"]


def test_timezone_aware_datetimes_round_trip(store: Store) -> None:
    with store.begin() as conn:
        conn.execute(pki_certificates.insert().values(**_cert_row("0b")))
    with store.connect() as conn:
        value = conn.execute(select(pki_certificates.c.not_before)).scalar_one()
    assert value.replace(tzinfo=value.tzinfo or dt.UTC) == NOW


def test_other_areas_add_components_with_forward_migrations(store_url: str) -> None:
    extra = Table("test_seals", metadata, Column("id", Integer, primary_key=True), extend_existing=True)
    try:
        register_migrations("test_seals", [lambda conn: extra.create(conn)])
        with Store.open(store_url) as store:
            assert store.versions()["test_seals"] == 1
        register_migrations(
            "test_seals",
            [
                lambda conn: extra.create(conn),
                lambda conn: conn.exec_driver_sql("ALTER TABLE test_seals ADD COLUMN name VARCHAR(20)"),
            ],
        )
        with Store.open(store_url) as store:
            assert store.versions()["test_seals"] == 2
            with store.begin() as conn:
                conn.exec_driver_sql("INSERT INTO test_seals (id, name) VALUES (1, 'x')")
    finally:
        from govnet import store as store_module

        store_module._MIGRATIONS.pop("test_seals", None)
        metadata.remove(extra)


def test_newer_schema_is_refused(store: Store) -> None:
    with store.begin() as conn:
        conn.execute(schema_version.update().where(schema_version.c.component == "pki").values(version=99))
    with pytest.raises(StoreError, match="newer than this govnet knows"):
        store.migrate()


def test_bad_urls_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a valid SQLAlchemy URL"):
        Store.open("not a url")
    with pytest.raises(StoreError) as info:
        Store.open("postgresql://user:hunter2@127.0.0.1:1/nothing")
    assert "hunter2" not in str(info.value)


def test_the_core_store_defines_no_area_tables() -> None:
    # Areas own their tables (<area>/schema.py); the core store only runs what they register.
    import subprocess
    import sys

    code = (
        "from govnet.store import metadata, registered_components; "
        "print(sorted(metadata.tables), registered_components())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['schema_version'] {}"


def test_a_component_registered_after_open_is_migrated_by_migrate_again(store: Store) -> None:
    late = Table("test_late", metadata, Column("id", Integer, primary_key=True), extend_existing=True)
    try:
        register_migrations("test_late", [create_tables(late)])
        assert "test_late" not in store.versions()
        assert store.migrate()["test_late"] == 1
        assert store.migrate()["test_late"] == 1  # idempotent
        with store.begin() as conn:
            conn.execute(late.insert().values(id=1))
    finally:
        from govnet import store as store_module

        store_module._MIGRATIONS.pop("test_late", None)
        metadata.remove(late)


def test_add_columns_is_idempotent_on_both_databases(store: Store) -> None:
    first = Table("test_grow", metadata, Column("id", Integer, primary_key=True), extend_existing=True)
    try:
        register_migrations("test_grow", [create_tables(first)])
        store.migrate()
        grown = Table(
            "test_grow",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("label", String(20)),
            extend_existing=True,
        )
        step = add_columns(grown, "label")
        register_migrations("test_grow", [create_tables(first), step])
        assert store.migrate()["test_grow"] == 2
        with store.begin() as conn:
            step(conn)  # run again: the column exists, nothing happens
            conn.execute(grown.insert().values(id=1, label="x"))
            assert conn.execute(select(grown.c.label)).scalar_one() == "x"
    finally:
        from govnet import store as store_module

        store_module._MIGRATIONS.pop("test_grow", None)
        metadata.remove(metadata.tables["test_grow"])
