"""Scans stream: assets are judged one at a time, their findings go to the store in batches and to
the report writers as they come; what is written equals what an in-memory scan gives, a stored scan
streams back the same, a scan that dies is never read back, and a v1 store still reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from compliance_kit import HARDENED
from sqlalchemy import text

from govnet.compliance import history, schema
from govnet.compliance.model import Finding, Outcome
from govnet.compliance.report import FORMATS, stream_reports, to_dict, to_json
from govnet.compliance.scan import judge, scan
from govnet.compliance.scores import DiffTracker
from govnet.compliance.service import run_scan
from govnet.compliance.sources import DeviceAsset, asset_from_text, read_file
from govnet.store import Store


def _fleet(n: int) -> Iterator[DeviceAsset]:
    base = HARDENED["huawei_vrp"].read_text(encoding="utf-8")
    for i in range(n):
        body = base.replace("sysname GZ-ZW-CORE-01", f"sysname CORE-{i}")
        if i % 2:
            body = body.replace("undo telnet server enable", "telnet server enable")
        yield asset_from_text(body, source=f"core-{i}.cfg")


def _without_diff_and_time(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("diff", "started")}


def test_judge_yields_each_asset_before_reading_the_next() -> None:
    pulled: list[int] = []

    def assets() -> Iterator[DeviceAsset]:
        for i, a in enumerate(_fleet(3)):
            pulled.append(i)
            yield a

    seen = []
    for result in judge(assets(), level=3):
        seen.append((result.info.name if result.info else None, len(pulled)))
    assert seen == [("CORE-0", 1), ("CORE-1", 2), ("CORE-2", 3), (None, 3)]


def test_streamed_reports_equal_the_in_memory_scan_and_the_store_streams_them_back(
    store: Store, tmp_path: Path
) -> None:
    run = run_scan(_fleet(5), level=3, store=store, out=tmp_path / "a", formats=FORMATS)
    streamed = json.loads((tmp_path / "a" / "compliance.json").read_text(encoding="utf-8"))
    memory = to_dict(scan(_fleet(5), level=3))
    assert _without_diff_and_time(streamed) == _without_diff_and_time(memory)
    assert streamed["summary"]["fail"] == 2 * 2  # two weakened devices, telnet-off serves two items
    assert run.to_dict()["summary"] == streamed["summary"] and run.scan_id is not None
    scan_id, head, results = history.stored_results(store)
    assert scan_id == run.scan_id and head.level == 3
    stream_reports(head, results, tmp_path / "b", ("json", "junit"))
    again = json.loads((tmp_path / "b" / "compliance.json").read_text(encoding="utf-8"))
    assert again == {**streamed, "diff": None}
    assert (tmp_path / "b" / "compliance-junit.xml").read_text().count("<testsuite ") == 6  # 5 + system


def test_the_next_scan_diffs_against_the_stored_failures_only(store: Store) -> None:
    first = run_scan(_fleet(4), level=3, store=store)
    second = run_scan([read_file(HARDENED["huawei_vrp"]), *_fleet(2)], level=3, store=store)
    d = second.diff
    assert d is not None and d.against == first.scan_id
    assert d.new_total == 0 and d.fixed_total == 0 and d.still_failing == 2  # CORE-1 still has telnet on
    assert d.not_scanned == ("CORE-2", "CORE-3") and d.gone == ()  # CORE-3's failures: not "fixed"


def test_diff_lists_are_capped_but_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    from govnet.compliance import scores

    monkeypatch.setattr(scores, "DIFF_LISTED", 3)
    tracker = DiffTracker[Finding]([], [f"CORE-{i}" for i in range(10)])
    tracker.add(f for r in judge(_fleet(10), level=3) for f in r.findings)
    d = tracker.result(*tracker.changes())
    assert len(d.new_failures) == 3 and d.new_total == 10 and d.to_dict()["new_failures_total"] == 10


def test_a_scan_that_dies_half_way_is_never_read_back(store: Store, tmp_path: Path) -> None:
    def dying() -> Iterator[DeviceAsset]:
        yield from _fleet(2)
        raise RuntimeError("the backup share went away")

    first = run_scan(_fleet(1), level=3, store=store)
    with pytest.raises(RuntimeError):
        run_scan(dying(), level=3, store=store, out=tmp_path / "r", formats=("json",))
    assert history.latest_scan(store) == first.scan_id
    with store.connect() as conn:
        assets = {r.asset for r in conn.execute(schema.compliance_results.select())}
    assert assets == {"CORE-0"} and not (tmp_path / "r" / "compliance.json").exists()


def test_a_version_1_store_migrates_and_its_scans_read_back(tmp_path: Path) -> None:
    old = scan([read_file(HARDENED["cisco_ios"])], level=3)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store.open(url, migrate=False) as store, store.begin() as conn:
        conn.execute(text("CREATE TABLE schema_version (component VARCHAR(64) PRIMARY KEY, version INTEGER)"))
        conn.execute(text("INSERT INTO schema_version VALUES ('compliance', 1)"))
        conn.execute(
            text(
                "CREATE TABLE compliance_scans (id INTEGER PRIMARY KEY, started DATETIME, level INTEGER,"
                " standard VARCHAR(64), score FLOAT, passed INTEGER, failed INTEGER, errors INTEGER,"
                " report TEXT)"
            )
        )
        conn.execute(
            text(
                "CREATE TABLE compliance_findings (scan_id INTEGER, seq INTEGER, asset VARCHAR(255),"
                " item VARCHAR(64), clause VARCHAR(32), check_id VARCHAR(64), outcome VARCHAR(16),"
                " severity VARCHAR(8), PRIMARY KEY (scan_id, seq))"
            )
        )
        conn.execute(
            text("INSERT INTO compliance_scans VALUES (1, :at, 3, 'GB/T 22239-2019', 1.0, 1, 0, 0, :r)"),
            {"at": old.started, "r": to_json(old)},
        )
    with Store.open(url) as store:
        scan_id, head, results = history.stored_results(store)
        assert (scan_id, head) == (1, old.header)
        assert [f for r in results for f in r.findings] == list(old.findings)
        assert history.previous_scan(store, 1) is None
        with store.connect() as conn:  # its asset kinds, backfilled from its summary
            assert conn.execute(text("SELECT kinds FROM compliance_scans")).scalar() == "device"
    assert all(f.outcome is not Outcome.ERROR for f in old.findings)
