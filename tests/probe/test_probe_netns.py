"""Active probes across a namespace extranet (city core, county, town; see ``netns_topology``):
loss and RTT under the town link's shaping, the town's open telnet port, path MTU over the 1400-byte
town link (ICMP fragmentation-needed, ICMPv6 packet-too-big), the IPv6-only check per site, and a
clean refusal without raw sockets. The prober runs inside the city namespace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netns_topology import TOWN_MTU, Topology, extranet, unavailable

INVENTORY = """
name: probe-test
sites:
  - {id: city, name: 韶关市, level: city}
  - {id: county, name: 浈江区, level: county, parent: city}
  - {id: town, name: 十里亭镇, level: town, parent: county}
devices:
  - hostname: county-agg
    site: county
    vendor: h3c_comware
    role: aggregation
    mgmt: {ipv4: 10.255.1.2, ipv6: "fd00:255:1::2"}
    credentials: {username: admin, password: "env:GOVNET_LAB_PASSWORD"}
  - hostname: town-acc
    site: town
    vendor: cisco_ios
    role: access
    mgmt: {ipv4: 10.255.2.2, ipv6: "fd00:255:2::2"}
    credentials: {username: admin, password: "env:GOVNET_LAB_PASSWORD"}
  - hostname: town-acc-v4only
    site: town
    vendor: cisco_ios
    role: access
    mgmt: {ipv4: 10.255.2.2}
    credentials: {username: admin, password: "env:GOVNET_LAB_PASSWORD"}
links: []
"""


@pytest.fixture(scope="module")
def topo() -> Iterator[Topology]:
    why = unavailable()
    if why:
        pytest.skip(why)
    with extranet() as built:
        yield built


def probe_from_city(topo: Topology, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        ["ip", "netns", "exec", topo.city, sys.executable, "-m", "govnet.cli", "probe", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )


def by_address(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["address"]: t for t in report["targets"]}


def checks(target: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in target["verdict"]["checks"]}


def test_town_open_telnet_is_a_finding_and_path_mtu_is_the_town_links(topo: Topology) -> None:
    done = probe_from_city(topo, "--target", topo.town_v4, "--target", topo.town_v6, "--json")
    assert done.returncode == 1, done.stderr
    targets = by_address(json.loads(done.stdout))
    for address in (topo.town_v4, topo.town_v6):
        town = targets[address]
        assert town["echo"]["loss_pct"] == 0 and town["echo"]["rtt_avg_ms"] > 0
        assert town["ports"] == {"22": "open", "23": "open", "80": "closed", "8080": "closed"}
        found = checks(town)
        assert (
            found["tcp.forbidden-ports"]["status"] == "FAILED"
            and "23" in found["tcp.forbidden-ports"]["reason"]
        )
        assert found["tcp.ssh"]["status"] == "PASSED"
        assert town["path_mtu"] == TOWN_MTU  # the router said so: frag-needed / packet-too-big
        assert found["path-mtu"]["evidence"]["told"] is True


def test_county_passes_with_a_full_size_path(topo: Topology) -> None:
    done = probe_from_city(topo, "--target", topo.county_v4, "--target", topo.county_v6)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "finding" not in done.stdout and topo.county_v6 in done.stdout
    report = json.loads(probe_from_city(topo, "--target", topo.county_v4, "--json").stdout)
    assert report["targets"][0]["path_mtu"] == 1500


def test_unreachable_address_is_total_loss(topo: Topology) -> None:
    done = probe_from_city(topo, "--target", "10.255.2.99", "--count", "2", "--json")
    assert done.returncode == 1
    [target] = json.loads(done.stdout)["targets"]
    assert target["echo"]["loss_pct"] == 100 and target["path_mtu"] is None
    assert checks(target)["icmp.echo"]["reason"] == "no reply"


def test_a_burst_beyond_the_town_links_queue_is_lost_and_queued_replies_wait(topo: Topology) -> None:
    """The town link is shaped to 1 Mbit/s with a two-packet queue: ten 1,228-byte echoes sent at
    once overflow it, and a reply that queued behind another waited one packet time (9.8 ms)."""
    code = (
        "import json; from govnet.collectors.probe.packets import echo; "
        f"print(json.dumps(echo({topo.town_v4!r}, count=10, interval=0, size=1200).to_dict()))"
    )
    done = topo.run(topo.city, sys.executable, "-c", code)
    echo = json.loads(done.stdout)
    assert 0 < echo["loss_pct"] < 100
    assert echo["received"] >= 2 and echo["rtt_max_ms"] >= 9.0


def test_ipv6_only_check_per_site_from_the_inventory(topo: Topology, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")
    county = probe_from_city(topo, "--inventory", str(inventory), "--site", "county", "--json")
    assert county.returncode == 0, county.stdout + county.stderr
    [site] = json.loads(county.stdout)["sites"]
    assert site["subject"] == "site county" and site["status"] == "PASSED"
    town = probe_from_city(topo, "--inventory", str(inventory), "--site", "town", "--json", "--no-mtu")
    report = json.loads(town.stdout)
    assert town.returncode == 1
    [site] = report["sites"]
    results = {c["name"]: c for c in site["checks"]}
    assert results["ipv6-only town-acc"]["status"] == "PASSED"
    assert results["ipv6-only town-acc-v4only"]["reason"] == "no IPv6 management address"
    unknown = probe_from_city(topo, "--inventory", str(inventory), "--site", "nowhere")
    assert unknown.returncode == 2 and "nowhere" in unknown.stderr


def test_without_raw_sockets_it_says_so_and_exits_2() -> None:
    if os.geteuid() != 0:
        pytest.skip("dropping CAP_NET_RAW needs root to start with")
    done = subprocess.run(
        [
            "setpriv",
            "--bounding-set",
            "-net_raw",
            "--inh-caps",
            "-net_raw",
            "--",
            sys.executable,
            "-m",
            "govnet.cli",
            "probe",
            "--target",
            "127.0.0.1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "raw sockets" in done.stderr and "CAP_NET_RAW" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_target_that_is_not_an_address_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "govnet.cli", "probe", "--target", "town.example"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "not an IPv4 or IPv6 address" in done.stderr
