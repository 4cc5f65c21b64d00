"""A saved configuration that is not text stops the lab before anything overwrites it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govnet.errors import InputError
from govnet.lab.runtime import Lab
from govnet.lab.testing import INVENTORY_SECRETS, example_inventory, run_govnet, spec

TINY = example_inventory()


async def test_a_damaged_saved_config_stops_the_lab_before_it_overwrites_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    damaged = state / "R1.cfg"
    damaged.write_bytes(b"sysname R1\n\xcb\xff\x00 garbage\n")
    lab = Lab(state, snmp=False)
    with pytest.raises(InputError, match=r"R1.cfg: the saved configuration is not UTF-8 text \(byte 11\)"):
        await lab.start([spec("huawei_vrp", "R1")])
    await lab.stop()
    assert damaged.read_bytes() == b"sysname R1\n\xcb\xff\x00 garbage\n"  # kept for the user to repair


def test_lab_up_background_names_a_damaged_saved_config(tmp_path: Path) -> None:
    home = tmp_path / "home"
    damaged = home / "lab" / "state" / "city-core-1.cfg"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(os.urandom(64) + b"\xff")
    run = run_govnet(
        "lab", "up", "-i", str(TINY), "--background", env={**INVENTORY_SECRETS, "GOVNET_HOME": str(home)}
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"{damaged}: the saved configuration is not UTF-8 text" in run.stderr
    assert not (home / "lab" / "lab.pid").exists()
