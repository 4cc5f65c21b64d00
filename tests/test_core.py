"""The shared core: verdicts, secrets, settings and the CLI's exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from govnet.errors import ConfigError, SecretError
from govnet.secrets import resolve_secret, write_secret_file
from govnet.settings import load_settings
from govnet.verdict import CheckResult, Status, Verdict

GOVNET = [sys.executable, "-m", "govnet.cli"]


def test_verdict_status_is_derived_from_its_checks() -> None:
    ok = CheckResult.passed("signature")
    unsure = CheckResult.indeterminate("revocation", "no CRL")
    bad = CheckResult.failed("validity", "expired", not_after="2020-01-01")
    assert Verdict("cert", (ok,)).status is Status.PASSED
    assert Verdict("cert", (ok, unsure)).status is Status.INDETERMINATE
    verdict = Verdict("cert", (ok, unsure, bad))
    assert verdict.status is Status.FAILED
    assert verdict.failures == (bad,)
    assert verdict.summary()["checks"][2] == {
        "name": "validity",
        "status": "FAILED",
        "reason": "expired",
        "evidence": {"not_after": "2020-01-01"},
    }


def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_TEST_SECRET", "s3cret")
    assert resolve_secret("env:GOVNET_TEST_SECRET") == "s3cret"
    monkeypatch.delenv("GOVNET_TEST_SECRET")
    with pytest.raises(SecretError, match="GOVNET_TEST_SECRET is not set"):
        resolve_secret("env:GOVNET_TEST_SECRET")


def test_secret_file_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "pw"
    write_secret_file(path, "hunter2\n")
    assert path.stat().st_mode & 0o777 == 0o600
    assert resolve_secret(f"file:{path}") == "hunter2"
    path.chmod(0o644)
    with pytest.raises(SecretError) as info:
        resolve_secret(f"file:{path}")
    assert "chmod 600" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_secret_reference_must_name_its_kind() -> None:
    with pytest.raises(SecretError, match="must be 'env:NAME' or 'file:PATH'"):
        resolve_secret("hunter2")


def test_settings_environment_overrides_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "govnet.toml"
    config.write_text('store_url = "sqlite:///from-file.db"\n[pki]\nsm2_backend = "gmssl"\n')
    monkeypatch.setenv("GOVNET_CONFIG", str(config))
    settings = load_settings()
    assert settings.store_url == "sqlite:///from-file.db"
    assert settings.pki.sm2_backend == "gmssl"
    monkeypatch.setenv("GOVNET_PKI__SM2_BACKEND", "openssl")
    assert load_settings().pki.sm2_backend == "openssl"


def test_bad_settings_name_the_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "govnet.toml"
    config.write_text("[pki]\nsm2_backend = 'rot13'\n")
    monkeypatch.setenv("GOVNET_CONFIG", str(config))
    with pytest.raises(ConfigError, match=r"pki\.sm2_backend"):
        load_settings()
    config.write_text("this is = = not toml")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings()


def test_default_store_is_sqlite_in_home(tmp_path: Path) -> None:
    assert load_settings(home=tmp_path).effective_store_url == f"sqlite:///{tmp_path / 'govnet.db'}"


def test_cli_version_and_usage_errors() -> None:
    done = subprocess.run([*GOVNET, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("govnet ")
    done = subprocess.run([*GOVNET, "no-such-command"], capture_output=True, text=True, check=False)
    assert done.returncode == 2


def test_cli_reports_config_errors_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "GOVNET_CONFIG": str(tmp_path / "missing.toml")}
    done = subprocess.run([*GOVNET, "demo", "--help"], capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0  # --help needs no settings
    done = subprocess.run(
        [*GOVNET, "demo", "--workdir", str(tmp_path)], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 2
    assert "missing.toml" in done.stderr and "Traceback" not in done.stderr


def test_progress_draws_nothing_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from govnet.output import progress

    with progress("working", total=3) as advance:
        for _ in range(3):
            advance(1)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_usage_errors_under_json_print_a_json_object() -> None:
    import json

    done = subprocess.run([*GOVNET, "pki", "verify", "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert json.loads(done.stdout) == {
        "error": "Missing argument 'cert'.",
        "kind": "UsageError",
        "exit_code": 2,
    }
    assert "Missing argument 'cert'" in done.stderr  # people still get typer's own message
