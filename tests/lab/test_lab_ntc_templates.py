"""The lab's show/display output parses with ntc-templates, the TextFSM templates written from real
devices' output (what netmiko's ``use_textfsm=True`` uses), and the parsed values match the state."""

from __future__ import annotations

import pytest
from ntc_templates.parse import parse_output

from govnet.lab.bootstrap import boot
from govnet.lab.testing import spec
from govnet.lab.vendors import dialect_for
from govnet.lab.vendors.base import CliSession

SETUP = {
    "huawei_vrp": [
        "system-view",
        "interface GigabitEthernet0/0/1",
        "ip address 10.0.0.1 255.255.255.252",
        "quit",
        "acl 2000",
        "rule 5 permit source 10.0.0.0 0.0.0.255",
        "quit",
        "snmp-agent community read cipher ro-community acl 2000",
        "undo telnet server enable",
        "return",
    ],
    "h3c_comware": [
        "system-view",
        "interface GigabitEthernet1/0/1",
        "ip address 10.0.0.1 255.255.255.252",
        "quit",
        "ip route-static 0.0.0.0 0 10.0.0.2",
        "return",
    ],
    "cisco_ios": [
        "configure terminal",
        "interface GigabitEthernet0/0/1",
        "ip address 10.0.0.1 255.255.255.252",
        "ipv6 address 2001:db8::1/64",
        "exit",
        "access-list 10 permit 10.0.0.0 0.0.0.255",
        "snmp-server community ro-community RO",
        "ip route 0.0.0.0 0.0.0.0 10.0.0.2",
        "end",
    ],
}
PLATFORM = {"huawei_vrp": "huawei_vrp", "h3c_comware": "hp_comware", "cisco_ios": "cisco_ios"}


def _session(vendor: str) -> CliSession:
    state, _ = boot(spec(vendor, "R1"), None, now=1_000_000.0)
    s = CliSession(dialect_for(vendor), state, "admin", clock=lambda: 1_090_000.0)
    s.dialect.session_start(s)
    for line in SETUP[vendor]:
        assert "rror" not in s.handle_line(line)
    return s


def _parse(vendor: str, command: str) -> list[dict[str, object]]:
    s = _session(vendor)
    rows = parse_output(platform=PLATFORM[vendor], command=command, data=s.handle_line(command))
    assert rows, f"{command}: parsed nothing"
    return rows


def _row(rows: list[dict[str, object]], **match: object) -> dict[str, object]:
    return next(r for r in rows if all(r.get(k) == v for k, v in match.items()))


CASES = [
    (
        "huawei_vrp",
        "display interface brief",
        {"interface": "GigabitEthernet0/0/1", "phy": "up", "protocol": "up"},
    ),
    (
        "huawei_vrp",
        "display interface description",
        {"interface": "GigabitEthernet0/0/1", "description": "uplink to city core"},
    ),
    (
        "huawei_vrp",
        "display interface GigabitEthernet0/0/1",
        {"interface": "GigabitEthernet0/0/1", "link_status": "UP"},
    ),
    ("huawei_vrp", "display version", {"vrp_version": "5.170", "uptime": "1 days, 1 hours, 0 minutes"}),
    (
        "huawei_vrp",
        "display acl all",
        {"acl_number": "2000", "action": "permit", "source": "10.0.0.0 0.0.0.255"},
    ),
    ("huawei_vrp", "display telnet server status", {"telnet_ipv4_server": "Disable"}),
    ("huawei_vrp", "display http server", {"http_server_status": "enabled"}),
    ("huawei_vrp", "display snmp-agent community read", {"name": "ro-community", "acl": "2000"}),
    ("h3c_comware", "display interface brief", {"interface": "GE1/0/1", "link": "UP", "main_ip": "10.0.0.1"}),
    (
        "h3c_comware",
        "display interface GigabitEthernet1/0/1",
        {"interface": "GigabitEthernet1/0/1", "line_status": "UP"},
    ),
    (
        "h3c_comware",
        "display ip routing-table",
        {"network": "0.0.0.0", "protocol": "Static", "nexthop_ip": "10.0.0.2"},
    ),
    ("h3c_comware", "display clock", {"timezone": "UTC", "year": "1970"}),
    (
        "cisco_ios",
        "show ip interface brief",
        {"interface": "GigabitEthernet0/0/1", "ip_address": "10.0.0.1", "status": "up"},
    ),
    ("cisco_ios", "show ipv6 interface brief", {"interface": "GigabitEthernet0/0/1", "protocol": "up"}),
    ("cisco_ios", "show version", {"hostname": "R1", "version": "16.9.4"}),
    (
        "cisco_ios",
        "show interfaces",
        {"interface": "GigabitEthernet0/0/1", "description": "uplink to city core"},
    ),
    ("cisco_ios", "show access-lists", {"name": "10", "action": "permit", "source": "10.0.0.0 0.0.0.255"}),
    ("cisco_ios", "show snmp community", {"name": "ro-community"}),
    (
        "cisco_ios",
        "show snmp user",
        {"user_name": "govnet-ro", "authentication_protocol": "SHA", "group_name": "govnet"},
    ),
    ("cisco_ios", "show snmp group", {"groupname": "govnet", "security_model": "v3 priv"}),
    ("cisco_ios", "show ip route", {"protocol": "S", "network": "0.0.0.0", "nexthop_ip": "10.0.0.2"}),
]


@pytest.mark.parametrize(("vendor", "command", "expected"), CASES, ids=[f"{v}:{c}" for v, c, _ in CASES])
def test_output_parses_with_ntc_templates(vendor: str, command: str, expected: dict[str, object]) -> None:
    rows = _parse(vendor, command)
    _row(rows, **expected)  # StopIteration (a failure) when no parsed row carries these values


def test_ipv6_addresses_parse_as_the_device_has_them() -> None:
    row = _row(_parse("cisco_ios", "show ipv6 interface brief"), interface="GigabitEthernet0/0/1")
    assert "2001:DB8::1" in row["ipv6_address"]  # type: ignore[operator]
