"""Backup fixtures (the pieces live in backup_kit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from backup_kit import VENDORS, BackupLab

from govnet.lab.runtime import LabThread
from govnet.lab.testing import inventory_device, spec


@pytest.fixture
def backup_lab(tmp_path: Path) -> Iterator[BackupLab]:
    specs = [spec(v, f"bk-{v.split('_')[0]}") for v in VENDORS]
    with LabThread(tmp_path / "lab") as lab:
        ends = lab.start(specs)
        yield BackupLab(lab, [inventory_device(s, ends[s.hostname].ssh["127.0.0.1"]) for s in specs])
