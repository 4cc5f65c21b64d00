"""Shared by tests/tsa and tests/ocsp: a PkiService over a fresh SQLite store with a root and an
issuing CA. A plain module with a unique name, so both folders import the one copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pki_chains import PASSPHRASE

from govnet.pki.service import PkiService


def pki_service(home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[PkiService]:
    """A cheap KDF: these tests are about time-stamps and OCSP, not key storage."""
    from govnet.pki import keystore
    from govnet.settings import load_settings
    from govnet.store import Store

    monkeypatch.setattr(keystore, "default_kdf", lambda: keystore.KdfParams.scrypt(n=1 << 10))
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("GOVNET_PKI__CRL_BASE_URL", "http://pki.gov.example:8443/crl/")
    settings = load_settings(home=home)
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        service = PkiService(store, settings)
        service.init(name="CN=QA Root CA", intermediate=True)
        yield service


POLICY = "1.2.156.112233.1.1"  # a TSA policy for the in-memory authorities
