"""What OpenSSL 3.0 accepts of SM2 SignedData and raw SM2, used as the independent check where it can.

Pinned findings (docs/seals.md, "Signatures without seals"):
- ``openssl cms -verify`` refuses the GM/T 0010 content-type OIDs ("content type not signed data");
- with the PKCS#7 OIDs it checks the SM2 signature with the EMPTY SM2 ID only, and it cannot check a
  chain whose certificates are signed with the standard ID (no way to pass distid to it);
- ``openssl cms -sign`` / ``openssl smime -sign`` cannot make SM2 SignedData at all;
- ``openssl pkeyutl`` with ``distid`` checks what is inside independently: the signature over the
  signed attributes, and raw signatures over data or over e.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from govnet.pki import keys
from govnet.pki.cms import CmsTrust, Style, parse_signed_data, raw, sign_data, verify_signed_data
from govnet.verdict import Status

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")

CONTENT = b"licence 2026-0001\n"
DISTID = "distid:1234567812345678"


def _openssl(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, timeout=60)


def _cms_verify(
    files: Path, signature: bytes, content: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """`openssl cms -verify -noverify` (signature only: OpenSSL cannot check these chains, see above)."""
    (files / "sig.der").write_bytes(signature)
    args: list[str | Path] = ["cms", "-verify", "-noverify", "-inform", "DER", "-in", files / "sig.der"]
    if content is not None:
        (files / "content.bin").write_bytes(content)
        args += ["-content", files / "content.bin"]
    return _openssl(*args, "-binary", "-out", files / "out.bin")


def _pkeyutl_verify(files: Path, data: bytes, signature: bytes, *, rawin: bool = True) -> None:
    """`openssl pkeyutl -verify` with the signer's public key: over data (SM3 with Z for the standard
    ID) or, without ``rawin``, over a 32-byte e taken as the digest."""
    (files / "in.bin").write_bytes(data)
    (files / "sig.bin").write_bytes(signature)
    options: list[str | Path] = ["-rawin", "-digest", "sm3", "-pkeyopt", DISTID] if rawin else []
    done = _openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", files / "pub.pem", *options,
        "-in", files / "in.bin", "-sigfile", files / "sig.bin",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Signature Verified Successfully" in done.stdout


@pytest.fixture
def files(tmp_path, chain, signer) -> Path:
    (tmp_path / "leaf.pem").write_bytes(signer.pem)
    (tmp_path / "root.pem").write_bytes(chain.root.pem)
    (tmp_path / "key.pem").write_bytes(keys.dump_private_key_pem(signer.key))
    (tmp_path / "pub.pem").write_bytes(keys.dump_public_key_pem(signer.key.public_key()))
    (tmp_path / "data.txt").write_bytes(CONTENT)
    return tmp_path


def test_openssl_verifies_pkcs7_style_signed_with_the_empty_id(files, signer):
    der = sign_data(CONTENT, signer.key, signer.cert, style=Style.PKCS7, detached=True, sm2_id=b"")
    done = _cms_verify(files, der, CONTENT)
    assert done.returncode == 0, done.stderr
    assert "Verification successful" in done.stderr
    assert _cms_verify(files, der, CONTENT + b"x").returncode != 0


def test_openssl_cms_rejects_the_standard_sm2_id(files, signer):
    der = sign_data(CONTENT, signer.key, signer.cert, style=Style.PKCS7)
    assert _cms_verify(files, der).returncode != 0  # OpenSSL 3.0 cms verifies SM2 with the empty ID only


def test_openssl_cms_refuses_gmt0010_oids(files, signer):
    done = _cms_verify(files, sign_data(CONTENT, signer.key, signer.cert, style=Style.GM))
    assert done.returncode != 0
    assert "content type" in done.stderr  # "unsupported content type" / "content type not signed data"


def test_pkeyutl_independently_verifies_the_signature_over_the_signed_attributes(files, signer):
    [who] = parse_signed_data(sign_data(CONTENT, signer.key, signer.cert, style=Style.GM)).signers
    _pkeyutl_verify(files, who.signed_attributes or b"", who.signature)


def test_openssl_cannot_make_sm2_signed_data_yet_and_govnet_reads_it_if_it_does(files, chain):
    done = _openssl(
        "cms", "-sign", "-signer", files / "leaf.pem", "-inkey", files / "key.pem", "-md", "sm3", "-binary",
        "-nodetach", "-in", files / "data.txt", "-outform", "DER", "-out", files / "o.der",
    )  # fmt: skip
    made = (files / "o.der").read_bytes() if (files / "o.der").exists() else b""
    if done.returncode != 0 or not made:
        assert "illegal zero content" in done.stderr or "not supported" in done.stderr, done.stderr
        return
    verdict = verify_signed_data(made, trust=CmsTrust(roots=(chain.root.cert,)), allow_empty_sm2_id=True)
    assert "signature" not in [c.name for c in verdict.failures]


def test_raw_signatures_cross_check_with_pkeyutl_both_ways(files, signer):
    _pkeyutl_verify(files, CONTENT, raw.sign(signer.key, data=CONTENT))
    made = _openssl(
        "pkeyutl", "-sign", "-inkey", files / "key.pem", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID,
        "-in", files / "data.txt", "-out", files / "theirs.sig",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    theirs = (files / "theirs.sig").read_bytes()
    assert raw.verify(signer.key.public_key(), theirs, data=CONTENT).status is Status.PASSED


def test_signature_over_e_verifies_in_pkeyutl_as_a_digest(files, signer):
    e = raw.hash_to_sign(signer.key.public_key(), CONTENT)
    _pkeyutl_verify(files, e, raw.sign(signer.key, e=e), rawin=False)


def test_openssl_reads_the_pkcs7_style_structure_but_not_gmt0010(files, signer):
    for style, readable in ((Style.PKCS7, True), (Style.GM, False)):
        (files / "p7.der").write_bytes(sign_data(CONTENT, signer.key, signer.cert, style=style))
        done = _openssl("pkcs7", "-inform", "DER", "-in", files / "p7.der", "-print_certs", "-noout")
        assert ("subject=" in done.stdout) is readable, (style, done.stdout, done.stderr)
