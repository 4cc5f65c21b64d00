"""`govnet provision` commands without devices: render writes files, bad input exits 2 with a clear
message (never a traceback), runs and show list what a run kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from govnet.playbooks.runs import new_run, write_json


def govnet(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A command as a user runs it (main()'s error handling and exit codes included)."""
    return subprocess.run(
        [sys.executable, "-m", "govnet.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_render_writes_one_config_per_device_of_the_site(tmp_path):
    out = tmp_path / "intended"
    result = govnet("provision", "render", "--site", "sg-zhenjiang", "--out", str(out), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert set(data["devices"]) == {"sg-zhenjiang-agg-1", "sg-zhenjiang-agg-2"}
    text = (out / "sg-zhenjiang-agg-1.cfg").read_text()
    assert text.startswith("#\nsysname sg-zhenjiang-agg-1\n")
    assert "{secret:password}" in text


def test_an_unknown_site_a_bad_policy_and_two_selections_are_input_errors(tmp_path):
    result = govnet("provision", "render", "--site", "nowhere", "--out", str(tmp_path))
    assert result.returncode == 2 and "no site 'nowhere'" in (result.stdout + result.stderr)
    bad = tmp_path / "policy.yml"
    bad.write_text("govnet_provision:\n  idle_timeout_minutes: 30\n")
    result = govnet("provision", "render", "--policy", str(bad), "--out", str(tmp_path))
    assert result.returncode == 2 and "idle_timeout_minutes" in (result.stdout + result.stderr)
    assert "Traceback" not in (result.stdout + result.stderr)
    result = govnet("provision", "--site", "sg-city", "--limit", "x", "--check")
    assert result.returncode == 2 and "give one of them" in (result.stdout + result.stderr)


def test_runs_and_show_list_and_show_a_kept_run(tmp_path):
    env = {"GOVNET_HOME": str(tmp_path)}
    run = new_run(Path(tmp_path))
    (run / "diffs").mkdir()
    (run / "diffs" / "r1.diff").write_text("--- r1/running\n+++ r1/intended\n+sysname r1\n")
    summary = {
        "started": 0,
        "run": run.name,
        "check": True,
        "status": "successful",
        "rc": 0,
        "totals": {"ok": 1, "changed": 1, "failed": 0, "unreachable": 0, "skipped": 0},
        "hosts": {
            "r1": {
                "host": "r1",
                "ok": 1,
                "changed": 1,
                "failed": 0,
                "unreachable": 0,
                "skipped": 0,
                "msg": "",
            }
        },
    }
    write_json(run / "summary.json", summary)
    listed = json.loads(govnet("provision", "runs", "--json", env=env).stdout)
    assert [r["run"] for r in listed] == [run.name]
    shown = govnet("provision", "show", run.name, "--json", env=env)
    assert json.loads(shown.stdout)["diffs"]["r1"].endswith("+sysname r1\n")
    missing = govnet("provision", "show", "no-such-run", env=env)
    assert missing.returncode in (1, 2)
    assert "no provisioning run" in missing.stderr
