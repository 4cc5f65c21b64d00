"""A diff compares like with like: the earlier scan is the latest finished one at the same level
over the same asset kinds, and only assets judged in both are compared; an asset the new scan did
not judge is "not scanned", never "fixed". The same rule for a scan's own diff, for `comply diff`
on the store, and for `comply diff --from --to` (reports at two levels are refused)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from compliance_kit import HARDENED
from govnet_cli import RunGovnet
from sqlalchemy import select

from govnet.compliance import history, schema
from govnet.compliance.hosts import read_host
from govnet.compliance.report import to_json
from govnet.compliance.scan import scan
from govnet.compliance.service import run_scan
from govnet.compliance.sources import DeviceAsset, asset_from_text
from govnet.store import Store

HOSTS = Path(__file__).parent / "hosts"


def _devices(n: int, *, telnet: bool = True) -> Iterator[DeviceAsset]:
    base = HARDENED["huawei_vrp"].read_text(encoding="utf-8")
    for i in range(n):
        body = base.replace("sysname GZ-ZW-CORE-01", f"sysname CORE-{i}")
        if telnet:
            body = body.replace("undo telnet server enable", "telnet server enable")
        yield asset_from_text(body, source=f"core-{i}.cfg")


def test_a_hosts_only_scan_is_compared_with_the_last_hosts_scan_not_the_devices_scan(store: Store) -> None:
    devices = run_scan(_devices(2), level=3, store=store)
    hosts = run_scan([read_host(HOSTS / "default")], level=3, store=store)
    assert hosts.diff is None  # no earlier hosts scan: its failures are not "new", devices' not "fixed"
    again = run_scan([read_host(HOSTS / "default")], level=3, store=store)
    d = again.diff
    assert d is not None and d.against == hosts.scan_id
    assert d.new_total == 0 and d.fixed_total == 0 and d.not_scanned == () and d.gone == ()
    assert d.still_failing == hosts.tally.counts["fail"] > 0
    fixed = run_scan(_devices(2, telnet=False), level=3, store=store)
    d = fixed.diff
    assert d is not None and d.against == devices.scan_id  # over the hosts scans in between
    assert d.fixed_total == devices.tally.counts["fail"] > 0 and d.new_total == 0
    assert all(f.asset.startswith("CORE-") for f in d.fixed)


def test_a_level_change_is_compared_with_the_last_scan_at_that_level(store: Store) -> None:
    three = run_scan(_devices(2), level=3, store=store)
    two = run_scan(_devices(2), level=2, store=store)
    assert two.diff is None  # level-3-only checks are neither fixed nor new
    again = run_scan(_devices(2), level=3, store=store)
    assert again.diff is not None and again.diff.against == three.scan_id
    assert again.diff.new_total == 0 and again.diff.still_failing == three.tally.counts["fail"]
    with store.connect() as conn:  # the exporter's rollup: each asset's latest judgement, one level
        rows = conn.execute(select(schema.compliance_results.c.asset, schema.compliance_results.c.level))
        assert {(r.asset, r.level) for r in rows} == {("CORE-0", 3), ("CORE-1", 3)}


def test_an_asset_left_out_of_a_scan_is_not_scanned_and_its_rollup_kept(store: Store) -> None:
    first = run_scan(_devices(3), level=3, store=store)
    second = run_scan(_devices(1, telnet=False), level=3, store=store)
    d = second.diff
    assert d is not None and d.against == first.scan_id
    assert d.not_scanned == ("CORE-1", "CORE-2") and d.not_scanned_total == 2
    assert {f.asset for f in d.fixed} == {"CORE-0"} and d.gone == ()
    run_scan([read_host(HOSTS / "default")], level=3, store=store)
    with store.connect() as conn:
        t = schema.compliance_results
        by_asset = dict(conn.execute(select(t.c.asset, t.c.scan_id).distinct()).all())
    assert by_asset["CORE-0"] == second.scan_id and by_asset["CORE-2"] == first.scan_id  # hosts left them


def test_comply_diff_on_the_store_skips_scans_of_other_kinds(store: Store) -> None:
    run_scan(_devices(2), level=3, store=store)
    hosts = run_scan([read_host(HOSTS / "default")], level=3, store=store)
    clean = run_scan(_devices(2, telnet=False), level=3, store=store)
    assert history.latest_scan(store) == clean.scan_id
    earlier = history.previous_scan(store, clean.scan_id)
    assert earlier is not None and earlier != hosts.scan_id
    d = history.stored_diff(store, earlier, clean.scan_id)
    assert clean.diff is not None and d.to_dict() == clean.diff.to_dict()
    assert history.previous_scan(store, hosts.scan_id) is None


def test_comply_diff_of_reports_at_two_levels_exits_2(run_govnet: RunGovnet, tmp_path: Path) -> None:
    three = tmp_path / "l3.json"
    two = tmp_path / "l2.json"
    three.write_text(to_json(scan(_devices(1), level=3)), encoding="utf-8")
    two.write_text(to_json(scan(_devices(1), level=2)), encoding="utf-8")
    r = run_govnet("comply", "diff", "--from", str(three), "--to", str(two))
    assert r.returncode == 2 and "same level" in r.stderr


def test_comply_diff_of_reports_over_other_assets_lists_them_as_not_scanned(
    run_govnet: RunGovnet, tmp_path: Path
) -> None:
    devices, hosts = tmp_path / "d.json", tmp_path / "h.json"
    devices.write_text(to_json(scan(_devices(2), level=3)), encoding="utf-8")
    hosts.write_text(to_json(scan([read_host(HOSTS / "default")], level=3)), encoding="utf-8")
    r = run_govnet("comply", "diff", "--from", str(devices), "--to", str(hosts), "--json")
    d = json.loads(r.stdout)
    assert r.returncode == 0 and d["new_failures_total"] == 0 and d["fixed_total"] == 0
    assert d["not_scanned"] == ["CORE-0", "CORE-1"]
