"""Fixtures for the inventory tests: the shipped examples and fresh copies to write plans into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from inventory_examples import SAMPLE, TINY


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """The sample inventory copied to a temporary folder (planning writes plan.yaml there)."""
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    target = tmp_path / "tiny.yaml"
    shutil.copy(TINY, target)
    return target
