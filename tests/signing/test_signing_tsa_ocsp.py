"""Seal signatures with ?timestamp=true carry a time-stamp that verification checks. The service
mounts the PKI's RFC 3161 time-stamp authority at POST /tsa and its RFC 6960 OCSP responder at
POST /ocsp and GET /ocsp/{base64}: tokens that verify, good and revoked answers, and garbage answered
by the protocols' own refusals (never a 5xx), a PKI without a TSA certificate included."""

from __future__ import annotations

import base64
from urllib.parse import quote

from fastapi.testclient import TestClient
from signing_kit import ADMIN, World

from govnet.pki import ocsp, tsa
from govnet.pki.cms import service as cms_service
from govnet.pki.service import IssueRequest
from govnet.pki.sm3 import sm3
from govnet.signing.api import create_app


def test_time_stamps_and_ocsp_answers_over_http(sqlite_world: World) -> None:
    pki = sqlite_world.service.pki
    pki.issue(IssueRequest(profile="tsa", subject="CN=示例时间戳服务"))
    app = create_app(sqlite_world.service)
    digest = sm3(b"licence")
    with TestClient(app, raise_server_exceptions=False) as client:
        stamped = client.post("/tsa", content=tsa.build_request(digest))
        assert stamped.status_code == 200 and stamped.headers["content-type"] == "application/timestamp-reply"
        verdict = tsa.verify_response_or_token(
            stamped.content, digest, source="response", trust=cms_service.trust(pki)
        )
        assert verdict.ok, verdict.summary()
        assert client.post("/tsa", content=b"\x30\x03junk").status_code == 200  # a rejection, in DER

        signer = pki.certificate(sqlite_world.signer)
        issuer = pki.certificate(signer.issuer_serial or "")
        request = ocsp.build_request(signer.certificate, issuer.certificate, nonce=b"12345678")
        good = client.post("/ocsp", content=request)
        assert good.status_code == 200, good.text
        checked = ocsp.verify_response(
            good.content, certificate=signer.certificate, issuer=issuer.certificate, nonce=b"12345678"
        )
        assert checked.ok, checked.summary()
        pki.revoke(signer.serial, "keyCompromise")
        encoded = quote(
            base64.b64encode(ocsp.build_request(signer.certificate, issuer.certificate)).decode(), safe=""
        )
        revoked = client.get(f"/ocsp/{encoded}")
        checked = ocsp.verify_response(
            revoked.content, certificate=signer.certificate, issuer=issuer.certificate
        )
        assert [c.name for c in checked.failures] == ["cert_status"], checked.summary()
        malformed = client.post("/ocsp", content=b"not der")
        assert malformed.status_code == 200 and malformed.content == bytes.fromhex("30030a0101")


def test_tsa_without_a_certificate_answers_an_rfc3161_rejection_not_an_http_error(
    sqlite_world: World,
) -> None:
    with TestClient(create_app(sqlite_world.service), raise_server_exceptions=False) as client:
        answer = client.post("/tsa", content=tsa.build_request(sm3(b"licence")))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/timestamp-reply"
    response = tsa.TimeStampResp.load(answer.content)
    status = response["status"]
    assert status["status"].native == "rejection"
    assert status["fail_info"].native == {"system_failure"}
    assert "no valid TSA certificate" in status["status_string"].native[0]
    assert response["time_stamp_token"].native is None
    verdict = tsa.verify_response_or_token(answer.content, sm3(b"licence"), source="response")
    assert not verdict.ok


def test_a_time_stamped_seal_signature_over_http(sqlite_world: World) -> None:
    s = sqlite_world.service
    s.add_client(ADMIN, "tax")
    s.add_grant(ADMIN, "tax", sqlite_world.seal_a, sqlite_world.signer)
    headers = {"Authorization": f"Bearer {s.issue_token(ADMIN, 'tax').token}"}
    url = f"/v1/seals/{sqlite_world.seal_a}/sign?timestamp=true&hash={'cd' * 32}"
    with TestClient(create_app(s), raise_server_exceptions=False) as client:
        missing = client.post(url, headers=headers)  # no TSA certificate yet
        assert missing.status_code == 503 and missing.json()["error"]["code"] == "not_configured", (
            missing.text
        )
        s.pki.issue(IssueRequest(profile="tsa", subject="CN=示例时间戳服务"))
        signed = client.post(url, headers=headers)
        assert signed.status_code == 200, signed.text
        verdict = client.post(
            "/v1/verify/seal-signature",
            json={"signature": signed.json()["signature"], "document_hash": "cd" * 32},
            headers=headers,
        ).json()
    assert verdict["status"] == "PASSED", verdict
    assert [c["status"] for c in verdict["checks"] if c["name"] == "time_stamp"] == ["PASSED"]
