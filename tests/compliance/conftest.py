"""Fixtures for compliance tests: the hardened configurations, and variants of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store with the compliance tables, on SQLite and on a PostgreSQL on loopback."""
    with Store.open(store_url) as opened:
        yield opened
