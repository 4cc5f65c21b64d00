"""Writing files so that a reader (or a crash) never sees half of one.

Every file govnet writes for others to read (plans, exported inventories, CRLs, secrets) goes
through ``atomic_write``: the data goes to a temporary file in the same folder, is flushed to disk,
then renamed over the target. A reader sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def atomic_write(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically; ``mode`` (e.g. 0o600) holds from the first byte.

    Text is written as UTF-8. Raises ``OSError`` as the file system does: callers turn it into
    their own error naming the file. The parent folder is created if missing.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # Same folder as the target, so that the rename stays within one file system.
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666 if mode is None else mode)
        try:
            if mode is not None:
                os.fchmod(fd, mode)  # an older temporary file keeps its mode through O_TRUNC
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
