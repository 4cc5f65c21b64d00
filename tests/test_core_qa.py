"""Regressions in the shared CLI core found in the QA pass: error rendering and --json failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

GOVNET = [sys.executable, "-m", "govnet.cli"]
BROKEN = Path(__file__).resolve().parents[1] / "inventory" / "examples" / "broken"


def govnet(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    env.pop("GOVNET_DEBUG", None)
    return subprocess.run([*GOVNET, *args], capture_output=True, text=True, timeout=120, env=env)


def test_error_text_with_brackets_is_printed_as_written(tmp_path: Path) -> None:
    # Error messages were read as Rich markup: "[/b]" in a path crashed the error printer, and the
    # rule names in "[yaml.syntax]" vanished from messages.
    odd = tmp_path / "x[/b]"
    run = govnet("inventory", "validate", str(odd))
    assert run.returncode == 2, run.stderr
    assert f"{odd}: no such inventory file or folder" in run.stderr
    assert "Traceback" not in run.stderr
    run = govnet("inventory", "summary", str(BROKEN / "invalid-yaml.yaml"))
    assert run.returncode == 2
    assert "[yaml.syntax]" in run.stderr


def test_json_commands_print_a_json_error_object(tmp_path: Path) -> None:
    run = govnet("inventory", "summary", str(tmp_path / "missing"), "--json")
    assert run.returncode == 2
    assert json.loads(run.stdout) == {
        "error": f"{tmp_path / 'missing'}: no such inventory file or folder",
        "kind": "InputError",
        "exit_code": 2,
    }
    # Without --json, stdout stays empty: the error goes to stderr only.
    run = govnet("inventory", "summary", str(tmp_path / "missing"))
    assert run.returncode == 2 and run.stdout == ""


def test_config_path_that_is_a_folder_is_a_config_error(tmp_path: Path) -> None:
    env = {**os.environ, "GOVNET_CONFIG": str(tmp_path), "COLUMNS": "250"}
    env.pop("GOVNET_DEBUG", None)
    run = subprocess.run([*GOVNET, "pki", "list"], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 2, run.stderr
    assert f"{tmp_path}: cannot read the config file: Is a directory" in run.stderr


def test_sqlite_store_behind_a_file_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x\n")
    env = {**os.environ, "GOVNET_STORE_URL": f"sqlite:///{blocker}/govnet.db", "COLUMNS": "250"}
    env.pop("GOVNET_DEBUG", None)
    run = subprocess.run([*GOVNET, "pki", "list"], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 2, run.stderr
    assert f"cannot create the folder {blocker}: a file is in the way" in run.stderr
    assert "internal error" not in run.stderr


def test_the_lab_refuses_to_listen_beyond_loopback(tmp_path: Path) -> None:
    # GOVNET_LAB__HOST=0.0.0.0 used to put every simulated device (factory defaults: telnet on,
    # weak SNMP) on every interface of the machine.
    for variable, value in (("GOVNET_LAB__HOST", "0.0.0.0"), ("GOVNET_LAB__HOST6", "::")):
        env = {**os.environ, variable: value, "GOVNET_HOME": str(tmp_path), "COLUMNS": "250"}
        env.pop("GOVNET_DEBUG", None)
        run = subprocess.run([*GOVNET, "lab", "status"], capture_output=True, text=True, timeout=60, env=env)
        assert run.returncode == 2, run.stderr
        assert "loopback address: the lab listens on loopback only" in run.stderr


def test_a_misspelt_key_in_a_config_section_is_an_error(tmp_path: Path) -> None:
    # `[pki] passphrase_fle = ...` used to be ignored silently: the CA then looked elsewhere.
    config = tmp_path / "govnet.toml"
    config.write_text('[pki]\npassphrase_fle = "/tmp/pw"\n[lab]\nhots = "127.0.0.1"\n', encoding="utf-8")
    env = {**os.environ, "GOVNET_CONFIG": str(config), "GOVNET_HOME": str(tmp_path), "COLUMNS": "250"}
    env.pop("GOVNET_DEBUG", None)
    run = subprocess.run([*GOVNET, "pki", "list"], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 2, run.stderr
    assert "pki.passphrase_fle: Extra inputs are not permitted" in run.stderr
    assert "lab.hots: Extra inputs are not permitted" in run.stderr


def test_demo_workdir_that_cannot_be_made_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x\n")
    run = govnet("demo", "--workdir", str(blocker))
    assert run.returncode == 2, run.stderr
    assert f"--workdir {blocker}: cannot create the folder: a file is in the way" in run.stderr
