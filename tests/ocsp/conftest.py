"""OCSP fixtures: an installation's PKI in a fresh store (tests/tsa's evidence_kit)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pki"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tsa"))

from evidence_kit import pki_service

from govnet.pki.service import PkiService


@pytest.fixture
def pki(isolated_govnet_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[PkiService]:
    yield from pki_service(isolated_govnet_home, monkeypatch, tmp_path)
