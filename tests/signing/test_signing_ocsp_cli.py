"""`govnet pki ocsp`: a relying party asks the service's OCSP responder (POST /ocsp, over loopback
HTTP) whether a certificate is revoked -- good, then revoked once the CA revokes it; a responder that
cannot be reached and a certificate that names none are clear errors."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from govnet_cli import RunGovnet
from scale_kit import deploy
from served import start_server
from signing_kit import World


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_relying_party_sees_good_then_revoked_from_the_services_responder(
    sqlite_world: World, run_govnet: RunGovnet, tmp_path: Path
) -> None:
    w = sqlite_world
    d = deploy(w)
    pki = w.service.pki
    signer, issuer = (tmp_path / "signer.pem", tmp_path / "issuer.pem")
    chain = pki.chain(w.signer)
    signer.write_bytes(chain[0].pem)
    issuer.write_bytes(chain[1].pem)
    # a relying party's own, empty home: only the two certificates and the responder's URL
    empty = {"GOVNET_HOME": str(tmp_path / "rp"), "GOVNET_STORE_URL": None, "GOVNET_PKI_PASSPHRASE": None}
    server = start_server(env=d.env)
    try:
        ask = ("pki", "ocsp", str(signer), "--issuer", str(issuer), "--url", f"{server.base}/ocsp")
        good = run_govnet(*ask, "--json", env=empty)
        assert good.returncode == 0, good.stdout + good.stderr
        checks = {c["name"]: c for c in json.loads(good.stdout)["checks"]}
        assert checks["cert_status"]["status"] == "PASSED" and checks["nonce"]["status"] == "PASSED"
        assert checks["signature"]["status"] == "PASSED"

        pki.revoke(w.signer, "keyCompromise")
        revoked = run_govnet(*ask, "--json", env=empty)
        assert revoked.returncode == 1
        status = next(c for c in json.loads(revoked.stdout)["checks"] if c["name"] == "cert_status")
        assert status["status"] == "FAILED" and "REVOKED" in status["reason"]
        assert status["evidence"]["revocation_reason"] == "keyCompromise"

        # with the service's own store, the issuer is found among its CAs
        here = run_govnet("pki", "ocsp", str(signer), "--url", f"{server.base}/ocsp", env=d.env)
        assert here.returncode == 1 and "verdict: FAILED" in here.stdout, here.stdout + here.stderr
    finally:
        server.stop()


def test_an_unreachable_responder_and_a_certificate_without_one_are_clear_errors(
    sqlite_world: World, run_govnet: RunGovnet, tmp_path: Path
) -> None:
    pki = sqlite_world.service.pki
    chain = pki.chain(sqlite_world.signer)
    signer, issuer = (tmp_path / "signer.pem", tmp_path / "issuer.pem")
    signer.write_bytes(chain[0].pem)
    issuer.write_bytes(chain[1].pem)
    url = f"http://127.0.0.1:{_closed_port()}/ocsp"
    down = run_govnet("pki", "ocsp", str(signer), "--issuer", str(issuer), "--url", url, "--timeout", "5")
    assert down.returncode == 1 and "cannot be reached" in down.stderr and "Traceback" not in down.stderr

    root = tmp_path / "root.pem"
    root.write_bytes(chain[-1].pem)  # a root names no responder
    none = run_govnet("pki", "ocsp", str(root), "--issuer", str(root))
    assert none.returncode == 2 and "names no OCSP responder" in none.stderr

    bad = run_govnet("pki", "ocsp", str(signer), "--issuer", str(issuer), "--url", "ftp://x/ocsp")
    assert bad.returncode == 2 and "not an http:// or https:// OCSP URL" in bad.stderr
