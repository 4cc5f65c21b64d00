"""Key custody: the CA keeps no non-repudiation key it did not have to, and hands a generated one
over once, under its holder's passphrase; escrow happens only when asked for, and is recorded."""

from __future__ import annotations

import pytest
from pki_chains import PASSPHRASE
from sqlalchemy import func, select

from govnet.errors import InputError, NotFoundError, SecretError
from govnet.pki import keys
from govnet.pki.ca import FieldError
from govnet.pki.schema import pki_keys
from govnet.pki.service import IssueRequest, KeyInput, PkiService
from govnet.pki.sm2 import SM2PrivateKey
from govnet.settings import Settings
from govnet.store import Store

HOLDER = "the holder's own passphrase"
CODE = "914403001922038216"


@pytest.fixture
def service(store: Store, pki_settings: Settings, cheap_kdf: None) -> PkiService:
    pki = PkiService(store, pki_settings)
    pki.init(name="CN=Root", intermediate=True)
    return pki


def _stored_keys(service: PkiService) -> int:
    with service.store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(pki_keys)).scalar_one())


def _signer(**kwargs: object) -> IssueRequest:
    return IssueRequest(profile="signer", subject="CN=张三", **kwargs)  # type: ignore[arg-type]


def test_a_signers_own_key_is_certified_not_stored(service: PkiService) -> None:
    own = SM2PrivateKey.generate()
    before = _stored_keys(service)
    issued = service.issue(_signer(key=KeyInput(keys.dump_private_key_pem(own, HOLDER), "user.key", HOLDER)))
    assert issued.record.key_id is None and issued.record.key_custody is None
    assert issued.key_file is None and _stored_keys(service) == before
    with pytest.raises(NotFoundError, match="not held here"):
        service.export_private_key(issued.record.serial, HOLDER)


def test_a_generated_signer_key_goes_to_its_holder_once_under_the_holders_passphrase(
    service: PkiService,
) -> None:
    before = _stored_keys(service)
    issued = service.issue(_signer(key_passphrase=HOLDER))
    assert issued.key_file is not None and _stored_keys(service) == before
    key = keys.load_pkcs8_or_sec1_key(issued.key_file, HOLDER)
    assert key == issued.result.private_key
    with pytest.raises(SecretError, match="wrong passphrase"):
        keys.load_pkcs8_or_sec1_key(issued.key_file, PASSPHRASE)  # not the CA's passphrase
    with pytest.raises(NotFoundError):
        service.export_private_key(issued.record.serial, HOLDER)


def test_a_generated_non_repudiation_key_needs_the_holders_own_passphrase(service: PkiService) -> None:
    before = _stored_keys(service)
    with pytest.raises(FieldError) as missing:
        service.issue(_signer())
    assert missing.value.field == "key_passphrase"
    with pytest.raises(FieldError, match="not the CA's"):
        service.issue(
            IssueRequest(
                profile="seal-maker", subject="CN=制章人", organisation="某局", credit_code=CODE,
                key_passphrase=PASSPHRASE,
            )
        )  # fmt: skip
    assert _stored_keys(service) == before
    assert [r.profile for r in service.certificates()] == ["root", "intermediate"]  # nothing issued


def test_escrow_is_explicit_recorded_and_released_only_under_a_holders_passphrase(
    service: PkiService,
) -> None:
    issued = service.issue(_signer(key_passphrase=HOLDER, escrow=True))
    record = service.certificate(issued.record.serial)
    assert record.key_custody == "escrow" and record.to_dict()["key_custody"] == "escrow"
    with pytest.raises(FieldError, match="only under a passphrase for its holder"):
        service.export_private_key(record.serial)
    with pytest.raises(FieldError, match="not the CA's"):
        service.export_private_key(record.serial, PASSPHRASE)
    released = service.export_private_key(record.serial, "a new passphrase for the holder")
    assert (
        keys.load_pkcs8_or_sec1_key(released, "a new passphrase for the holder") == issued.result.private_key
    )


def test_escrow_is_refused_where_it_means_nothing(service: PkiService) -> None:
    own = keys.dump_private_key_pem(SM2PrivateKey.generate(), HOLDER)
    with pytest.raises(FieldError, match="keys the CA generates"):
        service.issue(_signer(key=KeyInput(own, "user.key", HOLDER), escrow=True))
    with pytest.raises(FieldError, match="non-repudiation profiles"):
        service.issue(IssueRequest(profile="device", subject="CN=r1", escrow=True))


def test_device_keys_are_still_held_for_export_under_the_pki_passphrase(service: PkiService) -> None:
    issued = service.issue(IssueRequest(profile="device", subject="CN=r1"))
    assert service.certificate(issued.record.serial).key_custody == "held"
    exported = service.export_private_key(issued.record.serial)
    assert keys.load_pkcs8_or_sec1_key(exported, PASSPHRASE) == issued.result.private_key


def test_a_signer_key_kept_before_custody_was_recorded_is_not_handed_out(service: PkiService) -> None:
    issued = service.issue(_signer(key_passphrase=HOLDER, escrow=True))
    with service.store.begin() as conn:  # what the version-2 migration makes of an old signer key
        conn.execute(pki_keys.update().where(pki_keys.c.id == issued.record.key_id).values(custody="held"))
    with pytest.raises(InputError, match="is not handed out"):
        service.export_private_key(issued.record.serial, HOLDER)


def test_the_cli_asks_for_the_holders_passphrase_by_option_name(ca_home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pki_run import assert_input_error, govnet, serials

    before = serials(ca_home)
    key = tmp_path / "signer.key"
    run = govnet(ca_home, "pki", "issue", "--profile", "signer", "--subject", "CN=x", "--key-out", str(key))
    assert_input_error(run, "give one (--key-out FILE with --key-passphrase env:NAME|file:PATH)")
    assert serials(ca_home) == before and not key.exists()
