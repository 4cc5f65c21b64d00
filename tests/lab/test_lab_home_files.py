"""The lab's files under GOVNET_HOME: a dead lab's pid file, offline reset, a home that is a file."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from govnet.errors import InputError
from govnet.lab import service
from govnet.lab.testing import INVENTORY_SECRETS, example_inventory, run_govnet

TINY = example_inventory()


def test_a_killed_but_unreaped_lab_is_not_running(tmp_path: Path) -> None:
    # After `kill -9`, a process without a reaping parent stays a zombie: kill(pid, 0) still works,
    # so `lab status` used to try the dead lab's socket ("Connection refused", exit 1).
    paths = service.LabPaths(tmp_path / "lab")
    paths.root.mkdir()
    child = subprocess.Popen(["sleep", "60"])
    try:
        child.send_signal(signal.SIGKILL)
        for _ in range(100):  # wait until it is a zombie, without reaping it
            if service._zombie(child.pid):
                break
            time.sleep(0.02)
        paths.pid.write_text(f"{child.pid}\n")
        paths.socket.write_text("")
        assert service.running_pid(paths) is None
        assert not paths.pid.exists() and not paths.socket.exists()
    finally:
        child.wait()


def test_offline_reset_never_deletes_outside_the_state_folder(tmp_path: Path) -> None:
    # `govnet lab reset ../../victim` (no lab running) used to delete <home>/victim.cfg.
    from govnet.settings import load_settings

    settings = load_settings(home=tmp_path)
    paths = service.LabPaths.of(settings)
    paths.state_dir.mkdir(parents=True)
    victim = tmp_path / "victim.cfg"
    victim.write_text("keep me\n")
    (paths.state_dir / "R1.cfg").write_text("sysname R1\n")
    for name in ("../../victim", f"{tmp_path}/victim", ".hidden"):
        with pytest.raises(InputError, match="is not a device hostname"):
            service.reset(settings, name)
    assert victim.read_text() == "keep me\n"
    assert service.reset(settings, "R1") == ["R1"]
    assert not (paths.state_dir / "R1.cfg").exists()


@pytest.mark.parametrize("command", [["status"], ["down"], ["reset"], ["up", "--background"]])
def test_a_govnet_home_that_is_a_file_is_an_input_error(tmp_path: Path, command: list[str]) -> None:
    home = tmp_path / "a-file"
    home.write_text("x\n")
    inventory = ["-i", str(TINY)] if "up" in command else []
    run = run_govnet("lab", *command, *inventory, env={**INVENTORY_SECRETS, "GOVNET_HOME": str(home)})
    assert run.returncode == 2, run.stdout + run.stderr
    assert "internal error" not in run.stderr and "Not a directory" in run.stderr
