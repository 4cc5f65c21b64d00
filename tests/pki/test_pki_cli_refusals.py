"""`govnet pki` refuses bad input before it writes anything (exit 2, nothing issued), and says
what was written when a later step fails."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pki_run import assert_input_error, govnet, serials


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
