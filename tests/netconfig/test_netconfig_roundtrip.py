"""Every setting a graded-protection check reads survives render → parse, for each vendor.

A ``DeviceConfig`` is generated over the VTY, AAA (users, enable secret), password policy, login
lockout, SNMP, syslog, NTP, banner and service surface, within what each vendor's syntax can say;
rendering it and reading the text back strictly must give the same model.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govnet.netconfig import defaults, parse, render
from govnet.netconfig.model import (
    DeviceConfig,
    LocalUser,
    SnmpCommunity,
    SnmpConfig,
    SnmpGroup,
    SnmpTrapHost,
    SnmpV3User,
)
from govnet.netconfig.passwords import hash_password

VENDORS = ("huawei_vrp", "h3c_comware", "cisco_ios")

name = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True).filter(
    lambda n: n not in {"cipher", "simple", "group", "acl", "read", "write", "access", "ipv6"}
)
key = st.from_regex(r"[A-Za-z0-9@#._-]{8,20}", fullmatch=True)
text = st.lists(st.from_regex(r"[A-Za-z0-9.,:@()/-]{1,12}", fullmatch=True), min_size=1, max_size=5).map(
    " ".join
)
acl = st.one_of(st.integers(2000, 3999).map(str), name.map(lambda n: f"acl-{n}"))
ipv4 = st.builds(IPv4Address, st.integers(0x0A000001, 0x0AFFFFFE)).map(str)
ipv6 = st.builds(IPv6Address, st.integers(0x2001_0DB8 << 96, (0x2001_0DB8 << 96) + 2**64)).map(str)
password_hash = st.binary(min_size=8, max_size=8).map(lambda salt: hash_password("x", "1c", salt))


def unique(strategy: st.SearchStrategy, key_of, max_size: int = 3) -> st.SearchStrategy:  # type: ignore[no-untyped-def]
    return st.lists(strategy, max_size=max_size, unique_by=key_of)


@st.composite
def device_config(draw: st.DrawFn, vendor: str) -> DeviceConfig:
    ios, comware = vendor == "cisco_ios", vendor == "h3c_comware"
    config = defaults(vendor)
    config.hostname = draw(st.from_regex(r"[A-Z][A-Za-z0-9-]{0,15}", fullmatch=True))

    vty = config.vty
    vty.first = draw(st.integers(0, 4))
    vty.last = draw(st.integers(vty.first, 15))
    vty.auth_mode = draw(st.sampled_from(["password", "aaa", "none"]))
    protocols = [set(), {"ssh"}, {"telnet"}, {"ssh", "telnet"}]
    vty.protocols = draw(st.sampled_from(protocols if ios else protocols[1:]))
    vty.idle_timeout_s = draw(st.integers(0, 35791 * 60 + 59))
    vty.acl_in, vty.acl6_in = draw(st.none() | acl), draw(st.none() | acl)
    vty.privilege = draw(st.none() | (st.just(15) if comware else st.integers(0, 15)))

    services = (
        st.just({"ssh", "telnet", "terminal"})
        if ios
        else st.sets(st.sampled_from(["ssh", "telnet", "terminal", "http", "ftp"]))
    )
    privilege = st.sampled_from([1, 15]) if comware else st.integers(0, 15)
    config.local_users = draw(
        unique(st.builds(LocalUser, name, password_hash, privilege, services), lambda u: u.name)
    )
    if ios:
        config.enable_secret_hash = draw(st.none() | password_hash)

    policy = config.password_policy
    if ios:
        policy.min_length = draw(st.sampled_from([0, *range(4, 17)]))
    else:
        policy.min_length = draw(st.sampled_from([0, *range(4, 33)]))
        policy.complexity = draw(st.booleans())
        policy.expire_days = draw(st.integers(0, 365 if comware else 999))
    lockout = config.lockout
    if draw(st.booleans()):
        lockout.max_failures = draw(st.integers(2, 10) if comware else st.integers(1, 65535))
        lockout.lock_minutes = draw(st.integers(1, 360 if comware else (1092 if ios else 65535)))

    banner = text.filter(lambda t: not t.startswith("information"))
    config.banners.login = draw(st.just("") | banner)
    config.banners.motd = draw(st.just("") | banner)

    config.syslog_hosts = draw(unique(ipv4 | ipv6, str))
    config.syslog_enabled = draw(st.booleans())
    config.ntp_servers = draw(unique(ipv4 | ipv6, str))

    config.ssh_server = draw(st.booleans())
    config.http_server, config.https_server = draw(st.booleans()), draw(st.booleans())
    config.telnet_server = "telnet" in vty.protocols if ios else draw(st.booleans())
    config.snmp = draw(snmp_config(vendor))
    return config


@st.composite
def snmp_config(draw: st.DrawFn, vendor: str) -> SnmpConfig:
    ios, comware = vendor == "cisco_ios", vendor == "h3c_comware"
    levels = st.sampled_from(["noauthentication", "authentication", "privacy"])
    snmp = SnmpConfig()
    community = st.builds(SnmpCommunity, key, st.sampled_from(["ro", "rw"]), st.none() | acl)
    snmp.communities = draw(unique(community, lambda c: c.name))
    snmp.groups = draw(
        unique(
            st.builds(
                SnmpGroup,
                name,
                levels,
                st.none() | name,
                st.none() if comware else st.none() | name,
                st.none() | acl,
            ),
            lambda g: g.name,
        )
    )

    snmp.users = draw(unique(v3_user(ios, comware), lambda u: u.name))
    snmp.trap_hosts = draw(
        unique(
            st.builds(SnmpTrapHost, ipv4, name, st.sampled_from(["v1", "v2c", "v3"]), st.integers(1, 65535)),
            lambda h: h.address,
        )
    )
    if ios:  # IOS: the agent runs while anything is configured; versions follow what is configured
        snmp.enabled = bool(snmp.communities or snmp.groups or snmp.users)
        snmp.versions = ({"v1", "v2c"} if snmp.communities else set()) | (
            {"v3"} if snmp.groups or snmp.users else set()
        )
        if not snmp.enabled:
            snmp.trap_hosts = []
            return snmp
    else:
        snmp.enabled = draw(st.booleans())
        snmp.versions = draw(st.sets(st.sampled_from(["v1", "v2c", "v3"])))
    snmp.trap_enabled = draw(st.booleans())
    snmp.contact = draw(st.just("") | text)
    snmp.location = draw(st.just("") | text)
    return snmp


@st.composite
def v3_user(draw: st.DrawFn, ios: bool, comware: bool) -> SnmpV3User:
    auth_protocol = draw(st.none() | st.sampled_from(["sha", "sha256", "md5"]))
    priv_protocol = draw(st.none() | st.sampled_from(["aes", "aes256", "des"]))
    if ios and auth_protocol is None:
        priv_protocol = None  # IOS has no privacy without authentication
    return SnmpV3User(
        draw(name),
        draw(name if (ios or comware) else st.just("") | name),
        auth_protocol,
        draw(key) if auth_protocol else None,
        priv_protocol,
        draw(key) if priv_protocol else None,
        draw(st.none() | acl),
    )


@pytest.mark.parametrize("vendor", VENDORS)
def test_render_then_strict_parse_gives_the_same_model(vendor: str) -> None:
    @settings(max_examples=100, deadline=None, derandomize=True)  # the same examples every CI run
    @given(config=device_config(vendor))
    def check(config: DeviceConfig) -> None:
        text = render(vendor, config)
        assert parse(vendor, text, strict=True).config == config, text

    check()
