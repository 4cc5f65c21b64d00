"""Reading an OFD container (GB/T 33190: a zip of parts) without trusting it.

An OFD comes from outside: an e-licence mailed in, an invoice downloaded from another city. Before any
byte is decompressed the central directory is checked against ``Limits`` (entry count, each part's and
the total uncompressed size, the compression ratio, entries overlapping each other as in "non-recursive"
zip bombs), and every part name is checked (no absolute paths, no ``..``, no backslashes, no drive letters,
no duplicates). Reads are bounded again while decompressing, so a directory that lies about sizes
cannot make govnet inflate more than the limits allow. Each refusal is an ``OfdError`` naming the
archive and the part.

Part names are kept as the zip has them (``Doc_0/Document.xml``); ``resolve`` turns the locations OFD
XML files write (``/Doc_0/Pages/Page_0/Content.xml``, ``Pages/Page_0/Content.xml`` relative to the
writing file's folder, or relative to the root) into a part name.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes

from govnet.errors import InputError

CHUNK = 1 << 20


# What zipfile raises on a damaged archive (found by fuzzing: IndexError and struct.error among them).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    OverflowError,
    struct.error,
    NotImplementedError,  # a compression method or zip64 variant zipfile does not know
)


class OfdError(InputError):
    """An OFD archive or one of its parts is malformed, hostile or incomplete."""


@dataclass(frozen=True)
class Limits:
    """What a container may ask of govnet. The defaults fit real e-licences and invoices (a few MiB)
    and large scanned documents (hundreds of MiB), and refuse zip bombs."""

    max_entries: int = 20_000
    max_part_size: int = 512 << 20
    max_total_size: int = 2 << 30
    # Uncompressed/compressed for parts above ``ratio_floor`` bytes: XML compresses 5-30x, bombs 1000x+.
    max_ratio: int = 200
    ratio_floor: int = 1 << 20
    max_xml_size: int = 32 << 20


DEFAULT_LIMITS = Limits()


def _check_name(raw: str, source: str) -> str:
    """The part name a zip entry stands for, or OfdError when it could escape or is ambiguous."""
    where = f"{source}: part {raw!r}"
    if "\\" in raw:
        raise OfdError(f"{where}: backslash in a part name (refused: it can mean a folder on Windows)")
    if "\x00" in raw:
        raise OfdError(f"{where}: NUL byte in a part name")
    if raw.startswith("/"):
        raise OfdError(f"{where}: absolute part name (refused: path traversal)")
    if len(raw) >= 2 and raw[1] == ":":
        raise OfdError(f"{where}: drive letter in a part name (refused: path traversal)")
    segments = raw.split("/")
    if any(s == ".." for s in segments):
        raise OfdError(f"{where}: '..' in a part name (refused: path traversal)")
    name = "/".join(s for s in segments if s not in ("", "."))
    return name


class OfdPackage:
    """A read-only OFD container. Use as a context manager, or call ``close``."""

    def __init__(self, source: str | Path | bytes | BinaryIO, *, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        if isinstance(source, bytes | bytearray):
            self.source = "<bytes>"
            handle: str | BinaryIO = io.BytesIO(bytes(source))
        elif isinstance(source, str | Path):
            self.source = str(source)
            handle = str(source)
        else:
            self.source = getattr(source, "name", "<stream>")
            handle = source
        try:
            self._zip = zipfile.ZipFile(handle)
        except FileNotFoundError:
            raise OfdError(f"{self.source}: no such file") from None
        except IsADirectoryError:
            raise OfdError(f"{self.source}: is a directory, not an OFD file") from None
        except OSError as exc:
            raise OfdError(f"{self.source}: cannot read: {exc.strerror or exc}") from None
        except _ZIP_ERRORS as exc:
            raise OfdError(f"{self.source}: not an OFD file (not a readable zip archive: {exc})") from None
        self._digests: dict[str, bytes] = {}
        try:
            self._entries = self._index()
        except BaseException:
            self._zip.close()
            raise

    def _index(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_entries:
            raise OfdError(
                f"{self.source}: {len(infos)} entries, more than the {limits.max_entries} allowed (zip bomb?)"
            )
        entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = _check_name(info.filename, self.source)
            if not name or info.is_dir():
                continue
            where = f"{self.source}: part {name}"
            if info.flag_bits & 0x1:
                raise OfdError(f"{where}: encrypted zip entries are not allowed in an OFD")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise OfdError(f"{where}: compression method {info.compress_type} is not allowed in an OFD")
            if name in entries:
                raise OfdError(f"{where}: appears twice in the archive (refused: readers disagree on which)")
            if info.file_size > limits.max_part_size:
                raise OfdError(
                    f"{where}: {info.file_size} bytes uncompressed, more than the "
                    f"{limits.max_part_size} allowed for one part (zip bomb?)"
                )
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise OfdError(
                    f"{where}: compressed {info.file_size // max(info.compress_size, 1)}:1, more than the "
                    f"{limits.max_ratio}:1 allowed (zip bomb?)"
                )
            total += info.file_size
            if total > limits.max_total_size:
                raise OfdError(
                    f"{self.source}: parts add up to more than the {limits.max_total_size} bytes allowed "
                    "uncompressed (zip bomb?)"
                )
            entries[name] = info
        self._check_overlap(infos)
        return entries

    def _check_overlap(self, infos: list[zipfile.ZipInfo]) -> None:
        # A "non-recursive" zip bomb points many entries at one compressed stream; in a real archive
        # each entry's local header and data end before the next entry's header starts.
        spans = sorted(
            (
                (i.header_offset, i.header_offset + 30 + len(i.filename.encode()) + i.compress_size, i)
                for i in infos
            ),
            key=lambda span: span[0],
        )
        for (_, end, info), (start, _, following) in itertools.pairwise(spans):
            if start < end:
                raise OfdError(
                    f"{self.source}: parts {info.filename} and {following.filename} overlap in the archive "
                    "(refused: overlapping entries are how non-recursive zip bombs work)"
                )

    # --- what is there ------------------------------------------------------------------------------

    def names(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def size(self, name: str) -> int:
        return self._info(name).file_size

    def info(self, name: str) -> zipfile.ZipInfo:
        return self._info(name)

    def _info(self, name: str) -> zipfile.ZipInfo:
        try:
            return self._entries[name]
        except KeyError:
            raise OfdError(f"{self.source}: part {name} is missing") from None

    # --- reading -----------------------------------------------------------------------------------

    def chunks(self, name: str) -> Iterator[bytes]:
        """The part's bytes in pieces, checked against its declared size and CRC."""
        info = self._info(name)
        where = f"{self.source}: part {name}"
        read = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    if read > info.file_size:  # zipfile stops at the declared size; be sure anyway
                        raise OfdError(f"{where}: more data than its declared size (zip bomb?)")
                    yield chunk
        except (*_ZIP_ERRORS, zlib.error, OSError, NotImplementedError) as exc:
            raise OfdError(f"{where}: damaged ({exc})") from None
        except RuntimeError as exc:  # encrypted entry without a password
            raise OfdError(f"{where}: cannot be read ({exc})") from None

    def read(self, name: str, *, max_size: int | None = None) -> bytes:
        limit = self.limits.max_part_size if max_size is None else max_size
        size = self._info(name).file_size
        if size > limit:
            raise OfdError(f"{self.source}: part {name} is {size} bytes, more than the {limit} allowed here")
        return b"".join(self.chunks(name))

    def read_xml_bytes(self, name: str) -> bytes:
        return self.read(name, max_size=self.limits.max_xml_size)

    def sm3(self, name: str) -> bytes:
        """SM3 of the part's bytes, streamed (any size, bounded memory); computed once per part, as
        every signature of a document references the same large parts."""
        cached = self._digests.get(name)
        if cached is None:
            digest = hashes.Hash(hashes.SM3())
            for chunk in self.chunks(name):
                digest.update(chunk)
            cached = self._digests[name] = digest.finalize()
        return cached

    # --- locations written inside OFD XML ----------------------------------------------------------

    def resolve(self, loc: str, base_dir: str = "") -> str | None:
        """The part an ST_Loc names, or None when no such part exists.

        ``/a/b`` is from the root. A relative location is tried against ``base_dir`` (the folder of
        the file that wrote it, as GB/T 33190 says) and then from the root (what many writers mean).
        """
        candidates = loc_candidates(loc, base_dir, self.source)
        return next((c for c in candidates if c in self._entries), None)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> OfdPackage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def normalise_loc(loc: str, base_dir: str, source: str) -> str:
    """Join and normalise a location; OfdError when it climbs above the root or is not a path."""
    text = loc.strip()
    if not text:
        raise OfdError(f"{source}: empty location")
    if "\\" in text or "\x00" in text:
        raise OfdError(f"{source}: location {loc!r} has a backslash or NUL byte (refused)")
    if "://" in text or (len(text) >= 2 and text[1] == ":"):
        raise OfdError(f"{source}: location {loc!r} points outside the package (refused)")
    joined = text if text.startswith("/") else posixpath.join("/", base_dir, text)
    parts: list[str] = []
    for segment in joined.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not parts:
                raise OfdError(f"{source}: location {loc!r} climbs above the package root (path traversal)")
            parts.pop()
            continue
        parts.append(segment)
    return "/".join(parts)


def loc_candidates(loc: str, base_dir: str, source: str) -> list[str]:
    """The parts ``loc`` may mean: from ``base_dir``, then from the root. OfdError only when no reading
    stays inside the package (``../x`` from a folder is fine, from the root it is not)."""
    bases = [base_dir] if loc.strip().startswith("/") or not base_dir else [base_dir, ""]
    found: list[str] = []
    error: OfdError | None = None
    for base in bases:
        try:
            candidate = normalise_loc(loc, base, source)
        except OfdError as exc:
            error = error or exc
            continue
        if candidate not in found:
            found.append(candidate)
    if not found and error is not None:
        raise error
    return found


def folder_of(name: str) -> str:
    return posixpath.dirname(name)


def as_loc(name: str) -> str:
    """A part name as an absolute ST_Loc: ``/Doc_0/Document.xml``."""
    return "/" + name
