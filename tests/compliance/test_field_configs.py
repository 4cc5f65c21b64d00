"""Configurations as they come from the field (see field/SOURCES.md): each fixture reproduces quirks
seen in public samples, and the scanner must read it and judge every quirk exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from govnet.compliance.model import Outcome
from govnet.compliance.scan import run_check
from govnet.compliance.sources import asset_from_text, read_file

FIELD = Path(__file__).resolve().parent / "field"
P, F = Outcome.PASS, Outcome.FAIL

# fixture -> (vendor detected, {check: outcome}) for the checks its quirks decide.
EXPECTED: dict[str, tuple[str, dict[str, Outcome]]] = {
    "vrp_system_view_capture.cfg": (
        "huawei_vrp",
        {"dev.login-banner": P, "dev.syslog-remote": P, "dev.ntp": P, "dev.telnet-off": P},
    ),
    "vrp_v8_sections.cfg": (
        "huawei_vrp",
        {
            "dev.password-irreversible": P,
            "dev.local-users": P,
            "dev.telnet-off": P,
            "dev.syslog-remote": P,
            "dev.ntp": P,
        },
    ),
    "vrp_vty_blocks.cfg": (
        "huawei_vrp",
        {
            "dev.vty-ssh-only": F,
            "dev.vty-auth-aaa": F,
            "dev.snmp-v3-only": F,
            "dev.password-irreversible": P,
            "dev.local-users": P,
        },
    ),
    "comware7_hash_roles.cfg": (
        "h3c_comware",
        {
            "dev.local-users": P,
            "dev.password-irreversible": P,
            "dev.login-banner": P,
            "dev.syslog-remote": P,
            "dev.ntp": P,
            "dev.telnet-off": P,
        },
    ),
    "comware7_ssh_server_acl.cfg": (
        "h3c_comware",
        {
            "dev.vty-acl": P,
            "dev.telnet-off": P,
            "dev.syslog-remote": P,
            "dev.ntp": P,
            "dev.snmp-v3-only": F,
            "dev.vty-auth-aaa": P,
        },
    ),
    "comware5_user_interface.cfg": (
        "h3c_comware",
        {
            "dev.password-irreversible": F,
            "dev.vty-ssh-only": P,
            "dev.vty-acl": P,
            "dev.vty-auth-aaa": P,
            "dev.syslog-remote": P,
        },
    ),
    "ios_aaa_banner_crlf.cfg": (
        "cisco_ios",
        {
            "dev.vty-auth-aaa": P,
            "dev.vty-acl": P,
            "dev.vty-ssh-only": P,
            "dev.login-banner": P,
            "dev.syslog-remote": P,
            "dev.ntp": P,
            "dev.password-irreversible": P,
        },
    ),
    "ios_vty_blocks.cfg": (
        "cisco_ios",
        {
            "dev.vty-acl": F,
            "dev.vty-ssh-only": F,
            "dev.telnet-off": F,
            "dev.idle-timeout": F,
            "dev.vty-auth-aaa": P,
        },
    ),
    "ios_iosv_banners.cfg": (
        "cisco_ios",
        {"dev.login-banner": P, "dev.vty-ssh-only": P, "dev.vty-auth-aaa": P, "dev.telnet-off": P},
    ),
    "ios_unterminated_banner.cfg": (
        "cisco_ios",
        {"dev.login-banner": F, "dev.syslog-remote": P, "dev.ntp": P, "dev.idle-timeout": P},
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_field_configuration_is_read_whole_and_judged_exactly(name: str) -> None:
    asset = read_file(FIELD / name)
    vendor, expected = EXPECTED[name]
    assert asset.vendor == vendor and not asset.problem and not asset.truncated, asset.notes
    got = {check: run_check(check, asset).outcome for check in expected}
    assert got == expected


def test_every_field_fixture_is_listed_in_sources() -> None:
    sources = (FIELD / "SOURCES.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in FIELD.glob("*.cfg")) == sorted(EXPECTED)
    assert all(f"`{name}`" in sources for name in EXPECTED)


def test_capture_ending_in_a_system_view_prompt_is_complete() -> None:
    asset = read_file(FIELD / "vrp_system_view_capture.cfg")
    assert not any("truncated" in note for note in asset.notes)


def test_unclosed_banner_costs_one_line_and_the_rest_is_still_read() -> None:
    parsed = read_file(FIELD / "ios_unterminated_banner.cfg").parsed
    assert parsed is not None
    assert (parsed.unknown[0].number, parsed.unknown[0].reason) == (6, "unterminated")
    assert parsed.config.vty.protocols == {"ssh"} and parsed.config.vty.idle_timeout_s == 300


def test_banners_not_for_vty_users_are_read_and_left_out() -> None:
    parsed = read_file(FIELD / "ios_iosv_banners.cfg").parsed
    assert parsed is not None
    assert not [u for u in parsed.unknown if "*" in u.text or "banner" in u.text]
    assert "Authorised access only." in parsed.config.banners.login
    assert "Shown after login." in parsed.config.banners.motd


def test_ssh_server_acl_stands_for_the_vty_acl_only_while_telnet_is_closed() -> None:
    text = (FIELD / "comware7_ssh_server_acl.cfg").read_text(encoding="utf-8")
    opened = asset_from_text(
        text.replace(" ssh server enable", " telnet server enable\n ssh server enable"), source="x"
    )
    j = run_check("dev.vty-acl", opened)
    assert j.outcome is F and "leaves telnet open" in j.reason
