"""Compliance's test kit: where the hardened example configurations live. (A module of its own name,
not conftest: two test folders' `from conftest import ...` would collide in one pytest run.)"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "compliance" / "examples"
HARDENED = {
    "huawei_vrp": FIXTURES / "huawei_hardened.cfg",
    "h3c_comware": FIXTURES / "h3c_hardened.cfg",
    "cisco_ios": FIXTURES / "cisco_hardened.cfg",
}
