"""Seal fixtures: a certificate chain with a seal maker and a signer, and the trust that anchors it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The PKI tests' chain builder (tests/pki/pki_chains.py) is reused, not copied.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "pki"))

from seal_kit import Kit


@pytest.fixture(scope="session")
def kit() -> Kit:
    return Kit.create()
