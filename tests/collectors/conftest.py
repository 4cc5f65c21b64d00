"""Collectors' fixtures: the small test extranet running in a lab (see ``collect_topology.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from collect_topology import Net, running_lab

import govnet.collectors.schema  # noqa: F401  (registers the collectors' tables)
from govnet.store import Store


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    """One lab for a module's read-only tests."""
    with running_lab(tmp_path_factory.mktemp("collect-lab")) as running:
        yield running


@pytest.fixture
def fresh_net(tmp_path: Path) -> Iterator[Net]:
    """A lab of its own, for tests that inject faults or change devices."""
    with running_lab(tmp_path / "lab") as running:
        yield running


@pytest.fixture
def collect_store(store_url: str) -> Iterator[Store]:
    """The store on SQLite and on a throwaway PostgreSQL."""
    with Store.open(store_url) as store:
        yield store
