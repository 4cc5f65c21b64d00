"""`govnet collect snmp` as a user runs it: the sample extranet's city devices in a lab, real exit codes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from govnet.lab.testing import INVENTORY_SECRETS, run_govnet, sample_lab


def govnet(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_govnet(*args, env={**INVENTORY_SECRETS, "GOVNET_HOME": str(home)}, timeout=180)


@pytest.fixture(scope="module")
def city_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample's city devices running in a lab, its overlay where `govnet lab up` writes it."""
    home = tmp_path_factory.mktemp("collect-home")
    with sample_lab(home, "sg-city-*"):
        yield home


def test_poll_twice_stores_history_and_reports_findings(city_lab: Path) -> None:
    first = govnet(city_lab, "collect", "snmp", "--once", "--limit", "sg-city-*", "--json")
    assert first.returncode == 1, first.stderr  # the lab's links have no IPv6 yet: findings
    report = json.loads(first.stdout)
    assert report["devices"] == 3 and report["failed"] == [] and report["values"] > 100
    rules = {f["rule"] for f in report["findings"]}
    assert "uplink.no-ipv6" in rules and "lldp.miscabled" not in rules
    assert all(link["in_bps"] is None for link in report["links"])  # no previous poll yet
    second = govnet(city_lab, "collect", "snmp", "--limit", "sg-city-*", "--json")
    links = json.loads(second.stdout)["links"]
    assert links and all(link["in_bps"] is not None and link["util_tier"] is not None for link in links)
    people = govnet(city_lab, "collect", "snmp", "--limit", "sg-city-core-1")
    assert "sg-city-core-1" in people.stdout and "uplink.no-ipv6" in people.stdout


def test_shards_split_the_devices(city_lab: Path) -> None:
    seen: list[str] = []
    for k in range(2):
        run = govnet(city_lab, "collect", "snmp", "--limit", "sg-city-*", "--shard", f"{k}/2", "--json")
        seen += [h for h in json.loads(run.stdout)["health"]]
    assert sorted(seen) == ["sg-city-core-1", "sg-city-core-2", "sg-city-fw-1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shard", "2/2"], "--shard"),
        (["--limit", "no-such-*"], "matches no device"),
        (["--once", "--interval", "5"], "exclude each other"),
    ],
)
def test_bad_arguments_exit_2_without_traceback(city_lab: Path, args: list[str], message: str) -> None:
    run = govnet(city_lab, "collect", "snmp", *args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
