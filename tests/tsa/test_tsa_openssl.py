"""RFC 3161 interop with OpenSSL 3.0: `openssl ts -query` → govnet → `openssl ts -reply -text` /
`openssl ts -verify`, and the link-by-link check of what `ts -verify` cannot do with SM2.

Pinned findings (docs/pki.md, "Time-stamps"):
- `openssl ts -reply -text` reads govnet's responses: status, policy, SM3 imprint, serial, time,
  accuracy, nonce, TSA name.
- `openssl ts -verify` fails on a standard chain at the first certificate ("certificate signature
  failure"): its chain check takes no SM2 ID (the empty one is used).
- Even with a chain signed with the empty ID, it fails the token's signature: its PKCS#7 code checks
  SM2 as a bare e = SM3(signed attributes), with no Z value for any ID. A token re-signed that way in
  the test passes, so everything else `ts -verify` checks (chain, ESS signingCertificateV2, imprint
  against the data or the query, nonce) agrees with govnet.
- The real signature (standard ID) is checked with `openssl pkeyutl ... distid:1234567812345678` over
  the DER SET of signed attributes, and the chain with `openssl verify -vfyopt distid:...` link by link.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import core
from evidence_kit import POLICY
from pki_chains import ChainFactory

from govnet.pki import keys
from govnet.pki.cms import parse_signed_data
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import TimeStampAuthority, TimeStampResp, read_response

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")

DATA = b"notice 2026-117: the county data centre moves on 1 January\n"
DISTID = "distid:1234567812345678"


def _openssl(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, timeout=60)


@pytest.fixture
def files(tmp_path: Path, chain: ChainFactory, tsa_party) -> Path:
    (tmp_path / "data.txt").write_bytes(DATA)
    (tmp_path / "root.pem").write_bytes(chain.root.pem)
    (tmp_path / "inter.pem").write_bytes(chain.inter.pem)
    (tmp_path / "tsa.pem").write_bytes(tsa_party.pem)
    done = _openssl(
        "ts", "-query", "-data", tmp_path / "data.txt", "-sm3", "-cert", "-out", tmp_path / "q.tsq"
    )
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_openssl_reads_the_reply_to_its_own_sm3_query(files, tsa):
    (files / "r.tsr").write_bytes(tsa.respond((files / "q.tsq").read_bytes()))
    done = _openssl("ts", "-reply", "-in", files / "r.tsr", "-text")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "Status: Granted." in text
    assert f"Policy OID: {POLICY}" in text and "Hash Algorithm: sm3" in text
    assert "Accuracy: 0x01 seconds" in text and "TSA: DirName:" in text
    query = _openssl("ts", "-query", "-in", files / "q.tsq", "-text").stdout
    nonce = next(line for line in query.splitlines() if line.startswith("Nonce:"))
    assert nonce in text  # echoed


def test_openssl_reads_a_rejection(files, tsa):
    (files / "r.tsr").write_bytes(tsa.respond(b"\x30\x00"))
    done = _openssl("ts", "-reply", "-in", files / "r.tsr", "-text")
    assert "Status: Rejected." in done.stdout and "the data submitted has the wrong format" in done.stdout


def test_openssl_ts_verify_cannot_check_a_standard_sm2_chain(files, tsa):
    (files / "r.tsr").write_bytes(tsa.respond((files / "q.tsq").read_bytes()))
    done = _openssl(
        "ts", "-verify", "-in", files / "r.tsr", "-data", files / "data.txt",
        "-CAfile", files / "root.pem", "-untrusted", files / "inter.pem",
    )  # fmt: skip
    assert done.returncode != 0
    assert "certificate signature failure" in done.stderr


def test_the_standard_signature_and_chain_verify_in_openssl_link_by_link(files, tsa, tsa_party):
    token = read_response(tsa.respond((files / "q.tsq").read_bytes())).token
    signer = parse_signed_data(token).signers[0]
    (files / "attrs.der").write_bytes(signer.signed_attributes)
    (files / "sig.der").write_bytes(signer.signature)
    (files / "pub.pem").write_bytes(keys.dump_public_key_pem(tsa_party.key.public_key()))
    done = _openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", files / "pub.pem", "-rawin", "-digest", "sm3",
        "-pkeyopt", DISTID, "-in", files / "attrs.der", "-sigfile", files / "sig.der",
    )  # fmt: skip
    assert "Signature Verified Successfully" in done.stdout, done.stderr
    links = (
        ("root.pem", "inter.pem", ()),
        ("inter.pem", "tsa.pem", ("-partial_chain", "-purpose", "timestampsign")),
    )
    for ca, cert, options in links:
        done = _openssl(
            "verify", "-vfyopt", DISTID, *options,
            "-CAfile", files / ca, files / cert,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr


def _without_z(response: bytes, key) -> bytes:
    """The response with its token re-signed as OpenSSL's PKCS#7 code checks SM2: over
    e = SM3(signed attributes), no Z. Same-length signature, so the bytes are swapped in place."""
    token = read_response(response).token
    signer = parse_signed_data(token).signers[0]
    e = sm3(signer.signed_attributes)
    new = key.sign_hash(e)
    while len(new) != len(signer.signature):
        new = key.sign_hash(e)
    token = token.replace(signer.signature, new)
    return TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": core.Any.load(token)}).dump()


@pytest.fixture
def empty_id(files: Path, chain: ChainFactory) -> tuple[TimeStampAuthority, object]:
    """A root and a TSA certificate signed with the EMPTY SM2 ID, which OpenSSL's chain check uses."""
    root = chain.make("root", "CN=Empty-ID Root", None, sm2_id=b"")
    party = chain.make("tsa", "CN=Empty-ID TSA", root, sm2_id=b"")
    (files / "eroot.pem").write_bytes(root.pem)
    return TimeStampAuthority(party.key, party.cert, (root.cert,), POLICY, sm2_id=b""), party


def test_openssl_ts_verify_fails_a_z_value_signature_even_with_the_empty_id(files, empty_id):
    authority, _ = empty_id
    (files / "r.tsr").write_bytes(authority.respond((files / "q.tsq").read_bytes()))
    done = _openssl(
        "ts", "-verify", "-in", files / "r.tsr", "-data", files / "data.txt", "-CAfile", files / "eroot.pem"
    )
    assert done.returncode != 0
    assert "PKCS7_signatureVerify:signature failure" in done.stderr  # chain and ESS passed before it


def test_everything_else_openssl_ts_verify_checks_agrees_with_govnet(files, empty_id):
    authority, party = empty_id
    (files / "r.tsr").write_bytes(_without_z(authority.respond((files / "q.tsq").read_bytes()), party.key))
    for check in (["-data", files / "data.txt"], ["-queryfile", files / "q.tsq"]):
        done = _openssl("ts", "-verify", "-in", files / "r.tsr", *check, "-CAfile", files / "eroot.pem")
        assert "Verification: OK" in done.stdout, done.stderr
    (files / "other.txt").write_bytes(DATA + b"changed")
    done = _openssl(
        "ts", "-verify", "-in", files / "r.tsr", "-data", files / "other.txt", "-CAfile", files / "eroot.pem"
    )
    assert "message imprint mismatch" in done.stderr
