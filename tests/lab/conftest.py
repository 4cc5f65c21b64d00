"""Lab fixtures: a state directory and a lab running in a thread (SSH only; SNMP has its own tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govnet.lab.runtime import LabThread


@pytest.fixture
def lab_dir(tmp_path: Path) -> Path:
    return tmp_path / "lab-state"


@pytest.fixture
def lab(lab_dir: Path) -> Iterator[LabThread]:
    with LabThread(lab_dir, snmp=False) as running:
        yield running
