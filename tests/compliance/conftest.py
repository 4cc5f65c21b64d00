"""Fixtures for compliance tests: the hardened configurations, and variants of them."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "compliance" / "examples"
HARDENED = {
    "huawei_vrp": FIXTURES / "huawei_hardened.cfg",
    "h3c_comware": FIXTURES / "h3c_hardened.cfg",
    "cisco_ios": FIXTURES / "cisco_hardened.cfg",
}


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
