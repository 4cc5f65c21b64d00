"""Backup's test kit: three lab devices (one per vendor) and their inventory entries."""

from __future__ import annotations

from dataclasses import dataclass

from govnet.inventory.models import Device
from govnet.lab.runtime import LabThread

VENDORS = ("huawei_vrp", "h3c_comware", "cisco_ios")


@dataclass
class BackupLab:
    lab: LabThread
    devices: list[Device]

    def device(self, name: str) -> Device:
        return next(d for d in self.devices if d.hostname == name)
