"""Suite-wide fixtures: every test gets its own GOVNET_HOME and no stray config file."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_govnet_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("govnet-home")
    monkeypatch.setenv("GOVNET_HOME", str(home))
    monkeypatch.delenv("GOVNET_CONFIG", raising=False)
    return home
