"""The backup repository: a real git repository ($GOVNET_HOME/backups), driven through the git CLI.

Layout: ``configs/<device>.cfg`` (the cleaned running configuration) and ``facts/<device>.json``
(what TextFSM parsed). One commit per run that changed something; nothing is committed otherwise.
Git runs with a fixed identity and no user/system configuration, so hooks, signing or a pager set
up on the machine never get in the way.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from govnet.errors import GovnetError, InputError, NotFoundError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_REV = re.compile(r"^[A-Za-z0-9~^._/-]{1,80}$")


@dataclass(frozen=True)
class Revision:
    commit: str
    date: str  # ISO 8601
    subject: str

    def to_dict(self) -> dict[str, str]:
        return {"commit": self.commit, "date": self.date, "subject": self.subject}


def config_path(device: str) -> str:
    return f"configs/{checked_name(device)}.cfg"


def facts_path(device: str) -> str:
    return f"facts/{checked_name(device)}.json"


def checked_name(device: str) -> str:
    if not _NAME.match(device):
        raise InputError(f"device name {device!r}: letters, digits, '.', '_' and '-' only")
    return device


class BackupRepo:
    def __init__(self, root: Path):
        self.root = root

    # -- plumbing --------------------------------------------------------------------------------
    def _git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            # no system config, and a HOME without a .gitconfig: the machine's git settings stay out
            "HOME": str(self.root / ".git"),
            "XDG_CONFIG_HOME": str(self.root / ".git"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "govnet backup",
            "GIT_AUTHOR_EMAIL": "backup@govnet.invalid",
            "GIT_COMMITTER_NAME": "govnet backup",
            "GIT_COMMITTER_EMAIL": "backup@govnet.invalid",
            "LC_ALL": "C",
        }
        try:
            done = subprocess.run(
                ["git", "-C", str(self.root), *args], capture_output=True, text=True, env=env, check=False
            )
        except FileNotFoundError:
            raise GovnetError("git is not installed (Debian package git)") from None
        if check and done.returncode != 0:
            raise GovnetError(f"git {args[0]} in {self.root}: {done.stderr.strip() or done.stdout.strip()}")
        return done

    @classmethod
    def open(cls, root: Path) -> BackupRepo:
        """The repository at ``root``, created (``git init``) on first use."""
        repo = cls(root)
        if not (root / ".git").is_dir():
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            repo._git("init", "-q", "-b", "main")
        return repo

    def has_commits(self) -> bool:
        return self._git("rev-parse", "-q", "--verify", "HEAD", check=False).returncode == 0

    # -- writing ---------------------------------------------------------------------------------
    def discard_uncommitted(self) -> None:
        """Make the working tree the last commit again (files of a run that never committed)."""
        if self.has_commits():
            self._git("reset", "-q", "--hard", "HEAD")
        self._git("clean", "-q", "-f", "-d", "--", "configs", "facts", check=False)

    def current(self, path: str) -> str | None:
        """The working-tree text of ``path`` (what the last run wrote), None if absent."""
        target = self.root / path
        return target.read_text(encoding="utf-8") if target.exists() else None

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)

    def commit(self, paths: list[str], message: str) -> str | None:
        """Stage ``paths`` and commit them; None when git sees nothing changed."""
        if not paths:
            return None
        self._git("add", "--", *paths)
        if self._git("diff", "--cached", "--quiet", check=False).returncode == 0:
            return None
        self._git("commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message)
        return self._git("rev-parse", "HEAD").stdout.strip()

    # -- reading ---------------------------------------------------------------------------------
    def _rev(self, rev: str) -> str:
        if not _REV.match(rev) or rev.startswith("-"):
            raise InputError(f"revision {rev!r}: a commit id, HEAD, HEAD~N or a tag")
        return rev

    def _known(self, device: str) -> str:
        path = config_path(device)
        if not self.has_commits() or not self._git("ls-files", "--error-unmatch", path, check=False).stdout:
            raise NotFoundError(f"no backup of device {device!r} in {self.root}")
        return path

    def log(self, device: str) -> list[Revision]:
        """The commits that changed the device's configuration, newest first."""
        path = self._known(device)
        out = self._git("log", "--format=%H%x09%cI%x09%s", "--", path).stdout
        return [Revision(*line.split("\t", 2)) for line in out.splitlines() if line]

    def show(self, device: str, rev: str = "HEAD") -> str:
        path = self._known(device)
        done = self._git("show", f"{self._rev(rev)}:{path}", check=False)
        if done.returncode != 0:
            raise NotFoundError(f"device {device!r} has no configuration at revision {rev!r}")
        return done.stdout

    def diff(self, device: str, rev: str | None = None) -> str:
        """Unified diff of the device's configuration: ``rev`` against the working state (the last
        backup); without ``rev``, what its latest change changed (its previous version to now)."""
        path = self._known(device)
        if rev is None:
            changes = self.log(device)
            if len(changes) < 2:
                return self._git("show", "--format=", changes[0].commit, "--", path).stdout
            rev = changes[1].commit
        done = self._git("diff", self._rev(rev), "HEAD", "--", path, check=False)
        if done.returncode != 0:
            raise NotFoundError(f"revision {rev!r} not found in {self.root}")
        return done.stdout
