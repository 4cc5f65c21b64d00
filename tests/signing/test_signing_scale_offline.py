"""A signature from the service verifies without it: a relying party fetches the issuing certificates
and the CRLs their distribution points name from the service over HTTP, then checks the signature
with `govnet seal verify` in an empty home (no store of the service's) and, independently, with
OpenSSL 3.0 over the bytes GB/T 38540 says are signed; a raw SM2 signature from /v1/sm2/sign checks
with OpenSSL too."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from govnet_cli import RunGovnet
from openssl_sm2 import openssl_verifies
from scale_kit import deploy
from served import start_server
from signing_kit import World

from govnet.pki import x509
from govnet.pki.seal import reader

DOCUMENT = "关于开展 2026 年度政务外网安全检查的通知\n".encode() * 200


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_service_signatures_verify_offline_with_govnet_and_with_openssl(
    sqlite_world: World, run_govnet: RunGovnet, tmp_path: Path
) -> None:
    w = sqlite_world
    d = deploy(w, operations=("sign", "sm2-sign"))
    auth = {"Authorization": f"Bearer {d.token}"}
    server = start_server(env=d.env)
    try:
        signed = httpx.post(
            f"{server.base}/v1/seals/{w.seal_a}/sign", content=DOCUMENT, headers=auth, timeout=60
        )
        assert signed.status_code == 200, signed.text
        raw = httpx.post(
            f"{server.base}/v1/sm2/sign",
            json={"es_id": w.seal_a, "data": base64.b64encode(DOCUMENT).decode()},
            headers=auth,
            timeout=60,
        )
        assert raw.status_code == 200, raw.text
        # what a relying party fetches: the issuers' certificates, then the CRLs they point to
        pems = []
        for record in w.service.pki.chain(w.signer)[1:]:  # intermediate, root
            got = httpx.get(f"{server.base}/v1/certificates/{record.serial}", headers=auth, timeout=30)
            assert got.status_code == 200, got.text
            pems.append(got.json()["pem"].encode())
        crl_urls = {
            point.url
            for cert in [x509.load_certificate(p, "fetched") for p in pems]
            + [reader.read_signature(base64.b64decode(signed.json()["signature"])).signer_certificate]
            for point in cert.crl_distribution_points
            if point.url
        }
        crls = []
        for url in sorted(crl_urls):
            got = httpx.get(f"{server.base}/crl/{Path(urlsplit(url).path).name}", timeout=30)
            assert got.status_code == 200, (url, got.text)
            crls.append(got.content)
    finally:
        server.stop()
    assert len(crls) == 2  # the root's (over the intermediate) and the intermediate's (over the signer)

    offline = tmp_path / "relying-party"
    offline.mkdir()
    (offline / "document.txt").write_bytes(DOCUMENT)
    (offline / "signature.ses").write_bytes(base64.b64decode(signed.json()["signature"]))
    (offline / "inter.pem").write_bytes(pems[0])
    (offline / "root.pem").write_bytes(pems[1])
    crl_args = []
    for i, der in enumerate(crls):
        (offline / f"{i}.crl").write_bytes(der)
        crl_args += ["--crl", str(offline / f"{i}.crl")]
    empty = {"GOVNET_HOME": str(offline / "home"), "GOVNET_STORE_URL": None, "GOVNET_PKI_PASSPHRASE": None}
    verify = [
        *("seal", "verify", str(offline / "signature.ses"), "--document", str(offline / "document.txt")),
        *("--trust", str(offline / "root.pem"), "--chain", str(offline / "inter.pem"), *crl_args),
    ]
    done = run_govnet(*verify, env=empty)
    assert done.returncode == 0, done.stdout + done.stderr
    (offline / "document.txt").write_bytes(DOCUMENT + b" ")
    altered = run_govnet(*verify, env=empty)
    assert altered.returncode == 1, altered.stdout

    signature = reader.read_signature(base64.b64decode(signed.json()["signature"]))
    seal = signature.seal
    signer = signature.signer_certificate
    assert openssl_verifies(tmp_path, signer, signature.signed_bytes, signature.signature)
    assert openssl_verifies(tmp_path, seal.maker_certificate, seal.signed_bytes, seal.signature)
    raw_signature = base64.b64decode(raw.json()["signature"])
    assert openssl_verifies(tmp_path, signer, DOCUMENT, raw_signature)
    assert not openssl_verifies(tmp_path, signer, DOCUMENT + b" ", raw_signature)
