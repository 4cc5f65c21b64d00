"""Design checks on the inventory and the collectors' history: redundancy (GB/T 22239-2019 8.1.2.1 e),
bandwidth (b), zones (c, d; 8.1.3.1 a), the management plane (8.1.5.4 a) and IPv6 coverage."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from govnet_cli import RunGovnet

from govnet.collectors.snmp.derive import InterfaceRate
from govnet.collectors.snmp.models import DevicePoll, InterfaceSample
from govnet.collectors.snmp.store import save_run
from govnet.compliance.design import DesignAsset, read_design
from govnet.compliance.model import Outcome
from govnet.compliance.scan import run_check, scan
from govnet.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "inventory" / "examples"
FIXTURES = Path(__file__).resolve().parents[2] / "compliance" / "examples"


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


# ---------------------------------------------------------------- an inventory with a plan and history


def _planned(
    tmp_path: Path, source: Path = EXAMPLES / "tiny.yaml", edit: Any = None, after: Any = None
) -> Path:
    """A copy of an example inventory (as a folder), changed by ``edit(data)``, with its address plan,
    then changed by ``after(data)`` (what planning would refuse)."""
    from govnet.inventory.service import plan_at

    folder = tmp_path / "inv"
    folder.mkdir(parents=True)
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    (folder / "inventory.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plan_at(folder)
    if after is not None:
        after(data)
        (folder / "inventory.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Store]:
    from govnet.collectors import schema  # noqa: F401  (registers the collectors' tables)

    with Store.open(f"sqlite:///{tmp_path / 'history.db'}") as store:
        yield store


NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _poll(store: Store, at: dt.datetime, device: str, rates: dict[str, tuple[int, float]]) -> None:
    """One poll of ``device`` through the collectors' store API: interface name -> (speed Mbit/s, bps)."""
    t = at.timestamp()
    itfs = tuple(
        InterfaceSample(i, name, name, "", 6, True, True, speed, 0, 0, 64)
        for i, (name, (speed, _)) in enumerate(rates.items(), 1)
    )
    measured = [
        InterfaceRate(device, name, i, 300.0, bps, bps / 2, speed)
        for i, (name, (speed, bps)) in enumerate(rates.items(), 1)
    ]
    save_run(store, [DevicePoll(device, "127.0.0.1", t, interfaces=itfs)], measured, [], t)


def _busy_day(store: Store, town_uplink_bps: float) -> None:
    """Every link of tiny.yaml polled over a day; the town's 100M uplink peaks at ``town_uplink_bps``."""
    for hour in range(24):
        at = NOW - dt.timedelta(hours=hour + 1)
        peak = town_uplink_bps if hour == 5 else town_uplink_bps / 4
        # SNMP names abbreviate the inventory's (XGE0/0/1 for XGigabitEthernet0/0/1): matched per port.
        _poll(store, at, "city-core-1", {"XGE0/0/1": (10_000, 2e9), "GE0/0/1": (1_000, 3e8)})
        _poll(store, at, "county-agg-1", {"GigabitEthernet1/0/1": (1_000, 3e8), "Eth1/0/1": (100, peak)})
        _poll(store, at, "town-acc-1", {"Fa0/0/0": (100, peak)})


def test_bandwidth_passes_below_the_threshold_and_fails_above_it_naming_link_and_time(
    tmp_path: Path, history: Store
) -> None:
    folder = _planned(tmp_path)
    _busy_day(history, 60e6)
    asset = read_design(folder, history=history, now=NOW)
    j = run_check("design.bandwidth-peak", asset)
    assert j.outcome is Outcome.PASS and "all 3 link(s)" in j.reason, j.reason
    assert "town-up-1 peak 60 % of 100 Mbit/s at 2026-12-01 06:00" in j.evidence.note
    assert j.evidence.metric == "peak_utilisation_percent" and j.evidence.value[0].startswith(
        "link town-up-1"
    )
    _busy_day(history, 93e6)  # the same buckets, a higher maximum
    j = run_check("design.bandwidth-peak", read_design(folder, history=history, now=NOW))
    assert j.outcome is Outcome.FAIL and "link town-up-1 peak 93 % of 100 Mbit/s" in j.reason
    assert j.evidence.file.endswith("inventory.yaml") and j.evidence.value[0].startswith(f"{folder}")
    assert (
        run_check(
            "design.bandwidth-peak", read_design(folder, history=history, now=NOW, threshold=95)
        ).outcome
        is Outcome.PASS
    )
    clauses = {f.clause for f in scan([asset], level=3).findings if f.check == "design.bandwidth-peak"}
    assert clauses == {"8.1.2.1 b"}


def test_bandwidth_without_history_is_an_error_never_a_pass(tmp_path: Path, history: Store) -> None:
    folder = _planned(tmp_path)
    j = run_check("design.bandwidth-peak", read_design(folder))
    assert j.outcome is Outcome.ERROR and "no collectors' history" in j.reason
    j = run_check("design.bandwidth-peak", read_design(folder, history=history, now=NOW))
    assert j.outcome is Outcome.ERROR and "no link has utilisation history" in j.reason
    _poll(history, NOW - dt.timedelta(hours=1), "city-core-1", {"XGE0/0/1": (10_000, 1e9)})
    j = run_check("design.bandwidth-peak", read_design(folder, history=history, now=NOW))
    assert j.outcome is Outcome.ERROR and "2 of 3 link(s) have no utilisation history" in j.reason
    assert "county-up-1" in j.reason and "town-up-1" in j.reason
    # History older than the window does not count.
    later = NOW + dt.timedelta(days=30)
    j = run_check("design.bandwidth-peak", read_design(folder, history=history, now=later))
    assert j.outcome is Outcome.ERROR and "no link has utilisation history" in j.reason


def _zones(data: dict[str, Any]) -> None:
    """tiny.yaml with a private-zone department beside the city and an Internet-access site."""
    data["pools"] += [
        {"zone": "private", "ipv4": "172.16.0.0/12", "ipv6": "2001:db8:2000::/36",
         "link_ipv4": "192.168.0.0/18", "link_ipv6": "2001:db8:f100::/48",
         "loopback_ipv4": "192.168.64.0/18", "loopback_ipv6": "2001:db8:f101::/48",
         "mgmt_ipv4": "192.168.128.0/17", "mgmt_ipv6": "2001:db8:f102::/48"},
        {"zone": "internet", "ipv4": "10.240.0.0/16", "ipv6": "2001:db8:3000::/36",
         "link_ipv4": "10.241.0.0/20", "link_ipv6": "2001:db8:f200::/48",
         "loopback_ipv4": "10.241.16.0/20", "loopback_ipv6": "2001:db8:f201::/48",
         "mgmt_ipv4": "10.242.0.0/20", "mgmt_ipv6": "2001:db8:f202::/48"},
    ]  # fmt: skip
    data["sites"] += [
        {"id": "police", "name": "市公安局", "level": "department", "parent": "city", "zone": "private"},
        {"id": "egress", "name": "互联网接入区", "level": "department", "parent": "city", "zone": "internet"},
    ]
    creds = {"username": "admin", "password": "env:GOVNET_LAB_PASSWORD"}
    snmp = {"version": "v2c", "community": "env:GOVNET_LAB_SNMP_COMMUNITY"}
    data["devices"] += [
        {"hostname": "police-acc-1", "site": "police", "vendor": "huawei_vrp", "role": "access",
         "mgmt": {"ipv4": "192.168.128.1", "ipv6": "2001:db8:f102::1"}, "credentials": creds, "snmp": snmp},
        {"hostname": "egress-fw-1", "site": "egress", "vendor": "huawei_vrp", "role": "firewall",
         "mgmt": {"ipv4": "10.242.0.1", "ipv6": "2001:db8:f202::1"}, "credentials": creds, "snmp": snmp},
    ]  # fmt: skip
    data["links"] += [
        {"id": "police-up-1", "tier": "1G", "purpose": "uplink",
         "a": {"device": "police-acc-1", "interface": "GigabitEthernet0/0/1"},
         "b": {"device": "city-core-2", "interface": "GigabitEthernet0/0/2"}},
        {"id": "egress-up-1", "tier": "10G", "purpose": "uplink",
         "a": {"device": "egress-fw-1", "interface": "XGigabitEthernet0/0/1"},
         "b": {"device": "city-core-1", "interface": "XGigabitEthernet0/0/2"}},
    ]  # fmt: skip


def test_a_link_between_zones_without_a_firewall_fails_with_its_file_and_line(tmp_path: Path) -> None:
    asset = read_design(_planned(tmp_path, edit=_zones))
    j = run_check("design.zone-boundary", asset)
    assert j.outcome is Outcome.FAIL and "1 of 2 cross-zone link(s)" in j.reason and "police-up-1" in j.reason
    ((number, text),) = j.evidence.lines
    lines = Path(j.evidence.file).read_text(encoding="utf-8").splitlines()
    entity = "\n".join(lines[number - 1 : number + 8])  # the list item that starts at that line
    assert lines[number - 1].lstrip().startswith("- ") and "id: police-up-1" in entity
    assert text.startswith("link police-up-1 joins private")
    egress = run_check("design.internet-egress", asset)
    assert egress.outcome is Outcome.PASS and "1 link(s) reach the Internet-access zone" in egress.reason
    addressing = run_check("design.zone-addressing", asset)
    assert addressing.outcome is Outcome.PASS and "3 zone(s)" in addressing.reason
    found = {(f.check, f.clause) for f in scan([asset], level=3).findings}
    assert {("design.zone-boundary", "8.1.3.1 a"), ("design.zone-boundary", "8.1.2.1 d")} <= found


def test_the_internet_zone_joined_to_the_private_zone_or_holding_a_level_3_site_fails(tmp_path: Path) -> None:
    def worse(data: dict[str, Any]) -> None:
        _zones(data)
        side = {"id": "police-out-1", "tier": "1G", "purpose": "peer"}
        side["a"] = {"device": "police-acc-1", "interface": "GigabitEthernet0/0/3"}
        side["b"] = {"device": "egress-fw-1", "interface": "GigabitEthernet0/0/9"}
        data["links"].append(side)

    def level3(data: dict[str, Any]) -> None:
        data["sites"][-1]["protection_level"] = 3

    j = run_check("design.internet-egress", read_design(_planned(tmp_path, edit=worse, after=level3)))
    assert j.outcome is Outcome.FAIL
    assert "site egress: a level-3 site in the Internet-access zone" in j.reason
    assert "link police-out-1 joins the private zone to the Internet-access zone" in j.reason


def test_without_an_internet_zone_egress_is_manual_and_one_zone_has_no_boundary(tmp_path: Path) -> None:
    asset = read_design(_planned(tmp_path))
    assert run_check("design.internet-egress", asset).outcome is Outcome.MANUAL
    assert run_check("design.zone-boundary", asset).outcome is Outcome.NOT_APPLICABLE


def test_overlapping_zone_pools_and_unplanned_sites(tmp_path: Path) -> None:
    def overlap(data: dict[str, Any]) -> None:  # planning refuses it; an edit after the plan does not
        data["pools"][1]["mgmt_ipv4"] = "10.144.0.0/16"  # inside the public zone's management block

    j = run_check("design.zone-addressing", read_design(_planned(tmp_path, edit=_zones, after=overlap)))
    assert (
        j.outcome is Outcome.FAIL
        and "pool public: mgmt_ipv4 10.144.0.0/13 overlaps pool private's mgmt_ipv4" in j.reason
    )
    j = run_check("design.zone-addressing", read_design(EXAMPLES / "tiny.yaml"))
    assert j.outcome is Outcome.ERROR and "3 site(s) have no addresses yet" in j.reason


def test_management_plane_passes_for_the_plan_and_names_what_lies_outside(tmp_path: Path) -> None:
    folder = _planned(tmp_path)
    assert run_check("design.management-plane", read_design(folder)).outcome is Outcome.PASS

    def outside(data: dict[str, Any]) -> None:
        data["devices"][3]["mgmt"] = {"ipv4": "10.0.5.4", "ipv6": "2001:db8:f002::4"}
        data["devices"][2]["snmp"] = {"version": "v2c", "community": "env:X", "host": "172.31.0.9"}

    policy = tmp_path / "policy.yml"
    policy.write_text(
        "govnet_provision:\n  syslog_hosts: ['10.144.255.10', '203.0.113.7']\n", encoding="utf-8"
    )
    j = run_check(
        "design.management-plane", read_design(_planned(tmp_path / "b", edit=outside), policy=policy)
    )
    assert j.outcome is Outcome.FAIL
    assert "device town-acc-1: management address 10.0.5.4 is outside the public pool's mgmt_ipv4" in j.reason
    assert "device county-agg-1: SNMP answers at 172.31.0.9" in j.reason
    assert "syslog server 203.0.113.7 outside the management networks" in j.reason


def test_management_plane_judges_vty_acl_sources_and_log_targets_in_the_backups(tmp_path: Path) -> None:
    folder = _planned(tmp_path)
    backups = tmp_path / "backups"
    backups.mkdir()
    text = (FIXTURES / "huawei_hardened.cfg").read_text(encoding="utf-8")
    (backups / "city-core-1.cfg").write_text(text, encoding="utf-8")
    j = run_check("design.management-plane", read_design(folder, backups=backups))
    # The hardened example manages from 10.10.100.0/24: outside this inventory's management blocks.
    assert j.outcome is Outcome.FAIL and "VTY ACL 2000 permits 10.10.100.0/24" in j.reason
    assert "syslog target 10.10.100.20" in j.reason and "ntp target 10.10.100.30" in j.reason
    mine = text.replace("10.10.100.", "10.144.1.").replace("10.10.101.16", "10.144.2.16")
    (backups / "city-core-1.cfg").write_text(mine, encoding="utf-8")
    j = run_check("design.management-plane", read_design(folder, backups=backups))
    assert j.outcome is Outcome.PASS and "1 config backup(s)" in j.reason
    trap = "snmp-agent target-host trap address udp-domain 198.51.100.40 params securityname NMS v3 privacy"
    (backups / "city-core-1.cfg").write_text(mine.replace("snmp-agent\n", f"snmp-agent\n{trap}\n", 1))
    j = run_check("design.management-plane", read_design(folder, backups=backups))
    assert j.outcome is Outcome.FAIL and "city-core-1: SNMP trap target 198.51.100.40 outside" in j.reason
    (number, text), *_ = j.evidence.lines
    assert text.startswith("city-core-1: SNMP trap") and j.evidence.file == str(backups / "city-core-1.cfg")
    quoted = Path(j.evidence.file).read_text(encoding="utf-8").splitlines()[number - 1]
    assert "target-host trap address udp-domain 198.51.100.40" in quoted


def test_ipv6_coverage_reports_percentages_and_the_missing_ones(tmp_path: Path) -> None:
    folder = _planned(tmp_path)
    assert run_check("design.ipv6-coverage", read_design(folder)).outcome is Outcome.PASS

    def v4_only(data: dict[str, Any]) -> None:
        data["devices"][0]["mgmt"] = {"ipv4": "10.144.0.1"}

    j = run_check("design.ipv6-coverage", read_design(_planned(tmp_path / "b", after=v4_only)))
    assert j.outcome is Outcome.FAIL and "device city-core-1: no IPv6 management address" in j.reason
    assert j.evidence.value["coverage"] == {"sites": 100.0, "devices": 75.0, "links": 100.0}
    j = run_check("design.ipv6-coverage", read_design(EXAMPLES / "tiny.yaml"))
    assert j.outcome is Outcome.ERROR and "have no addresses yet" in j.reason


def test_comply_scan_assets_design_reads_the_collectors_store_and_backups(
    tmp_path: Path, run_govnet: RunGovnet, isolated_govnet_home: Path
) -> None:
    folder = _planned(tmp_path, edit=_zones)
    out = tmp_path / "report"
    done = run_govnet(
        "comply", "scan", "--assets", "design", "-i", str(folder), "--no-store", "-f", "json", "-o", str(out)
    )
    assert done.returncode == 1, done.stderr
    # the console's JSON lists failures and errors only; the written report has every finding
    findings = json.loads((out / "compliance.json").read_text(encoding="utf-8"))["findings"]
    outcomes = {f["check"]: f["outcome"] for f in findings}
    assert outcomes["design.zone-boundary"] == "fail" and outcomes["design.bandwidth-peak"] == "error"
    assert outcomes["design.ipv6-coverage"] == "pass" and outcomes["design.management-plane"] == "pass"
    done = run_govnet("comply", "scan", "--assets", "design", "-i", str(folder), "--bandwidth-threshold", "0")
    assert done.returncode == 2 and "percentage" in done.stderr and "Traceback" not in done.stderr
    nope = tmp_path / "nope.yml"
    done = run_govnet(
        "comply", "scan", "--assets", "design", "-i", str(folder), "--provision-policy", str(nope)
    )
    assert done.returncode == 2 and f"no such provisioning policy file: {nope}" in done.stderr
    nope.write_text("govnet_provision:\n  syslog_hosts: 7\n", encoding="utf-8")
    done = run_govnet(
        "comply", "scan", "--assets", "design", "-i", str(folder), "--provision-policy", str(nope)
    )
    assert done.returncode == 2 and f"{nope}: govnet_provision.syslog_hosts" in done.stderr
