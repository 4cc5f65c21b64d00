"""Fixtures for compliance tests: the hardened configurations, and variants of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import PostgresServer, server_or_skip

import govnet.compliance.schema  # noqa: F401  (registers the compliance tables)
from govnet.store import Store

FIXTURES = Path(__file__).resolve().parents[2] / "compliance" / "examples"
HARDENED = {
    "huawei_vrp": FIXTURES / "huawei_hardened.cfg",
    "h3c_comware": FIXTURES / "h3c_hardened.cfg",
    "cisco_ios": FIXTURES / "cisco_hardened.cfg",
}


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def compliance_postgres() -> Iterator[PostgresServer]:
    yield from server_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store with the compliance tables, on SQLite and on a PostgreSQL on loopback."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("compliance_postgres").create_database()
    with Store.open(url) as opened:
        yield opened
