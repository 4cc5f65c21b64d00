"""GM/T 0010 SignedData made and verified by govnet: every shape round-trips, every tamper is named."""

from __future__ import annotations

import datetime as dt

import pytest
from asn1crypto import core
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govnet.pki.cms import CmsTrust, Style, parse_signed_data, sign_data, verify_signed_data
from govnet.pki.cms import asn1 as cms_asn1
from govnet.pki.sm2 import SM2PrivateKey
from govnet.verdict import Status

CONTENT = "某市政务服务数据管理局 · 证照 2026-0001".encode()


def _trust(chain, revoked=()) -> CmsTrust:
    return CmsTrust(
        roots=(chain.root.cert,),
        intermediates=(chain.inter.cert,),
        crls=(chain.crl(chain.root), chain.crl(chain.inter, revoked)),
    )


def _failed(verdict) -> list[str]:
    return [c.name for c in verdict.failures]


@pytest.mark.parametrize("style", list(Style))
@pytest.mark.parametrize("detached", [False, True])
@pytest.mark.parametrize("attributes", [True, False])
def test_every_shape_round_trips_to_passed(chain, signer, style, detached, attributes):
    der = sign_data(
        CONTENT, signer.key, signer.cert, detached=detached, style=style, signed_attributes=attributes
    )
    verdict = verify_signed_data(der, content=CONTENT if detached else None, trust=_trust(chain))
    assert verdict.status is Status.PASSED, verdict.summary()
    names = {c.name for c in verdict.checks}
    assert {"structure", "content", "signer_certificate", "digest", "signature"} <= names
    assert any(n.startswith("chain:revocation") for n in names)


def test_content_types_follow_the_style(signer):
    gm = parse_signed_data(sign_data(CONTENT, signer.key, signer.cert, style=Style.GM))
    pkcs7 = parse_signed_data(sign_data(CONTENT, signer.key, signer.cert, style=Style.PKCS7))
    assert (gm.style, gm.content_type) == (Style.GM, cms_asn1.GM_DATA)
    assert (pkcs7.style, pkcs7.content_type) == (Style.PKCS7, cms_asn1.PKCS7_DATA)
    assert gm.signers[0].signature_algorithm == cms_asn1.SM2_SIGN
    assert gm.signers[0].serial == signer.cert.serial_number
    assert gm.content == CONTENT


def test_changed_content_fails_the_digest_check(chain, signer):
    der = sign_data(CONTENT, signer.key, signer.cert, detached=True)
    verdict = verify_signed_data(der, content=CONTENT + b" ", trust=_trust(chain))
    assert _failed(verdict) == ["digest"]


def test_changed_content_without_attributes_fails_the_signature_check(chain, signer):
    der = sign_data(CONTENT, signer.key, signer.cert, detached=True, signed_attributes=False)
    verdict = verify_signed_data(der, content=CONTENT + b" ", trust=_trust(chain))
    assert _failed(verdict) == ["signature"]


def test_a_flipped_signature_bit_fails_the_signature_check(chain, signer):
    der = bytearray(sign_data(CONTENT, signer.key, signer.cert))
    parsed = parse_signed_data(bytes(der))
    at = bytes(der).index(parsed.signers[0].signature)
    der[at + 20] ^= 0x01
    assert _failed(verify_signed_data(bytes(der), trust=_trust(chain))) == ["signature"]


def test_detached_without_content_is_a_named_failure(chain, signer):
    der = sign_data(CONTENT, signer.key, signer.cert, detached=True)
    verdict = verify_signed_data(der, trust=_trust(chain))
    assert "content" in _failed(verdict)


def test_attached_content_differing_from_the_given_one_is_caught(chain, signer):
    der = sign_data(CONTENT, signer.key, signer.cert)
    assert "content" in _failed(verify_signed_data(der, content=b"other", trust=_trust(chain)))


def test_untrusted_issuer_is_a_chain_failure_not_a_bad_signature(chain, signer):
    verdict = verify_signed_data(sign_data(CONTENT, signer.key, signer.cert), trust=CmsTrust())
    assert _failed(verdict) == []
    assert verdict.status is Status.INDETERMINATE
    chain = next(c for c in verdict.checks if c.name == "chain:chain")
    assert chain.reason.startswith("untrusted:")


def test_revoked_signer_fails_revocation(chain, signer):
    verdict = verify_signed_data(sign_data(CONTENT, signer.key, signer.cert), trust=_trust(chain, (signer,)))
    assert any(n.startswith("chain:revocation[leaf") for n in _failed(verdict))


def test_empty_sm2_id_is_refused_unless_allowed(chain, signer):
    der = sign_data(CONTENT, signer.key, signer.cert, sm2_id=b"")
    refused = verify_signed_data(der, trust=_trust(chain))
    assert _failed(refused) == ["signature"]
    allowed = verify_signed_data(der, trust=_trust(chain), allow_empty_sm2_id=True)
    assert allowed.status is Status.PASSED
    assert next(c for c in allowed.checks if c.name == "signature").evidence["sm2_id"] == "empty"


def test_signing_time_outside_the_certificate_validity_is_caught(chain, signer):
    long_ago = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
    verdict = verify_signed_data(
        sign_data(CONTENT, signer.key, signer.cert, signing_time=long_ago), trust=_trust(chain)
    )
    assert _failed(verdict) == ["signing_time"]


def test_signer_missing_from_the_message_is_named(chain, signer):
    der = sign_data(CONTENT, signer.key, signer.cert)
    parsed = cms_asn1.ContentInfo.load(der)["content"].parse(cms_asn1.SignedData)
    stripped = cms_asn1.SignedData(
        {
            "version": parsed["version"],
            "digest_algorithms": parsed["digest_algorithms"],
            "content_info": parsed["content_info"],
            "signer_infos": parsed["signer_infos"],
        }
    ).dump()
    outer = core.ObjectIdentifier(cms_asn1.GM_SIGNED_DATA).dump() + b"\xa0" + _len(stripped) + stripped
    verdict = verify_signed_data(b"\x30" + _len(outer) + outer, trust=_trust(chain))
    assert _failed(verdict) == ["signer_certificate"]


def _len(body: bytes) -> bytes:
    n = len(body)
    return bytes([n]) if n < 128 else bytes([0x82]) + n.to_bytes(2, "big")


def test_a_key_that_is_not_the_certificates_is_refused(signer):
    with pytest.raises(Exception, match="does not belong"):
        sign_data(CONTENT, SM2PrivateKey.generate(), signer.cert)


def test_pem_pkcs7_is_read(chain, signer):
    from asn1crypto import pem

    der = sign_data(CONTENT, signer.key, signer.cert, style=Style.PKCS7)
    verdict = verify_signed_data(pem.armor("PKCS7", der), trust=_trust(chain))
    assert verdict.status is Status.PASSED


@pytest.fixture(scope="module")
def sample_der(signer) -> bytes:
    return sign_data(b"x", signer.key, signer.cert)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_bytes_never_raise(sample_der, data):
    der = bytearray(sample_der)
    choice = data.draw(st.sampled_from(["flip", "truncate", "random"]))
    if choice == "flip":
        at = data.draw(st.integers(0, len(der) - 1))
        der[at] ^= data.draw(st.integers(1, 255))
        blob = bytes(der)
    elif choice == "truncate":
        blob = bytes(der[: data.draw(st.integers(0, len(der) - 1))])
    else:
        blob = data.draw(st.binary(max_size=300))
    verdict = verify_signed_data(blob, content=b"x")
    assert verdict.status in (Status.FAILED, Status.INDETERMINATE, Status.PASSED)
    assert verdict.checks
