"""SM3 hashing (GB/T 32905-2016) through ``cryptography`` (OpenSSL's implementation).

``sm3_file`` streams a file in large chunks so that memory stays bounded whatever the file's size
(CRL dumps, document archives, backups of ten thousand sites' configs).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from govnet.errors import InputError

DIGEST_SIZE = 32
# 1 MiB: large enough that per-call overhead vanishes next to the hashing, small enough to stay cheap.
CHUNK_SIZE = 1 << 20


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


def sm3_file(path: str | os.PathLike[str], *, chunk_size: int = CHUNK_SIZE) -> bytes:
    """SM3 of a file's contents, read in ``chunk_size`` pieces into one reused buffer."""
    digest = hashes.Hash(hashes.SM3())
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    try:
        with open(path, "rb", buffering=0) as handle:
            while n := handle.readinto(buffer):
                digest.update(view[:n])
    except OSError as exc:
        raise InputError(f"{Path(path)}: cannot read: {exc.strerror or type(exc).__name__}") from None
    return digest.finalize()
