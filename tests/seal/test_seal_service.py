"""The seal service over the store, on SQLite and on PostgreSQL: seals kept with their status,
revocation, expiry derived from validity, what may no longer sign, and where signing keys come from
(the holder's key file, or a key escrowed on request -- never a key the CA was not asked to keep)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pki_chains import PASSPHRASE
from seal_kit import CODE, DOCUMENT, PICTURE

from govnet.errors import InputError, NotFoundError
from govnet.pki.keysource import ESCROWED, KeyInput, KeyNotAvailable
from govnet.pki.seal.model import SealKind
from govnet.pki.seal.service import MakeSealRequest, SealService, VerifyRequest
from govnet.pki.service import IssueRequest, PkiService
from govnet.pki.sm3 import sm3
from govnet.settings import load_settings
from govnet.store import Store
from govnet.verdict import Status


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
        url = request.getfixturevalue("postgres_server").create_database()
    settings = load_settings(home=isolated_govnet_home)
    with Store.open(url) as store:
        pki = PkiService(store, settings)
        pki.init(name="CN=Test Root CA", intermediate=True)
        # The seal maker keeps its own key (handed over once); the signer's is escrowed on request.
        maker = pki.issue(
            IssueRequest(
                profile="seal-maker", subject="CN=制章中心", organisation="示例局", credit_code=CODE,
                key_passphrase=HOLDER,
            )
        )  # fmt: skip
        signer = pki.issue(
            IssueRequest(profile="signer", subject="CN=王小明", key_passphrase=HOLDER, escrow=True)
        )
        pki.publish_crl()
        pki.publish_crl(ca_serial=pki.authorities()[0].record.serial)
        MAKER_KEYS[maker.record.serial] = KeyInput(maker.key_file or b"", "maker.key", HOLDER)
        yield SealService(store, settings), {"maker": maker.record.serial, "signer": signer.record.serial}


HOLDER = "the seal maker's own passphrase"
MAKER_KEYS: dict[str, KeyInput] = {}


def _make(service: SealService, signer: str, **kwargs: object):  # type: ignore[no-untyped-def]
    options: dict[str, object] = {"name": "示例局公章", "picture": PICTURE, "signer_serials": (signer,)}
    options.update(kwargs)
    maker = next(r.serial for r in service.pki.certificates(profile="seal-maker"))
    return service.make(MakeSealRequest(**options), MAKER_KEYS[maker])  # type: ignore[arg-type]


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
    signature = seals.sign("S2", serials["signer"], sm3(DOCUMENT), key=ESCROWED)
    verdict = seals.verify(VerifyRequest(signature, data_hash=sm3(DOCUMENT)))
    assert verdict.status is Status.PASSED, verdict.summary()
    assert seals.verify_seal(seals.get("S2").der).status is Status.PASSED


def test_a_revoked_seal_signs_no_more_and_fails_seal_status(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    _make(seals, serials["signer"], es_id="S3")
    signature = seals.sign("S3", serials["signer"], sm3(DOCUMENT), key=ESCROWED)
    revoked = seals.revoke("S3", "lost")
    assert (revoked.status(), revoked.reason) == ("revoked", "lost")
    with pytest.raises(InputError, match="revoked already"):
        seals.revoke("S3")
    with pytest.raises(InputError, match="revoked: it cannot sign"):
        seals.sign("S3", serials["signer"], sm3(DOCUMENT), key=ESCROWED)
    verdict = seals.verify(VerifyRequest(signature, data_hash=sm3(DOCUMENT)))
    assert [c.name for c in verdict.failures] == ["seal_status"]
    assert [r.es_id for r in seals.seals(status="revoked")] == ["S3"]


def test_an_expired_seal_is_listed_as_expired_and_signs_no_more(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    _make(seals, serials["signer"], es_id="S4", valid_start=start, days=1)
    assert [r.es_id for r in seals.seals(status="expired")] == ["S4"]
    with pytest.raises(InputError, match="expired"):
        seals.sign("S4", serials["signer"], sm3(DOCUMENT), key=ESCROWED)


def test_only_a_seal_makers_certificate_makes_seals(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    with pytest.raises(InputError, match="not a seal maker's"):
        _make(seals, serials["signer"], maker_serial=serials["signer"])
    with pytest.raises(InputError, match="at least one signer"):
        _make(seals, serials["signer"], signer_serials=())


def test_a_seal_makers_key_not_escrowed_is_not_in_the_store(service) -> None:  # type: ignore[no-untyped-def]
    seals, serials = service
    request = MakeSealRequest(name="示例局公章", picture=PICTURE, signer_serials=(serials["signer"],))
    named = MakeSealRequest(**{**request.__dict__, "maker_serial": serials["maker"]})
    with pytest.raises(KeyNotAvailable, match=r"issued without key escrow.*key file its holder has"):
        seals.make(named, ESCROWED)
    with pytest.raises(
        InputError, match="0 valid seal-maker certificates whose key the store keeps in escrow"
    ):
        seals.make(request, ESCROWED)
    # The maker's own key file picks its certificate, with no serial named.
    made = seals.make(request, MAKER_KEYS[serials["maker"]])
    assert made.maker_serial == serials["maker"]


def test_a_key_file_must_be_the_certificates_own_key(service) -> None:  # type: ignore[no-untyped-def]
    from govnet.pki import keys, keystore
    from govnet.pki.keys import KeyDecryptionError
    from govnet.pki.sm2 import SM2PrivateKey

    seals, serials = service
    _make(seals, serials["signer"], es_id="S5")
    stranger = SM2PrivateKey.generate()
    for data in (keys.dump_private_key_pem(stranger), keystore.encrypt_private_key(stranger, HOLDER)):
        with pytest.raises(InputError, match=f"not the private key of certificate {serials['signer']}"):
            seals.sign("S5", serials["signer"], sm3(DOCUMENT), key=KeyInput(data, "other.key", HOLDER))
    with pytest.raises(KeyDecryptionError, match=r"maker\.key: .*wrong passphrase"):
        bad = KeyInput(MAKER_KEYS[serials["maker"]].data, "maker.key", "not the passphrase")
        _make_with(seals, serials, bad)
    # The signer's escrowed key, exported under the holder's passphrase, signs as a key file too.
    exported = seals.pki.export_private_key(serials["signer"], HOLDER)
    signature = seals.sign(
        "S5", serials["signer"], sm3(DOCUMENT), key=KeyInput(exported, "signer.key", HOLDER)
    )
    assert seals.verify(VerifyRequest(signature, data_hash=sm3(DOCUMENT))).status is Status.PASSED


def _make_with(seals: SealService, serials: dict[str, str], key: KeyInput) -> None:
    seals.make(MakeSealRequest(name="x", picture=PICTURE, signer_serials=(serials["signer"],)), key)
