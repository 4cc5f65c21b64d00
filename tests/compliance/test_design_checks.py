"""Design checks on the inventory: level-3 redundancy (GB/T 22239-2019 8.1.2.1 e)."""

from __future__ import annotations

from pathlib import Path

from govnet.compliance.design import DesignAsset, read_design
from govnet.compliance.model import Outcome
from govnet.compliance.scan import run_check, scan

EXAMPLES = Path(__file__).resolve().parents[2] / "inventory" / "examples"


def test_the_sample_extranet_has_redundant_level_3_sites() -> None:
    asset = read_design(EXAMPLES / "sample")
    j = run_check("design.level3-redundancy", asset)
    assert j.outcome is Outcome.PASS and "6 level-3" in j.reason
    clause = {f.clause for f in scan([asset], level=3).findings if f.check == "design.level3-redundancy"}
    assert clause == {"8.1.2.1 e"}
    assert not [f for f in scan([asset], level=2).findings if f.check == "design.level3-redundancy"]


def test_a_level_3_site_on_one_device_fails_and_is_named() -> None:
    summary = {
        "level3": [
            {"site": "city-a", "redundant": True},
            {"site": "county-b", "redundant": False},
            {"site": "top", "redundant": None},
        ]
    }
    j = run_check("design.level3-redundancy", DesignAsset("x", "inv/", summary))
    assert j.outcome is Outcome.FAIL and "county-b" in j.reason and j.evidence.value == ["county-b"]


def test_no_level_3_site_is_not_applicable_and_a_broken_inventory_is_an_error() -> None:
    assert (
        run_check("design.level3-redundancy", read_design(EXAMPLES / "tiny.yaml")).outcome
        is Outcome.NOT_APPLICABLE
    )
    broken = read_design(EXAMPLES / "broken")
    assert broken.problem.startswith("inventory cannot be read")
    assert run_check("design.level3-redundancy", broken).outcome is Outcome.ERROR
