"""Backup fixtures: three lab devices (one per vendor) and their inventory entries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from govnet.inventory.models import Device
from govnet.lab.runtime import LabThread
from govnet.lab.testing import inventory_device, spec

VENDORS = ("huawei_vrp", "h3c_comware", "cisco_ios")


@dataclass
class BackupLab:
    lab: LabThread
    devices: list[Device]

    def device(self, name: str) -> Device:
        return next(d for d in self.devices if d.hostname == name)


@pytest.fixture
def backup_lab(tmp_path: Path) -> Iterator[BackupLab]:
    specs = [spec(v, f"bk-{v.split('_')[0]}") for v in VENDORS]
    with LabThread(tmp_path / "lab") as lab:
        ends = lab.start(specs)
        yield BackupLab(lab, [inventory_device(s, ends[s.hostname].ssh["127.0.0.1"]) for s in specs])
