"""TSA fixtures: a root → issuing CA → TSA chain in memory (tests/pki's ChainFactory), and its CRLs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pki"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from evidence_kit import POLICY, pki_service
from pki_chains import ChainFactory, Party

from govnet.pki.cms import CmsTrust
from govnet.pki.service import PkiService
from govnet.pki.tsa import TimeStampAuthority


@pytest.fixture(scope="module")
def chain() -> ChainFactory:
    return ChainFactory()


@pytest.fixture(scope="module")
def tsa_party(chain: ChainFactory) -> Party:
    return chain.make("tsa", "CN=某市时间戳服务", chain.inter)


@pytest.fixture(scope="module")
def tsa(chain: ChainFactory, tsa_party: Party) -> TimeStampAuthority:
    return TimeStampAuthority(tsa_party.key, tsa_party.cert, (chain.inter.cert, chain.root.cert), POLICY)


@pytest.fixture(scope="module")
def trust(chain: ChainFactory) -> CmsTrust:
    return CmsTrust(roots=[chain.root.cert], crls=[chain.crl(chain.root), chain.crl(chain.inter)])


@pytest.fixture
def pki(isolated_govnet_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[PkiService]:
    yield from pki_service(isolated_govnet_home, monkeypatch, tmp_path)
