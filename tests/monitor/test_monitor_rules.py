"""The alert rules under promtool: `check rules`, and a unit test per alert (fires / must not fire)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from rule_cases import CASES, Case, series

from govnet.monitor.rulefiles import rule_files

PROMTOOL = shutil.which("promtool")
pytestmark = pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian package prometheus)")
SEVERITIES = {"info": "预警", "warning": "黄牌", "critical": "红牌"}


def rules() -> list[dict[str, Any]]:
    out = []
    for path in rule_files():
        for group in yaml.safe_load(path.read_text())["groups"]:
            out += [r for r in group["rules"] if "alert" in r]
    return out


def rule(alert: str, severity: str) -> dict[str, Any]:
    (found,) = [r for r in rules() if r["alert"] == alert and r["labels"]["severity"] == severity]
    return found


def expand(template: str, labels: dict[str, str]) -> str:
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels.get(m.group(1), ""), template)


def expected(case: Case) -> list[dict[str, Any]]:
    out = []
    for fired in case.fires:
        severity = fired.get("severity", case.severity)
        r = rule(case.alert, severity)
        labels = {**{k: v for k, v in fired.items() if k != "severity"}, **r["labels"]}
        out.append(
            {
                "exp_labels": labels,
                "exp_annotations": {k: expand(v, labels) for k, v in r["annotations"].items()},
            }
        )
    return out


def group_of(case: Case) -> dict[str, Any]:
    tests: list[dict[str, Any]] = [
        {"eval_time": case.at, "alertname": case.alert, "exp_alerts": expected(case)}
    ]
    if case.before:
        tests.insert(0, {"eval_time": case.before, "alertname": case.alert, "exp_alerts": []})
    return {
        "name": f"{case.alert} {case.severity}",
        "interval": case.extra.get("interval", "1m"),
        "input_series": [
            {"series": series(name, labels), "values": values} for name, labels, values in case.inputs
        ],
        "alert_rule_test": tests,
    }


def test_promtool_check_rules_accepts_every_rule_file() -> None:
    done = subprocess.run(
        [str(PROMTOOL), "check", "rules", *map(str, rule_files())], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_shortened_copies_shorten_only_the_named_alert_and_still_pass_promtool(tmp_path: Path) -> None:
    from govnet.monitor.promrun import shortened_rules

    copies = shortened_rules(tmp_path, "3s", only={"LinkDown"})
    check = [str(PROMTOOL), "check", "rules", *map(str, copies)]
    done = subprocess.run(check, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    shortened = [
        (r["alert"], r.get("for"))
        for path in copies
        for group in yaml.safe_load(path.read_text())["groups"]
        for r in group["rules"]
        if "alert" in r
    ]
    original = [(r["alert"], r.get("for")) for r in rules()]
    assert [name for name, _ in shortened] == [name for name, _ in original]
    for (name, short), (_, real) in zip(shortened, original, strict=True):
        assert short == ("3s" if name == "LinkDown" and real else real), name
    assert any(name != "LinkDown" and real for name, real in original)


def test_every_alert_has_severity_card_bilingual_annotations_and_a_runbook() -> None:
    for r in rules():
        assert SEVERITIES[r["labels"]["severity"]] == r["labels"]["card"], r["alert"]
        assert set(r["annotations"]) == {"summary", "summary_zh", "description", "description_zh", "runbook"}
        assert re.search(
            r"[\u4e00-\u9fff]", r["annotations"]["summary_zh"] + r["annotations"]["description_zh"]
        )


def test_every_alert_rule_has_a_firing_and_a_not_firing_case() -> None:
    covered = {(c.alert, c.severity) for c in CASES}
    assert covered == {(r["alert"], r["labels"]["severity"]) for r in rules()}
    for c in CASES:  # some input series must stay silent
        fired = [f for f in c.fires if f.get("severity", c.severity) == c.severity]
        assert (
            any(
                not any(all(labels.get(k) == v for k, v in f.items() if k != "escalated_from") for f in fired)
                for _, labels, _ in c.inputs
            )
            or c.before
        ), c.alert


def test_promtool_unit_tests_pass_for_every_alert(tmp_path: Path) -> None:
    spec = {
        "rule_files": [str(p) for p in rule_files()],
        "evaluation_interval": "1m",
        "tests": [group_of(c) for c in CASES],
    }
    path = tmp_path / "govnet_rules_test.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False))
    done = subprocess.run(
        [str(PROMTOOL), "test", "rules", str(path)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_expectation_makes_promtool_fail(tmp_path: Path) -> None:
    """The harness can fail: the link-down case expecting the healthy port instead."""
    case = next(c for c in CASES if c.alert == "LinkDown")
    wrong = Case(case.alert, case.severity, case.inputs, case.at, [case.inputs[1][1]])
    spec = {
        "rule_files": [str(p) for p in rule_files()],
        "evaluation_interval": "1m",
        "tests": [group_of(wrong)],
    }
    path = tmp_path / "wrong_test.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False))
    done = subprocess.run(
        [str(PROMTOOL), "test", "rules", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
