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
