"""Fixtures for compliance tests (the hardened configurations live in compliance_kit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from compliance_kit import FIXTURES

import govnet.compliance.schema  # noqa: F401  (registers the compliance tables)
from govnet.store import Store


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store with the compliance tables, on SQLite and on a PostgreSQL on loopback."""
    with Store.open(store_url) as opened:
        yield opened
