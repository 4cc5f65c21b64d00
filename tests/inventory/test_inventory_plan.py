"""Address planning: hierarchical, RFC-sized, deterministic, stable when the network grows."""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from govnet_cli import GOVNET, RunGovnet, assert_clean_input_error
from inventory_examples import BROKEN, SAMPLE, TINY

from govnet.errors import InputError
from govnet.inventory.loader import load_inventory
from govnet.inventory.models import LinkPurpose
from govnet.inventory.planfile import plan_path_for, read_plan
from govnet.inventory.service import plan_at
from govnet.inventory.validate import check_inventory

NEW_TOWN_SITE = """\
  - id: sg-lechang-t00
    name: 新建镇
    level: town
    parent: sg-lechang
    protection_level: 2
    zone: public
"""
NEW_TOWN_DEVICE = """\
  - hostname: sg-lechang-t00-acc-1
    site: sg-lechang-t00
    vendor: huawei_vrp
    role: access
    mgmt: {ipv4: 10.144.3.1, ipv6: "2001:db8:f002::3:1"}
    snmp: {version: v2c, community: "env:GOVNET_LAB_SNMP_COMMUNITY"}
    credentials: {username: admin, password: "env:GOVNET_LAB_PASSWORD"}
"""
NEW_TOWN_LINK = """\
  - id: sg-lechang-t00-up-1
    a: {device: sg-lechang-t00-acc-1, interface: GigabitEthernet0/0/1}
    b: {device: sg-lechang-agg-1, interface: GigabitEthernet0/9/1}
    tier: 1G
    purpose: uplink
"""


def add_town(folder: Path) -> None:
    """A new town whose ID sorts before its county's other towns (first fit would pick their space)."""
    for name, text in (
        ("sites.yaml", NEW_TOWN_SITE),
        ("devices.yaml", NEW_TOWN_DEVICE),
        ("links.yaml", NEW_TOWN_LINK),
    ):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_plan_assigns_everything_hierarchically(sample_copy: Path) -> None:
    outcome = plan_at(sample_copy)
    assert outcome.written and (sample_copy / "plan.yaml").exists()
    inv = load_inventory(sample_copy)
    policy = inv.policy
    sites = {s.id: s for s in inv.sites}
    for site in inv.sites:
        assert site.ipv6_prefix is not None and site.ipv4_prefix is not None, site.id
        assert site.ipv6_prefix.prefixlen == policy.ipv6_site_prefixlen[site.level]
        assert site.ipv4_prefix.prefixlen == policy.ipv4_site_prefixlen[site.level]
        parent = sites.get(site.parent or "")
        if parent is not None and parent.zone == site.zone:
            assert parent.ipv6_prefix is not None and parent.ipv4_prefix is not None
            assert site.ipv6_prefix.subnet_of(parent.ipv6_prefix)
            assert site.ipv4_prefix.subnet_of(parent.ipv4_prefix)
    pools = {p.zone: p for p in inv.pools}
    for device in inv.devices:
        zone = sites[device.site].zone
        assert device.loopback_ipv6 in pools[zone].loopback_ipv6  # type: ignore[operator]
        assert device.loopback_ipv4 in pools[zone].loopback_ipv4  # type: ignore[operator]
    for link in inv.links:
        a6, b6 = ipaddress.ip_interface(link.a.ipv6), ipaddress.ip_interface(link.b.ipv6)
        a4, b4 = ipaddress.ip_interface(link.a.ipv4), ipaddress.ip_interface(link.b.ipv4)
        assert a6.network == b6.network and a4.network == b4.network and a6.ip != b6.ip
        if link.purpose is LinkPurpose.LAN:
            assert a6.network.prefixlen == 64 and a4.network.prefixlen == policy.ipv4_lan_prefixlen
            site = sites[next(d.site for d in inv.devices if d.hostname == link.a.device)]
            assert site.ipv6_prefix is not None and a6.network.subnet_of(site.ipv6_prefix)
        else:
            assert a6.network.prefixlen == 127 and a4.network.prefixlen == 31  # RFC 6164, RFC 3021
            assert {a6.ip, b6.ip} == {a6.network.network_address, a6.network.network_address + 1}
    # and the planned inventory is still clean (no overlaps, everything in its pool)
    assert check_inventory(sample_copy).problems == []


def test_plan_is_deterministic(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(SAMPLE, one)
    shutil.copytree(SAMPLE, two)
    plan_at(one)
    plan_at(two)
    assert (one / "plan.yaml").read_bytes() == (two / "plan.yaml").read_bytes()


def test_adding_a_site_renumbers_nothing(sample_copy: Path) -> None:
    plan_at(sample_copy)
    before = read_plan(sample_copy / "plan.yaml")
    add_town(sample_copy)
    outcome = plan_at(sample_copy)
    after = read_plan(sample_copy / "plan.yaml")
    for section in ("sites", "devices", "links"):
        old, new = before.section(section), after.section(section)
        assert {k: new[k] for k in old} == old, section  # nothing that existed moved
    assert set(after.sites) - set(before.sites) == {"sg-lechang-t00"}
    assert {(a.section, a.id) for a in outcome.result.new} == {
        ("sites", "sg-lechang-t00"),
        ("devices", "sg-lechang-t00-acc-1"),
        ("links", "sg-lechang-t00-up-1"),
    }
    # the new town sits inside its county, after the towns that were there
    inv = load_inventory(sample_copy)
    sites = {s.id: s for s in inv.sites}
    town, county = sites["sg-lechang-t00"], sites["sg-lechang"]
    assert town.ipv6_prefix and county.ipv6_prefix and town.ipv6_prefix.subnet_of(county.ipv6_prefix)
    assert check_inventory(sample_copy).problems == []
    # with nothing new, planning again changes nothing at all
    text = (sample_copy / "plan.yaml").read_bytes()
    assert plan_at(sample_copy).result.new == []
    assert (sample_copy / "plan.yaml").read_bytes() == text


def test_deleted_sites_keep_their_space_until_pruned(tmp_path: Path) -> None:
    inv_path = tmp_path / "tiny.yaml"
    shutil.copy(TINY, inv_path)
    plan_at(inv_path)
    plan_file = plan_path_for(inv_path)
    assert plan_file.name == "tiny.plan.yaml"
    town_v6 = read_plan(plan_file).sites["town"]["ipv6"]
    # delete the town (site, device, link) and add another one
    text = inv_path.read_text(encoding="utf-8")
    text = text.replace("  - id: town\n", "  - id: town2\n").replace("    site: town\n", "    site: town2\n")
    text = text.replace("hostname: town-acc-1", "hostname: town2-acc-1").replace(
        "device: town-acc-1", "device: town2-acc-1"
    )
    text = text.replace("id: town-up-1", "id: town2-up-1")
    inv_path.write_text(text, encoding="utf-8")
    outcome = plan_at(inv_path)
    plan = read_plan(plan_file)
    assert ("sites", "town") in outcome.result.reserved
    assert plan.sites["town"]["ipv6"] == town_v6  # still reserved
    assert plan.sites["town2"]["ipv6"] != town_v6  # so the newcomer gets other space
    pruned = plan_at(inv_path, prune=True)
    assert ("sites", "town") in pruned.result.pruned
    assert "town" not in read_plan(plan_file).sites
    assert pruned.result.new == []  # pruning frees space; it moves nothing


def test_dry_run_writes_nothing(sample_copy: Path) -> None:
    outcome = plan_at(sample_copy, dry_run=True)
    assert outcome.result.new and not outcome.written
    assert not (sample_copy / "plan.yaml").exists()


def test_written_prefix_is_kept_and_children_are_carved_from_it(tiny_copy: Path) -> None:
    text = tiny_copy.read_text(encoding="utf-8").replace(
        "    level: county\n    parent: city\n",
        '    level: county\n    parent: city\n    ipv6_prefix: "2001:db8:1000:ab00::/56"\n'
        "    ipv4_prefix: 10.0.64.0/20\n",
    )
    tiny_copy.write_text(text, encoding="utf-8")
    plan_at(tiny_copy)
    sites = {s.id: s for s in load_inventory(tiny_copy).sites}
    assert str(sites["city"].ipv6_prefix) == "2001:db8:1000::/48"
    assert str(sites["county"].ipv6_prefix) == "2001:db8:1000:ab00::/56"
    assert str(sites["town"].ipv6_prefix) == "2001:db8:1000:ab00::/60"
    assert str(sites["town"].ipv4_prefix) == "10.0.64.0/24"
    assert "county" not in read_plan(plan_path_for(tiny_copy)).sites  # the inventory holds it


def test_pool_exhaustion_names_the_pool_and_what_did_not_fit(tiny_copy: Path) -> None:
    text = tiny_copy.read_text(encoding="utf-8").replace(
        "link_ipv4: 10.128.0.0/13", "link_ipv4: 10.128.0.0/31"
    )
    tiny_copy.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        plan_at(tiny_copy)
    message = str(info.value)
    assert "2 assignment(s) did not fit" in message
    assert "pool public link_ipv4 10.128.0.0/31 has no free /31 left" in message
    assert "link county-up-1" in message and "link town-up-1" in message
    assert not plan_path_for(tiny_copy).exists()


def test_site_level_exhaustion(tiny_copy: Path) -> None:
    text = tiny_copy.read_text(encoding="utf-8") + "policy:\n  ipv6_site_prefixlen: {city: 60, county: 60}\n"
    tiny_copy.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"site county: site city prefix 2001:db8:1000::/60 has no free /60"):
        plan_at(tiny_copy)


def test_plan_refuses_an_invalid_inventory(tiny_copy: Path) -> None:
    tiny_copy.write_text(
        tiny_copy.read_text(encoding="utf-8").replace("parent: county", "parent: nowhere"), encoding="utf-8"
    )
    with pytest.raises(InputError, match="fix them before planning"):
        plan_at(tiny_copy)


def test_damaged_plan_file_is_a_clear_error(sample_copy: Path) -> None:
    (sample_copy / "plan.yaml").write_text("version: 1\nsites:\n  sg-city: [1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"plan\.yaml:\d+:\d+: plan entry sites\.sg-city"):
        plan_at(sample_copy)


def test_a_city_may_take_its_whole_pool(tiny_copy: Path) -> None:
    text = tiny_copy.read_text(encoding="utf-8") + "policy:\n  ipv4_site_prefixlen: {city: 9}\n"
    tiny_copy.write_text(text, encoding="utf-8")
    plan_at(tiny_copy)
    sites = {s.id: s for s in load_inventory(tiny_copy).sites}
    assert str(sites["city"].ipv4_prefix) == "10.0.0.0/9"
    assert str(sites["county"].ipv4_prefix) == "10.0.0.0/20"  # carved from the city, not refused
    assert check_inventory(tiny_copy).problems == []


def test_a_moved_site_is_refused_until_renumbered(sample_copy: Path) -> None:
    plan_at(sample_copy)
    before = read_plan(sample_copy / "plan.yaml")
    sites = sample_copy / "sites.yaml"
    text = sites.read_text(encoding="utf-8")
    # move town sg-lechang-t01 (and so its village) under sg-renhua
    moved = text.replace("  - id: sg-lechang-t01\n", "  - id: sg-lechang-t01\n", 1)
    start = moved.index("  - id: sg-lechang-t01\n")
    moved = moved[:start] + moved[start:].replace("parent: sg-lechang\n", "parent: sg-renhua\n", 1)
    sites.write_text(moved, encoding="utf-8")
    links = sample_copy / "links.yaml"
    links.write_text(
        links.read_text(encoding="utf-8").replace(
            "    b: {device: sg-lechang-agg-2, interface: Ethernet1/0/1}\n",
            "    b: {device: sg-renhua-agg-1, interface: Ethernet0/9/1}\n",
        ),
        encoding="utf-8",
    )
    # its planned prefix is outside its new parent's: validation says so, planning refuses
    assert "address.out-of-pool" in [p.rule for p in check_inventory(sample_copy).problems]
    with pytest.raises(InputError, match="fix them before planning"):
        plan_at(sample_copy)
    with pytest.raises(InputError, match="nothing planned for no-such-site"):
        plan_at(sample_copy, renumber=["no-such-site"])
    outcome = plan_at(sample_copy, renumber=["sg-lechang-t01", "sg-lechang-t01-v01"])
    after = read_plan(sample_copy / "plan.yaml")
    assert {(a.section, a.id) for a in outcome.result.new} == {
        ("sites", "sg-lechang-t01"),
        ("sites", "sg-lechang-t01-v01"),
    }
    for section in ("sites", "devices", "links"):
        for entity_id, entry in before.section(section).items():
            if entity_id not in ("sg-lechang-t01", "sg-lechang-t01-v01"):
                assert after.section(section)[entity_id] == entry
    assert check_inventory(sample_copy).problems == []


def test_plan_into_an_unwritable_place_is_an_input_error_naming_the_file(sample_copy: Path) -> None:
    # A full disk, as the kernel reports it (tests run as root, for whom permissions would not fail
    # the write): no file may grow past 4 KiB, and the plan is larger.
    run = subprocess.run(
        ["prlimit", "--fsize=4096", "--", *GOVNET, "inventory", "plan", str(sample_copy)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert_clean_input_error(run, f"{sample_copy / 'plan.yaml'}: cannot write the plan")
    assert not (sample_copy / "plan.yaml").exists()
    assert not [p.name for p in sample_copy.iterdir() if p.name.startswith(".plan.yaml")]  # no temporary left


def test_a_plan_file_with_a_non_address_names_the_plan_file_and_line(
    sample_copy: Path, run_govnet: RunGovnet
) -> None:
    plan = sample_copy / "plan.yaml"
    plan.write_text('version: 1\nlinks:\n  sg-city-peer-1: {ipv4: "garbage"}\n', encoding="utf-8")
    for command in ("validate", "summary", "plan", "ansible"):
        run = run_govnet("inventory", command, str(sample_copy))
        assert_clean_input_error(run, f"{plan}:3:20: plan entry links.sg-city-peer-1.ipv4:", "garbage")


def test_a_plan_file_with_the_wrong_address_family_is_refused(
    sample_copy: Path, run_govnet: RunGovnet
) -> None:
    plan = sample_copy / "plan.yaml"
    plan.write_text('version: 1\nsites:\n  sg-city: {ipv4: "2001:db8::/48"}\n', encoding="utf-8")
    run = run_govnet("inventory", "plan", str(sample_copy))
    assert_clean_input_error(run, f"{plan}:3:13: plan entry sites.sg-city.ipv4:", "not an IPv4 network")
    # Nothing was lost: the user's plan file is as they wrote it.
    assert "2001:db8::/48" in plan.read_text(encoding="utf-8")


def test_planning_a_broken_inventory_names_no_command_but_the_cli_does(run_govnet: RunGovnet) -> None:
    # The service's message is for library callers too: the command to run is the CLI's to add.
    broken = BROKEN / "no-uplink.yaml"
    with pytest.raises(InputError) as info:
        plan_at(broken, dry_run=True)
    assert "govnet" not in str(info.value) and "--" not in str(info.value)
    run = run_govnet("inventory", "plan", str(broken), "--dry-run")
    assert_clean_input_error(
        run, "fix them before planning", f"`govnet inventory validate {broken}` lists them all"
    )
