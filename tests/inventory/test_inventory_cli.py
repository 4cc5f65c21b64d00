"""The `govnet inventory` commands as a user runs them: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from inventory_examples import BROKEN, SAMPLE
from rich.console import Console

from govnet.demo import DemoContext
from govnet.inventory import demo
from govnet.settings import load_settings

GOVNET = [sys.executable, "-m", "govnet.cli"]


def govnet(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Wide lines: Rich wraps at 80 columns when it does not write to a terminal.
    env = {**(os.environ if env is None else env), "COLUMNS": "250"}
    return subprocess.run([*GOVNET, *args], capture_output=True, text=True, timeout=120, env=env)


def test_validate_sample_is_clean() -> None:
    run = govnet("inventory", "validate", str(SAMPLE))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "valid: 72 sites, 83 devices, 89 links; 0 error(s), 0 warning(s)" in run.stdout


def test_validate_broken_exits_1_with_locations() -> None:
    path = BROKEN / "dangling-parent.yaml"
    run = govnet("inventory", "validate", str(path))
    assert run.returncode == 1
    assert f"{path}:25:5: error: site town: parent 'nowhere' is not a site" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    data = json.loads(govnet("inventory", "validate", str(path), "--json").stdout)
    assert data["ok"] is False
    assert [(p["line"], p["column"], p["rule"]) for p in data["problems"]] == [
        (25, 5, "site.dangling-parent")
    ]


def test_hostile_files_never_give_a_traceback() -> None:
    for name in ("binary.yaml", "not-utf8.yaml", "yaml-bomb.yaml", "too-deep.yaml", "empty.yaml"):
        run = govnet("inventory", "validate", str(BROKEN / name))
        assert run.returncode == 1, name
        assert "Traceback" not in run.stdout + run.stderr and "internal error" not in run.stderr, name


def test_missing_inventory_is_a_usage_error(tmp_path: Path) -> None:
    run = govnet("inventory", "validate", str(tmp_path / "nope"))
    assert run.returncode == 2
    assert "no such inventory file or folder" in run.stderr
    env = {k: v for k, v in os.environ.items() if k != "GOVNET_INVENTORY"}
    run = govnet("inventory", "summary", env=env)
    assert run.returncode == 2 and "set GOVNET_INVENTORY" in run.stderr


def test_plan_dry_run_then_plan(sample_copy: Path) -> None:
    run = govnet("inventory", "plan", str(sample_copy), "--dry-run", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["written"] is False and len(data["new"]) == 488
    assert not (sample_copy / "plan.yaml").exists()
    run = govnet("inventory", "plan", str(sample_copy))
    assert run.returncode == 0 and "488 new, 0 kept" in run.stdout
    run = govnet("inventory", "plan", str(sample_copy), "--dry-run")
    assert "0 new, 488 kept" in run.stdout and "nothing to change" in run.stdout


def test_plan_of_broken_inventory_is_refused() -> None:
    run = govnet("inventory", "plan", str(BROKEN / "no-uplink.yaml"), "--dry-run")
    assert run.returncode == 2 and "fix them before planning" in run.stderr


def test_summary_json(sample_copy: Path) -> None:
    run = govnet("inventory", "summary", str(sample_copy), "--json")
    data = json.loads(run.stdout)
    assert data["sites_per_level"] == {"city": 1, "county": 10, "department": 10, "town": 45, "village": 6}
    assert sum(data["links_per_tier"].values()) == 89
    assert data["ipv6"]["device_mgmt"]["percent"] == 100.0
    assert data["ipv6"]["site_prefixes"]["count"] == 0  # not planned yet
    assert data["level3_not_redundant"] == []
    table = govnet("inventory", "show", str(sample_copy)).stdout
    assert "sites per level" in table and "level-3 sites" in table


def test_generate_then_validate_and_plan(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    run = govnet("inventory", "generate", "--sites", "600", "--out", str(out))
    assert run.returncode == 0 and "600 sites" in run.stdout
    assert govnet("inventory", "validate", str(out)).returncode == 0
    assert govnet("inventory", "plan", str(out)).returncode == 0
    assert govnet("inventory", "validate", str(out), "--strict").returncode == 0


def test_generated_sample_matches_the_shipped_one(tmp_path: Path) -> None:
    out = tmp_path / "sample"
    assert govnet("inventory", "generate", "--sample", "--out", str(out)).returncode == 0
    for path in SAMPLE.glob("*.yaml"):
        assert (out / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_ansible_list_and_host(sample_copy: Path) -> None:
    listing = json.loads(govnet("inventory", "ansible", str(sample_copy), "--list").stdout)
    assert "sg-city-core-1" in listing["_meta"]["hostvars"]
    run = govnet("inventory", "ansible", str(sample_copy), "--host", "no-such-device")
    assert run.returncode == 2 and "no device 'no-such-device'" in run.stderr


def test_demo_step(tmp_path: Path) -> None:
    console = Console(record=True, width=120)
    ctx = DemoContext(settings=load_settings(home=tmp_path), console=console, workdir=tmp_path)
    demo.run(ctx)
    assert ctx.failures == []
    assert ctx.state["inventory_path"] == tmp_path / "inventory"
    assert (tmp_path / "inventory" / "plan.yaml").exists()
    assert not (SAMPLE / "plan.yaml").exists()
    text = console.export_text()
    assert "0 error(s)" in text and "nothing moves" in text and "tier-below-policy.yaml:64:5" in text


def test_generate_reports_each_site_for_the_progress_bar(tmp_path: Path) -> None:
    from govnet.inventory.generate import generate

    seen: list[int] = []
    counts = generate(tmp_path / "gen", 40, on_site=seen.append)
    assert counts["sites"] == 40 and seen == [1] * 40
