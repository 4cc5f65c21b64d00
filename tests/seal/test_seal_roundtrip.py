"""Seals and signatures made, read back and verified: v4 as govnet writes it, v4 as other vendors
write it (each quirk accepted on purpose and named), and GM/T 0031 v1 made here to prove the reader."""

from __future__ import annotations

import datetime as dt

import pytest
from seal_kit import DOCUMENT, PICTURE, Kit, forge_v1, forge_v4

from govnet.errors import InputError
from govnet.pki.seal import reader
from govnet.pki.seal.model import Extension
from govnet.pki.seal.verify import SealPolicy, verify_seal, verify_signature
from govnet.pki.sm3 import sm3
from govnet.verdict import Status


def _names(verdict) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {c.name: c.status for c in verdict.checks}


def test_v4_seal_reads_back_what_was_made(kit: Kit) -> None:
    extension = Extension("1.2.156.999.1", False, b"\x01\x02")
    seal = reader.read_seal(kit.seal(extensions=(extension,)), "seal")
    assert (seal.version, seal.header_id, seal.header_version, seal.vendor_id) == (4, "ES", 4, "govnet")
    assert seal.name == "示例市市场监督管理局公章" and seal.es_id == "44030000000001"
    assert seal.picture.data == PICTURE and seal.picture.detected_type == "png"
    assert (seal.picture.width_mm, seal.picture.height_mm) == (42, 42)
    assert seal.cert_list[0].certificate.dump() == kit.signer.cert.dump()  # type: ignore[union-attr]
    assert seal.extensions == (extension,)
    assert seal.quirks == ()


def test_v4_signature_verifies_with_every_check_passed(kit: Kit) -> None:
    verdict = verify_signature(kit.signature(), data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert verdict.status is Status.PASSED, verdict.summary()
    assert set(_names(verdict)) == {
        "structure",
        "seal_signature",
        "seal_validity",
        "signer_listed",
        "signer_signature",
        "document_hash",
        "chain[seal maker]",
        "revocation[seal maker]",
        "chain[signer]",
        "revocation[signer]",
        "signing_time",
    }


def test_a_seal_listing_certificate_digests_lets_the_holder_sign(kit: Kit) -> None:
    seal = kit.seal(as_digests=True)
    assert reader.read_seal(seal).cert_list_type == 2
    verdict = verify_signature(kit.signature(seal), data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert verdict.status is Status.PASSED, verdict.summary()


def test_signature_extensions_and_property_info_round_trip(kit: Kit) -> None:
    ext = Extension("1.2.3.4", True, b"x")
    sig = reader.read_signature(
        kit.signature(property_info="/Doc_0/Signs/Sign_0/Signature.xml", extensions=[ext])
    )
    assert sig.property_info == "/Doc_0/Signs/Sign_0/Signature.xml"
    assert sig.extensions == (ext,)


def test_seal_alone_verifies(kit: Kit) -> None:
    verdict = verify_seal(kit.seal(), trust=kit.trust())
    assert verdict.status is Status.PASSED, verdict.summary()


@pytest.mark.parametrize("vendor", ["GOMAIN", "koal", "HebeiGede", "ofdrw"])
def test_other_vendors_v4_signatures_verify(kit: Kit, vendor: str) -> None:
    _seal, sig = forge_v4(kit, vendor=vendor)
    verdict = verify_signature(sig, data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert verdict.status is Status.PASSED, verdict.summary()
    assert f"vendor '{vendor}'" in verdict.checks[0].reason


@pytest.mark.parametrize(
    ("options", "quirk"),
    [
        ({"raw": True}, "raw-signature"),
        ({"time": "utc"}, "utc-time"),
        ({"alg": "null"}, "algorithm-identifier"),
        ({"alg": "absent"}, "algorithm-identifier"),
        ({"alg": "sm2"}, "sm2-oid"),
        ({"cert": "bare"}, "bare-certificate"),
        ({"cert": "base64"}, "text-certificate"),
        ({"hash_field": "octets"}, "octet-hash"),
    ],
)
def test_field_quirks_are_accepted_and_named(kit: Kit, options: dict[str, object], quirk: str) -> None:
    _seal, sig = forge_v4(kit, **options)  # type: ignore[arg-type]
    verdict = verify_signature(sig, data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert verdict.status is Status.PASSED, verdict.summary()
    assert _names(verdict)[f"quirk[{quirk}]"] is Status.PASSED


def test_trailing_zero_padding_is_accepted_and_named(kit: Kit) -> None:
    verdict = verify_signature(kit.signature() + b"\x00" * 16, data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert verdict.status is Status.PASSED
    assert "quirk[trailing-zeros]" in _names(verdict)


def test_trailing_bytes_are_refused_as_a_structure_failure(kit: Kit) -> None:
    verdict = verify_signature(kit.signature() + b"PAYLOAD", data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert _names(verdict) == {"structure": Status.FAILED}
    assert "trailing-bytes" in verdict.checks[0].reason


def test_base64_text_of_a_seal_is_read(kit: Kit) -> None:
    import base64

    seal = reader.read_seal(base64.encodebytes(kit.seal()), "seal.txt")
    assert [q.name for q in seal.quirks] == ["base64-file"]


def test_v1_seal_and_signature_read_and_verify(kit: Kit) -> None:
    seal_der, sig_der = forge_v1(kit)
    seal = reader.read_seal(seal_der)
    assert (seal.version, seal.vendor_id, seal.kind, seal.name) == (1, "HebeiGede", 2, "王小明个人章")
    verdict = verify_signature(sig_der, data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert verdict.status is Status.PASSED, verdict.summary()
    assert "GM/T 0031-2014" in verdict.checks[0].reason
    assert verify_seal(seal_der, trust=kit.trust()).status is Status.PASSED


def test_v1_local_text_time_is_read_as_china_standard_time(kit: Kit) -> None:
    _seal, sig_der = forge_v1(kit, time_info=b"2026-04-21 10:16:00")
    sig = reader.read_signature(sig_der)
    assert sig.sign_time == dt.datetime(2026, 4, 21, 2, 16, tzinfo=dt.UTC)
    assert [q.name for q in sig.quirks] == ["local-time"]


def test_v1_generalized_time_and_raw_signatures_are_named(kit: Kit) -> None:
    _seal, sig_der = forge_v1(kit, time="generalized", raw=True)
    names = {q.name for q in reader.read_signature(sig_der).quirks}
    assert {"generalized-time", "raw-signature"} <= names


def test_v1_seal_maker_signature_covers_the_certificate_too(kit: Kit) -> None:
    """GM/T 0031 signs SEQUENCE(sealInfo, cert, algorithm): swapping in another maker certificate
    with the same key would pass a v4-style check over sealInfo alone, but not this one."""
    seal_der, _sig = forge_v1(kit)
    seal = reader.read_seal(seal_der)
    assert seal.signed_bytes.startswith(b"\x30") and kit.maker.cert.dump() in seal.signed_bytes


def test_seals_and_signatures_are_told_apart(kit: Kit) -> None:
    with pytest.raises(InputError, match="seal signature"):
        reader.read_seal(kit.signature())
    with pytest.raises(InputError, match="not a seal signature"):
        reader.read_signature(kit.seal())
    assert reader.detect(kit.seal(), "x") == ("seal", 4)
    assert reader.detect(forge_v1(kit)[1], "x") == ("signature", 1)


def test_verify_policy_time_judges_the_seal_validity(kit: Kit) -> None:
    # Judged 400 days on, the seal has expired since the signature was made: without a time-stamp
    # that is not proven to be before the expiry (INDETERMINATE), and no reason to call it forged.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    verdict = verify_signature(
        kit.signature(), data_hash=sm3(DOCUMENT), trust=kit.trust(), policy=SealPolicy(at=later)
    )
    assert _names(verdict)["seal_validity"] is Status.INDETERMINATE
    assert verdict.status is Status.INDETERMINATE
    before = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)  # before the seal's validity: FAILED
    verdict = verify_signature(
        kit.signature(), data_hash=sm3(DOCUMENT), trust=kit.trust(), policy=SealPolicy(at=before)
    )
    assert _names(verdict)["seal_validity"] is Status.FAILED
