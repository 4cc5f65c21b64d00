"""Routing tables install what the devices would: connected networks, and static routes (IPv4 and
IPv6) whose next hop is reachable; a route to an unreachable next hop is configured but not installed."""

from __future__ import annotations

import re

import pytest
from ntc_templates.parse import parse_output

from govnet.lab.bootstrap import boot
from govnet.lab.testing import spec
from govnet.lab.vendors import dialect_for
from govnet.lab.vendors.base import CliSession

SETUP = {
    "huawei_vrp": [
        "system-view",
        "ipv6",
        "interface GigabitEthernet0/0/1",
        "ip address 10.0.0.1 255.255.255.252",
        "ipv6 enable",
        "ipv6 address 2001:db8::1 64",
        "quit",
        "ip route-static 10.9.0.0 255.255.0.0 10.0.0.2",
        "ip route-static 10.8.0.0 255.255.0.0 10.7.7.7",
        "ipv6 route-static 2001:db8:9:: 48 2001:db8::2",
        "ipv6 route-static 2001:db8:8:: 48 2001:db8:7::7",
        "return",
    ],
    "h3c_comware": [
        "system-view",
        "interface GigabitEthernet1/0/1",
        "ip address 10.0.0.1 255.255.255.252",
        "ipv6 address 2001:db8::1 64",
        "quit",
        "ipv6 route-static 2001:db8:9:: 48 2001:db8::2",
        "ipv6 route-static 2001:db8:8:: 48 2001:db8:7::7",
        "return",
    ],
    "cisco_ios": [
        "configure terminal",
        "ipv6 unicast-routing",
        "interface GigabitEthernet0/0/1",
        "ip address 10.0.0.1 255.255.255.252",
        "ipv6 address 2001:db8::1/64",
        "exit",
        "ipv6 route 2001:db8:9::/48 2001:db8::2",
        "ipv6 route 2001:db8:8::/48 2001:db8:7::7",
        "end",
    ],
}
IPV6_TABLE = {
    "huawei_vrp": "display ipv6 routing-table",
    "h3c_comware": "display ipv6 routing-table",
    "cisco_ios": "show ipv6 route",
}


def session(vendor: str) -> CliSession:
    state, _ = boot(spec(vendor, "R1"), None, now=1_000_000.0)
    s = CliSession(dialect_for(vendor), state, "admin", clock=lambda: 1_090_000.0)
    s.dialect.session_start(s)
    for line in SETUP[vendor]:
        out = s.handle_line(line)
        assert "rror" not in out and "%" not in out, (line, out)
    return s


@pytest.mark.parametrize("vendor", sorted(SETUP))
def test_ipv6_static_routes_show_in_the_routing_table_when_their_next_hop_is_reachable(vendor: str) -> None:
    table = session(vendor).handle_line(IPV6_TABLE[vendor])
    assert "2001:DB8:9::" in table  # next hop on the connected 2001:db8::/64
    assert "2001:DB8:8::" not in table  # next hop nowhere: configured, not installed
    assert "2001:DB8::1" in table  # the interface's own address (a local host route)


def test_ios_ipv6_route_parses_with_ntc_templates() -> None:
    rows = parse_output(
        platform="cisco_ios",
        command="show ipv6 route",
        data=session("cisco_ios").handle_line("show ipv6 route"),
    )
    static = [r for r in rows if r["protocol"] == "S"]
    assert static == [
        {
            "protocol": "S",
            "network": "2001:DB8:9::/48",
            "distance": "1",
            "metric": "0",
            "nexthop_ip": "2001:DB8::2",
            "nexthop_if": "",
        }
    ]
    assert any(r["protocol"] == "C" and r["network"] == "2001:DB8::/64" for r in rows)


def test_vrp_routing_table_has_its_header_and_counts() -> None:
    table = session("huawei_vrp").handle_line("display ip routing-table")
    lines = table.splitlines()
    assert lines[:3] == [
        "Route Flags: R - relay, D - download to fib",
        "------------------------------------------------------------------------------",
        "Routing Tables: Public",
    ]
    counts = re.match(r"\s+Destinations : (\d+)\s+Routes : (\d+)", lines[3])
    assert counts is not None
    rows = [x for x in lines if re.match(r"\s*\d+\.\d+\.\d+\.\d+/\d+\s", x)]
    assert int(counts.group(1)) == int(counts.group(2)) == len(rows)
    assert lines[5].split() == ["Destination/Mask", "Proto", "Pre", "Cost", "Flags", "NextHop", "Interface"]


def test_vrp_static_route_to_an_unreachable_next_hop_is_not_installed() -> None:
    s = session("huawei_vrp")
    table = s.handle_line("display ip routing-table")
    assert re.search(r"10\.9\.0\.0/16\s+Static\s+60\s+0\s+RD\s+10\.0\.0\.2\s+GigabitEthernet0/0/1", table), (
        table
    )
    assert "10.8.0.0" not in table
    assert "ip route-static 10.8.0.0 255.255.0.0 10.7.7.7" in s.handle_line("display current-configuration")
    # Once the next hop becomes reachable, the route is installed.
    for line in [
        "system-view",
        "interface GigabitEthernet0/0/1",
        "ip address 10.7.7.1 255.255.255.0 sub",
        "return",
    ]:
        s.handle_line(line)
    assert re.search(r"10\.8\.0\.0/16\s+Static", s.handle_line("display ip routing-table"))
