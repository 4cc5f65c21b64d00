"""What the service signs verifies without it: `govnet seal verify` on the saved signature and
document, and OpenSSL 3.0 over the exact TBS_Sign bytes with the signer's certificate."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from govnet_cli import RunGovnet
from openssl_sm2 import openssl_verifies
from signing_kit import ADMIN, World

from govnet.pki.seal import reader
from govnet.signing.api import create_app


def test_a_service_signature_verifies_offline_and_with_openssl(
    sqlite_world: World, run_govnet: RunGovnet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = sqlite_world.service
    s.add_client(ADMIN, "tax")
    token = s.issue_token(ADMIN, "tax").token
    s.add_grant(ADMIN, "tax", sqlite_world.seal_a, sqlite_world.signer)
    document = tmp_path / "licence.txt"
    document.write_bytes("营业执照 2026-0001\n".encode() * 1000)
    with TestClient(create_app(s)) as client:
        answer = client.post(
            f"/v1/seals/{sqlite_world.seal_a}/sign",
            content=document.read_bytes(),
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 200, answer.text
    signature = base64.b64decode(answer.json()["signature"])
    (tmp_path / "licence.txt.ses").write_bytes(signature)

    monkeypatch.setenv("GOVNET_STORE_URL", s.store.engine.url.render_as_string())
    done = run_govnet("seal", "verify", str(tmp_path / "licence.txt.ses"), "--document", str(document))
    assert done.returncode == 0, done.stdout + done.stderr

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    parsed = reader.read_signature(signature)
    assert openssl_verifies(tmp_path, parsed.signer_certificate, parsed.signed_bytes, parsed.signature)
