"""OcspResponder.respond over an installation's store, and govnet's own check of the answers."""

from __future__ import annotations

import sys
from pathlib import Path

from asn1crypto import ocsp

from govnet.pki import x509
from govnet.pki.ocsp import OcspResponder, build_request, verify_response
from govnet.pki.service import IssueRequest
from govnet.verdict import CheckResult, Status, Verdict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pki"))
from pki_chains import ChainFactory

NONCE = b"govnet-nonce-0001"


def _check(verdict: Verdict, name: str) -> CheckResult:
    return next(c for c in verdict.checks if c.name == name)


def _issue(pki, profile: str = "device", subject: str = "CN=county-07-router"):
    return pki.issue(IssueRequest(profile=profile, subject=subject)).record


def _issuing(pki):
    return next(a for a in pki.authorities() if a.issuing).record.certificate


def _single(response: bytes) -> ocsp.SingleResponse:
    parsed = ocsp.OCSPResponse.load(response)
    return parsed["response_bytes"]["response"].parsed["tbs_response_data"]["responses"][0]


def test_the_ocsp_profile_is_a_delegated_responder_with_nocheck(pki):
    cert = _issue(pki, "ocsp", "CN=某市OCSP服务").certificate
    assert [p.native for p in x509.extension(cert, "extended_key_usage")] == ["ocsp_signing"]
    assert x509.extension(cert, "ocsp_no_check") is not None


def test_good_revoked_with_time_and_reason_and_unknown(pki):
    _issue(pki, "ocsp", "CN=OCSP")
    good, doomed = _issue(pki), _issue(pki, subject="CN=r2")
    revoked = pki.revoke(doomed.serial, "keyCompromise")
    responder = OcspResponder.open(pki)
    issuer = _issuing(pki)

    verdict = verify_response(
        responder.respond(build_request(good.certificate, issuer, nonce=NONCE)),
        certificate=good.certificate, issuer=issuer, nonce=NONCE,
    )  # fmt: skip
    assert verdict.status is Status.PASSED, verdict.failures
    assert "delegated" in _check(verdict, "responder").reason

    answer = responder.respond(build_request(doomed.certificate, issuer))
    single = _single(answer)
    assert single["cert_status"].name == "revoked"
    assert single["cert_status"].chosen["revocation_time"].native == revoked.revoked_at
    assert single["cert_status"].chosen["revocation_reason"].native == "key_compromise"
    verdict = verify_response(answer, certificate=doomed.certificate, issuer=issuer)
    assert verdict.status is Status.FAILED and "REVOKED" in _check(verdict, "cert_status").reason
    assert _check(verdict, "cert_status").evidence["revocation_reason"] == "keyCompromise"

    stranger = ChainFactory()
    unknown = stranger.make("device", "CN=never issued", stranger.root).cert  # a serial this CA never used
    fake_id = build_request(unknown, issuer)
    assert _single(responder.respond(fake_id))["cert_status"].name == "unknown"
    single = _single(responder.respond(build_request(good.certificate, issuer)))
    assert single["next_update"].native > single["this_update"].native


def test_sha256_and_sm3_cert_ids_are_answered(pki):
    record = _issue(pki)
    responder, issuer = OcspResponder.open(pki), _issuing(pki)
    for algorithm in ("sha256", "sm3"):
        answer = responder.respond(build_request(record.certificate, issuer, hash_algorithm=algorithm))
        assert _single(answer)["cert_status"].name == "good"


def test_without_a_delegated_certificate_the_ca_key_signs(pki):
    record = _issue(pki)
    issuer = _issuing(pki)
    answer = OcspResponder.open(pki).respond(build_request(record.certificate, issuer, nonce=NONCE))
    verdict = verify_response(answer, certificate=record.certificate, issuer=issuer, nonce=NONCE)
    assert verdict.status is Status.PASSED
    assert "the CA itself" in _check(verdict, "responder").reason


def test_the_root_answers_for_the_issuing_ca(pki):
    root = next(a for a in pki.authorities() if a.role == "root").record.certificate
    issuing = _issuing(pki)
    answer = OcspResponder.open(pki).respond(build_request(issuing, root))
    assert verify_response(answer, certificate=issuing, issuer=root).status is Status.PASSED


def test_malformed_requests_get_malformed_request(pki):
    responder = OcspResponder.open(pki)
    for junk in (b"", b"\x30\x00", b"GET / HTTP/1.1\r\n", b"\x30\x05\x30\x03\x30\x01\x00"):
        assert (
            ocsp.OCSPResponse.load(responder.respond(junk))["response_status"].native == "malformed_request"
        )


def test_a_certificate_of_another_ca_gets_unauthorized(pki):
    other = ChainFactory()
    leaf = other.leaf()
    answer = OcspResponder.open(pki).respond(build_request(leaf.cert, other.inter.cert))
    assert ocsp.OCSPResponse.load(answer)["response_status"].native == "unauthorized"
    verdict = verify_response(answer, certificate=leaf.cert, issuer=other.inter.cert)
    assert verdict.status is Status.FAILED and "unauthorized" in _check(verdict, "response_status").reason


def test_a_changed_answer_fails_the_signature_and_a_missing_nonce_fails(pki):
    record = _issue(pki)
    issuer = _issuing(pki)
    answer = bytearray(OcspResponder.open(pki).respond(build_request(record.certificate, issuer)))
    verdict = verify_response(bytes(answer), certificate=record.certificate, issuer=issuer, nonce=NONCE)
    assert _check(verdict, "nonce").status is Status.FAILED
    at = bytes(answer).index(record.certificate.serial_number.to_bytes(20, "big"))
    answer[at + 5] ^= 0x01  # the serial inside the CertID: now about another certificate
    verdict = verify_response(bytes(answer), certificate=record.certificate, issuer=issuer)
    assert verdict.status is Status.FAILED
