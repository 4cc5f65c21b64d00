"""OFD fixtures: the seal tests' kit (a chain, a seal maker, a signer, a seal), trust, a sample OFD."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Reuse the PKI tests' chain builder and the seal tests' kit, not copies of them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pki"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "seal"))

from pki_chains import Party
from seal_kit import Kit

from govnet.pki.ofd import VerifyOptions, build_sample_ofd
from govnet.pki.seal.verify import Trust

PAGES = [["某市政务服务数据管理局", "营业执照 电子证照 2026-0001"], ["第二页 page two"]]


@pytest.fixture(scope="session")
def kit() -> Kit:
    return Kit.create()


@pytest.fixture(scope="session")
def signer(kit: Kit) -> Party:
    return kit.signer


@pytest.fixture(scope="session")
def seal(kit: Kit) -> bytes:
    return kit.seal()


@pytest.fixture(scope="session")
def trust(kit: Kit) -> Trust:
    return kit.trust()


@pytest.fixture(scope="session")
def options(trust: Trust) -> VerifyOptions:
    return VerifyOptions(trust=trust)


@pytest.fixture(scope="session")
def sample_ofd() -> bytes:
    return build_sample_ofd(PAGES)


@pytest.fixture
def sample_path(tmp_path: Path, sample_ofd: bytes) -> Path:
    path = tmp_path / "sample.ofd"
    path.write_bytes(sample_ofd)
    return path
