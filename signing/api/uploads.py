"""Request bodies read as streams: hashed with SM3 chunk by chunk (bounded memory) or spooled to a
temporary file, refused with 413 past the configured size -- before reading when Content-Length says
so, else as soon as the stream passes it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

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


class BodyLimit:
    """ASGI middleware: no request body past ``limit`` bytes, whatever the route -- JSON bodies too,
    which FastAPI reads whole before validating them. Past it: 413 (TooLarge, rendered by the
    app's handler when raised while the route reads its body)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                from govnet.signing.api.errors import error_response

                message = f"the body is {int(value)} bytes; this service takes at most {self.limit}"
                await error_response(413, "too_large", message)(scope, receive, send)
                return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _too_large(self.limit)
            return message

        await self.app(scope, limited, send)
