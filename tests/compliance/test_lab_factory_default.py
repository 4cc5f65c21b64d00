"""Factory-default devices fail: a small lab per vendor, its running configuration fetched over SSH
with netmiko (govnet.devices' parameters) exactly as a live scan does, then judged."""

from __future__ import annotations

from pathlib import Path

import pytest

from govnet.compliance.model import Outcome
from govnet.compliance.scan import run_check, scan
from govnet.compliance.sources import read_live
from govnet.lab.runtime import LabThread
from govnet.lab.testing import inventory_device, resolve, spec

# What a device out of the box never has, on every vendor.
MUST_FAIL = (
    "dev.vty-acl",
    "dev.login-lockout",
    "dev.password-policy",
    "dev.syslog-remote",
    "dev.ntp",
    "dev.login-banner",
)


@pytest.mark.parametrize("vendor", ["huawei_vrp", "h3c_comware", "cisco_ios"])
def test_a_factory_default_lab_device_fails_level_3(vendor: str, tmp_path: Path) -> None:
    device = spec(vendor)
    with LabThread(tmp_path / "lab", snmp=False) as lab:
        port = lab.start([device])[device.hostname].ssh["127.0.0.1"]
        asset = read_live(inventory_device(device, port), resolve=resolve, conn_timeout=10)
    assert not asset.problem, asset.problem
    assert asset.vendor == vendor and asset.name == device.hostname and not asset.truncated
    assert asset.source == f"ssh://{device.hostname}"
    for check_id in MUST_FAIL:
        j = run_check(check_id, asset)
        assert j.outcome is Outcome.FAIL, (check_id, j.reason)
    result = scan([asset], level=3)
    judged = [f for f in result.findings if f.outcome in (Outcome.PASS, Outcome.FAIL)]
    fails = [f for f in judged if f.outcome is Outcome.FAIL]
    assert len(fails) > len(judged) / 2


def test_an_unreachable_device_is_an_error_asset_not_a_crash() -> None:
    device = spec("huawei_vrp")
    asset = read_live(
        inventory_device(device, 1), resolve=resolve, conn_timeout=2
    )  # nothing listens on port 1
    assert asset.problem.startswith("could not fetch the configuration")
    assert run_check("dev.ntp", asset).outcome is Outcome.ERROR
