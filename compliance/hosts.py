"""Linux servers judged offline from a filesystem root (a mounted image, a fixture tree, a copy of
/etc), as OpenSCAP and Lynis can: ``HostAsset`` reads files relative to its root and quotes their
lines as evidence. Nothing here raises for a missing or unreadable file: a check sees no lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class HostAsset:
    asset_type: ClassVar[str] = "host"
    name: str
    root: Path
    problem: str = ""
    notes: tuple[str, ...] = ()
    vendor: str | None = None  # remedies for hosts are the baseline's "default" (Linux)
    truncated: bool = False
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def source(self) -> str:
        return str(self.root)

    def lines(self, relative: str) -> tuple[str, ...]:
        """The file's lines (empty when it does not exist or cannot be read)."""
        if relative not in self._cache:
            try:
                text = (self.root / relative.lstrip("/")).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            self._cache[relative] = tuple(text.splitlines())
        return self._cache[relative]

    def exists(self, relative: str) -> bool:
        return (self.root / relative.lstrip("/")).exists()

    def glob(self, pattern: str) -> list[str]:
        """Paths (as /etc/...) matching a glob under the root, sorted."""
        return sorted("/" + str(p.relative_to(self.root)) for p in self.root.glob(pattern.lstrip("/")))

    def grep(self, paths: list[str], pattern: str) -> Iterator[tuple[str, int, str]]:
        """(path, line number, line) of the non-comment lines matching ``pattern`` in ``paths``."""
        regex = re.compile(pattern)
        for path in paths:
            for n, line in enumerate(self.lines(path), 1):
                if line.lstrip().startswith("#"):
                    continue
                if regex.search(line):
                    yield path, n, line.rstrip()


def read_host(root: Path) -> HostAsset:
    """A host asset for a filesystem root; its name is the root's /etc/hostname when present."""
    if not root.is_dir():
        return HostAsset(root.name or str(root), root, problem=f"not a folder: {root}")
    if not (root / "etc").is_dir():
        return HostAsset(root.name, root, problem=f"{root} has no etc/ folder: not a filesystem root")
    asset = HostAsset(root.name, root)
    hostname = next((line.strip() for line in asset.lines("/etc/hostname") if line.strip()), "")
    return HostAsset(hostname or root.name, root)
