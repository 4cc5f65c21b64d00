"""Files govnet writes are replaced whole (a reader never sees half of one), with the mode asked for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govnet.fsutil import atomic_write


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "plan.yaml"
    atomic_write(target, "old\n")
    before = os.stat(target).st_ino
    atomic_write(target, "新\n")
    assert target.read_text(encoding="utf-8") == "新\n"
    assert os.stat(target).st_ino != before  # a new file renamed over the old, not rewritten in place
    assert sorted(p.name for p in target.parent.iterdir()) == ["plan.yaml"]


def test_atomic_write_mode_holds_even_over_a_stale_temporary(tmp_path: Path) -> None:
    target = tmp_path / "secret"
    stale = tmp_path / "secret.tmp"
    stale.write_text("left over by a crash\n")
    stale.chmod(0o644)
    atomic_write(target, b"key", mode=0o600)
    assert target.read_bytes() == b"key"
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_failed_atomic_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "crl.der"
    target.write_bytes(b"old")
    (tmp_path / "crl.der.tmp").mkdir()  # the temporary's name is taken: the write fails
    with pytest.raises(IsADirectoryError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
