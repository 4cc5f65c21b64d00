"""Device checks judge meaning: hardened configs pass, each weakness fails with the lines that show it,
and files as people keep them (headers, CRLF, other encodings, truncation) are read, never crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from compliance_kit import HARDENED

from govnet.compliance.checks import CHECKS
from govnet.compliance.model import Outcome
from govnet.compliance.scan import run_check, scan
from govnet.compliance.sources import asset_from_text, detect_vendor, read_file, read_files
from govnet.vendors import vendor_spec

DEVICE_CHECKS = sorted(c for c, check in CHECKS.items() if check.asset_type == "device")


def _asset(vendor: str, edit: tuple[str, str] | None = None, *, drop: str | None = None):  # type: ignore[no-untyped-def]
    text = HARDENED[vendor].read_text(encoding="utf-8")
    if edit is not None:
        assert re.search(edit[0], text, re.M), edit[0]
        text = re.sub(edit[0], edit[1], text, count=1, flags=re.M)
    if drop is not None:
        text = "\n".join(line for line in text.splitlines() if not re.search(drop, line))
    return asset_from_text(text, source=f"{vendor}.cfg", vendor=vendor)


@pytest.mark.parametrize("vendor", sorted(HARDENED))
@pytest.mark.parametrize("check_id", DEVICE_CHECKS)
def test_hardened_configuration_passes(vendor: str, check_id: str) -> None:
    asset = read_file(HARDENED[vendor])
    assert asset.vendor == vendor and not asset.problem
    j = run_check(check_id, asset)
    assert j.outcome in (Outcome.PASS, Outcome.NOT_APPLICABLE), j.reason


@pytest.mark.parametrize("vendor", sorted(HARDENED))
def test_hardened_configuration_scores_100_percent_at_level_3_and_2(vendor: str) -> None:
    for level in (2, 3):
        result = scan([read_file(HARDENED[vendor])], level=level)
        bad = [(f.check, f.reason) for f in result.findings if f.outcome in (Outcome.FAIL, Outcome.ERROR)]
        assert bad == []
        assert any(f.outcome is Outcome.MANUAL for f in result.findings)


# (vendor, check, regex to replace, replacement) — one weakness each, in the vendor's own syntax.
WEAKENED = [
    ("huawei_vrp", "dev.vty-ssh-only", r"protocol inbound ssh", "protocol inbound all"),
    ("h3c_comware", "dev.vty-ssh-only", r"protocol inbound ssh", "protocol inbound all"),
    ("cisco_ios", "dev.vty-ssh-only", r"transport input ssh", "transport input telnet ssh"),
    ("huawei_vrp", "dev.vty-acl", r"^ acl 2000 inbound", " acl 2999 inbound"),
    ("huawei_vrp", "dev.vty-acl", r"rule 10 permit source 10.10.101.16 0.0.0.15", "rule 10 permit"),
    ("h3c_comware", "dev.vty-acl", r"rule 5 permit source 10.20.100.0 0.0.0.255", "rule 5 permit source any"),
    ("cisco_ios", "dev.vty-acl", r"permit 10.30.100.0 0.0.0.255", "permit any"),
    ("cisco_ios", "dev.vty-acl", r"^ access-class MGMT in\n", ""),
    ("huawei_vrp", "dev.idle-timeout", r"idle-timeout 5 0", "idle-timeout 0 0"),
    ("h3c_comware", "dev.idle-timeout", r"idle-timeout 10 0", "idle-timeout 30 0"),
    ("cisco_ios", "dev.idle-timeout", r"exec-timeout 10 0", "exec-timeout 15 0"),
    (
        "huawei_vrp",
        "dev.password-irreversible",
        r"password irreversible-cipher \S+\n local-user netadmin",
        "password cipher Huawei@123\n local-user netadmin",
    ),
    ("h3c_comware", "dev.password-irreversible", r"password hashed \S+", "password simple Admin@12345"),
    (
        "cisco_ios",
        "dev.password-irreversible",
        r"(username netadmin privilege 15) secret 9 \S+",
        r"\1 password 7 0822455D0A16",
    ),
    ("huawei_vrp", "dev.password-policy", r"  password min-length 10", "  password min-length 6"),
    ("h3c_comware", "dev.password-policy", r" password-control length 10", " password-control length 4"),
    ("cisco_ios", "dev.password-policy", r"security passwords min-length 10\n", ""),
    ("huawei_vrp", "dev.login-lockout", r" local-aaa-user wrong-password.*\n", ""),
    ("h3c_comware", "dev.login-lockout", r" password-control login-attempt.*\n", ""),
    ("cisco_ios", "dev.login-lockout", r"login block-for.*\n", ""),
    (
        "huawei_vrp",
        "dev.vty-auth-aaa",
        r"(user-interface vty 0 4\n acl 2000 inbound\n) authentication-mode aaa",
        r"\1 authentication-mode password",
    ),
    ("cisco_ios", "dev.vty-auth-aaa", r"(transport input ssh)", r"\1\n login"),
    ("huawei_vrp", "dev.telnet-off", r"undo telnet server enable", "telnet server enable"),
    ("h3c_comware", "dev.telnet-off", r"undo telnet server enable", "telnet server enable"),
    ("huawei_vrp", "dev.ftp-off", r"undo ftp server enable", "ftp server enable"),
    (
        "h3c_comware",
        "dev.ftp-off",
        r" undo telnet server enable",
        " undo telnet server enable\n ftp server enable",
    ),
    ("cisco_ios", "dev.ftp-off", r"ip scp server enable", "ftp-server enable"),
    ("huawei_vrp", "dev.http-off", r"undo http server enable", "http server enable"),
    ("h3c_comware", "dev.http-off", r"undo ip http enable", "ip http enable"),
    ("cisco_ios", "dev.http-off", r"no ip http server", "ip http server"),
    (
        "huawei_vrp",
        "dev.snmp-v3-only",
        r"snmp-agent sys-info version v3",
        "snmp-agent sys-info version v2c v3\nsnmp-agent community read cipher Zx9-ro",
    ),
    (
        "h3c_comware",
        "dev.snmp-v3-only",
        r"snmp-agent group v3 NMS privacy",
        "snmp-agent group v3 NMS authentication",
    ),
    ("cisco_ios", "dev.snmp-v3-only", r"snmp-server group NMS v3 priv", "snmp-server community Zx9-ro RO"),
    (
        "huawei_vrp",
        "dev.snmp-default-community",
        r"snmp-agent sys-info version v3",
        "snmp-agent community read public",
    ),
    (
        "cisco_ios",
        "dev.snmp-default-community",
        r"snmp-server group NMS v3 priv",
        "snmp-server community Zx9-rw RW",
    ),
    (
        "huawei_vrp",
        "dev.syslog-remote",
        r"info-center loghost 10.10.100.20\ninfo-center loghost 10.10.100.21\n",
        "",
    ),
    ("h3c_comware", "dev.syslog-remote", r" info-center loghost.*\n", ""),
    ("cisco_ios", "dev.syslog-remote", r"logging host.*\n", ""),
    (
        "huawei_vrp",
        "dev.ntp",
        r"ntp-service unicast-server 10.10.100.30\nntp-service unicast-server 10.10.100.31\n",
        "",
    ),
    ("cisco_ios", "dev.ntp", r"ntp server.*\n", ""),
    ("huawei_vrp", "dev.login-banner", r"header login.*\n", ""),
    ("h3c_comware", "dev.login-banner", r" header login.*\n", ""),
    ("cisco_ios", "dev.login-banner", r"banner login.*\n", ""),
    ("cisco_ios", "dev.local-users", r"username netadmin.*\n", ""),
]


@pytest.mark.parametrize(("vendor", "check_id", "pattern", "replacement"), WEAKENED)
def test_each_weakness_fails_its_check_with_evidence(
    vendor: str, check_id: str, pattern: str, replacement: str
) -> None:
    asset = _asset(vendor, (pattern, replacement))
    j = run_check(check_id, asset)
    assert j.outcome is Outcome.FAIL, j.reason
    assert j.evidence.file == f"{vendor}.cfg"
    for number, text in j.evidence.lines:  # evidence lines are the file's own lines, numbered from 1
        assert asset.lines[number - 1].rstrip().startswith(text[:10])


def test_evidence_quotes_the_offending_line_with_its_number() -> None:
    asset = _asset("huawei_vrp", (r"undo telnet server enable", "telnet server enable"))
    j = run_check("dev.telnet-off", asset)
    number = asset.lines.index("telnet server enable") + 1
    assert (number, "telnet server enable") in j.evidence.lines


def test_evidence_never_shows_a_secret() -> None:
    asset = _asset("h3c_comware", (r"password hashed \S+", "password simple Admin@12345"))
    j = run_check("dev.password-irreversible", asset)
    assert any("password simple ****" in text for _, text in j.evidence.lines)
    assert "Admin@12345" not in repr(j)


def test_a_vty_acl_permitting_any_host_among_others_fails() -> None:
    asset = _asset("cisco_ios", (r"deny   any log", "permit any"))
    assert run_check("dev.vty-acl", asset).outcome is Outcome.FAIL


def test_a_crlf_file_with_a_header_and_gbk_comments_is_read(tmp_path: Path) -> None:
    text = HARDENED["huawei_vrp"].read_text(encoding="utf-8")
    data = text.replace("\n", "\r\n").encode("gb18030")
    path = tmp_path / "core.cfg"
    path.write_bytes(data)
    asset = read_file(path)
    assert asset.vendor == "huawei_vrp" and asset.name == "GZ-ZW-CORE-01" and not asset.truncated
    assert all(run_check(c, asset).outcome is not Outcome.FAIL for c in DEVICE_CHECKS)


def test_bytes_in_no_known_encoding_are_replaced_and_reported(tmp_path: Path) -> None:
    data = (
        HARDENED["cisco_ios"]
        .read_bytes()
        .replace(b"! Last configuration", b"! \xff\xfe\xfa Last configuration")
    )
    path = tmp_path / "border.cfg"
    path.write_bytes(data)
    asset = read_file(path)
    assert any("U+FFFD" in n for n in asset.notes)
    assert run_check("dev.vty-ssh-only", asset).outcome is Outcome.PASS


def test_a_truncated_configuration_gives_error_not_fail_for_what_may_be_missing() -> None:
    text = HARDENED["huawei_vrp"].read_text(encoding="utf-8")
    cut = text[: text.index("ntp-service")]  # ntp, banner and the VTY block are lost
    asset = asset_from_text(cut, source="cut.cfg", vendor="huawei_vrp")
    assert asset.truncated
    j = run_check("dev.ntp", asset)
    assert j.outcome is Outcome.ERROR and "truncated" in j.reason
    assert run_check("dev.password-policy", asset).outcome is Outcome.PASS  # what is there is judged


@pytest.mark.parametrize("vendor", sorted(HARDENED))
def test_a_configuration_is_complete_when_it_ends_with_the_vendors_last_line(vendor: str) -> None:
    end = vendor_spec(vendor).cli.last_line  # the one table of last lines (the backup collector's too)
    lines = HARDENED[vendor].read_text(encoding="utf-8").splitlines()
    lines = lines[: max(i for i, line in enumerate(lines) if line.strip() == end) + 1]  # no prompt after
    assert not asset_from_text("\n".join(lines), source="full.cfg", vendor=vendor).truncated
    cut = asset_from_text("\n".join(lines[:-1]), source="cut.cfg", vendor=vendor)
    assert cut.truncated and f"no final '{end}'" in " ".join(cut.notes)


def test_unknown_vendor_empty_and_unreadable_files_give_errors(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("this is not a router configuration\n", encoding="utf-8")
    (tmp_path / "empty.cfg").write_bytes(b"")
    assets = {a.name: a for a in read_files([tmp_path])}
    assert "supported vendor" in assets["notes"].problem
    assert "empty" in assets["empty"].problem
    assert "cannot read" in read_file(tmp_path / "missing.cfg").problem
    result = scan(list(assets.values()), level=3)
    device = [f for f in result.findings if f.asset_type == "device" and f.check != "manual"]
    assert device and all(f.outcome is Outcome.ERROR for f in device)
    named = asset_from_text("sysname x\n", source="x.cfg", vendor="juniper_junos")
    assert "juniper_junos" in named.problem


@pytest.mark.parametrize("vendor", sorted(HARDENED))
def test_vendor_is_detected_from_the_text(vendor: str) -> None:
    assert detect_vendor(HARDENED[vendor].read_text(encoding="utf-8")) == vendor


def test_a_backup_repository_folder_is_scanned_without_its_git_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    for vendor, path in HARDENED.items():
        (tmp_path / f"{vendor}.cfg").write_bytes(path.read_bytes())
    assert sorted(a.vendor or "" for a in read_files([tmp_path])) == sorted(HARDENED)


def test_telnet_off_judges_the_server_where_the_vendor_has_one() -> None:
    open_lines = _asset("h3c_comware", (r"protocol inbound ssh", "protocol inbound all"))
    assert run_check("dev.telnet-off", open_lines).outcome is Outcome.PASS  # server off: unreachable
    assert run_check("dev.vty-ssh-only", open_lines).outcome is Outcome.FAIL  # the lines still say telnet
    text = "\n".join(open_lines.lines).replace("undo telnet server enable", "telnet server enable")
    both = asset_from_text(text, source="h3c.cfg", vendor="h3c_comware")
    j = run_check("dev.telnet-off", both)
    assert j.outcome is Outcome.FAIL and "VTY lines accept telnet" in j.reason
