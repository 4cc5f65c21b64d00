"""A throwaway PostgreSQL server on 127.0.0.1 for tests (imported by conftest files of any area).

    server = PostgresServer.start()      # initdb into a temp dir, pg_ctl start on a free port
    url = server.create_database()       # a fresh, empty database for one test
    server.stop()                        # stops the server and removes its directory

initdb and postgres refuse to run as root, so as root they run as the ``postgres`` system user
(the Debian package creates it). The server listens on loopback only, with its unix socket inside
its own directory. ``find_postgres_bin()`` returns None when the binaries are absent, so a fixture
can skip with a reason; CI installs them (debian-packages.txt).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg


def find_postgres_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb, else initdb on PATH."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    directory: Path
    port: int
    bindir: Path
    run_as: str | None
    _counter = itertools.count(1)

    @classmethod
    def start(cls, bindir: Path | None = None) -> PostgresServer:
        bindir = bindir or find_postgres_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
        run_as = "postgres" if os.geteuid() == 0 else None
        directory = Path(tempfile.mkdtemp(prefix="govnet-pg-"))
        if run_as:
            entry = pwd.getpwnam(run_as)
            os.chown(directory, entry.pw_uid, entry.pw_gid)
        data = directory / "data"
        cls._run(
            run_as,
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "govnet",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )
        last_error = ""
        for _attempt in range(5):  # a free port can be taken between the probe and the bind
            port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off"
            done = cls._run(
                run_as,
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(directory / "log"),
                    "-o",
                    options,
                    "-w",
                    "start",
                ],
                check=False,
            )
            if done.returncode == 0:
                return cls(directory, port, bindir, run_as)
            last_error = (directory / "log").read_text(errors="replace")[-2000:]
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {last_error}")

    @staticmethod
    def _run(run_as: str | None, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        if run_as:
            argv = ["runuser", "-u", run_as, "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd="/")
        if check and done.returncode != 0:
            raise RuntimeError(f"{argv[-1]} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://govnet@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"test_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=govnet dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self._run(
            self.run_as,
            [str(self.bindir / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"],
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def server_or_skip() -> Iterator[PostgresServer]:
    """Body of a session fixture: a running server for the tests, stopped after them; the tests are
    skipped (with the reason) where PostgreSQL is not installed."""
    import pytest

    if find_postgres_bin() is None:
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql; CI installs them)")
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()
