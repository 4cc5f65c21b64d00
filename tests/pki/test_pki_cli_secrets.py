"""Secrets stay secret at the command line: never echoed, and the store holding keys is private."""

from __future__ import annotations

from pathlib import Path

from pki_run import assert_input_error, govnet


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
