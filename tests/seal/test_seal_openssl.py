"""An independent path: OpenSSL 3.0 checks the SM2 signatures govnet's seals and signatures carry,
over the exact bytes each standard says are signed, and the certificates inside them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from seal_kit import Kit, forge_v1

from govnet.pki import x509
from govnet.pki.seal import reader

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")

DISTID = "distid:1234567812345678"


def _pem(cert) -> bytes:  # type: ignore[no-untyped-def]
    return x509.to_pem(x509.PEM_CERTIFICATE, cert.dump())


def _openssl_verifies(tmp_path: Path, cert, data: bytes, signature: bytes) -> bool:  # type: ignore[no-untyped-def]
    (tmp_path / "cert.pem").write_bytes(_pem(cert))
    public = subprocess.run(
        ["openssl", "x509", "-in", "cert.pem", "-pubkey", "-noout"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    ).stdout
    (tmp_path / "pub.pem").write_bytes(public)
    (tmp_path / "signed.bin").write_bytes(data)
    (tmp_path / "sig.der").write_bytes(signature)
    done = subprocess.run(
        # -rawin -digest sm3: OpenSSL computes Z (from the ID) and SM3 itself, as GB/T 32918.2 says.
        [
            *("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3"),
            *("-pkeyopt", DISTID, "-in", "signed.bin", "-sigfile", "sig.der"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and "Verified Successfully" in done.stdout


def test_openssl_verifies_the_seal_makers_signature_over_ses_sealinfo(kit: Kit, tmp_path: Path) -> None:
    seal = reader.read_seal(kit.seal())
    assert _openssl_verifies(tmp_path, seal.maker_certificate, seal.signed_bytes, seal.signature)
    # and the bytes are SES_SealInfo exactly as they sit in the file
    assert seal.signed_bytes in seal.der


def test_openssl_verifies_the_signers_signature_over_tbs_sign(kit: Kit, tmp_path: Path) -> None:
    sig = reader.read_signature(kit.signature())
    assert _openssl_verifies(tmp_path, sig.signer_certificate, sig.signed_bytes, sig.signature)
    assert not _openssl_verifies(tmp_path, sig.signer_certificate, sig.signed_bytes + b"\x00", sig.signature)


def test_openssl_verifies_a_v1_seal_over_the_gmt0031_sequence(kit: Kit, tmp_path: Path) -> None:
    seal_der, sig_der = forge_v1(kit)
    seal = reader.read_seal(seal_der)
    assert _openssl_verifies(tmp_path, seal.maker_certificate, seal.signed_bytes, seal.signature)
    sig = reader.read_signature(sig_der)
    assert _openssl_verifies(tmp_path, sig.signer_certificate, sig.signed_bytes, sig.signature)


def test_openssl_verifies_the_certificates_inside_a_signature(kit: Kit, tmp_path: Path) -> None:
    sig = reader.read_signature(kit.signature())
    (tmp_path / "root.pem").write_bytes(_pem(kit.chain.root.cert))
    (tmp_path / "inter.pem").write_bytes(_pem(kit.chain.inter.cert))
    (tmp_path / "maker.pem").write_bytes(_pem(sig.seal.maker_certificate))
    (tmp_path / "signer.pem").write_bytes(_pem(sig.signer_certificate))
    # OpenSSL 3.0 passes the SM2 ID to the target only, so the chain is checked link by link.
    commands = [
        ["openssl", "verify", "-vfyopt", DISTID, "-CAfile", "root.pem", "inter.pem"],
        ["openssl", "verify", "-vfyopt", DISTID, "-partial_chain", "-CAfile", "inter.pem", "maker.pem"],
        ["openssl", "verify", "-vfyopt", DISTID, "-partial_chain", "-CAfile", "inter.pem", "signer.pem"],
    ]
    for command in commands:
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
