"""Read secrets from the environment or from files with tight permissions, never from the repo.

Inventories, settings and playbooks only *name* a secret: ``env:VAR`` or ``file:/path``. This module
resolves such a reference. A file readable by group or others is refused, as ssh does with keys.
Error messages name the reference, never the value.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from govnet.errors import SecretError
from govnet.fsutil import atomic_write


def read_secret_file(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise SecretError(f"secret file {path} cannot be read: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretError(
            f"secret file {path} is accessible by group or others (mode {oct(mode & 0o777)}); chmod 600 it"
        )
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"secret file {path} cannot be read: {type(exc).__name__}") from None


def resolve_secret(reference: str) -> str:
    """Resolve ``env:NAME`` or ``file:PATH`` to the secret's value."""
    kind, _, name = reference.partition(":")
    if kind == "env" and name:
        value = os.environ.get(name)
        if value is None:
            raise SecretError(f"secret {reference!r}: environment variable {name} is not set")
        return value
    if kind == "file" and name:
        return read_secret_file(Path(name).expanduser())
    # Not a reference: perhaps the secret itself, typed where its reference belongs. Never repeat it.
    raise SecretError("a secret reference must be 'env:NAME' or 'file:PATH' (the value given is not shown)")


def write_secret_file(path: Path, value: str | bytes) -> None:
    """Create or replace a file readable by its owner only (0600 from the first byte)."""
    try:
        atomic_write(path, value, mode=0o600)
    except OSError as exc:
        raise SecretError(f"secret file {path} cannot be written: {exc.strerror or exc}") from None
