"""Subjects typed or requested: every documented attribute encodes; control characters are refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pki_run import assert_input_error, govnet, serials


def test_subject_email_is_encoded_and_checked(ca_home: Path, tmp_path: Path) -> None:
    # emailAddress is a documented subject attribute; it used to end in an internal error.
    out = tmp_path / "em.pem"
    run = govnet(
        ca_home, "pki", "issue", "--profile", "signer", "--subject", "CN=x,emailAddress=zhang@gov.example",
        "--out", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    shown = subprocess.run(
        ["openssl", "x509", "-in", str(out), "-noout", "-subject"], capture_output=True, text=True, check=True
    )
    assert "emailAddress = zhang@gov.example" in shown.stdout
    run = govnet(ca_home, "pki", "issue", "--profile", "signer", "--subject", "CN=x,emailAddress=bad")
    assert_input_error(run, "emailAddress 'bad' is not an e-mail address")


def test_control_characters_in_a_subject_are_refused(ca_home: Path, tmp_path: Path) -> None:
    before = serials(ca_home)
    run = govnet(ca_home, "pki", "issue", "--profile", "signer", "--subject", "CN=a\x1b[31mred")
    assert_input_error(run, "common_name holds control characters")
    key, csr = tmp_path / "k.pem", tmp_path / "bell.csr"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", str(key)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["openssl", "req", "-new", "-key", str(key), "-sm3", "-sigopt", "distid:1234567812345678",
         "-subj", "/C=CN/CN=bad\x07bell", "-out", str(csr)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    run = govnet(ca_home, "pki", "issue", "--profile", "signer", "--csr", str(csr))
    assert_input_error(run, f"{csr}: subject: common_name holds control characters")
    assert serials(ca_home) == before
