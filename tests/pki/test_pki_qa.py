"""Regressions found by trying to break `govnet pki` as a user would (QA pass): subprocess-level."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOVNET = [sys.executable, "-m", "govnet.cli"]
PASSPHRASE = "qa passphrase, long enough"


def govnet(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250", "GOVNET_HOME": str(home), "GOVNET_PKI_PASSPHRASE": PASSPHRASE}
    env.pop("GOVNET_DEBUG", None)
    return subprocess.run([*GOVNET, *args], capture_output=True, text=True, timeout=120, env=env)


def assert_input_error(run: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    for text in expected:
        assert text in run.stderr, run.stderr


def serials(home: Path) -> list[str]:
    run = govnet(home, "pki", "list", "--json")
    assert run.returncode == 0, run.stderr
    return [c["serial"] for c in json.loads(run.stdout)]


@pytest.fixture(scope="module")
def ca_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("qa-pki")
    run = govnet(home, "pki", "init", "--name", "CN=QA Root", "--intermediate")
    assert run.returncode == 0, run.stderr
    return home


def test_unwritable_out_files_issue_nothing(ca_home: Path, tmp_path: Path) -> None:
    before = serials(ca_home)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    for option in ("--out", "--key-out"):
        target = blocker / "cert.pem"
        run = govnet(
            ca_home, "pki", "issue", "--profile", "device", "--subject", "CN=r1", option, str(target)
        )
        assert_input_error(run, f"{target}: cannot write")
    run = govnet(ca_home, "pki", "issue", "--profile", "device", "--subject", "CN=r1", "--out", str(tmp_path))
    assert_input_error(run, f"{tmp_path}: cannot write: Is a directory")
    # The error came before the CA signed anything: no certificate the user never received.
    assert serials(ca_home) == before


def test_absurd_validity_is_an_input_error(ca_home: Path, tmp_path: Path) -> None:
    before = serials(ca_home)
    run = govnet(ca_home, "pki", "issue", "--profile", "device", "--subject", "CN=r1", "--days", "99999999")
    assert_input_error(run, "--days must be between 1 and 36525 days, got 99999999")
    run = govnet(ca_home, "pki", "crl", "--days", "99999999")
    assert_input_error(run, "must be between 1 and 36525 days")
    assert serials(ca_home) == before


@pytest.mark.parametrize("days", ["-5", "0", "99999999"])
def test_init_refuses_a_root_validity_that_is_not_positive(tmp_path: Path, days: str) -> None:
    # -5 used to make a root whose notAfter is before its notBefore; 0 silently meant 7300.
    run = govnet(tmp_path, "pki", "init", "--name", "CN=Bad Root", "--days", days)
    assert_input_error(run, f"--days must be between 1 and 36525 days, got {days}")
    assert serials(tmp_path) == []


def test_json_is_printed_on_input_errors_too(ca_home: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(os.urandom(300))
    run = govnet(ca_home, "pki", "verify", str(garbage), "--json")
    assert run.returncode == 2
    error = json.loads(run.stdout)
    assert error["exit_code"] == 2 and str(garbage) in error["error"]
    run = govnet(ca_home, "pki", "revoke", "nosuch", "--json")
    assert run.returncode == 2 and json.loads(run.stdout)["kind"] == "InputError"


def test_a_passphrase_typed_instead_of_its_reference_is_never_echoed(ca_home: Path, tmp_path: Path) -> None:
    key = tmp_path / "r1.key"
    run = govnet(
        ca_home, "-v", "pki", "issue", "--profile", "device", "--subject", "CN=r1",
        "--key-out", str(key), "--key-passphrase", "Typed-In-Secret-42",
    )  # fmt: skip
    assert_input_error(run, "a secret reference must be 'env:NAME' or 'file:PATH'")
    assert "Typed-In-Secret-42" not in run.stdout + run.stderr
    assert not key.exists()


def test_the_sqlite_store_holding_keys_is_private(ca_home: Path) -> None:
    assert (ca_home / "govnet.db").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("url", ["not a url", "http://", "crl.gov.example/root.crl", "gopher://x/y"])
def test_init_refuses_a_crl_url_nobody_could_fetch(tmp_path: Path, url: str) -> None:
    # The URL is written into every certificate for its lifetime: it used to be taken as given.
    run = govnet(tmp_path, "pki", "init", "--name", "CN=Root", "--crl-url", url)
    assert_input_error(run, f"--crl-url {url!r} is not a URL")
    assert serials(tmp_path) == []


def test_init_accepts_http_and_file_crl_urls(tmp_path: Path) -> None:
    run = govnet(
        tmp_path, "pki", "init", "--name", "CN=Root", "--crl-url", "http://crl.gov.example/root.crl",
        "--intermediate", "--intermediate-crl-url", f"file://{tmp_path}/issuing.crl", "--json",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr


def test_a_crl_that_cannot_be_published_says_it_was_stored(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    url = f"file://{blocker}/root.crl"
    assert govnet(tmp_path, "pki", "init", "--name", "CN=Root", "--crl-url", url).returncode == 0
    run = govnet(tmp_path, "pki", "crl")
    assert run.returncode == 1, run.stderr  # not 2: something was written (the CRL, in the store)
    assert "CRL #1 is signed and stored, but publishing it failed" in run.stderr
    assert "internal error" not in run.stderr


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
