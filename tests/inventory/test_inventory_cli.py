"""The `govnet inventory` commands as a user runs them: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from govnet_cli import RunGovnet, assert_clean_input_error
from inventory_examples import BROKEN, SAMPLE, TINY
from rich.console import Console

from govnet.demo import DemoContext
from govnet.inventory import demo
from govnet.settings import load_settings


def test_validate_sample_is_clean(run_govnet: RunGovnet) -> None:
    run = run_govnet("inventory", "validate", str(SAMPLE))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "valid: 72 sites, 83 devices, 89 links; 0 error(s), 0 warning(s)" in run.stdout


def test_validate_broken_exits_1_with_locations(run_govnet: RunGovnet) -> None:
    path = BROKEN / "dangling-parent.yaml"
    run = run_govnet("inventory", "validate", str(path))
    assert run.returncode == 1
    assert f"{path}:25:5: error: site town: parent 'nowhere' is not a site" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    data = json.loads(run_govnet("inventory", "validate", str(path), "--json").stdout)
    assert data["ok"] is False
    assert [(p["line"], p["column"], p["rule"]) for p in data["problems"]] == [
        (25, 5, "site.dangling-parent")
    ]


def test_hostile_files_never_give_a_traceback(run_govnet: RunGovnet) -> None:
    for name in ("binary.yaml", "not-utf8.yaml", "yaml-bomb.yaml", "too-deep.yaml", "empty.yaml"):
        run = run_govnet("inventory", "validate", str(BROKEN / name))
        assert run.returncode == 1, name
        assert "Traceback" not in run.stdout + run.stderr and "internal error" not in run.stderr, name


def test_missing_inventory_is_a_usage_error(tmp_path: Path, run_govnet: RunGovnet) -> None:
    run = run_govnet("inventory", "validate", str(tmp_path / "nope"))
    assert run.returncode == 2
    assert "no such inventory file or folder" in run.stderr
    run = run_govnet("inventory", "summary", env={"GOVNET_INVENTORY": None})
    assert run.returncode == 2 and "set GOVNET_INVENTORY" in run.stderr


def test_plan_dry_run_then_plan(sample_copy: Path, run_govnet: RunGovnet) -> None:
    run = run_govnet("inventory", "plan", str(sample_copy), "--dry-run", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["written"] is False and len(data["new"]) == 488
    assert not (sample_copy / "plan.yaml").exists()
    run = run_govnet("inventory", "plan", str(sample_copy))
    assert run.returncode == 0 and "488 new, 0 kept" in run.stdout
    run = run_govnet("inventory", "plan", str(sample_copy), "--dry-run")
    assert "0 new, 488 kept" in run.stdout and "nothing to change" in run.stdout


def test_plan_of_broken_inventory_is_refused(run_govnet: RunGovnet) -> None:
    run = run_govnet("inventory", "plan", str(BROKEN / "no-uplink.yaml"), "--dry-run")
    assert run.returncode == 2 and "fix them before planning" in run.stderr


def test_summary_json(sample_copy: Path, run_govnet: RunGovnet) -> None:
    run = run_govnet("inventory", "summary", str(sample_copy), "--json")
    data = json.loads(run.stdout)
    assert data["sites_per_level"] == {"city": 1, "county": 10, "department": 10, "town": 45, "village": 6}
    assert sum(data["links_per_tier"].values()) == 89
    assert data["ipv6"]["device_mgmt"]["percent"] == 100.0
    assert data["ipv6"]["site_prefixes"]["count"] == 0  # not planned yet
    assert data["level3_not_redundant"] == []
    table = run_govnet("inventory", "show", str(sample_copy)).stdout
    assert "sites per level" in table and "level-3 sites" in table


def test_generate_then_validate_and_plan(tmp_path: Path, run_govnet: RunGovnet) -> None:
    out = tmp_path / "gen"
    run = run_govnet("inventory", "generate", "--sites", "600", "--out", str(out))
    assert run.returncode == 0 and "600 sites" in run.stdout
    assert run_govnet("inventory", "validate", str(out)).returncode == 0
    assert run_govnet("inventory", "plan", str(out)).returncode == 0
    assert run_govnet("inventory", "validate", str(out), "--strict").returncode == 0


def test_generated_sample_matches_the_shipped_one(tmp_path: Path, run_govnet: RunGovnet) -> None:
    out = tmp_path / "sample"
    assert run_govnet("inventory", "generate", "--sample", "--out", str(out)).returncode == 0
    for path in SAMPLE.glob("*.yaml"):
        assert (out / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_ansible_list_and_host(sample_copy: Path, run_govnet: RunGovnet) -> None:
    listing = json.loads(run_govnet("inventory", "ansible", str(sample_copy), "--list").stdout)
    assert "sg-city-core-1" in listing["_meta"]["hostvars"]
    run = run_govnet("inventory", "ansible", str(sample_copy), "--host", "no-such-device")
    assert run.returncode == 2 and "no device 'no-such-device'" in run.stderr


def test_demo_step(tmp_path: Path) -> None:
    console = Console(record=True, width=120)
    ctx = DemoContext(settings=load_settings(home=tmp_path), console=console, workdir=tmp_path)
    demo.run(ctx)
    assert ctx.failures == []
    assert ctx.state["inventory_path"] == tmp_path / "inventory"
    assert (tmp_path / "inventory" / "plan.yaml").exists()
    assert not (SAMPLE / "plan.yaml").exists()
    text = " ".join(console.export_text().split())  # the paths' lengths move where lines wrap
    assert "0 error(s)" in text and "nothing moves" in text and "tier-below-policy.yaml:64:5" in text


def test_generate_reports_each_site_for_the_progress_bar(tmp_path: Path) -> None:
    from govnet.inventory.generate import generate

    seen: list[int] = []
    counts = generate(tmp_path / "gen", 40, on_site=seen.append)
    assert counts["sites"] == 40 and seen == [1] * 40


def test_generate_refuses_to_overwrite_an_inventory_without_force(
    sample_copy: Path, run_govnet: RunGovnet
) -> None:
    plan = run_govnet("inventory", "plan", str(sample_copy))
    assert plan.returncode == 0, plan.stderr
    sites_before = (sample_copy / "sites.yaml").read_text(encoding="utf-8")
    run = run_govnet("inventory", "generate", "--sites", "10", "--out", str(sample_copy))
    assert_clean_input_error(run, "already holds YAML files", "--force")
    # Nothing lost: the user's sites and plan are still there.
    assert (sample_copy / "sites.yaml").read_text(encoding="utf-8") == sites_before
    assert (sample_copy / "plan.yaml").exists()
    run = run_govnet("inventory", "generate", "--sites", "10", "--out", str(sample_copy), "--force")
    assert run.returncode == 0 and "10 sites" in run.stdout
    assert not (sample_copy / "plan.yaml").exists()


def test_unwritable_outputs_are_input_errors(tmp_path: Path, run_govnet: RunGovnet) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    sample = TINY
    for args, target in (
        (["generate", "--sites", "10", "--out", str(blocker / "gen")], blocker / "gen"),
        (["ansible", str(sample), "--write-script", str(blocker / "inv")], blocker / "inv"),
        (["ansible", str(sample), "--static", "-o", str(blocker / "hosts.yaml")], blocker / "hosts.yaml"),
    ):
        assert_clean_input_error(run_govnet("inventory", *args), f"{target}: cannot write")


def test_conflicting_or_nonsense_options_are_usage_errors(run_govnet: RunGovnet) -> None:
    sample = TINY
    run = run_govnet("inventory", "ansible", str(sample), "--list", "--host", "city-core-1")
    assert_clean_input_error(run, "--list and --host exclude each other")
    assert run.stdout == ""
    assert_clean_input_error(
        run_govnet("inventory", "validate", str(sample), "--max-bytes", "-1"), "--max-bytes must be positive"
    )
    # A negative --show used to list all but the last few and report more "more" than there were.
    assert_clean_input_error(
        run_govnet("inventory", "plan", str(sample), "--dry-run", "--show", "-5"),
        "--show must not be negative",
    )


def test_a_dangling_symlink_in_an_inventory_folder_is_reported(
    sample_copy: Path, tmp_path: Path, run_govnet: RunGovnet
) -> None:
    # It used to be skipped silently: the part of the inventory it should hold was simply missing.
    link = sample_copy / "more-sites.yaml"
    link.symlink_to(tmp_path / "moved-away.yaml")
    run = run_govnet("inventory", "validate", str(sample_copy))
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{link}:1:1: error: file: cannot read file: No such file or directory" in run.stdout


def test_names_with_brackets_are_shown_as_written(tmp_path: Path, run_govnet: RunGovnet) -> None:
    # Inventory names went through Rich markup: "[/b]" in a name crashed `summary` (internal error).
    tiny = TINY
    text = tiny.read_text(encoding="utf-8")
    text = text.replace("\n    name: 韶关市\n", '\n    name: "韶关市[/b]"\n', 1)
    text = 'name: "市[/b]外网"\n' + "\n".join(ln for ln in text.splitlines() if not ln.startswith("name:"))
    odd = tmp_path / "odd.yaml"
    odd.write_text(text + "\n", encoding="utf-8")
    run = run_govnet("inventory", "summary", str(odd))
    assert run.returncode == 0, run.stderr
    assert "市[/b]外网: 3 sites" in run.stdout and "韶关市[/b]" in run.stdout


def test_plan_table_prints_ipv6_addresses_as_written(sample_copy: Path, run_govnet: RunGovnet) -> None:
    # Rich read `:100:`, `:a:` and `:cd:` in addresses as emoji codes: 2001:db8:1000:100::/56
    # printed as 2001:db8:1000💯:/56.
    planned = json.loads(run_govnet("inventory", "plan", str(sample_copy), "--dry-run", "--json").stdout)
    values = [entry["value"] for entry in planned["new"]]
    assert any(":100:" in v or ":a:" in v or ":cd:" in v for v in values)  # the case is covered
    table = run_govnet("inventory", "plan", str(sample_copy), "--dry-run", "--show", str(len(values))).stdout
    cells = table.split()
    for value in values:
        assert value in cells, value
