"""Errors a person can act on: which file, what was expected, algorithms by name, options by name."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from pki_run import assert_input_error, govnet

from govnet.errors import InputError
from govnet.pki import x509
from govnet.pki.oids import describe


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the data is empty"),
        (
            b"\x30\x82\x01\x00" + b"\x00" * 10,
            "truncated: the structure declares 260 bytes, the data holds 14",
        ),
        (b"garbage that is not DER", "expected DER (a SEQUENCE) or PEM"),
        (b"\x30\x03\x02\x01\x01", "the structure inside does not match"),
    ],
)
def test_garbage_certificates_are_described_not_passed_through(data: bytes, expected: str) -> None:
    with pytest.raises(InputError) as info:
        x509.load_certificate(data, "cert.der")
    message = str(info.value)
    assert message.startswith("cert.der: not a valid X.509 certificate: ") and expected in message
    assert "Insufficient data" not in message and "requested" not in message


def test_a_truncated_pem_certificate_names_file_line_and_expectation(tmp_path: Path) -> None:
    from pki_chains import ChainFactory

    der = ChainFactory().root.cert.dump()
    pem = x509.to_pem(x509.PEM_CERTIFICATE, der[: len(der) // 2])
    with pytest.raises(InputError, match=r"half\.pem: line 1: not a valid X\.509 certificate: truncated"):
        x509.load_certificate(pem, "half.pem")


def test_algorithms_are_named_for_people() -> None:
    assert describe("1.2.840.113549.1.1.1") == "RSA (1.2.840.113549.1.1.1)"
    assert describe("1.2.840.113549.1.1.11") == "SHA256 with RSA (1.2.840.113549.1.1.11)"
    assert describe("1.2.840.10045.3.1.7") == "secp256r1 (1.2.840.10045.3.1.7)"
    assert describe("2.16.840.1.101.3.4.3.10") == "SHA3-256 with ECDSA (2.16.840.1.101.3.4.3.10)"
    assert describe("1.2.3.4") == "1.2.3.4" and describe(None) == "unknown"


def test_an_rsa_certificate_is_named_rsa_by_verify(ca_home: Path, tmp_path: Path) -> None:
    key, cert = tmp_path / "rsa.key", tmp_path / "rsa.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-subj", "/CN=rsa",
         "-days", "1", "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    run = govnet(ca_home, "pki", "verify", str(cert), "--trust", str(cert), "--json")
    assert run.returncode == 1
    reasons = " ".join(c["reason"] for c in json.loads(run.stdout)["checks"])
    assert "RSA (1.2.840.113549.1.1.1)" in reasons, reasons
    run = govnet(ca_home, "pki", "issue", "--profile", "device", "--subject", "CN=r", "--key", str(key))
    assert_input_error(run, f"{key}: line 1: the private key is RSA (1.2.840.113549.1.1.1), not SM2")


def test_an_encrypted_key_without_its_passphrase_names_the_option(ca_home: Path, tmp_path: Path) -> None:
    key = tmp_path / "enc.key"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-aes-256-cbc",
         "-pass", "pass:key file passphrase", "-out", str(key)],
        check=True, capture_output=True,
    )  # fmt: skip
    run = govnet(ca_home, "pki", "issue", "--profile", "device", "--subject", "CN=r", "--key", str(key))
    assert_input_error(run, "the private key is encrypted", "--key-passphrase env:NAME|file:PATH")


def test_garbage_given_to_verify_says_file_and_expectation(ca_home: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.der"
    garbage.write_bytes(b"\x30\x82\x01\x00" + bytes(96))
    run = govnet(ca_home, "pki", "verify", str(garbage))
    assert_input_error(run, f"{garbage}: not a valid X.509 certificate: truncated")
    assert "Insufficient data" not in run.stderr
