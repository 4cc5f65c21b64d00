"""The GB/T 22239-2019 baseline: complete for the four technical families, and validated with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from govnet.compliance.baseline import load_baseline
from govnet.compliance.checks import CHECKS
from govnet.errors import InputError

GOOD_ITEM = """
standard: GB/T 22239-2019
families:
  computing_environment:
    {zh: 安全计算环境, en: Secure computing environment, clause: {2: "7.1.4", 3: "8.1.4"}}
items:
  - id: ce.x
    family: computing_environment
    clause: {3: "8.1.4.1 b"}
    zh: 登录失败处理
    en: Login failure
    assets: [device]
    severity: high
    checks: [CHECK]
"""


def test_every_level_3_clause_of_the_four_families_is_covered_with_its_letters() -> None:
    baseline = load_baseline()
    clauses = {i.clause[3] for i in baseline.items_at(3)}
    # A few anchors from each family, including the letters the issue names.
    for expected in (
        "8.1.2.1 e",
        "8.1.2.1 b",
        "8.1.3.1 a",
        "8.1.3.5 d",
        "8.1.4.1 a",
        "8.1.4.1 d",
        "8.1.4.4 c",
        "8.1.5.4 f",
    ):
        assert expected in clauses
    assert {".".join(c.split(".")[:3]) for c in clauses} == {"8.1.2", "8.1.3", "8.1.4", "8.1.5"}
    # Every sub-clause of 安全计算环境 (8.1.4.1 identification … 8.1.4.11 personal information) is there.
    assert {c.split()[0] for c in clauses if c.startswith("8.1.4.")} == {f"8.1.4.{n}" for n in range(1, 12)}


def test_level_2_items_use_clause_7_1_and_are_fewer_than_level_3() -> None:
    baseline = load_baseline()
    level2 = baseline.items_at(2)
    assert level2 and all(i.clause[2].startswith("7.1.") for i in level2)
    assert len(level2) < len(baseline.items_at(3))
    assert not any(
        i.clause.get(2, "").startswith("7.1.5.4") for i in baseline.items
    )  # no 集中管控 at level 2


def test_every_registered_check_is_used_and_has_a_remedy_for_each_vendor() -> None:
    baseline = load_baseline()
    used = {c for i in baseline.items for c in i.checks}
    assert used == set(CHECKS)
    for check_id, check in CHECKS.items():
        vendors = ("huawei_vrp", "h3c_comware", "cisco_ios") if check.asset_type == "device" else (None,)
        for vendor in vendors:
            assert baseline.remedy(check_id, vendor), (check_id, vendor)


def test_items_without_checks_say_what_the_assessor_looks_at() -> None:
    for item in load_baseline().items:
        assert item.checks or item.manual, item.id
        assert item.zh and item.en


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_check_id_is_named_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_ITEM.replace("CHECK", "dev.no-such-check"))
    with pytest.raises(InputError, match=rf"{path}:7: item 'ce.x' names unknown check 'dev.no-such-check'"):
        load_baseline([path])


def test_a_missing_field_is_named_with_file_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path, GOOD_ITEM.replace("CHECK", "dev.login-lockout").replace("    severity: high\n", "")
    )
    with pytest.raises(InputError, match=rf"{path}:7: item 'ce.x' misses severity"):
        load_baseline([path])


def test_a_clause_outside_its_level_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        GOOD_ITEM.replace("CHECK", "dev.login-lockout").replace('{3: "8.1.4.1 b"}', '{2: "8.1.4.1 b"}'),
    )
    with pytest.raises(InputError, match=r"level 2 clauses are under 7.1."):
        load_baseline([path])


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "items:\n  - id: [unclosed\n")
    with pytest.raises(InputError, match=rf"{path}:\d+: not valid YAML"):
        load_baseline([path])


def test_a_valid_small_baseline_loads(tmp_path: Path) -> None:
    baseline = load_baseline([_write(tmp_path, GOOD_ITEM.replace("CHECK", "dev.login-lockout"))])
    assert [i.id for i in baseline.items_at(3)] == ["ce.x"]
    assert baseline.items_at(2) == ()
