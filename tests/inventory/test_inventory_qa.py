"""Regressions found by trying to break `govnet inventory` as a user would (QA pass)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GOVNET = [sys.executable, "-m", "govnet.cli"]


def govnet(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    env.pop("GOVNET_DEBUG", None)
    return subprocess.run([*GOVNET, *args], capture_output=True, text=True, timeout=120, env=env)


def assert_clean_input_error(run: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    for text in expected:
        assert text in run.stderr, run.stderr


def test_plan_into_an_unwritable_place_is_an_input_error_naming_the_file(sample_copy: Path) -> None:
    # The temporary file's name is taken by a folder: the write fails as on a read-only folder.
    (sample_copy / "plan.yaml.tmp").mkdir()
    run = govnet("inventory", "plan", str(sample_copy))
    assert_clean_input_error(run, f"{sample_copy / 'plan.yaml'}: cannot write the plan")
    assert not (sample_copy / "plan.yaml").exists()


def test_a_plan_file_with_a_non_address_names_the_plan_file_and_line(sample_copy: Path) -> None:
    plan = sample_copy / "plan.yaml"
    plan.write_text('version: 1\nlinks:\n  sg-city-peer-1: {ipv4: "garbage"}\n', encoding="utf-8")
    for command in ("validate", "summary", "plan", "ansible"):
        run = govnet("inventory", command, str(sample_copy))
        assert_clean_input_error(run, f"{plan}:3:20: plan entry links.sg-city-peer-1.ipv4:", "garbage")


def test_a_plan_file_with_the_wrong_address_family_is_refused(sample_copy: Path) -> None:
    plan = sample_copy / "plan.yaml"
    plan.write_text('version: 1\nsites:\n  sg-city: {ipv4: "2001:db8::/48"}\n', encoding="utf-8")
    run = govnet("inventory", "plan", str(sample_copy))
    assert_clean_input_error(run, f"{plan}:3:13: plan entry sites.sg-city.ipv4:", "not an IPv4 network")
    # Nothing was lost: the user's plan file is as they wrote it.
    assert "2001:db8::/48" in plan.read_text(encoding="utf-8")


def test_generate_refuses_to_overwrite_an_inventory_without_force(sample_copy: Path) -> None:
    plan = govnet("inventory", "plan", str(sample_copy))
    assert plan.returncode == 0, plan.stderr
    sites_before = (sample_copy / "sites.yaml").read_text(encoding="utf-8")
    run = govnet("inventory", "generate", "--sites", "10", "--out", str(sample_copy))
    assert_clean_input_error(run, "already holds YAML files", "--force")
    # Nothing lost: the user's sites and plan are still there.
    assert (sample_copy / "sites.yaml").read_text(encoding="utf-8") == sites_before
    assert (sample_copy / "plan.yaml").exists()
    run = govnet("inventory", "generate", "--sites", "10", "--out", str(sample_copy), "--force")
    assert run.returncode == 0 and "10 sites" in run.stdout
    assert not (sample_copy / "plan.yaml").exists()


def test_unwritable_outputs_are_input_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    sample = Path(__file__).resolve().parents[2] / "inventory" / "examples" / "tiny.yaml"
    for args, target in (
        (["generate", "--sites", "10", "--out", str(blocker / "gen")], blocker / "gen"),
        (["ansible", str(sample), "--write-script", str(blocker / "inv")], blocker / "inv"),
        (["ansible", str(sample), "--static", "-o", str(blocker / "hosts.yaml")], blocker / "hosts.yaml"),
    ):
        assert_clean_input_error(govnet("inventory", *args), f"{target}: cannot write")


def test_conflicting_or_nonsense_options_are_usage_errors() -> None:
    sample = Path(__file__).resolve().parents[2] / "inventory" / "examples" / "tiny.yaml"
    run = govnet("inventory", "ansible", str(sample), "--list", "--host", "city-core-1")
    assert_clean_input_error(run, "--list and --host exclude each other")
    assert run.stdout == ""
    assert_clean_input_error(
        govnet("inventory", "validate", str(sample), "--max-bytes", "-1"), "--max-bytes must be positive"
    )
    # A negative --show used to list all but the last few and report more "more" than there were.
    assert_clean_input_error(
        govnet("inventory", "plan", str(sample), "--dry-run", "--show", "-5"), "--show must not be negative"
    )


def test_a_dangling_symlink_in_an_inventory_folder_is_reported(sample_copy: Path, tmp_path: Path) -> None:
    # It used to be skipped silently: the part of the inventory it should hold was simply missing.
    link = sample_copy / "more-sites.yaml"
    link.symlink_to(tmp_path / "moved-away.yaml")
    run = govnet("inventory", "validate", str(sample_copy))
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{link}:1:1: error: file: cannot read file: No such file or directory" in run.stdout


def test_names_with_brackets_are_shown_as_written(tmp_path: Path) -> None:
    # Inventory names went through Rich markup: "[/b]" in a name crashed `summary` (internal error).
    tiny = Path(__file__).resolve().parents[2] / "inventory" / "examples" / "tiny.yaml"
    text = tiny.read_text(encoding="utf-8")
    text = text.replace("\n    name: 韶关市\n", '\n    name: "韶关市[/b]"\n', 1)
    text = 'name: "市[/b]外网"\n' + "\n".join(ln for ln in text.splitlines() if not ln.startswith("name:"))
    odd = tmp_path / "odd.yaml"
    odd.write_text(text + "\n", encoding="utf-8")
    run = govnet("inventory", "summary", str(odd))
    assert run.returncode == 0, run.stderr
    assert "市[/b]外网: 3 sites" in run.stdout and "韶关市[/b]" in run.stdout


def test_secrets_typed_into_the_inventory_never_reach_ansible_or_the_terminal(tmp_path: Path) -> None:
    # `inventory ansible` used to export them as *_ref variables; `lab up` echoed the password
    # in its error message.
    tiny = Path(__file__).resolve().parents[2] / "inventory" / "examples" / "tiny.yaml"
    text = tiny.read_text(encoding="utf-8").replace('"env:GOVNET_LAB_PASSWORD"', '"Hunter2-Typed-In"')
    text = text.replace('"env:GOVNET_LAB_SNMP_COMMUNITY"', '"Community-Typed-In"')
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(text, encoding="utf-8")
    for args in (["--list"], ["--static"], ["--host", "city-core-1"]):
        run = govnet("inventory", "ansible", str(leaky), *args)
        assert_clean_input_error(run, "must name a secret (env:NAME or file:PATH), not hold one")
        assert "Typed-In" not in run.stdout + run.stderr
    run = govnet("lab", "up", "-i", str(leaky), "--background")
    # lab up validates the inventory first, so the typed-in secrets are refused as validation errors
    assert_clean_input_error(
        run, "credentials.password must name a secret (env:NAME or file:PATH), not hold one"
    )
    assert "Typed-In" not in run.stdout + run.stderr
