"""TimeStampAuthority.respond / stamp and verify_token: RFC 3161 answers, SM2/SM3 tokens, refusals."""

from __future__ import annotations

import hashlib

import pytest
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from evidence_kit import POLICY
from pki_chains import ChainFactory

from govnet.errors import InputError
from govnet.pki.cms import CmsTrust, parse_signed_data
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import (
    TST_INFO,
    TimeStampAuthority,
    _ess_attribute,
    build_request,
    read_response,
    read_token,
    verify_response_or_token,
    verify_token,
)
from govnet.verdict import CheckResult, Status, Verdict


def _check(verdict: Verdict, name: str) -> CheckResult:
    return next(c for c in verdict.checks if c.name == name)


DATA = "某市市场监督管理局 营业执照".encode()


def test_a_granted_response_carries_an_sm2_token_over_the_sm3_imprint_with_the_nonce(tsa, trust):
    response = read_response(tsa.respond(build_request(sm3(DATA), nonce=20261203)))
    assert response.status == "granted" and response.token is not None
    stamp = read_token(response.token)
    assert (stamp.hash_algorithm, stamp.digest, stamp.nonce, stamp.policy) == (
        "sm3",
        sm3(DATA),
        20261203,
        POLICY,
    )
    assert stamp.tsa is not None and "某市时间戳服务" in stamp.tsa
    parsed = parse_signed_data(response.token)
    assert parsed.content_type == TST_INFO
    verdict = verify_token(response.token, sm3(DATA), trust=trust)
    assert verdict.status is Status.PASSED, [c for c in verdict.checks if c.status is not Status.PASSED]
    names = {c.name for c in verdict.checks}
    assert {"signature", "imprint", "tsa_certificate", "signing_certificate", "chain:chain"} <= names


def test_sha256_imprints_are_accepted_too(tsa, trust):
    response = read_response(tsa.respond(build_request(hashlib.sha256(DATA).digest(), "sha256")))
    assert response.status == "granted"
    verdict = verify_token(response.token, hashlib.sha256(DATA).digest(), trust=trust)
    assert verdict.status is Status.PASSED


def test_without_cert_req_the_token_carries_no_certificate_and_verifies_with_the_tsa_given(
    tsa, tsa_party, chain: ChainFactory, trust
):
    token = read_response(tsa.respond(build_request(sm3(DATA), cert_req=False))).token
    assert token is not None and parse_signed_data(token).certificates == ()
    alone = verify_token(token, sm3(DATA), trust=CmsTrust(roots=[chain.root.cert]))
    assert _check(alone, "signer_certificate").status is Status.FAILED
    given = CmsTrust(roots=trust.roots, intermediates=[tsa_party.cert, chain.inter.cert], crls=trust.crls)
    assert verify_token(token, sm3(DATA), trust=given).status is Status.PASSED


def test_serial_numbers_are_unique(tsa):
    serials = {read_token(tsa.stamp(sm3(bytes([i])))).serial for i in range(40)}
    assert len(serials) == 40


@pytest.mark.parametrize(
    ("request_der", "fail_info"),
    [
        (b"", "bad_data_format"),
        (b"\x30\x03\x02\x01\x01", "bad_data_format"),
        (b"not DER at all", "bad_data_format"),
        (build_request(hashlib.md5(DATA).digest(), "md5"), "bad_alg"),
        (build_request(sm3(DATA)[:20]), "bad_data_format"),
        (
            tsp.TimeStampReq(
                {
                    "version": "v1",
                    "message_imprint": {"hash_algorithm": {"algorithm": "sm3"}, "hashed_message": sm3(DATA)},
                    "req_policy": "1.2.3.4.5",
                }
            ).dump(),
            "unaccepted_policy",
        ),
        (
            tsp.TimeStampReq(
                {
                    "version": "v1",
                    "message_imprint": {"hash_algorithm": {"algorithm": "sm3"}, "hashed_message": sm3(DATA)},
                    "extensions": [{"extn_id": "1.2.3.4", "critical": False, "extn_value": b"\x05\x00"}],
                }
            ).dump(),
            "unaccepted_extensions",
        ),
    ],
)
def test_bad_or_unsupported_requests_get_a_rejection_with_fail_info_not_an_exception(
    tsa, request_der, fail_info
):
    response = read_response(tsa.respond(request_der))
    assert response.status == "rejection"
    assert response.fail_info == (fail_info,)
    assert response.token is None and response.text


def test_a_token_over_other_data_fails_the_imprint_check(tsa, trust):
    token = tsa.stamp(sm3(DATA))
    verdict = verify_token(token, sm3(DATA + b"!"), trust=trust)
    assert verdict.status is Status.FAILED
    assert _check(verdict, "imprint").status is Status.FAILED
    assert "other data" in _check(verdict, "imprint").reason


def test_a_changed_token_fails_its_signature_check(tsa, trust):
    token = bytearray(tsa.stamp(sm3(DATA)))
    at = bytes(token).index(sm3(DATA))  # the imprint inside TSTInfo
    token[at] ^= 0x01
    verdict = verify_token(bytes(token), sm3(DATA), trust=trust)
    assert verdict.status is Status.FAILED
    assert _check(verdict, "digest").status is Status.FAILED


def test_a_rejection_response_verifies_as_a_failed_structure(tsa):
    verdict = verify_response_or_token(tsa.respond(b"junk"), sm3(DATA), source="r.tsr")
    assert verdict.status is Status.FAILED
    assert "rejection" in _check(verdict, "structure").reason


def test_a_certificate_without_the_critical_timestamping_eku_cannot_be_a_tsa(chain: ChainFactory):
    signer = chain.make("signer", "CN=张三", chain.inter)
    with pytest.raises(InputError, match="not timeStamping alone"):
        TimeStampAuthority(signer.key, signer.cert, (), POLICY)


def test_a_token_signed_by_a_non_tsa_certificate_fails_the_tsa_certificate_check(chain, trust):
    # Made around the constructor, which refuses such a certificate.
    signer = chain.make("device", "CN=r1", chain.inter)
    rogue = TimeStampAuthority.__new__(TimeStampAuthority)
    rogue.key, rogue.certificate, rogue.chain, rogue.policy, rogue.sm2_id = (
        signer.key,
        signer.cert,
        (),
        POLICY,
        None,
    )
    rogue._ess = _ess_attribute(signer.cert)
    rogue._tsa_name = asn1_x509.GeneralName(name="directory_name", value=signer.cert.subject)
    verdict = verify_token(rogue.stamp(sm3(DATA)), sm3(DATA), trust=trust)
    assert verdict.status is Status.FAILED
    assert "not a TSA certificate" in _check(verdict, "tsa_certificate").reason
