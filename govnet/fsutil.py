"""Writing files so that a reader (or a crash) never sees half of one.

Every file govnet writes for others to read (plans, exported inventories, CRLs, secrets) goes
through ``atomic_write``: the data goes to a temporary file in the same folder, is flushed to disk,
then renamed over the target. A reader sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically; ``mode`` (e.g. 0o600) holds from the first byte.

    Text is written as UTF-8. Raises ``OSError`` as the file system does: callers turn it into
    their own error naming the file. The parent folder is created if missing.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_stream(path, mode=mode) as stream:
        stream.write(payload)


@contextlib.contextmanager
def atomic_stream(path: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary stream that replaces ``path`` atomically when the block ends (and leaves it
    untouched if the block raises): for files written piece by piece, e.g. streamed reports."""
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.stat(path).st_mode):
            # A device, a pipe or a terminal (``-o /dev/stdout``, ``/dev/null``): renaming a file
            # over it would replace the device itself, so it is written in place.
            with open(path, "wb") as stream:
                yield stream
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary file in the target's folder: the rename stays within one file system, and
    # two writers of the same target never share (or delete) each other's temporary file.
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            os.fchmod(fd, 0o666 & ~_umask() if mode is None else mode)
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (read by setting it, the only way POSIX offers, and setting it back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
