"""A lab with one device per vendor from the sample extranet, and the environment its secrets need."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from provision_hosts import HOSTS

from govnet.lab.service import sample_inventory

SECRETS = {
    "GOVNET_LAB_PASSWORD": "Prov-Test-Passw0rd-91",
    "GOVNET_LAB_SNMP_AUTH": "Prov-Auth-Key-7731",
    "GOVNET_LAB_SNMP_PRIV": "Prov-Priv-Key-4419",
    "GOVNET_LAB_SNMP_COMMUNITY": "Prov-Community-2208",
}


@dataclass
class LabRig:
    lab: object
    ends: dict
    overlay: Path
    inventory: Path
    home: Path

    def port(self, host: str) -> int:
        return int(self.ends[host].ssh["127.0.0.1"])


@pytest.fixture(scope="module")
def secrets_env() -> Iterator[dict[str, str]]:
    saved = {k: os.environ.get(k) for k in SECRETS}
    os.environ.update(SECRETS)
    yield SECRETS
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="module")
def rig(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, secrets_env: dict[str, str]
) -> Iterator[LabRig]:
    """The lab devices of HOSTS, or of the test module's ``LAB_HOSTS`` when it names others."""
    from govnet.inventory.service import plan_at
    from govnet.lab.bootstrap import specs_from_inventory
    from govnet.lab.runtime import LabThread
    from govnet.lab.service import write_overlay
    from govnet.secrets import resolve_secret

    base = tmp_path_factory.mktemp("provision")
    inventory = sample_inventory()
    inv = plan_at(inventory, dry_run=True).inventory
    wanted = set(getattr(request.module, "LAB_HOSTS", HOSTS.values()))
    specs = [s for s in specs_from_inventory(inv, resolve_secret) if s.hostname in wanted]
    with LabThread(base / "lab") as lab:
        ends = lab.start(specs)
        write_overlay(base / "overlay.yaml", ends, "127.0.0.1")
        yield LabRig(lab, ends, base / "overlay.yaml", inventory, base / "home")
