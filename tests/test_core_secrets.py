"""Secrets come from the environment or owner-only files, and are never repeated in errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from govnet.errors import SecretError
from govnet.secrets import resolve_secret, write_secret_file


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
