"""Every part of a seal signature tampered with, one at a time: each is caught by the check that
owns the fact. Also expired, revoked, untrusted and unlisted certificates, and the empty SM2 ID."""

from __future__ import annotations

import datetime as dt

import pytest
from pki_chains import NOW
from seal_kit import CODE, DOCUMENT, PICTURE, Kit, forge_v4

from govnet.errors import InputError
from govnet.pki.seal import reader
from govnet.pki.seal.verify import SealPolicy, verify_signature
from govnet.pki.sm3 import sm3
from govnet.verdict import Status


def _verdict(kit: Kit, sig: bytes, document: bytes = DOCUMENT, **kwargs: object):  # type: ignore[no-untyped-def]
    return verify_signature(sig, data_hash=sm3(document), trust=kit.trust(**kwargs))  # type: ignore[arg-type]


def _status(verdict) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {c.name: c.status for c in verdict.checks}


def _flip(data: bytes, needle: bytes, offset: int = 0) -> bytes:
    """Flip the low bit of one byte inside the first occurrence of ``needle``."""
    at = data.index(needle) + offset
    assert data.count(needle) >= 1
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _failed(verdict) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.name for c in verdict.failures}


@pytest.fixture(scope="module")
def signed(kit: Kit) -> bytes:
    return kit.signature()


def test_a_changed_document_fails_the_document_hash_only(kit: Kit, signed: bytes) -> None:
    verdict = _verdict(kit, signed, DOCUMENT + b" ")
    assert _failed(verdict) == {"document_hash"}


def test_a_changed_seal_name_fails_the_seal_makers_and_the_signers_signatures(
    kit: Kit, signed: bytes
) -> None:
    tampered = _flip(signed, "示例市市场监督管理局公章".encode(), 2)
    assert _failed(_verdict(kit, tampered)) == {"seal_signature", "signer_signature"}


def test_a_changed_picture_fails_both_signatures(kit: Kit, signed: bytes) -> None:
    tampered = _flip(signed, PICTURE[40:60])
    assert _failed(_verdict(kit, tampered)) == {"seal_signature", "signer_signature"}


def test_a_changed_seal_maker_signature_fails_the_seal_signature(kit: Kit, signed: bytes) -> None:
    seal = reader.read_signature(signed).seal
    tampered = _flip(signed, seal.signature[-8:])
    # The seal sits inside TBS_Sign, so the signer's signature breaks too: both are reported.
    assert "seal_signature" in _failed(_verdict(kit, tampered))


def test_a_changed_signer_signature_fails_the_signer_signature_only(kit: Kit, signed: bytes) -> None:
    sig = reader.read_signature(signed)
    tampered = _flip(signed, sig.signature[-8:])
    assert _failed(_verdict(kit, tampered)) == {"signer_signature"}


def test_a_changed_signing_time_fails_the_signer_signature(kit: Kit, signed: bytes) -> None:
    stamp = reader.read_signature(signed).sign_time.strftime("%Y%m%d%H%M%SZ").encode()
    tampered = _flip(signed, b"\x18\x0f" + stamp, 2 + 3)  # a digit of the year
    assert _failed(_verdict(kit, tampered)) >= {"signer_signature"}
    assert "seal_signature" not in _failed(_verdict(kit, tampered))


def test_a_changed_signer_certificate_is_caught_by_listing_and_chain(kit: Kit, signed: bytes) -> None:
    cert = kit.signer.cert.dump()
    position = signed.rindex(cert)  # the outer cert field, after TBS_Sign
    at = position + len(cert) - 5
    tampered = signed[:at] + bytes([signed[at] ^ 1]) + signed[at + 1 :]
    failed = _failed(_verdict(kit, tampered))
    assert {"signer_listed", "chain[signer]"} <= failed
    assert "document_hash" not in failed


def test_a_changed_seal_maker_certificate_fails_its_chain(kit: Kit, signed: bytes) -> None:
    cert = kit.maker.cert.dump()
    tampered = _flip(signed, cert[-6:])  # inside the CA's signature on the maker's certificate
    assert "chain[seal maker]" in _failed(_verdict(kit, tampered))


def test_a_signer_the_seal_does_not_list_fails_signer_listed(kit: Kit) -> None:
    stranger = kit.party()
    _seal, sig = forge_v4(kit, signer=stranger)  # lists the stranger: now swap the listed one
    seal = kit.seal()  # lists kit.signer only
    with pytest.raises(InputError, match="does not list"):
        kit.signature(seal, signer=stranger)
    from govnet.pki.seal import asn1

    # govnet's writer refuses; a forger swaps the seal inside someone else's TBS_Sign and re-signs.
    parsed = asn1.SignatureV4.load(sig)
    tbs = asn1.TbsSignV4.load(parsed["to_sign"].dump())
    tbs["eseal"] = asn1.SealV4.load(seal)
    tbs_der = tbs.dump(force=True)
    forged = asn1.SignatureV4(
        {
            "to_sign": asn1.TbsSignV4.load(tbs_der),
            "cert": parsed["cert"],
            "signature_alg": parsed["signature_alg"],
            "signature": stranger.key.sign(tbs_der),
        }
    ).dump()
    verdict = _verdict(kit, forged)
    assert _failed(verdict) == {"signer_listed"}


def test_an_expired_signer_certificate_fails_chain_and_signing_time(kit: Kit) -> None:
    old = kit.party(not_before=NOW - dt.timedelta(days=30), days=10)
    seal = kit.seal(holders=(old,))
    sig = kit.signature(seal, signer=old, sign_time=NOW)
    failed = _failed(_verdict(kit, sig))
    assert {"chain[signer]", "signing_time"} <= failed
    assert "signer_signature" not in failed


def test_a_revoked_signer_certificate_fails_revocation(kit: Kit) -> None:
    doomed = kit.party()
    sig = kit.signature(kit.seal(holders=(doomed,)), signer=doomed)
    verdict = _verdict(kit, sig, revoked=(doomed,))
    assert _failed(verdict) == {"revocation[signer]"}
    assert "keyCompromise" in _status_reason(verdict, "revocation[signer]")


def _status_reason(verdict, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(c.reason for c in verdict.checks if c.name == name)


def test_an_untrusted_issuer_is_indeterminate_never_a_bad_signature(kit: Kit, signed: bytes) -> None:
    verdict = _verdict(kit, signed, roots=False)
    status = _status(verdict)
    assert verdict.status is Status.INDETERMINATE
    assert (
        status["chain[signer]"] is Status.INDETERMINATE
        and status["chain[seal maker]"] is Status.INDETERMINATE
    )
    assert status["signer_signature"] is Status.PASSED and status["seal_signature"] is Status.PASSED
    assert _status_reason(verdict, "chain[signer]").startswith("untrusted:")


def test_the_empty_sm2_id_is_named_and_accepted_only_when_allowed(kit: Kit) -> None:
    _seal, sig = forge_v4(kit, sm2_id=b"")
    refused = _verdict(kit, sig)
    assert _failed(refused) == {"seal_signature", "signer_signature"}
    assert "EMPTY SM2 ID" in _status_reason(refused, "signer_signature")
    allowed = verify_signature(
        sig, data_hash=sm3(DOCUMENT), trust=kit.trust(), policy=SealPolicy(allow_empty_sm2_id=True)
    )
    assert allowed.status is Status.PASSED
    assert "EMPTY" in _status_reason(allowed, "signer_signature")


def test_a_signing_time_in_the_future_fails(kit: Kit) -> None:
    sig = kit.signature(sign_time=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    assert _failed(_verdict(kit, sig)) == {"signing_time"}


def test_a_signing_time_before_the_seal_was_valid_fails(kit: Kit) -> None:
    sig = kit.signature(sign_time=NOW - dt.timedelta(hours=1))  # seal valid from NOW - 1 min
    assert "signing_time" in _failed(_verdict(kit, sig))


def test_no_document_leaves_the_hash_indeterminate(kit: Kit, signed: bytes) -> None:
    verdict = verify_signature(signed, data_hash=None, trust=kit.trust())
    assert verdict.status is Status.INDETERMINATE
    assert _status(verdict)["document_hash"] is Status.INDETERMINATE


def test_sign_digest_refuses_a_wrong_key_and_a_wrong_hash_length(kit: Kit) -> None:
    from govnet.pki.seal.writer import sign_digest

    seal = kit.seal()
    with pytest.raises(InputError, match="does not belong"):
        sign_digest(seal, kit.maker.key, kit.signer.cert, sm3(DOCUMENT))
    with pytest.raises(InputError, match="32 bytes"):
        sign_digest(seal, kit.signer.key, kit.signer.cert, b"short")


def test_a_certificate_whose_key_may_not_sign_fails_its_chain(kit: Kit) -> None:
    ca = kit.chain.inter  # a CA's key: keyCertSign and cRLSign only
    seal = kit.seal(holders=(ca,))
    sig = kit.signature(seal, signer=ca)
    verdict = _verdict(kit, sig)
    assert _failed(verdict) == {"chain[signer]"}
    assert "does not allow signing" in _status_reason(verdict, "chain[signer]")


def test_an_expired_certificate_under_an_untrusted_root_is_indeterminate_not_failed(kit: Kit) -> None:
    # Signed while the certificate was good, judged after it expired, under a root not trusted here:
    # nothing is wrong with the signature, it only cannot be shown to predate the expiry.
    old = kit.party(not_before=NOW - dt.timedelta(days=30), days=10)
    maker = kit.party(
        "seal-maker",
        "CN=旧制章中心,O=旧市场监督管理局",
        not_before=NOW - dt.timedelta(days=30),
        credit_code=CODE,
    )
    seal = kit.seal(holders=(old,), maker=maker, valid_start=NOW - dt.timedelta(days=30))
    sig = kit.signature(seal, signer=old, sign_time=NOW - dt.timedelta(days=25))
    verdict = _verdict(kit, sig, roots=False)
    status = _status(verdict)
    assert verdict.status is Status.INDETERMINATE, verdict.failures
    assert (
        status["chain[signer]"] is Status.INDETERMINATE
        and status["chain[seal maker]"] is Status.INDETERMINATE
    )
    reason = _status_reason(verdict, "chain[signer]")
    assert reason.startswith("untrusted:")
    assert "expired on" in reason and "no time-stamp proves the signature existed before that" in reason


def test_a_signature_claimed_after_its_certificate_expired_fails_under_an_untrusted_root(kit: Kit) -> None:
    old = kit.party(not_before=NOW - dt.timedelta(days=30), days=10)
    seal = kit.seal(holders=(old,), valid_start=NOW - dt.timedelta(days=30))
    sig = kit.signature(seal, signer=old, sign_time=NOW - dt.timedelta(days=5))
    verdict = _verdict(kit, sig, roots=False)
    assert _failed(verdict) == {"chain[signer]", "signing_time"}
    assert "before the signing time it claims" in _status_reason(verdict, "chain[signer]")
