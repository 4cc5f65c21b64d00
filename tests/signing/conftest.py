"""Signing-service fixtures: the world (signing_kit) on SQLite and on a throwaway PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from signing_kit import PASSPHRASE, World, build_world

from govnet.settings import load_settings
from govnet.store import Store


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap key encryption and PIN hashing: the tests are about the service, not the KDFs' cost."""
    from govnet.pki import keystore

    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(keystore, "default_kdf", lambda: keystore.KdfParams.scrypt(n=1 << 10))
    monkeypatch.setenv("GOVNET_SERVICE__PIN_MEMORY_KIB", "1024")
    monkeypatch.setenv("GOVNET_SERVICE__PIN_TIME_COST", "1")


@pytest.fixture
def world(store_url: str, fast_kdf: None, isolated_govnet_home: Path) -> Iterator[World]:
    settings = load_settings(home=isolated_govnet_home)
    with Store.open(store_url) as store:
        yield build_world(store, settings)


@pytest.fixture
def sqlite_world(tmp_path: Path, fast_kdf: None, isolated_govnet_home: Path) -> Iterator[World]:
    settings = load_settings(home=isolated_govnet_home)
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        yield build_world(store, settings)
