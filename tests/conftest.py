"""Suite-wide fixtures: every test gets its own GOVNET_HOME and no stray config file, one way to run
the `govnet` command, and one PostgreSQL server for the tests that need the store on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from govnet_cli import RunGovnet
from postgres import PostgresServer, server_or_skip


@pytest.fixture(autouse=True)
def isolated_govnet_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("govnet-home")
    monkeypatch.setenv("GOVNET_HOME", str(home))
    monkeypatch.delenv("GOVNET_CONFIG", raising=False)
    return home


@pytest.fixture
def run_govnet(isolated_govnet_home: Path) -> RunGovnet:
    """The `govnet` CLI in a subprocess with this test's GOVNET_HOME (see govnet_cli.RunGovnet)."""
    return RunGovnet()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL on loopback for the whole run (each test asks it for its own database with
    ``create_database()``); skipped, with the reason, where PostgreSQL is not installed."""
    yield from server_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store's URL, once on SQLite and once on its own database in ``postgres_server``."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()
