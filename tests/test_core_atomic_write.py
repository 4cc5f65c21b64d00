"""Files govnet writes are replaced whole (a reader never sees half of one), with the mode asked for."""

from __future__ import annotations

import os
import stat
import threading
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


def test_atomic_write_gives_the_mode_asked_for_from_the_first_byte(tmp_path: Path) -> None:
    target = tmp_path / "secret"
    atomic_write(target, b"key", mode=0o600)
    assert target.read_bytes() == b"key"
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_failed_atomic_write_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "crl.der"
    target.write_bytes(b"old")

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["crl.der"]


def test_a_device_or_pipe_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    """``-o /dev/null`` or ``-o /dev/stdout`` must not rename a file over the device itself
    (it once replaced this machine's /dev/null with a regular file). A FIFO stands in for it."""
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    atomic_write(fifo, b"plan\n")
    reader.join(timeout=10)
    assert received == [b"plan\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]
