"""OCSP interop with OpenSSL 3.0: `openssl ocsp -reqout` → govnet → `openssl ocsp -respin`.

Pinned findings (docs/pki.md, "OCSP"):
- `openssl ocsp -resp_text` reads govnet's answers: status, revocation time and reason, thisUpdate,
  nextUpdate, the echoed nonce, SM2-with-SM3, the delegated responder's certificate.
- `openssl ocsp` checks the response's SM2 signature with the EMPTY ID only (no way to pass one), so a
  standard-ID answer fails with "signature failure"; with `-no_signature_verify` everything else it
  checks (nonce against `-reqin`, the responder against `-VAfile`, the certificate's status) passes.
- An answer signed with the empty ID by an empty-ID CA verifies completely: the structure is right.
- The standard-ID signature is checked with `openssl pkeyutl ... distid:1234567812345678` over
  tbsResponseData.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import ocsp

from govnet.pki import keys
from govnet.pki.ocsp import OcspResponder, ResponderKey, Status

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pki"))
from pki_chains import NOW, ChainFactory

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")

DISTID = "distid:1234567812345678"


def _openssl(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def chain() -> ChainFactory:
    return ChainFactory()


@pytest.fixture
def files(tmp_path: Path, chain: ChainFactory) -> Path:
    good, bad = chain.leaf(), chain.make("device", "CN=r9", chain.inter)
    delegated = chain.make("ocsp", "CN=某市OCSP服务", chain.inter)
    for name, party in (
        ("good", good),
        ("bad", bad),
        ("inter", chain.inter),
        ("root", chain.root),
        ("va", delegated),
    ):
        (tmp_path / f"{name}.pem").write_bytes(party.pem)
    (tmp_path / "va.pub").write_bytes(keys.dump_public_key_pem(delegated.key.public_key()))

    def lookup(_ca: str, serial: int) -> Status:
        return (
            Status("revoked", NOW, "key_compromise") if serial == bad.cert.serial_number else Status("good")
        )

    responder = OcspResponder(
        [ResponderKey(chain.inter.cert, "inter", delegated.key, delegated.cert)], lookup
    )
    for name in ("good", "bad"):
        done = _openssl("ocsp", "-issuer", tmp_path / "inter.pem", "-cert", tmp_path / f"{name}.pem",
                        "-reqout", tmp_path / f"{name}.req")  # fmt: skip
        assert done.returncode == 0, done.stderr
        (tmp_path / f"{name}.resp").write_bytes(responder.respond((tmp_path / f"{name}.req").read_bytes()))
    return tmp_path


def test_openssl_reads_good_and_revoked_answers_to_its_requests(files):
    good = _openssl("ocsp", "-respin", files / "good.resp", "-resp_text", "-noverify")
    assert "Cert Status: good" in good.stdout and "Signature Algorithm: SM2-with-SM3" in good.stdout
    assert "OCSP Nonce" in good.stdout and "Next Update:" in good.stdout
    assert "Responder Id:" in good.stdout and "Certificate:" in good.stdout  # the delegated one
    bad = _openssl("ocsp", "-respin", files / "bad.resp", "-resp_text", "-noverify")
    assert "Cert Status: revoked" in bad.stdout and "Revocation Reason: keyCompromise" in bad.stdout


def test_openssl_fails_the_standard_id_signature_and_passes_everything_else(files):
    args = ["ocsp", "-respin", files / "good.resp", "-reqin", files / "good.req", "-VAfile", files / "va.pem"]
    done = _openssl(*args)
    assert "Response Verify Failure" in done.stdout + done.stderr and "signature failure" in done.stderr
    done = _openssl(*args, "-no_signature_verify")
    assert "Response verify OK" in done.stdout + done.stderr
    # the nonce is really compared: the other request's nonce does not match this answer
    done = _openssl("ocsp", "-respin", files / "good.resp", "-reqin", files / "bad.req", "-VAfile",
                    files / "va.pem", "-no_signature_verify")  # fmt: skip
    assert "Nonce Verify error" in done.stdout + done.stderr
    done = _openssl("ocsp", "-respin", files / "bad.resp", "-issuer", files / "inter.pem",
                    "-cert", files / "bad.pem", "-no_nonce", "-VAfile", files / "va.pem",
                    "-no_signature_verify")  # fmt: skip
    assert "bad.pem: revoked" in done.stdout and "Reason: keyCompromise" in done.stdout


def test_the_standard_id_signature_verifies_in_openssl_pkeyutl(files):
    basic = ocsp.OCSPResponse.load((files / "good.resp").read_bytes())["response_bytes"]["response"].parsed
    (files / "tbs.der").write_bytes(basic["tbs_response_data"].dump())
    (files / "sig.der").write_bytes(basic["signature"].native)
    done = _openssl("pkeyutl", "-verify", "-pubin", "-inkey", files / "va.pub", "-rawin", "-digest", "sm3",
                    "-pkeyopt", DISTID, "-in", files / "tbs.der", "-sigfile", files / "sig.der")  # fmt: skip
    assert "Signature Verified Successfully" in done.stdout, done.stderr
    done = _openssl("verify", "-vfyopt", DISTID, "-partial_chain", "-purpose", "ocsphelper",
                    "-CAfile", files / "inter.pem", files / "va.pem")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_empty_id_answer_from_an_empty_id_ca_verifies_completely_in_openssl(tmp_path, chain):
    root = chain.make("root", "CN=Empty-ID CA", None, sm2_id=b"")
    leaf = chain.make("device", "CN=r1", root, sm2_id=b"")
    (tmp_path / "root.pem").write_bytes(root.pem)
    (tmp_path / "leaf.pem").write_bytes(leaf.pem)
    done = _openssl(
        "ocsp", "-issuer", tmp_path / "root.pem", "-cert", tmp_path / "leaf.pem", "-reqout", tmp_path / "q"
    )
    assert done.returncode == 0, done.stderr
    responder = OcspResponder(
        [ResponderKey(root.cert, "root", root.key, None, sm2_id=b"")], lambda *_: Status("good")
    )
    (tmp_path / "r").write_bytes(responder.respond((tmp_path / "q").read_bytes()))
    done = _openssl(
        "ocsp", "-respin", tmp_path / "r", "-reqin", tmp_path / "q", "-CAfile", tmp_path / "root.pem"
    )
    assert "Response verify OK" in done.stdout + done.stderr
