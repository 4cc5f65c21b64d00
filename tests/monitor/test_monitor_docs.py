"""docs/monitoring.md lists every metric the exporter can expose, and every alert."""

from __future__ import annotations

from pathlib import Path

import yaml

from govnet.monitor.catalogue import CATALOGUE
from govnet.monitor.rulefiles import rule_files

DOC = Path(__file__).parents[2] / "docs" / "monitoring.md"


def test_every_metric_is_documented_with_its_labels_and_bound() -> None:
    text = DOC.read_text()
    for m in CATALOGUE:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{m.name}` |")), None)
        assert row is not None, f"{m.name} missing from docs/monitoring.md"
        assert all(label in row for label in m.labels) and m.bound in row, m.name


def test_every_alert_is_documented() -> None:
    text = DOC.read_text()
    for path in rule_files():
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                assert f"`{rule['alert']}`" in text, rule["alert"]
