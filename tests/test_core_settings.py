"""Settings: file, environment and defaults; every mistake in them is a clear config error (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from govnet_cli import RunGovnet

from govnet.errors import ConfigError
from govnet.settings import load_settings


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


def test_config_path_that_is_a_folder_is_a_config_error(tmp_path: Path, run_govnet: RunGovnet) -> None:
    run = run_govnet("pki", "list", env={"GOVNET_CONFIG": str(tmp_path)})
    assert run.returncode == 2, run.stderr
    assert f"{tmp_path}: cannot read the config file: Is a directory" in run.stderr


def test_sqlite_store_behind_a_file_is_a_config_error(tmp_path: Path, run_govnet: RunGovnet) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x\n")
    run = run_govnet("pki", "list", env={"GOVNET_STORE_URL": f"sqlite:///{blocker}/govnet.db"})
    assert run.returncode == 2, run.stderr
    assert f"cannot create the folder {blocker}: a file is in the way" in run.stderr
    assert "internal error" not in run.stderr


def test_the_lab_refuses_to_listen_beyond_loopback(run_govnet: RunGovnet) -> None:
    # GOVNET_LAB__HOST=0.0.0.0 used to put every simulated device (factory defaults: telnet on,
    # weak SNMP) on every interface of the machine.
    for variable, value in (("GOVNET_LAB__HOST", "0.0.0.0"), ("GOVNET_LAB__HOST6", "::")):
        run = run_govnet("lab", "status", env={variable: value})
        assert run.returncode == 2, run.stderr
        assert "loopback address: the lab listens on loopback only" in run.stderr


def test_a_misspelt_key_in_a_config_section_is_an_error(tmp_path: Path, run_govnet: RunGovnet) -> None:
    # `[pki] passphrase_fle = ...` used to be ignored silently: the CA then looked elsewhere.
    config = tmp_path / "govnet.toml"
    config.write_text('[pki]\npassphrase_fle = "/tmp/pw"\n[lab]\nhots = "127.0.0.1"\n', encoding="utf-8")
    run = run_govnet("pki", "list", env={"GOVNET_CONFIG": str(config)})
    assert run.returncode == 2, run.stderr
    assert "pki.passphrase_fle: Extra inputs are not permitted" in run.stderr
    assert "lab.hots: Extra inputs are not permitted" in run.stderr
