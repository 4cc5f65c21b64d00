"""`govnet` in a subprocess for the PKI tests, over a GOVNET_HOME of their choosing (a module-scoped
CA is shared by several tests, which the function-scoped ``run_govnet`` fixture cannot serve).

Thin wrappers over the suite's runner (tests/govnet_cli.py); a plain module with a unique name.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from govnet_cli import RunGovnet
from govnet_cli import assert_clean_input_error as assert_input_error

PASSPHRASE = "qa passphrase, long enough"

__all__ = ["PASSPHRASE", "assert_input_error", "govnet", "serials"]


def govnet(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return RunGovnet()(*args, env={"GOVNET_HOME": str(home), "GOVNET_PKI_PASSPHRASE": PASSPHRASE})


def serials(home: Path) -> list[str]:
    run = govnet(home, "pki", "list", "--json")
    assert run.returncode == 0, run.stderr
    return [c["serial"] for c in json.loads(run.stdout)]
