"""What `govnet lab up` runs and what it refuses: the inventory setting, every missing secret at once."""

from __future__ import annotations

from pathlib import Path

import yaml

from govnet.lab.testing import INVENTORY_SECRETS, example_inventory, run_govnet

TINY = example_inventory()


def test_lab_up_runs_the_inventory_named_by_govnet_inventory(tmp_path: Path) -> None:
    env = {**INVENTORY_SECRETS, "GOVNET_HOME": str(tmp_path), "GOVNET_INVENTORY": str(TINY)}
    try:
        up = run_govnet("lab", "up", "--background", "--json", env=env)
        assert up.returncode == 0, up.stdout + up.stderr
        overlay = yaml.safe_load((tmp_path / "lab" / "overlay.yaml").read_text())
        assert sorted(overlay["devices"]) == ["city-core-1", "city-core-2", "county-agg-1", "town-acc-1"]
    finally:
        run_govnet("lab", "down", env=env)


def test_lab_up_lists_every_missing_secret_at_once(tmp_path: Path) -> None:
    env = {"GOVNET_HOME": str(tmp_path)}  # neither the password nor the community is set
    run = run_govnet("lab", "up", "-i", str(TINY), "--background", env=env)
    assert run.returncode == 2, run.stdout + run.stderr
    err = " ".join(run.stderr.split())
    assert "2 secret(s) the inventory names cannot be read" in err
    assert "environment variable GOVNET_LAB_PASSWORD is not set (needed by city-core-1" in err
    assert "environment variable GOVNET_LAB_SNMP_COMMUNITY is not set" in err
    assert "set GOVNET_LAB_PASSWORD, GOVNET_LAB_SNMP_COMMUNITY and run again" in err
    assert not (tmp_path / "lab" / "lab.pid").exists()


def test_lab_up_refuses_snmpv3_keys_shorter_than_rfc_3414_allows(tmp_path: Path) -> None:
    # A 3-character key used to be configured; every SNMP manager then refused to use it.
    env = {**INVENTORY_SECRETS, "GOVNET_LAB_SNMP_AUTH": "abc", "GOVNET_HOME": str(tmp_path)}
    run = run_govnet("lab", "up", "--background", "--only", "sg-city-core-1", env=env)
    assert run.returncode == 2, run.stdout + run.stderr
    assert (
        "device sg-city-core-1: snmp.v3.auth_key (env:GOVNET_LAB_SNMP_AUTH) is shorter than the 8"
        in run.stderr
    )
    assert not (tmp_path / "lab" / "lab.pid").exists()


def test_lab_up_refuses_an_inventory_that_does_not_validate(tmp_path: Path) -> None:
    broken = example_inventory("broken/dangling-parent.yaml")
    home = tmp_path / "home"
    run = run_govnet(
        "lab", "up", "-i", str(broken), "--background", env={**INVENTORY_SECRETS, "GOVNET_HOME": str(home)}
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "dangling-parent.yaml:25:5: error: site town: parent 'nowhere'" in run.stderr
    assert "[site.dangling-parent]" in run.stderr
    assert not (home / "lab" / "lab.pid").exists()
    assert not (home / "lab" / "overlay.yaml").exists()
