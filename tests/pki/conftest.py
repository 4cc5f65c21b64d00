"""PKI fixtures: a store on SQLite and on a throwaway PostgreSQL, and PKI settings with a passphrase."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pki_chains import PASSPHRASE, ChainFactory

from govnet.settings import Settings, load_settings
from govnet.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as s:
        yield s


@pytest.fixture
def pki_settings(isolated_govnet_home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
    return load_settings(home=isolated_govnet_home)


@pytest.fixture(scope="session")
def chain() -> ChainFactory:
    return ChainFactory()


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Encrypt keys with a cheap scrypt: for tests of the CA's logic that encrypt and decrypt keys dozens of
    times. The production KDF is covered by the keystore's own tests and by the CLI tests."""
    from govnet.pki import keystore

    monkeypatch.setattr(keystore, "default_kdf", lambda: keystore.KdfParams.scrypt(n=1 << 10))


@pytest.fixture(scope="module")
def ca_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A GOVNET_HOME with a root and an issuing CA made by `govnet pki init` (one per test module)."""
    from pki_run import govnet

    home = tmp_path_factory.mktemp("pki-home")
    run = govnet(home, "pki", "init", "--name", "CN=QA Root", "--intermediate")
    assert run.returncode == 0, run.stderr
    return home
