"""The seal service over the store, on SQLite and on PostgreSQL: seals kept with their status,
revocation, expiry derived from validity, and what may no longer sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pki_chains import PASSPHRASE
from postgres import PostgresServer, find_postgres_bin
from seal_kit import CODE, DOCUMENT, PICTURE

from govnet.errors import InputError, NotFoundError
from govnet.pki.seal.model import SealKind
from govnet.pki.seal.service import MakeSealRequest, SealService, VerifyRequest
from govnet.pki.service import IssueRequest, PkiService
from govnet.pki.sm3 import sm3
from govnet.settings import load_settings
from govnet.store import Store
from govnet.verdict import Status


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    if find_postgres_bin() is None:
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql; CI installs them)")
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def service(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    isolated_govnet_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[SealService, dict[str, str]]]:
    from govnet.pki import keystore

    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(keystore, "default_kdf", lambda: keystore.KdfParams.scrypt(n=1 << 10))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database()
    settings = load_settings(home=isolated_govnet_home)
    with Store.open(url) as store:
        pki = PkiService(store, settings)
        pki.init(name="CN=Test Root CA", intermediate=True)
        maker = pki.issue(
            IssueRequest(profile="seal-maker", subject="CN=制章中心", organisation="示例局", credit_code=CODE)
        )
        signer = pki.issue(IssueRequest(profile="signer", subject="CN=王小明"))
        pki.publish_crl()
        pki.publish_crl(ca_serial=pki.authorities()[0].record.serial)
        yield SealService(store, settings), {"maker": maker.record.serial, "signer": signer.record.serial}


def _make(service: SealService, signer: str, **kwargs: object):  # type: ignore[no-untyped-def]
    options: dict[str, object] = {"name": "示例局公章", "picture": PICTURE, "signer_serials": (signer,)}
    options.update(kwargs)
    return service.make(MakeSealRequest(**options))  # type: ignore[arg-type]


def test_seals_are_kept_with_their_status(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    made = _make(seals, serials["signer"], es_id="S1", kind=SealKind.PERSON)
    assert made.status() == "active" and made.maker_serial == serials["maker"]
    assert made.seal.name == "示例局公章" and made.seal.kind == 2
    assert [r.es_id for r in seals.seals()] == ["S1"]
    with pytest.raises(InputError, match="exists already"):
        _make(seals, serials["signer"], es_id="S1")
    with pytest.raises(NotFoundError):
        seals.get("nope")


def test_sign_and_verify_through_the_store(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    _make(seals, serials["signer"], es_id="S2")
    signature = seals.sign("S2", serials["signer"], sm3(DOCUMENT))
    verdict = seals.verify(VerifyRequest(signature, data_hash=sm3(DOCUMENT)))
    assert verdict.status is Status.PASSED, verdict.summary()
    assert seals.verify_seal(seals.get("S2").der).status is Status.PASSED


def test_a_revoked_seal_signs_no_more_and_fails_seal_status(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    _make(seals, serials["signer"], es_id="S3")
    signature = seals.sign("S3", serials["signer"], sm3(DOCUMENT))
    revoked = seals.revoke("S3", "lost")
    assert (revoked.status(), revoked.reason) == ("revoked", "lost")
    with pytest.raises(InputError, match="revoked already"):
        seals.revoke("S3")
    with pytest.raises(InputError, match="revoked: it cannot sign"):
        seals.sign("S3", serials["signer"], sm3(DOCUMENT))
    verdict = seals.verify(VerifyRequest(signature, data_hash=sm3(DOCUMENT)))
    assert [c.name for c in verdict.failures] == ["seal_status"]
    assert [r.es_id for r in seals.seals(status="revoked")] == ["S3"]


def test_an_expired_seal_is_listed_as_expired_and_signs_no_more(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    _make(seals, serials["signer"], es_id="S4", valid_start=start, days=1)
    assert [r.es_id for r in seals.seals(status="expired")] == ["S4"]
    with pytest.raises(InputError, match="expired"):
        seals.sign("S4", serials["signer"], sm3(DOCUMENT))


def test_only_a_seal_makers_certificate_makes_seals(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    with pytest.raises(InputError, match="not a seal maker's"):
        _make(seals, serials["signer"], maker_serial=serials["signer"])
    with pytest.raises(InputError, match="at least one signer"):
        _make(seals, serials["signer"], signer_serials=())
