"""Where the shipped alert rules, Alertmanager configuration and dashboards live (package data)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
RULES_DIR = HERE / "rules"
ALERTMANAGER_CONFIG = HERE / "alertmanager.yml"
DASHBOARDS_DIR = HERE / "dashboards"


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yml"))
