"""The HTTP API: the authorisation matrix (401 without or with a revoked token, 403 for another
client's seal, a wrong PIN then pin_locked, admin routes refused to clients), signing a document
streamed or as a hash and verifying it, OFD sign and verify, SM2 and SignedData, size limits (413),
and JSON errors for every bad input (never a 500)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from signing_kit import ADMIN, World

from govnet.pki.ofd.sample import build_sample_ofd
from govnet.pki.sm3 import sm3
from govnet.signing.api import create_app

DOC = "营业执照 (样本) 2026-0001\n".encode() * 50


@pytest.fixture
def api(world: World) -> Iterator[tuple[TestClient, World, dict[str, str]]]:
    s = world.service
    s.add_client(ADMIN, "admin", role="admin")
    s.add_client(ADMIN, "tax")
    s.add_client(ADMIN, "police")
    s.add_grant(ADMIN, "tax", world.seal_a, world.signer)
    s.add_grant(ADMIN, "police", world.seal_b, world.other_signer, ["sign"], pin="246810")
    tokens = {name: s.issue_token(ADMIN, name).token for name in ("admin", "tax", "police")}
    world.service.settings.service.max_upload_bytes = 1 << 20
    with TestClient(create_app(s), raise_server_exceptions=False) as client:
        yield client, world, tokens


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _error(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code, response.text
    assert "Traceback" not in response.text


def test_a_document_streamed_or_hashed_signs_and_verifies(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    streamed = client.post(f"/v1/seals/{world.seal_a}/sign", content=iter([DOC[:100], DOC[100:]]),
                           headers=_auth(tokens["tax"]))  # fmt: skip
    assert streamed.status_code == 200, streamed.text
    assert streamed.json()["document_hash"] == sm3(DOC).hex()
    hashed = client.post(f"/v1/seals/{world.seal_a}/sign?hash={sm3(DOC).hex()}", headers=_auth(tokens["tax"]))
    assert hashed.status_code == 200, hashed.text
    for answer, expected in ((streamed, "PASSED"), (hashed, "PASSED")):
        verdict = client.post(
            "/v1/verify/seal-signature",
            json={"signature": answer.json()["signature"], "document_hash": sm3(DOC).hex()},
            headers=_auth(tokens["police"]),
        )
        assert verdict.status_code == 200 and verdict.json()["status"] == expected, verdict.text
    wrong = client.post(
        "/v1/verify/seal-signature",
        json={"signature": hashed.json()["signature"], "document_hash": sm3(b"other").hex()},
        headers=_auth(tokens["tax"]),
    )
    assert wrong.json()["status"] == "FAILED"


def test_no_token_or_a_bad_one_is_401(api) -> None:  # type: ignore[no-untyped-def]
    client, world, _ = api
    url = f"/v1/seals/{world.seal_a}/sign?hash={'00' * 32}"
    _error(client.post(url), 401, "unauthenticated")
    _error(client.post(url, headers={"Authorization": "Basic dXNlcjpwdw=="}), 401, "unauthenticated")
    _error(client.post(url, headers=_auth("gvt_0123456789abcdef_" + "A" * 43)), 401, "unauthenticated")
    _error(client.get("/v1/seals"), 401, "unauthenticated")


def test_sign_authenticates_before_it_judges_the_hash_or_reads_a_body(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    url = f"/v1/seals/{world.seal_a}/sign"
    bad = _auth("gvt_0123456789abcdef_" + "A" * 43)
    _error(client.post(f"{url}?hash=xyz", headers=bad), 401, "unauthenticated")
    _error(client.post(url, content=DOC, headers=bad), 401, "unauthenticated")
    _error(client.post(f"{url}?hash=xyz", headers=_auth(tokens["tax"])), 400, "bad_request")
    metrics = client.get("/metrics").text
    assert 'govnet_signing_requests_total{operation="sign",result="refused"} 2.0' in metrics


def test_another_clients_seal_is_403(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    _error(client.post(f"/v1/seals/{world.seal_b}/sign?hash={'00' * 32}", headers=_auth(tokens["tax"])),
           403, "forbidden")  # fmt: skip
    _error(client.get(f"/v1/seals/{world.seal_b}", headers=_auth(tokens["tax"])), 403, "forbidden")
    listed = client.get("/v1/seals", headers=_auth(tokens["tax"])).json()
    assert [s["es_id"] for s in listed] == [world.seal_a]


def test_a_wrong_pin_is_403_then_locked(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    url = f"/v1/seals/{world.seal_b}/sign?hash={'11' * 32}"
    _error(client.post(url, headers=_auth(tokens["police"])), 403, "pin_required")
    limit = world.service.settings.service.pin_max_failures
    for attempt in range(1, limit + 1):
        response = client.post(url, headers={**_auth(tokens["police"]), "X-Seal-PIN": "000000"})
        _error(response, 403, "pin_locked" if attempt == limit else "pin_invalid")
    _error(client.post(url, headers={**_auth(tokens["police"]), "X-Seal-PIN": "246810"}), 403, "pin_locked")


def test_the_right_pin_signs(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    url = f"/v1/seals/{world.seal_b}/sign?hash={'11' * 32}"
    assert client.post(url, headers={**_auth(tokens["police"]), "X-Seal-PIN": "246810"}).status_code == 200


def test_admin_routes_are_refused_to_clients(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    tax = _auth(tokens["tax"])
    _error(client.post("/v1/admin/clients", json={"id": "mallory"}, headers=tax), 403, "admin_only")
    _error(client.get("/v1/admin/clients", headers=tax), 403, "admin_only")
    _error(client.post("/v1/admin/clients/tax/tokens", headers=tax), 403, "admin_only")
    grant = {"client_id": "tax", "es_id": world.seal_b, "signer_serial": world.other_signer}
    _error(client.post("/v1/admin/grants", json=grant, headers=tax), 403, "admin_only")
    _error(client.get("/v1/admin/audit/verify", headers=tax), 403, "admin_only")
    ok = client.post("/v1/admin/grants", json=grant, headers=_auth(tokens["admin"]))
    assert ok.status_code == 201, ok.text


def test_a_revoked_token_is_401(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    token_id = tokens["tax"].split("_")[1]
    url = f"/v1/seals/{world.seal_a}/sign?hash={'00' * 32}"
    assert client.post(url, headers=_auth(tokens["tax"])).status_code == 200
    revoked = client.post(f"/v1/admin/tokens/{token_id}/revoke", headers=_auth(tokens["admin"]))
    assert revoked.status_code == 200, revoked.text
    _error(client.post(url, headers=_auth(tokens["tax"])), 401, "unauthenticated")


def test_an_ofd_is_sealed_and_verified_over_http(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    plain = build_sample_ofd([["营业执照 (样本)", "编号 2026-0001"]], title="营业执照")
    sealed = client.post(f"/v1/seals/{world.seal_a}/sign-ofd?page=1&x=120&y=50", content=plain,
                         headers=_auth(tokens["tax"]))  # fmt: skip
    assert sealed.status_code == 200, sealed.text
    assert sealed.headers["content-type"] == "application/ofd"
    report = client.post("/v1/verify/ofd", content=sealed.content, headers=_auth(tokens["police"]))
    assert report.status_code == 200 and report.json()["status"] == "PASSED", report.text
    bad = client.post("/v1/verify/ofd", content=b"PK\x03\x04 not a zip", headers=_auth(tokens["police"]))
    assert 400 <= bad.status_code < 500 and "error" in bad.json(), bad.text


def test_sm2_and_signed_data_over_http(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    tax = _auth(tokens["tax"])
    data = base64.b64encode(DOC).decode()
    sig = client.post("/v1/sm2/sign", json={"es_id": world.seal_a, "data": data}, headers=tax)
    assert sig.status_code == 200, sig.text
    check = {"signature": sig.json()["signature"], "serial": world.signer, "data": data}
    assert client.post("/v1/sm2/verify", json=check, headers=tax).json()["status"] == "PASSED"
    p7 = client.post(f"/v1/p7/sign?es_id={world.seal_a}", content=DOC, headers=tax)
    assert p7.status_code == 200, p7.text
    verified = client.post(
        "/v1/p7/verify", json={"signed_data": base64.b64encode(p7.content).decode()}, headers=tax
    )
    assert verified.json()["status"] == "PASSED", verified.text
    _error(client.post("/v1/p7/sign?es_id=" + world.seal_b, content=DOC, headers=tax), 403, "forbidden")


def test_a_body_past_the_limit_is_413(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    big = b"x" * ((1 << 20) + 1)
    url = f"/v1/seals/{world.seal_a}/sign"
    _error(client.post(url, content=big, headers=_auth(tokens["tax"])), 413, "too_large")
    chunks = iter([b"x" * (1 << 19)] * 3)  # no Content-Length: caught while streaming
    _error(client.post(url, content=chunks, headers=_auth(tokens["tax"])), 413, "too_large")
    # JSON bodies are bounded too (base64 of an upload and a little more), declared or streamed
    verify = "/v1/verify/seal-signature"
    _error(client.post(verify, content=b"{" * (4 << 20), headers=_auth(tokens["tax"])), 413, "too_large")
    streamed = iter([b'{"signature": "'] + [b"A" * (1 << 20)] * 4 + [b'"}'])
    _error(client.post(verify, content=streamed, headers=_auth(tokens["tax"])), 413, "too_large")


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "code"),
    [
        ("post", "/v1/seals/SEAL-A/sign?hash=zz", {}, 400, "bad_request"),
        ("post", "/v1/seals/SEAL-A/sign", {}, 400, "bad_request"),
        ("post", "/v1/verify/seal-signature", {"json": {"signature": "%%%"}}, 400, "bad_request"),
        ("post", "/v1/verify/seal-signature", {"json": {"signature": "AAAA"}}, 200, None),
        ("post", "/v1/verify/seal-signature", {"content": b"{not json"}, 422, "invalid_request"),
        ("post", "/v1/sm2/sign", {"json": {"es_id": "SEAL-A"}}, 400, "bad_request"),
        (
            "post",
            "/v1/sm2/verify",
            {"json": {"signature": "AAAA", "certificate": "AAAA", "e": "00" * 32}},
            400,
            "bad_request",
        ),
        ("post", "/v1/seals/SEAL-A/sign-ofd?page=0", {"content": b"x"}, 422, "invalid_request"),
        ("get", "/v1/certificates/nope", {}, 400, "bad_request"),
        ("get", "/v1/certificates/ab12", {}, 404, "not_found"),
        ("get", "/nowhere", {}, 404, "not_found"),
        ("delete", "/v1/seals", {}, 405, "method_not_allowed"),
        ("get", "/crl/../../etc/passwd", {}, 404, "not_found"),
    ],
)
def test_bad_input_is_a_json_4xx(api, method, url, kwargs, status, code) -> None:  # type: ignore[no-untyped-def]
    client, _, tokens = api
    response = getattr(client, method)(url, headers=_auth(tokens["tax"]), **kwargs)
    if code is None:
        assert response.status_code == status, response.text
        assert response.json()["status"] == "FAILED"
    else:
        _error(response, status, code)


def test_health_metrics_openapi_and_crl(api) -> None:  # type: ignore[no-untyped-def]
    client, world, tokens = api
    assert client.get("/healthz").json()["status"] == "ok"
    client.post(f"/v1/seals/{world.seal_a}/sign?hash={'00' * 32}", headers=_auth(tokens["tax"]))
    metrics = client.get("/metrics").text
    assert 'govnet_signing_requests_total{operation="sign",result="ok"} 1.0' in metrics
    spec = client.get("/openapi.json").json()
    assert "/v1/seals/{es_id}/sign" in spec["paths"] and "/v1/admin/grants" in spec["paths"]
    crl_folder = world.service.settings.home / "pki" / "crl"
    names = sorted(p.name for p in crl_folder.glob("*.crl"))
    assert names, "the PKI published no CRL files"
    crl = client.get(f"/crl/{names[0]}")
    assert crl.status_code == 200 and crl.headers["content-type"] == "application/pkix-crl"
    assert crl.content == (crl_folder / names[0]).read_bytes()


def test_a_stopping_worker_signs_the_audit_head(world: World) -> None:
    s = world.service
    s.add_client(ADMIN, "tax")
    s.add_grant(ADMIN, "tax", world.seal_a, world.signer)
    token = s.issue_token(ADMIN, "tax").token
    with TestClient(create_app(s)) as client:
        answer = client.post(f"/v1/seals/{world.seal_a}/sign?hash={'00' * 32}", headers=_auth(token))
        assert answer.status_code == 200
    verdict = s.verify_audit()
    assert verdict.ok, verdict.summary()
    signed = next(c for c in verdict.checks if c.name == "head_signatures")
    assert f"newest at record {answer.json()['audit_seq']}" in signed.reason
