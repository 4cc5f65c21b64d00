"""CMS fixtures: a root → intermediate → signer chain built in memory (tests/pki's ChainFactory)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pki"))

from pki_chains import ChainFactory, Party


@pytest.fixture(scope="module")
def chain() -> ChainFactory:
    return ChainFactory()


@pytest.fixture(scope="module")
def signer(chain: ChainFactory) -> Party:
    return chain.make("signer", "CN=张三", chain.inter)
