"""Monitoring's fixtures (the pieces live in monitor_kit)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from monitor_kit import Monitored, monitoring


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Monitored]:
    """One lab polled twice (so rates exist) and the exporter over its store, for read-only tests."""
    for m in monitoring(tmp_path_factory.mktemp("monitor")):
        m.poll()
        m.poll()
        yield m
