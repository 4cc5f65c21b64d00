"""Reading vendors' configuration texts: strict for what people type, lenient for what devices hold."""

from __future__ import annotations

import pytest

from govnet.errors import InputError
from govnet.netconfig import ConfigSyntaxError, parse, render
from govnet.netconfig.model import StaticRoute
from govnet.netconfig.mutate import put_static_route

# A VRP capture as netmiko or a terminal log hands it over: the command echo, CRLF line ends, a
# comment in GBK, sections the model does not hold (with their indented lines), a cut-off line,
# and the prompt at the end.
VRP_CAPTURE = (
    b"<CITY-CORE-1>display current-configuration\r\n"
    b"!Software Version V800R021C10SPC100\r\n"
    b"!Last configuration was updated at 2024-05-01 10:00:00+08:00\r\n"
    + "!韶关市 核心\r\n".encode("gbk")
    + (
        "#\r\n"
        "sysname CITY-CORE-1\r\n"
        "#\r\n"
        "vlan batch 10 20\r\n"
        "#\r\n"
        "stp mode rstp\r\n"
        "#\r\n"
        "aaa\r\n"
        " local-user admin password irreversible-cipher $1c$0011223344556677$" + "ab" * 32 + "\r\n"
        " local-user admin privilege level 15\r\n"
        " local-user admin service-type ssh\r\n"
        "#\r\n"
        "interface GigabitEthernet0/0/1\r\n"
        " description to Renhua county\r\n"
        " port link-type trunk\r\n"
        " ip address 10.1.1.1 255.255.255.252\r\n"
        "#\r\n"
        "bgp 65001\r\n"
        " peer 10.1.1.2 as-number 65002\r\n"
        " ipv4-family unicast\r\n"
        "  peer 10.1.1.2 enable\r\n"
        "#\r\n"
        "ip route-static 0.0.0.0 0.0.0.0 10.1.1.2 preference 70 description default-to-province\r\n"
        "info-center loghost 10.9.9.9\r\n"
        "ntp-service unicast-server 10.9.9.8\r\n"
        "#\r\n"
        "user-interface vty 0 4\r\n"
        " authentication-mode aaa\r\n"
        " idle-timeout 5 0\r\n"
        " protocol inbound ssh\r\n"
        "#\r\n"
        "snmp-agent sys-info contact noc@example.gov\r\n"
        "snmp-agent sys-info loca"
        "\r\n"
        "return\r\n"
        "<CITY-CORE-1>"
    ).encode()
)


def test_lenient_vrp_capture_keeps_what_it_cannot_model_with_line_numbers() -> None:
    parsed = parse("huawei_vrp", VRP_CAPTURE)
    config = parsed.config
    assert config.hostname == "CITY-CORE-1"
    itf = config.interface("GigabitEthernet0/0/1")
    assert itf is not None and itf.description == "to Renhua county" and str(itf.ipv4[0]) == "10.1.1.1/30"
    assert config.static_routes == [StaticRoute("0.0.0.0/0", "10.1.1.2", 70, "default-to-province")]
    assert (config.syslog_hosts, config.ntp_servers) == (["10.9.9.9"], ["10.9.9.8"])
    assert (config.vty.auth_mode, config.vty.idle_timeout_s, config.vty.protocols) == ("aaa", 300, {"ssh"})
    assert config.user("admin") is not None and config.snmp.contact == "noc@example.gov"
    unknown = {u.text.strip(): u for u in parsed.unknown}
    assert set(unknown) == {
        "vlan batch 10 20",
        "stp mode rstp",
        "port link-type trunk",
        "bgp 65001",
        "peer 10.1.1.2 as-number 65002",
        "ipv4-family unicast",
        "peer 10.1.1.2 enable",
        "snmp-agent sys-info loca",
    }
    lines = VRP_CAPTURE.splitlines()
    for u in parsed.unknown:
        assert lines[u.number - 1].decode().strip() == u.text.strip()
    assert unknown["peer 10.1.1.2 enable"].reason == "section"


def test_strict_parse_names_the_line_it_refuses() -> None:
    with pytest.raises(ConfigSyntaxError, match=r"line 3: 'vlan batch 10' \(unrecognized\)") as err:
        parse("huawei_vrp", "sysname R1\n#\nvlan batch 10\n", strict=True)
    assert isinstance(err.value, InputError) and err.value.lines[0].number == 3


IOS_CAPTURE = """R1#show running-config
Building configuration...

Current configuration : 1250 bytes
!
! Last configuration change at 10:01:02 UTC Wed May 1 2024
!
version 16.9
service timestamps debug datetime msec
!
hostname DEPT-FIN
!
boot-start-marker
boot-end-marker
!
username ops privilege 15 secret 9 $9$abcdefghijklmn$0123456789abcdefghijklmnopqrstuvwxyzABCDE
!
interface GigabitEthernet0/0/1
 description uplink
 ip address 10.2.0.2 255.255.255.252
 ip nat outside
 negotiation auto
!
ip route 0.0.0.0 0.0.0.0 10.2.0.1 250 name backup
ipv6 route 2001:DB8::/32 2001:DB8:1::1
!
line vty 0 4
 exec-timeout 10 0
 login local
 transport input ssh
!
end

R1#"""


def test_lenient_ios_running_config_with_header_and_unknown_lines() -> None:
    parsed = parse("cisco_ios", IOS_CAPTURE)
    config = parsed.config
    assert config.hostname == "DEPT-FIN" and config.user("ops") is not None
    assert config.static_routes == [
        StaticRoute("0.0.0.0/0", "10.2.0.1", 250, "backup"),
        StaticRoute("2001:db8::/32", "2001:DB8:1::1"),
    ]
    assert (config.vty.idle_timeout_s, config.vty.auth_mode, config.vty.protocols) == (600, "aaa", {"ssh"})
    unknown = [u.text.strip() for u in parsed.unknown]
    assert unknown == ["boot-start-marker", "boot-end-marker", "ip nat outside"]


def test_typed_routes_render_in_each_vendors_words() -> None:
    route = StaticRoute("10.8.0.0/16", "10.1.1.2", 80, "to-county")
    out = {}
    for vendor in ("huawei_vrp", "h3c_comware", "cisco_ios"):
        config = parse(vendor, "").config
        put_static_route(config, route)
        out[vendor] = next(line for line in render(vendor, config).splitlines() if "10.8.0.0" in line)
        assert parse(vendor, render(vendor, config), strict=True).config.static_routes == [route]
    assert out == {
        "huawei_vrp": "ip route-static 10.8.0.0 255.255.0.0 10.1.1.2 preference 80 description to-county",
        "h3c_comware": " ip route-static 10.8.0.0 16 10.1.1.2 preference 80 description to-county",
        "cisco_ios": "ip route 10.8.0.0 255.255.0.0 10.1.1.2 80 name to-county",
    }


def test_unknown_vendor_is_an_input_error() -> None:
    with pytest.raises(InputError, match="supported: cisco_ios, h3c_comware, huawei_vrp"):
        parse("junos", "")
