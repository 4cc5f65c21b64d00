"""Zip surgery for OFD tests: read all parts, rewrite some, build archives by hand.

A plain module with a unique name (not conftest.py) so tests import it directly."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path


def parts_of(data: bytes | Path) -> dict[str, bytes]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with zipfile.ZipFile(source) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(parts: Mapping[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def replaced(data: bytes | Path, name: str, new: bytes) -> bytes:
    parts = parts_of(data)
    parts[name] = new
    return zip_of(parts)
