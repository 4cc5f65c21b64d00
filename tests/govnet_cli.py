"""Running the real `govnet` command in a subprocess, as a user's shell would (see the
``run_govnet`` fixture in conftest.py; a uniquely named module, importable for type hints)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping

import pytest

GOVNET = [sys.executable, "-m", "govnet.cli"]


class RunGovnet:
    """``run_govnet("inventory", "validate", path)`` → the finished process (returncode, stdout,
    stderr as text). It runs with the test's environment (its own GOVNET_HOME), wide lines
    (COLUMNS=250) and no GOVNET_DEBUG, so errors look as a user sees them. ``env`` adds or, with
    None, removes variables; ``check`` fails the test on a non-zero exit."""

    def __call__(
        self,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        check: bool = False,
        input: str | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "COLUMNS": "250"}
        environment.pop("GOVNET_DEBUG", None)
        for name, value in (env or {}).items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        done = subprocess.run(
            [*GOVNET, *args], capture_output=True, text=True, input=input, timeout=timeout, env=environment
        )
        if check and done.returncode != 0:
            raise AssertionError(f"govnet {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done


def assert_clean_input_error(run: subprocess.CompletedProcess[str], *expected: str) -> None:
    """Exit 2 with each of ``expected`` on stderr, and no traceback or internal error."""
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    for text in expected:
        assert text in run.stderr, run.stderr


InProcessRun = Callable[..., tuple[int, str, str]]


def in_process_runner(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcessRun:
    """The CLI run inside the test's process (fast, monkeypatches apply): ``run(*args)`` returns
    (exit code, stdout, stderr) with wide lines, as ``RunGovnet`` does for a subprocess."""
    from govnet.cli import main

    monkeypatch.setenv("COLUMNS", "250")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["govnet", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run
