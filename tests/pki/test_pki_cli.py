"""`govnet pki ...` end to end: exit codes, files written (and not written), messages without secrets."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from govnet_cli import in_process_runner
from pki_chains import PASSPHRASE

from govnet.pki import keys, x509

CODE = "914403001922038216"
HOLDER_PASS = "the holder's own passphrase"


@pytest.fixture
def govnet(pki_settings: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the CLI in this process; returns (exit code, stdout, stderr)."""
    return in_process_runner(monkeypatch, capsys)


def _json(run, *args: str):  # type: ignore[no-untyped-def]
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def initialised(govnet):  # type: ignore[no-untyped-def]
    made = _json(
        govnet,
        "pki",
        "init",
        "--name",
        "CN=Test Root CA",
        "--org",
        "某市政务服务数据管理局",
        "--credit-code",
        CODE,
        "--intermediate",
    )
    return made


def test_full_cycle(govnet, initialised, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert initialised["intermediate"]["subject"].startswith("serialNumber=")
    assert "CN=Test Issuing CA" in initialised["intermediate"]["subject"]
    assert "O=某市政务服务数据管理局" in initialised["intermediate"]["subject"]
    monkeypatch.setenv("HOLDER_PASS", HOLDER_PASS)
    seal = _json(
        govnet, "pki", "issue", "--profile", "seal-maker", "--subject", "CN=制章人", "--org", "某局",
        "--credit-code", CODE, "--out", str(tmp_path / "seal.pem"), "--key-out", str(tmp_path / "seal.key"),
        "--key-passphrase", "env:HOLDER_PASS",
    )  # fmt: skip
    tls = _json(
        govnet, "pki", "issue", "--profile", "tls-server", "--subject", "www.gov.example",
        "--san", "www.gov.example", "--san", "IP:2001:db8::1", "--out", str(tmp_path / "tls.der"), "--der",
    )  # fmt: skip
    assert (tmp_path / "seal.key").stat().st_mode & 0o777 == 0o600
    assert keys.load_pkcs8_or_sec1_key((tmp_path / "seal.key").read_bytes(), HOLDER_PASS).public_key() == (
        x509.certificate_public_key(x509.load_certificate((tmp_path / "seal.pem").read_bytes(), "seal.pem"))
    )
    assert (tmp_path / "tls.der").read_bytes()[:1] == b"\x30"
    revoked = _json(govnet, "pki", "revoke", tls["serial"], "--reason", "keyCompromise")
    assert revoked["status"] == "revoked" and revoked["reason"] == "keyCompromise"
    crl = _json(govnet, "pki", "crl", "--out", str(tmp_path / "crl.pem"))
    assert crl["revoked"] == 1 and crl["number"] == 1 and Path(crl["published"]).exists()
    _json(govnet, "pki", "crl", "--ca", initialised["root"]["serial"])
    listed = _json(govnet, "pki", "list")
    assert [c["profile"] for c in listed] == ["root", "intermediate", "seal-maker", "tls-server"]
    assert [c["serial"] for c in _json(govnet, "pki", "list", "--status", "revoked")] == [tls["serial"]]

    code, out, _ = govnet("pki", "verify", str(tmp_path / "seal.pem"), "--purpose", "seal-maker", "--json")
    assert code == 0 and json.loads(out)["status"] == "PASSED"
    code, out, _ = govnet("pki", "verify", str(tmp_path / "tls.der"), "--json")
    verdict = json.loads(out)
    assert code == 1 and verdict["status"] == "FAILED"
    assert [c["name"] for c in verdict["checks"] if c["status"] == "FAILED"] == [
        "revocation[leaf: www.gov.example]",
        "revocation_record[leaf: www.gov.example]",
    ]
    code, out, _ = govnet("pki", "verify", str(tmp_path / "seal.pem"), "--at", "2100-01-01")
    assert code == 1 and "expired on" in out and "validity[leaf: 制章人]" in out

    code, out, _ = govnet("pki", "export", seal["serial"], "--chain")
    assert code == 0 and out.count("BEGIN CERTIFICATE") == 3
    code, _, _ = govnet("pki", "export", seal["serial"], "--der", "--out", str(tmp_path / "again.der"))
    assert (
        x509.load_certificate((tmp_path / "again.der").read_bytes(), "again").dump()
        == x509.load_certificate((tmp_path / "seal.pem").read_bytes(), "seal").dump()
    )
    code, _, err = govnet(
        "pki", "export", seal["serial"], "--key", str(tmp_path / "exported.key"), "--out", os.devnull
    )
    assert code == 2 and "not held here" in err  # the seal maker's key went to its holder only
    code, _, _ = govnet(
        "pki", "export", tls["serial"], "--key", str(tmp_path / "exported.key"), "--out", os.devnull
    )
    assert code == 0 and (tmp_path / "exported.key").stat().st_mode & 0o777 == 0o600


def test_input_errors_exit_2_and_write_nothing(
    govnet, initialised, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
    before = len(_json(govnet, "pki", "list"))
    cases = [
        (("pki", "verify", str(garbage)), "garbage.pem: line 1: not a valid X.509 certificate"),
        (("pki", "verify", str(tmp_path / "missing.pem")), "missing.pem: cannot read"),
        (
            ("pki", "issue", "--profile", "signer", "--csr", str(garbage)),
            "no PEM block of type CERTIFICATE REQUEST",
        ),
        (
            ("pki", "issue", "--profile", "signer", "--subject", "CN=x", "--credit-code", "123"),
            "must be 18 characters",
        ),
        (("pki", "issue", "--profile", "nope", "--subject", "CN=x"), "unknown profile 'nope'"),
        (("pki", "revoke", "abcdef"), "no certificate with serial abcdef"),
        (("pki", "revoke", initialised["root"]["serial"], "--reason", "lost"), "unknown revocation reason"),
        (("pki", "verify", str(garbage), "--at", "yesterday"), "not an ISO 8601 time"),
        (("pki", "init", "--name", "CN=again"), "already has a certificate authority"),
    ]
    for args, message in cases:
        code, out, err = govnet(*args)
        assert code == 2, (args, out, err)
        assert message in err and "Traceback" not in err, (args, err)
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", "wrong wrong wrong")
    code, _, err = govnet("pki", "issue", "--profile", "device", "--subject", "CN=r1")
    assert code == 2 and "wrong passphrase or corrupted key file" in err and "wrong wrong" not in err
    monkeypatch.delenv("GOVNET_PKI_PASSPHRASE")
    code, _, err = govnet("pki", "crl")
    assert code == 2 and "GOVNET_PKI_PASSPHRASE" in err
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
    assert len(_json(govnet, "pki", "list")) == before


def test_issue_before_init_names_the_fix(govnet) -> None:  # type: ignore[no-untyped-def]
    code, _, err = govnet("pki", "issue", "--profile", "device", "--subject", "CN=r1")
    assert code == 2 and "govnet pki init" in err


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl binary is not installed")
def test_openssl_keys_and_csrs_through_the_cli(govnet, initialised, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    openssl("genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "dev.key")
    openssl("req", "-new", "-key", "dev.key", "-sm3", "-sigopt", "distid:1234567812345678",
            "-subj", "/C=CN/CN=switch-07", "-addext", "subjectAltName=DNS:switch-07.gov.example",
            "-out", "dev.csr")  # fmt: skip
    issued = _json(
        govnet,
        "pki",
        "issue",
        "--profile",
        "device",
        "--csr",
        str(tmp_path / "dev.csr"),
        "--out",
        str(tmp_path / "dev.pem"),
    )
    assert issued["csr_sm2_id"] == "default" and issued["subject"] == "CN=switch-07, C=CN"
    assert (
        "DNS:switch-07.gov.example"
        in subprocess.run(
            ["openssl", "x509", "-in", "dev.pem", "-noout", "-ext", "subjectAltName"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    code, _, _ = govnet(
        "pki", "export", initialised["intermediate"]["serial"], "--out", str(tmp_path / "inter.pem")
    )
    assert code == 0
    openssl(
        "verify", "-vfyopt", "distid:1234567812345678", "-partial_chain", "-CAfile", "inter.pem", "dev.pem"
    )
    # a CSR from plain `openssl req` (empty ID) is refused with the fix spelled out
    openssl("req", "-new", "-key", "dev.key", "-sm3", "-subj", "/C=CN/CN=switch-08", "-out", "plain.csr")
    code, _, err = govnet("pki", "issue", "--profile", "device", "--csr", str(tmp_path / "plain.csr"))
    assert code == 2 and "-sigopt distid:1234567812345678" in err


def test_cli_help_is_fast_and_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "govnet.cli", "pki", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    for command in ("init", "issue", "revoke", "crl", "list", "export", "verify"):
        assert command in done.stdout


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl binary is not installed")
def test_certify_an_encrypted_openssl_key(  # type: ignore[no-untyped-def]
    govnet, initialised, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-aes-256-cbc",
         "-pass", "pass:key file passphrase", "-out", "signer.key"],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SIGNER_KEY_PASS", "key file passphrase")
    issued = _json(
        govnet, "pki", "issue", "--profile", "signer", "--subject", "CN=赵六",
        "--key", str(tmp_path / "signer.key"), "--key-passphrase", "env:SIGNER_KEY_PASS",
        "--out", str(tmp_path / "signer.pem"),
    )  # fmt: skip
    cert_pub = subprocess.run(
        ["openssl", "x509", "-in", "signer.pem", "-noout", "-pubkey"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    ).stdout
    key_pub = subprocess.run(
        ["openssl", "pkey", "-in", "signer.key", "-passin", "env:SIGNER_KEY_PASS", "-pubout"],
        cwd=tmp_path, capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert cert_pub == key_pub
    # a signer's own key is certified, not kept: the store holds none and exports none
    assert issued["key_custody"] is None
    code, _, err = govnet(
        "pki", "export", issued["serial"], "--key", str(tmp_path / "back.key"), "--out", os.devnull
    )
    assert code == 2 and "not held here" in err and not (tmp_path / "back.key").exists()
    monkeypatch.setenv("SIGNER_KEY_PASS", "not it at all")
    code, _, err = govnet(
        "pki", "issue", "--profile", "signer", "--subject", "CN=x", "--key", str(tmp_path / "signer.key"),
        "--key-passphrase", "env:SIGNER_KEY_PASS",
    )  # fmt: skip
    assert code == 2 and "wrong passphrase" in err and "not it at all" not in err


def test_verbose_logs_never_carry_secrets(  # type: ignore[no-untyped-def]
    govnet, initialised, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        code, out, err = govnet(
            "-v",
            "pki",
            "issue",
            "--profile",
            "device",
            "--subject",
            "CN=r9",
            "--key-out",
            str(tmp_path / "r9.key"),
        )
    assert code == 0
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "pki: issued device certificate" in logged
    for text in (logged, out, err):
        assert PASSPHRASE not in text and "PRIVATE KEY" not in text


def test_a_certificate_from_another_city_verifies_with_its_root_and_crl(  # type: ignore[no-untyped-def]
    govnet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """一地发证、全网互信互认: city B issues, city A verifies with B's root and CRL."""
    monkeypatch.setenv("GOVNET_HOME", str(tmp_path / "city-b"))
    monkeypatch.setenv("HOLDER_PASS", HOLDER_PASS)
    _json(govnet, "pki", "init", "--name", "CN=B市电子政务根CA", "--intermediate")
    issued = _json(
        govnet,
        "pki",
        "issue",
        "--profile",
        "signer",
        "--subject",
        "CN=李四",
        "--out",
        str(tmp_path / "li.pem"),
        "--key-out",
        str(tmp_path / "li.key"),
        "--key-passphrase",
        "env:HOLDER_PASS",
    )
    bundle = tmp_path / "b-chain.pem"
    assert govnet("pki", "export", issued["serial"], "--chain", "--out", str(bundle))[0] == 0
    roots = _json(govnet, "pki", "list", "--profile", "root")
    assert govnet("pki", "export", roots[0]["serial"], "--out", str(tmp_path / "b-root.pem"))[0] == 0
    _json(govnet, "pki", "crl", "--out", str(tmp_path / "b-issuing.crl"))
    _json(govnet, "pki", "crl", "--ca", roots[0]["serial"], "--out", str(tmp_path / "b-root.crl"), "--der")

    monkeypatch.setenv("GOVNET_HOME", str(tmp_path / "city-a"))
    _json(govnet, "pki", "init", "--name", "CN=A市电子政务根CA")
    args = ["pki", "verify", str(tmp_path / "li.pem"), "--chain", str(bundle), "--json"]
    code, out, _ = govnet(*args)
    assert code == 1 and "not a trusted root" in json.loads(out)["checks"][0]["reason"]
    code, out, _ = govnet(*args, "--trust", str(tmp_path / "b-root.pem"))
    assert code == 1 and json.loads(out)["status"] == "INDETERMINATE"  # no CRLs from city B yet
    crls = ["--crl", str(tmp_path / "b-issuing.crl"), "--crl", str(tmp_path / "b-root.crl")]
    code, out, _ = govnet(*args, "--trust", str(tmp_path / "b-root.pem"), *crls, "--purpose", "signer")
    assert code == 0 and json.loads(out)["status"] == "PASSED"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl binary is not installed")
def test_csr_contents_are_checked_like_typed_input(govnet, initialised, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "k.pem"],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    requests = {
        "bad-san.csr": (
            "/CN=x",
            ["-addext", "subjectAltName=DNS:bad_name!"],
            "bad-san.csr: requested subjectAltName",
        ),
        "odd-dn.csr": ("/DC=example/CN=x", [], "odd-dn.csr: subject attribute 0.9.2342.19200300.100.1.25"),
    }
    for name, (subject, extra, message) in requests.items():
        subprocess.run(
            ["openssl", "req", "-new", "-key", "k.pem", "-sm3", "-sigopt", "distid:1234567812345678",
             "-subj", subject, *extra, "-out", name],
            cwd=tmp_path, check=True, capture_output=True,
        )  # fmt: skip
        code, _, err = govnet("pki", "issue", "--profile", "device", "--csr", str(tmp_path / name))
        assert code == 2 and message in err, err
