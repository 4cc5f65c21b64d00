"""The independent check of govnet's SM2 signatures: OpenSSL 3.0's command line (imported by the
test files of any area that need it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from govnet.pki import x509

DISTID = "distid:1234567812345678"  # the standard SM2 ID; OpenSSL's own default is empty


def pem(cert) -> bytes:  # type: ignore[no-untyped-def]
    """An asn1crypto certificate as PEM."""
    return x509.to_pem(x509.PEM_CERTIFICATE, cert.dump())


def openssl_verifies(folder: Path, cert, data: bytes, signature: bytes) -> bool:  # type: ignore[no-untyped-def]
    """Whether OpenSSL finds ``signature`` (DER) by ``cert``'s key valid over ``data``: it computes Z
    (from the ID) and SM3 itself (-rawin -digest sm3), as GB/T 32918.2 says."""
    (folder / "cert.pem").write_bytes(pem(cert))
    public = subprocess.run(
        ["openssl", "x509", "-in", "cert.pem", "-pubkey", "-noout"],
        cwd=folder,
        capture_output=True,
        check=True,
    ).stdout
    (folder / "pub.pem").write_bytes(public)
    (folder / "signed.bin").write_bytes(data)
    (folder / "sig.der").write_bytes(signature)
    done = subprocess.run(
        [
            *("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3"),
            *("-pkeyopt", DISTID, "-in", "signed.bin", "-sigfile", "sig.der"),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and "Verified Successfully" in done.stdout
