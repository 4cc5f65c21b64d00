"""Running `govnet` as a user does, in a subprocess (one process per command, real exit codes).

A plain module with a unique name (not conftest.py), like pki_chains.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

GOVNET = [sys.executable, "-m", "govnet.cli"]
PASSPHRASE = "qa passphrase, long enough"


def govnet(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250", "GOVNET_HOME": str(home), "GOVNET_PKI_PASSPHRASE": PASSPHRASE}
    env.pop("GOVNET_DEBUG", None)
    return subprocess.run([*GOVNET, *args], capture_output=True, text=True, timeout=120, env=env)


def assert_input_error(run: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    for text in expected:
        assert text in run.stderr, run.stderr


def serials(home: Path) -> list[str]:
    run = govnet(home, "pki", "list", "--json")
    assert run.returncode == 0, run.stderr
    return [c["serial"] for c in json.loads(run.stdout)]
