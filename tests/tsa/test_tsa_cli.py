"""`govnet pki timestamp`, `govnet pki timestamp-verify` and `govnet seal sign --timestamp`, end to end
on a fresh store (the seal CLI tests' fixtures, reused)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "seal"))

from test_seal_cli import govnet, sealed

__all__ = ["govnet", "sealed"]


def _json(run, *args: str):  # type: ignore[no-untyped-def]
    code, out, err = run(*args, "--json")
    assert code == 0, (out, err)
    return json.loads(out)


@pytest.fixture
def with_tsa(govnet, sealed):  # type: ignore[no-untyped-def]
    _json(govnet, "pki", "issue", "--profile", "tsa", "--subject", "CN=某市时间戳服务")
    return sealed


def test_without_a_tsa_timestamp_says_how_to_make_one(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    code, _, err = govnet("pki", "timestamp", str(sealed["document"]))
    assert code == 2 and "--profile tsa" in err
    code, _, err = govnet("seal", "sign", str(sealed["document"]), "--seal", sealed["seal"]["es_id"],
                          "--signer", sealed["signer"]["serial"], "--timestamp")  # fmt: skip
    assert code == 2 and "--profile tsa" in err


def test_timestamp_and_verify_a_file(govnet, with_tsa) -> None:  # type: ignore[no-untyped-def]
    document: Path = with_tsa["document"]
    stamp = _json(govnet, "pki", "timestamp", str(document))
    assert Path(stamp["response"]) == document.with_name(document.name + ".tsr")
    _json(govnet, "pki", "crl", "--all")
    code, out, _ = govnet("pki", "timestamp-verify", stamp["response"], "--data", str(document), "--json")
    assert code == 0 and json.loads(out)["status"] == "PASSED", out
    changed = document.with_name("changed.txt")
    changed.write_bytes(document.read_bytes() + b"!")
    code, out, _ = govnet("pki", "timestamp-verify", stamp["response"], "--data", str(changed), "--json")
    assert code == 1 and json.loads(out)["status"] == "FAILED"


def test_timestamp_refuses_bad_input_cleanly(govnet, with_tsa, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.tsq"
    junk.write_bytes(b"not a request")
    code, _, err = govnet("pki", "timestamp", "--query", str(junk), "--out", str(tmp_path / "r.tsr"))
    assert code == 2 and "refused it (bad_data_format)" in err and "Traceback" not in err
    code, _, err = govnet("pki", "timestamp", str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt" in err
    code, _, err = govnet("pki", "timestamp", str(with_tsa["document"]), "--hash", "md5")
    assert code == 2 and "md5" in err


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_an_openssl_query_is_answered(govnet, with_tsa, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    query, reply = tmp_path / "q.tsq", tmp_path / "q.tsr"
    subprocess.run(["openssl", "ts", "-query", "-data", str(with_tsa["document"]), "-sha256", "-cert",
                    "-out", str(query)], check=True, capture_output=True)  # fmt: skip
    _json(govnet, "pki", "timestamp", "--query", str(query), "--out", str(reply))
    text = subprocess.run(
        ["openssl", "ts", "-reply", "-in", str(reply), "-text"], capture_output=True, text=True
    )
    assert "Status: Granted." in text.stdout and "Hash Algorithm: sha256" in text.stdout


def test_seal_sign_timestamp_writes_a_token_that_verify_checks(govnet, with_tsa) -> None:  # type: ignore[no-untyped-def]
    signed = _json(govnet, "seal", "sign", str(with_tsa["document"]), "--seal", with_tsa["seal"]["es_id"],
                   "--signer", with_tsa["signer"]["serial"], "--timestamp")  # fmt: skip
    assert signed["time_stamped"] is True
    _json(govnet, "pki", "crl", "--all")
    code, out, _ = govnet(
        "seal", "verify", signed["signature"], "--document", str(with_tsa["document"]), "--json"
    )
    verdict = json.loads(out)
    assert code == 0 and verdict["status"] == "PASSED", verdict
    check = next(c for c in verdict["checks"] if c["name"] == "time_stamp")
    assert check["status"] == "PASSED" and check["evidence"]["time_stamp"]
