"""The service's verify endpoint judges old signatures with the seal verifier's own validation-time
model (one function, not a fork): genuine but expired and not trusted here is INDETERMINATE, never the
FAILED a tampered one gets."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pki"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "seal"))

from past_kit import PastKit
from seal_kit import DOCUMENT
from test_signing_api import _auth, api  # noqa: F401  (the API fixture, shared)

from govnet.pki.sm3 import sm3


def test_an_old_signature_from_another_authority_is_indeterminate_and_a_tampered_one_failed(api) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client, _world, tokens = api
    past = PastKit.create()
    for der in (past.signature(), past.signature(stamped=True)):
        body = {"signature": base64.b64encode(der).decode()}
        answer = client.post(
            "/v1/verify/seal-signature",
            json={**body, "document_hash": sm3(DOCUMENT).hex()},
            headers=_auth(tokens["tax"]),
        )
        assert answer.status_code == 200 and answer.json()["status"] == "INDETERMINATE", answer.text
        checks = {c["name"]: c for c in answer.json()["checks"]}
        assert "expired on" in checks["chain[signer]"]["reason"]  # and untrusted here: no FAILED for that
        tampered = client.post(
            "/v1/verify/seal-signature",
            json={**body, "document_hash": sm3(DOCUMENT + b"!").hex()},
            headers=_auth(tokens["tax"]),
        )
        assert tampered.json()["status"] == "FAILED"
