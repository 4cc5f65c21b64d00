"""Linux servers as compliance assets: ``HostAsset`` reads a host's files through ``HostFiles``,
either a filesystem root judged offline (a mounted image, a fixture tree, an extracted sosreport,
as OpenSCAP and Lynis can: ``RootFiles``) or a running host over SSH (``govnet.compliance.ssh``).
The checks see the same paths either way and quote their lines as evidence. Nothing here raises
for a missing or unreadable file: a check sees no lines.

Commands (``ss -tlnup``) only run on a live host; an offline root answers ``None`` and the checks
read what the root holds instead (``proc/net/*``, a sosreport's ``sos_commands/networking/ss_*``).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol


class HostFiles(Protocol):
    """Read access to one host's files (absolute paths like ``/etc/login.defs``)."""

    live: bool  # a running host (commands run) or an offline root

    def read(self, path: str) -> bytes | None: ...

    def exists(self, path: str) -> bool: ...

    def listdir(self, path: str) -> list[str] | None: ...

    def run(self, command: str) -> str | None: ...


class RootFiles:
    """A filesystem root on this machine."""

    live = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def read(self, path: str) -> bytes | None:
        try:
            return self._path(path).read_bytes()
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        return self._path(path).is_symlink() or self._path(path).exists()

    def listdir(self, path: str) -> list[str] | None:
        try:
            return sorted(p.name for p in self._path(path).iterdir())
        except OSError:
            return None

    def run(self, command: str) -> str | None:
        return None  # nothing runs on an offline root


def glob(pattern: str, listdir: Callable[[str], list[str] | None]) -> list[str]:
    """Absolute paths matching ``pattern`` (``*``/``?``/``[]`` within a segment; no ``**``), found
    by listing folders: the same on a local root and over SFTP."""
    found = ["/"]
    for segment in pattern.strip("/").split("/"):
        nxt = []
        for folder in found:
            if not any(c in segment for c in "*?["):
                nxt.append(folder.rstrip("/") + "/" + segment)
                continue
            names = listdir(folder) or []
            nxt += [folder.rstrip("/") + "/" + n for n in names if fnmatch.fnmatchcase(n, segment)]
        found = nxt
    return sorted(found)


@dataclass(frozen=True)
class HostAsset:
    asset_type: ClassVar[str] = "host"
    name: str
    source: str  # the root's path, or ssh://user@host:port
    files: HostFiles = field(compare=False, repr=False)
    problem: str = ""
    notes: tuple[str, ...] = ()
    vendor: str | None = None  # remedies for hosts are the baseline's "default" (Linux)
    truncated: bool = False
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def live(self) -> bool:
        return self.files.live

    def lines(self, path: str) -> tuple[str, ...]:
        """The file's lines (empty when it does not exist or cannot be read)."""
        if path not in self._cache:
            data = self.files.read(path)
            text = data.decode("utf-8", errors="replace") if data is not None else ""
            self._cache[path] = tuple(text.splitlines())
        return self._cache[path]

    def exists(self, path: str) -> bool:
        return self.files.exists(path)

    def glob(self, pattern: str) -> list[str]:
        """Paths (as /etc/...) matching a glob, sorted (existing ones only)."""
        return [p for p in glob(pattern, self.files.listdir) if self.files.exists(p)]

    def run(self, command: str) -> str | None:
        """A command's output on a live host; None offline or when it cannot run."""
        return self.files.run(command)

    def grep(self, paths: list[str], pattern: str) -> Iterator[tuple[str, int, str]]:
        """(path, line number, line) of the non-comment lines matching ``pattern`` in ``paths``."""
        regex = re.compile(pattern)
        for path in paths:
            for n, line in enumerate(self.lines(path), 1):
                if line.lstrip().startswith("#"):
                    continue
                if regex.search(line):
                    yield path, n, line.rstrip()


def host_asset(files: HostFiles, source: str, fallback_name: str) -> HostAsset:
    """A host asset named by its /etc/hostname (else ``fallback_name``); a source without /etc is
    an error asset."""
    if not files.exists("/etc"):
        return HostAsset(
            fallback_name, source, files, problem=f"{source} has no etc/ folder: not a filesystem root"
        )
    asset = HostAsset(fallback_name, source, files)
    hostname = next((line.strip() for line in asset.lines("/etc/hostname") if line.strip()), "")
    return HostAsset(hostname or fallback_name, source, files)


def read_host(root: Path) -> HostAsset:
    """A host asset for a filesystem root; its name is the root's /etc/hostname when present."""
    if not root.is_dir():
        return HostAsset(root.name or str(root), str(root), RootFiles(root), problem=f"not a folder: {root}")
    return host_asset(RootFiles(root), str(root), root.name)
