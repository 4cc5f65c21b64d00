"""Seal pictures: tell PNG, GIF and JPEG apart by their magic bytes, and draw a plain round seal.

The drawing is for demos and tests (a red ring on transparency, as PNG); real seals bring their own
artwork.
"""

from __future__ import annotations

import struct
import zlib

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xff\xd8\xff", "jpeg"),
)


def picture_type(data: bytes) -> str | None:
    """png, gif or jpeg from the magic bytes; None for anything else (SVG, OFD vector seals, BMP)."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def round_seal_png(size: int = 160, ring: float = 0.08) -> bytes:
    """A red ring with a star in the middle, RGBA PNG ``size`` pixels square."""
    centre = (size - 1) / 2
    outer, inner = size / 2 - 1, size / 2 * (1 - ring) - 1
    star = size / 6
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter: none
        for x in range(size):
            dx, dy = x - centre, y - centre
            r2 = dx * dx + dy * dy
            red = inner * inner <= r2 <= outer * outer or abs(dx) + abs(dy) <= star
            row += b"\xd0\x10\x10\xff" if red else b"\x00\x00\x00\x00"
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
