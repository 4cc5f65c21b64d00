"""Commands that answer from the lab's topology — ping, OSPF peers, ARP — across three vendors cabled
in a row (VRP — Comware — IOS), over SSH; their output parses with ntc-templates where it has a template."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from ntc_templates.parse import parse_output

from govnet.lab.runtime import LabThread
from govnet.lab.testing import Terminal, chain

SETUP = {
    "R1": [
        "system-view",
        "interface GigabitEthernet0/0/2",
        "ip address 10.0.12.1 255.255.255.252",
        "ipv6 enable",
        "ipv6 address 2001:db8:12::1 64",
        "quit",
        "ospf 1 router-id 1.1.1.1",
        "area 0",
        "network 10.0.12.0 0.0.0.3",
        "return",
    ],
    "R2": [
        "system-view",
        "interface GigabitEthernet1/0/1",
        "ip address 10.0.12.2 255.255.255.252",
        "ipv6 address 2001:db8:12::2 64",
        "quit",
        "interface GigabitEthernet1/0/2",
        "ip address 10.0.23.1 255.255.255.252",
        "ipv6 address 2001:db8:23::1 64",
        "quit",
        "ospf 1 router-id 2.2.2.2",
        "area 0",
        "network 10.0.12.0 0.0.0.3",
        "network 10.0.23.0 0.0.0.3",
        "return",
    ],
    "R3": [
        "configure terminal",
        "interface GigabitEthernet0/0/1",
        "ip address 10.0.23.2 255.255.255.252",
        "ipv6 address 2001:db8:23::2/64",
        "exit",
        "router ospf 1",
        "router-id 3.3.3.3",
        "network 10.0.23.0 0.0.0.3 area 0",
        "end",
    ],
}
PAGING = {"R1": "screen-length 0 temporary", "R2": "screen-length disable", "R3": "terminal length 0"}


@pytest.fixture(scope="module")
def row(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LabThread, dict[str, Terminal]]]:
    specs, cables = chain(("huawei_vrp", "R1"), ("h3c_comware", "R2"), ("cisco_ios", "R3"))
    with LabThread(tmp_path_factory.mktemp("lab"), snmp=False) as lab:
        ends = lab.start(specs, cables)
        terms = {name: Terminal(ends[name].ssh["127.0.0.1"]) for name in SETUP}
        try:
            for name, lines in SETUP.items():
                for line in [PAGING[name], *lines]:
                    out = terms[name].run(line)
                    assert "rror" not in out and "%" not in out, (name, line, out)
            yield lab, terms
        finally:
            for term in terms.values():
                term.close()


def test_ping_crosses_the_cables_and_times_out_once_one_is_cut(row) -> None:  # type: ignore[no-untyped-def]
    lab, terms = row
    out = terms["R1"].run("ping 10.0.23.2")  # R3's address, two cables away
    assert "Reply from 10.0.23.2: bytes=56 Sequence=1 ttl=254" in out
    assert "5 packet(s) received" in out and "0.00% packet loss" in out
    lab.fault("R2", "link-down", "GigabitEthernet1/0/2")
    try:
        out = terms["R1"].run("ping 10.0.23.2")
        assert out.count("Request time out") == 5 and "100.00% packet loss" in out
        out = terms["R3"].run("ping 10.0.12.1")
        assert "Success rate is 0 percent (0/5)" in out
    finally:
        lab.fault("R2", "link-down", "GigabitEthernet1/0/2", clear=True)
    assert "Success rate is 100 percent (5/5)" in terms["R3"].run("ping 10.0.12.1")


def test_ping_to_an_address_no_lab_device_holds_times_out(row) -> None:  # type: ignore[no-untyped-def]
    _, terms = row
    assert "0 packet(s) received, 100.0% packet loss" in terms["R2"].run("ping -c 2 10.9.9.9")
    assert "2 packet(s) transmitted" in terms["R1"].run("ping -c 2 10.9.9.9")


def test_ping_ipv6_answers_in_each_vendors_words(row) -> None:  # type: ignore[no-untyped-def]
    _, terms = row
    vrp = terms["R1"].run("ping ipv6 2001:db8:12::2")
    assert "Reply from 2001:DB8:12::2" in vrp and "hop limit=64" in vrp and "5 packet(s) received" in vrp
    comware = terms["R2"].run("ping ipv6 2001:db8:23::2")
    assert "Ping6(56 data bytes) 2001:DB8:12::2 --> 2001:DB8:23::2" in comware
    assert "56 bytes from 2001:DB8:23::2, icmp_seq=0 hlim=64" in comware
    ios = terms["R3"].run("ping ipv6 2001:db8:12::1")
    rows = parse_output(platform="cisco_ios", command="ping", data=ios)
    assert rows[0]["destination"] == "2001:DB8:12::1" and rows[0]["success_pct"] == "100"


def test_ios_ping_parses_with_ntc_templates(row) -> None:  # type: ignore[no-untyped-def]
    _, terms = row
    rows = parse_output(platform="cisco_ios", command="ping", data=terms["R3"].run("ping 10.0.12.1 repeat 3"))
    assert rows[0]["sent_qty"] == "3" and rows[0]["success_qty"] == "3"
    assert rows[0]["response_stream"] == ["!!!"]


def test_ospf_peers_are_the_cabled_neighbours_in_the_same_area(row) -> None:  # type: ignore[no-untyped-def]
    _, terms = row
    brief = terms["R1"].run("display ospf peer brief")
    assert re.search(r"0\.0\.0\.0\s+GigabitEthernet0/0/2\s+2\.2\.2\.2\s+Full", brief), brief
    assert "Total Peer(s):     1" in brief
    comware = terms["R2"].run("display ospf peer")
    assert re.search(r"1\.1\.1\.1\s+10\.0\.12\.1\s+1\s+37\s+Full/BDR\s+GE1/0/1", comware), comware
    assert re.search(r"3\.3\.3\.3\s+10\.0\.23\.2\s+1\s+37\s+Full/DR\s+GE1/0/2", comware), comware
    rows = parse_output(
        platform="cisco_ios", command="show ip ospf neighbor", data=terms["R3"].run("show ip ospf neighbor")
    )
    assert rows == [
        {
            "neighbor_id": "2.2.2.2",
            "priority": "1",
            "state": "FULL/BDR",
            "dead_time": "00:00:33",
            "ip_address": "10.0.23.1",
            "interface": "GigabitEthernet0/0/1",
        }
    ]


def test_ospf_interface_shows_the_dr_elected_on_each_segment(row) -> None:  # type: ignore[no-untyped-def]
    _, terms = row
    vrp = terms["R1"].run("display ospf interface")
    assert re.search(r"10\.0\.12\.1\s+Broadcast\s+BDR\s+1\s+1\s+10\.0\.12\.2\s+10\.0\.12\.1", vrp), vrp
    comware = terms["R2"].run("display ospf interface")
    assert re.search(r"10\.0\.23\.1\s+Broadcast\s+BDR\s+1\s+1\s+10\.0\.23\.2\s+10\.0\.23\.1", comware), (
        comware
    )


def test_a_cut_cable_ends_the_ospf_adjacency(row) -> None:  # type: ignore[no-untyped-def]
    lab, terms = row
    lab.fault("R1", "link-down", "GigabitEthernet0/0/2")
    try:
        assert "Total Peer(s):     0" in terms["R1"].run("display ospf peer brief")
        assert "1.1.1.1" not in terms["R2"].run("display ospf peer")
    finally:
        lab.fault("R1", "link-down", "GigabitEthernet0/0/2", clear=True)


def test_arp_lists_the_cabled_neighbours_address_and_parses_with_ntc_templates(row) -> None:  # type: ignore[no-untyped-def]
    _, terms = row
    rows = parse_output(
        platform="huawei_vrp", command="display arp all", data=terms["R1"].run("display arp all")
    )
    learned = {r["ip_address"]: r for r in rows}
    assert learned["10.0.12.1"]["type"] == "I -"
    assert learned["10.0.12.2"]["type"] == "D-0" and learned["10.0.12.2"]["expire"] == "20"
    peer_mac = learned["10.0.12.2"]["mac_address"]
    brief = parse_output(
        platform="huawei_vrp", command="display arp brief", data=terms["R1"].run("display arp brief")
    )
    assert {(r["ip_address"], r["type"]) for r in brief} == {("10.0.12.1", "I -"), ("10.0.12.2", "D-0")}
    rows = parse_output(platform="hp_comware", command="display arp", data=terms["R2"].run("display arp"))
    assert {(r["ip_address"], r["interface"], r["type"]) for r in rows} == {
        ("10.0.12.1", "GE1/0/1", "D"),
        ("10.0.23.2", "GE1/0/2", "D"),
    }
    # The MAC R1 learned is the one R2's port has (as R2's own entry on VRP would show it).
    assert peer_mac.startswith("3c8c-40")


def test_ios_passive_interface_default_ends_its_ospf_adjacencies(row) -> None:  # type: ignore[no-untyped-def]
    _, terms = row
    for line in ["configure terminal", "router ospf 1", "passive-interface default", "end"]:
        terms["R3"].run(line)
    try:
        assert terms["R3"].run("show ip ospf neighbor").strip() == ""
        assert "3.3.3.3" not in terms["R2"].run("display ospf peer")
        for line in [
            "configure terminal",
            "router ospf 1",
            "no passive-interface GigabitEthernet0/0/1",
            "end",
        ]:
            terms["R3"].run(line)
        assert "2.2.2.2" in terms["R3"].run("show ip ospf neighbor")
    finally:
        for line in ["configure terminal", "router ospf 1", "no passive-interface default", "end"]:
            terms["R3"].run(line)
    assert "3.3.3.3" in terms["R2"].run("display ospf peer")
