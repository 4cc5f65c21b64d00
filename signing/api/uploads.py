"""Request bodies read as streams: hashed with SM3 chunk by chunk (bounded memory) or spooled to a
temporary file, refused with 413 past the configured size -- before reading when Content-Length says
so, else as soon as the stream passes it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from fastapi import Request

from govnet.errors import InputError
from govnet.signing.errors import TooLarge


def _declared(request: Request, limit: int) -> None:
    length = request.headers.get("content-length")
    if length is None:
        return
    if not length.isdigit():
        raise InputError("Content-Length is not a number")
    if int(length) > limit:
        raise TooLarge(f"the body is {int(length)} bytes; this service takes at most {limit}")


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"the body is larger than the {limit} bytes this service takes")


async def hash_body(request: Request, limit: int) -> tuple[bytes, int]:
    """SM3 of the body and its size."""
    _declared(request, limit)
    digest, size = hashes.Hash(hashes.SM3()), 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        digest.update(chunk)
    return digest.finalize(), size


async def read_body(request: Request, limit: int) -> bytes:
    _declared(request, limit)
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


async def spool_body(request: Request, limit: int, folder: Path, suffix: str = "") -> Path:
    """The body in a new private file in ``folder`` (the caller removes it)."""
    _declared(request, limit)
    handle, name = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=folder)
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    if size == 0:
        Path(name).unlink(missing_ok=True)
        raise InputError("the request body is empty")
    return Path(name)
