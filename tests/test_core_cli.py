"""The `govnet` command as scripts and people meet it: exit codes, error text, JSON errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from govnet_cli import RunGovnet

BROKEN = Path(__file__).resolve().parents[1] / "inventory" / "examples" / "broken"


def test_cli_version_and_usage_errors(run_govnet: RunGovnet) -> None:
    done = run_govnet("--version")
    assert done.returncode == 0 and done.stdout.startswith("govnet ")
    done = run_govnet("no-such-command")
    assert done.returncode == 2


def test_cli_reports_config_errors_without_traceback(tmp_path: Path, run_govnet: RunGovnet) -> None:
    env = {"GOVNET_CONFIG": str(tmp_path / "missing.toml")}
    done = run_govnet("demo", "--help", env=env)
    assert done.returncode == 0  # --help needs no settings
    done = run_govnet("demo", "--workdir", str(tmp_path), env=env)
    assert done.returncode == 2
    assert "missing.toml" in done.stderr and "Traceback" not in done.stderr


def test_usage_errors_under_json_print_a_json_object(run_govnet: RunGovnet) -> None:
    done = run_govnet("pki", "verify", "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout) == {
        "error": "Missing argument 'cert'.",
        "kind": "UsageError",
        "exit_code": 2,
    }
    assert "Missing argument 'cert'" in done.stderr  # people still get typer's own message


def test_error_text_with_brackets_is_printed_as_written(tmp_path: Path, run_govnet: RunGovnet) -> None:
    # Error messages were read as Rich markup: "[/b]" in a path crashed the error printer, and the
    # rule names in "[yaml.syntax]" vanished from messages.
    odd = tmp_path / "x[/b]"
    run = run_govnet("inventory", "validate", str(odd))
    assert run.returncode == 2, run.stderr
    assert f"{odd}: no such inventory file or folder" in run.stderr
    assert "Traceback" not in run.stderr
    run = run_govnet("inventory", "summary", str(BROKEN / "invalid-yaml.yaml"))
    assert run.returncode == 2
    assert "[yaml.syntax]" in run.stderr


def test_json_commands_print_a_json_error_object(tmp_path: Path, run_govnet: RunGovnet) -> None:
    run = run_govnet("inventory", "summary", str(tmp_path / "missing"), "--json")
    assert run.returncode == 2
    assert json.loads(run.stdout) == {
        "error": f"{tmp_path / 'missing'}: no such inventory file or folder",
        "kind": "InputError",
        "exit_code": 2,
    }
    # Without --json, stdout stays empty: the error goes to stderr only.
    run = run_govnet("inventory", "summary", str(tmp_path / "missing"))
    assert run.returncode == 2 and run.stdout == ""


def test_demo_workdir_that_cannot_be_made_is_an_input_error(tmp_path: Path, run_govnet: RunGovnet) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x\n")
    run = run_govnet("demo", "--workdir", str(blocker))
    assert run.returncode == 2, run.stderr
    assert f"--workdir {blocker}: cannot create the folder: a file is in the way" in run.stderr


def _commands() -> list[list[str]]:
    """Every command path of the CLI (``[]`` for `govnet` itself, ``["pki", "init"]``, ...)."""
    import typer

    from govnet.cli import app

    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "govnet")
def test_help_pages_fit_80_columns_without_type_noise(path: list[str]) -> None:
    # Plain flags showed `<bool>`, and long option names were cut (`--intermediate-crl-…`).
    import typer
    from typer.testing import CliRunner

    from govnet.cli import app

    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80", "TERMINAL_WIDTH": None})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "…" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    for param in command.params:
        for option in [*param.opts, *param.secondary_opts]:
            if option.startswith("--"):
                assert option in result.output.split(), (option, result.output)


def test_errors_off_a_terminal_are_never_wrapped(tmp_path: Path, run_govnet: RunGovnet) -> None:
    # On a pipe, Rich wrapped long errors at the console width, splitting paths, suggested
    # commands and rule tags over lines.
    deep = tmp_path / ("a-long-folder-name-" * 8) / "inventory.yaml"
    run = run_govnet("inventory", "validate", str(deep), env={"COLUMNS": "80"})
    assert run.returncode == 2
    assert f"error: {deep}: no such inventory file or folder\n" in run.stderr


def test_usage_errors_off_a_terminal_are_whole_lines(run_govnet: RunGovnet) -> None:
    # typer drew usage errors in a box at the console width, wrapping the message inside it.
    value = "not-a-number-" * 8
    run = run_govnet("inventory", "plan", "--show", value, env={"COLUMNS": "60"})
    assert run.returncode == 2
    assert "error: Invalid value for '--show': Input should be a valid integer" in run.stderr
    assert "Try 'govnet inventory plan --help' for help." in run.stderr
    assert "╭" not in run.stderr
