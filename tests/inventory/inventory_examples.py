"""Paths of the shipped example inventories (a uniquely named module, importable from the tests)."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "inventory" / "examples"
SAMPLE = EXAMPLES / "sample"
BROKEN = EXAMPLES / "broken"
TINY = EXAMPLES / "tiny.yaml"
