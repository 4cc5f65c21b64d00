"""Suite-wide fixtures: every test gets its own GOVNET_HOME and no stray config file, and one way
to run the `govnet` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from govnet_cli import RunGovnet


@pytest.fixture(autouse=True)
def isolated_govnet_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("govnet-home")
    monkeypatch.setenv("GOVNET_HOME", str(home))
    monkeypatch.delenv("GOVNET_CONFIG", raising=False)
    return home


@pytest.fixture
def run_govnet(isolated_govnet_home: Path) -> RunGovnet:
    """The `govnet` CLI in a subprocess with this test's GOVNET_HOME (see govnet_cli.RunGovnet)."""
    return RunGovnet()
