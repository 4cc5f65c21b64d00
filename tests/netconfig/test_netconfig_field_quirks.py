"""Quirks of configurations from the field, pinned at the parser (see tests/compliance/field)."""

from __future__ import annotations

import pytest

from govnet.netconfig import parse


@pytest.mark.parametrize(
    ("vendor", "text", "login", "motd"),
    [
        ("cisco_ios", "banner login ^C\nline one\n  line two\n^C\nhostname R1\n", "line one\n  line two", ""),
        ("cisco_ios", "banner motd #\n\nNo entry\n#\n", "", "No entry"),
        ("cisco_ios", "banner exec ^CCCOne line^C\n", "", "CCOne line"),
        ("h3c_comware", " header motd %\n****\n* Authorised only *\n%\n", "", "****\n* Authorised only *"),
        ("h3c_comware", " header login %Authorised users only%\n", "Authorised users only", ""),
        ("huawei_vrp", 'header shell information "\n Monitored.\n"\n', "", " Monitored."),
        ("huawei_vrp", 'header login information "Authorised only"\n', "Authorised only", ""),
    ],
)
def test_banner_over_several_lines_is_read_to_its_delimiter(
    vendor: str, text: str, login: str, motd: str
) -> None:
    parsed = parse(vendor, text)
    assert (parsed.config.banners.login, parsed.config.banners.motd) == (login, motd)
    assert parsed.unknown == []


def test_banner_never_closed_is_reported_and_the_lines_after_it_still_apply() -> None:
    parsed = parse("cisco_ios", "banner login ^C\nhello\nhostname EDGE\nlogging host 10.0.0.5\n")
    assert parsed.config.banners.login == ""
    assert parsed.config.hostname == "EDGE" and parsed.config.syslog_hosts == ["10.0.0.5"]
    assert [(u.number, u.reason) for u in parsed.unknown][:1] == [(1, "unterminated")]


@pytest.mark.parametrize(
    ("vendor", "lines", "syslog", "ntp"),
    [
        (
            "huawei_vrp",
            [
                "info-center loghost source LoopBack0",
                "info-center loghost 10.0.0.5 facility local4",
                "info-center loghost 10.0.0.6 vpn-instance mgmt channel 2",
                "info-center loghost ipv6 2001:DB8::5 vpn-instance mgmt",
                "ntp-service unicast-server 10.0.0.7 source-interface GigabitEthernet0/0/0",
                "ntp unicast-server 10.0.0.8 vpn-instance mgmt",
            ],
            ["10.0.0.5", "10.0.0.6", "2001:db8::5"],
            ["10.0.0.7", "10.0.0.8"],
        ),
        (
            "h3c_comware",
            [
                " info-center loghost 10.0.0.5 facility local6",
                " info-center loghost vpn-instance mgmt 10.0.0.6",
                " ntp-service unicast-server ntp1.example.gov.cn",
                " ntp-service unicast-server 10.0.0.8 vpn-instance mgmt priority",
            ],
            ["10.0.0.5", "10.0.0.6"],
            ["ntp1.example.gov.cn", "10.0.0.8"],
        ),
        (
            "cisco_ios",
            [
                "logging host 10.0.0.5 vrf Mgmt-vrf",
                "logging host 10.0.0.6 transport udp port 514",
                "logging 10.0.0.7",
                "logging trap informational",
                "ntp server vrf Mgmt-vrf 10.0.0.8",
                "ntp server 10.0.0.9 key 1 prefer",
            ],
            ["10.0.0.5", "10.0.0.6", "10.0.0.7"],
            ["10.0.0.8", "10.0.0.9"],
        ),
    ],
)
def test_servers_are_read_past_the_options_devices_add(
    vendor: str, lines: list[str], syslog: list[str], ntp: list[str]
) -> None:
    config = parse(vendor, "\n".join(lines)).config
    assert (config.syslog_hosts, config.ntp_servers) == (syslog, ntp)


def test_vrp_v8_indented_separator_stays_inside_its_section() -> None:
    text = "aaa\n #\n authentication-scheme default\n #\n local-user ops password irreversible-cipher x\n"
    parsed = parse("huawei_vrp", text)
    assert [u.name for u in parsed.config.local_users] == ["ops"]


def test_refused_line_keeps_the_view_so_the_section_reads_on() -> None:
    text = "line vty 0 4\n logging synchronous\n transport input ssh\n"
    assert parse("cisco_ios", text).config.vty.protocols == {"ssh"}


def test_comware_user_holds_its_highest_role_and_hash_is_irreversible() -> None:
    text = (
        "local-user admin class manage\n password hash $h$6$abc$def==\n"
        " authorization-attribute user-role network-admin\n"
        " authorization-attribute user-role network-operator\n"
        "local-user viewer class manage\n password hash $h$6$abc$def==\n"
        " authorization-attribute user-role network-operator\n"
    )
    users = {u.name: u for u in parse("h3c_comware", text).config.local_users}
    assert (users["admin"].privilege, users["viewer"].privilege) == (15, 1)
    assert users["admin"].password_hash and not users["admin"].password_reversible


def test_comware_telnet_default_follows_the_version_line() -> None:
    assert parse("h3c_comware", " version 7.1.070, Release 6710\n").config.telnet_server is False
    assert parse("h3c_comware", " version 5.20.106, Release 2514\n").config.telnet_server is True
    on = " version 7.1.070, Release 6710\n telnet server enable\n"
    assert parse("h3c_comware", on).config.telnet_server is True


def test_ios_aaa_new_model_makes_vty_logins_per_user_unless_a_line_says_otherwise() -> None:
    assert parse("cisco_ios", "aaa new-model\nline vty 0 4\n").config.vty.auth_mode == "aaa"
    assert parse("cisco_ios", "aaa new-model\nline vty 0 4\n no login\n").config.vty.auth_mode == "none"
    assert parse("cisco_ios", "line vty 0 4\n login\n").config.vty.auth_mode == "password"


def test_ios_line_blocks_are_read_apart_and_the_weakest_decides() -> None:
    first = "line vty 0 4\n access-class 10 in\n exec-timeout 5 0\n login local\n transport input ssh\n"
    second = "line vty 5 15\n password 7 0822455D0A16\n login\n transport input ssh telnet\n"
    vty = parse("cisco_ios", first + second).config.vty
    assert (vty.first, vty.last, vty.acl_in, vty.protocols) == (0, 15, None, {"ssh", "telnet"})
    assert (vty.auth_mode, vty.idle_timeout_s) == ("password", 600)
    same = parse("cisco_ios", "line vty 0 4\n access-class 10 in\nline vty 0 4\n exec-timeout 5 0\n").config
    assert (same.vty.acl_in, same.vty.idle_timeout_s) == ("10", 300)


def test_a_block_that_admits_nobody_is_left_out() -> None:
    """Password authentication with no password set refuses every login (VRP's reserved 16-20 too)."""
    ios = "line vty 0 4\n access-class 10 in\n login local\n transport input ssh\n"
    ios += "line vty 5 15\n transport input all\n"
    vty = parse("cisco_ios", ios).config.vty
    assert (vty.first, vty.last, vty.acl_in, vty.protocols) == (0, 15, "10", {"ssh"})
    vrp = (
        "user-interface vty 0 4\n authentication-mode aaa\n protocol inbound ssh\n"
        "user-interface vty 5 14\n authentication-mode password\n"
        " set authentication password cipher $1c$cdrdMW&U@5$tINsG\n protocol inbound telnet\n"
        "user-interface vty 16 20\n"
    )
    vty = parse("huawei_vrp", vrp).config.vty
    assert (vty.auth_mode, vty.protocols, vty.last) == ("password", {"ssh", "telnet"}, 20)


def test_usm_user_line_without_its_key_leaves_no_user_without_authentication() -> None:
    parsed = parse("huawei_vrp", "snmp-agent usm-user v3 nms authentication-mode sha2-256\n")
    assert parsed.config.snmp.users == [] and [u.reason for u in parsed.unknown] == ["incomplete"]
    one_line = (
        "snmp-agent usm-user v3 nms grp authentication-mode sha %^%#k1%^%# privacy-mode aes128 %^%#k2%^%#\n"
    )
    (user,) = parse("huawei_vrp", one_line).config.snmp.users
    assert (user.group, user.auth_protocol, user.priv_protocol) == ("grp", "sha", "aes")


def test_ios_banner_delimited_by_the_control_character_itself() -> None:
    parsed = parse("cisco_ios", "banner motd \x03\nAuthorised only\n\x03\nhostname R9\n")
    assert (parsed.config.banners.motd, parsed.config.hostname) == ("Authorised only", "R9")
