"""The backup repository: history per device, diffs, revisions, and what bad input gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from govnet.collectors.backup.fetch import Fetched
from govnet.collectors.backup.repo import BackupRepo
from govnet.collectors.backup.service import BackupOptions, run_backup
from govnet.errors import InputError, NotFoundError
from govnet.lab.testing import inventory_device, spec

OPTIONS = BackupOptions(facts=False)


def _backup(root: Path, configs: dict[str, str]) -> str | None:
    devices = [inventory_device(spec("cisco_ios", name), 22) for name in configs]
    return run_backup(devices, root, OPTIONS, fetch=lambda d: Fetched(configs[d.hostname])).commit


def test_log_show_and_diff_follow_each_devices_own_history(tmp_path: Path) -> None:
    first = _backup(tmp_path, {"R1": "hostname R1\n!\nend\n", "R2": "hostname R2\n!\nend\n"})
    second = _backup(
        tmp_path, {"R1": "hostname R1\n!\nlogging host 10.255.0.9\nend\n", "R2": "hostname R2\n!\nend\n"}
    )
    assert first and second
    repo = BackupRepo(tmp_path)
    assert [r.commit for r in repo.log("R1")] == [second, first]
    assert [r.commit for r in repo.log("R2")] == [first]
    assert "R1" in repo.log("R1")[0].subject and "R2" not in repo.log("R1")[0].subject
    assert "+logging host 10.255.0.9" in repo.diff("R1")
    assert repo.diff("R1", first) == repo.diff("R1")
    assert "logging host" not in repo.show("R1", first) and "logging host" in repo.show("R1")
    assert "+hostname R2" in repo.diff("R2")  # its only change: when it was first backed up


def test_unknown_device_and_bad_revisions_are_named(tmp_path: Path) -> None:
    _backup(tmp_path, {"R1": "hostname R1\nend\n"})
    repo = BackupRepo(tmp_path)
    with pytest.raises(NotFoundError, match="no backup of device 'R9'"):
        repo.log("R9")
    with pytest.raises(NotFoundError, match="no configuration at revision"):
        repo.show("R1", "0123456789abcdef")
    with pytest.raises(InputError, match="revision"):
        repo.show("R1", "--output=/tmp/x")
    with pytest.raises(InputError, match="device name"):
        repo.log("../etc/passwd")


def test_files_left_by_a_run_that_never_committed_are_judged_again(tmp_path: Path) -> None:
    _backup(tmp_path, {"R1": "hostname R1\nend\n"})
    (tmp_path / "configs/R1.cfg").write_text("hostname half-written\n")  # as if a run died here
    assert _backup(tmp_path, {"R1": "hostname R1\nend\n"}) is None
    assert (tmp_path / "configs/R1.cfg").read_text() == "hostname R1\nend\n"
    assert _backup(tmp_path, {"R1": "hostname R1-new\nend\n"})  # and a real change still commits
