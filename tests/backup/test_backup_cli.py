"""`govnet backup` as a user runs it: the sample extranet's city devices in a lab (overlay where
`govnet lab up` writes it), secrets from the environment, real exit codes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from govnet.lab.runtime import LabThread
from govnet.lab.testing import INVENTORY_SECRETS, run_govnet, sample_lab


def govnet(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_govnet(*args, env={**INVENTORY_SECRETS, "GOVNET_HOME": str(home)}, timeout=180)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, LabThread]]:
    home = tmp_path_factory.mktemp("backup-home")
    with sample_lab(home, "sg-city-*") as lab:
        yield home, lab


def test_backup_log_show_diff_and_a_failing_device(city: tuple[Path, LabThread]) -> None:
    home, lab = city
    first = govnet(home, "backup", "--limit", "sg-city-*", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["devices"] == 3 and report["failed"] == {} and len(report["changed"]) == 3
    assert (home / "backups/.git").is_dir() and (home / "backups/configs/sg-city-core-1.cfg").exists()
    facts = {r["device"]: r["facts"] for r in report["results"]}
    assert facts["sg-city-core-1"]["display version"][0]["vrp_version"]

    again = govnet(home, "backup", "--limit", "sg-city-core-*")
    assert again.returncode == 0 and "no change: nothing committed" in again.stdout

    log = govnet(home, "backup", "log", "sg-city-core-1", "--json")
    assert log.returncode == 0 and len(json.loads(log.stdout)) == 1
    shown = govnet(home, "backup", "show", "sg-city-core-1")
    assert shown.returncode == 0 and "sysname sg-city-core-1" in shown.stdout
    assert "added" not in govnet(home, "backup", "diff", "sg-city-core-1").stderr

    lab.fault("sg-city-core-2", "auth-failure")
    try:
        failing = govnet(home, "backup", "--limit", "sg-city-*")
    finally:
        lab.fault("sg-city-core-2", "auth-failure", clear=True)
    assert failing.returncode == 1
    assert "failed sg-city-core-2: auth: authentication failed" in failing.stdout
    everything = first.stdout + again.stdout + failing.stdout + failing.stderr
    assert not any(secret in everything for secret in INVENTORY_SECRETS.values())


def test_bad_input_exits_2_with_a_message(city: tuple[Path, LabThread]) -> None:
    home, _ = city
    none = govnet(home, "backup", "--limit", "no-such-*")
    assert none.returncode == 2 and "matches no device" in none.stderr
    unknown = govnet(home, "backup", "log", "no-such-device")
    assert unknown.returncode == 2 and "no backup of device" in unknown.stderr
    bad_rev = govnet(home, "backup", "show", "sg-city-core-1", "--", "--output=/tmp/x")
    assert bad_rev.returncode == 2 and "Traceback" not in bad_rev.stderr
