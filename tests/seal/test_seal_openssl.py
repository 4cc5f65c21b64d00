"""An independent path: OpenSSL 3.0 checks the SM2 signatures govnet's seals and signatures carry,
over the exact bytes each standard says are signed, and the certificates inside them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openssl_sm2 import DISTID, openssl_verifies, pem
from seal_kit import Kit, forge_v1

from govnet.pki.seal import reader

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")


def test_openssl_verifies_the_seal_makers_signature_over_ses_sealinfo(kit: Kit, tmp_path: Path) -> None:
    seal = reader.read_seal(kit.seal())
    assert openssl_verifies(tmp_path, seal.maker_certificate, seal.signed_bytes, seal.signature)
    # and the bytes are SES_SealInfo exactly as they sit in the file
    assert seal.signed_bytes in seal.der


def test_openssl_verifies_the_signers_signature_over_tbs_sign(kit: Kit, tmp_path: Path) -> None:
    sig = reader.read_signature(kit.signature())
    assert openssl_verifies(tmp_path, sig.signer_certificate, sig.signed_bytes, sig.signature)
    assert not openssl_verifies(tmp_path, sig.signer_certificate, sig.signed_bytes + b"\x00", sig.signature)


def test_openssl_verifies_a_v1_seal_over_the_gmt0031_sequence(kit: Kit, tmp_path: Path) -> None:
    seal_der, sig_der = forge_v1(kit)
    seal = reader.read_seal(seal_der)
    assert openssl_verifies(tmp_path, seal.maker_certificate, seal.signed_bytes, seal.signature)
    sig = reader.read_signature(sig_der)
    assert openssl_verifies(tmp_path, sig.signer_certificate, sig.signed_bytes, sig.signature)


def test_openssl_verifies_the_certificates_inside_a_signature(kit: Kit, tmp_path: Path) -> None:
    sig = reader.read_signature(kit.signature())
    (tmp_path / "root.pem").write_bytes(pem(kit.chain.root.cert))
    (tmp_path / "inter.pem").write_bytes(pem(kit.chain.inter.cert))
    (tmp_path / "maker.pem").write_bytes(pem(sig.seal.maker_certificate))
    (tmp_path / "signer.pem").write_bytes(pem(sig.signer_certificate))
    # OpenSSL 3.0 passes the SM2 ID to the target only, so the chain is checked link by link.
    commands = [
        ["openssl", "verify", "-vfyopt", DISTID, "-CAfile", "root.pem", "inter.pem"],
        ["openssl", "verify", "-vfyopt", DISTID, "-partial_chain", "-CAfile", "inter.pem", "maker.pem"],
        ["openssl", "verify", "-vfyopt", DISTID, "-partial_chain", "-CAfile", "inter.pem", "signer.pem"],
    ]
    for command in commands:
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
