"""What a backup keeps: volatile lines dropped per vendor, secrets hidden, and no commit when only
volatile lines moved."""

from __future__ import annotations

from pathlib import Path

import pytest

from govnet.collectors.backup.fetch import Fetched
from govnet.collectors.backup.rules import clean
from govnet.collectors.backup.service import BackupOptions, run_backup
from govnet.errors import InputError
from govnet.lab.testing import inventory_device, spec

SAMPLES = Path(__file__).parent / "samples"
CONFIGS = {
    "huawei_vrp": "huawei_vrp_display_current-configuration.txt",
    "h3c_comware": "hp_comware_display_current-configuration.txt",
    "cisco_ios": "cisco_ios_show_running-config.txt",
}


def test_vrp_headers_are_dropped_and_ciphers_hidden() -> None:
    text = clean("huawei_vrp", (SAMPLES / CONFIGS["huawei_vrp"]).read_text())
    assert text.startswith("#\nsysname sg-city-core-1\n")
    assert "Last configuration" not in text and "Software Version" not in text
    assert "%^%#" not in text and "$1c$" not in text
    assert " local-user admin password irreversible-cipher <secret hidden>" in text
    assert "snmp-agent community read cipher <secret hidden>" in text
    assert "snmp-agent usm-user v3 govnet-ro authentication-mode sha cipher <secret hidden>" in text
    assert " hwtacacs-server shared-key cipher <secret hidden>" in text
    assert " ip address 10.255.0.1 255.255.255.254" in text  # configuration stays


def test_ios_timestamps_byte_count_and_clock_period_are_dropped_and_secrets_hidden() -> None:
    text = clean("cisco_ios", (SAMPLES / CONFIGS["cisco_ios"]).read_text())
    for gone in (
        "Building configuration",
        "Current configuration",
        "Last configuration change",
        "NVRAM config last updated",
        "ntp clock-period",
        "Gov-Secret-Community",
        "$9$",
        "0822455D0A16",
        "02050D480809",
    ):
        assert gone not in text
    assert "snmp-server community <secret hidden> RO 10" in text
    assert "username admin privilege 15 secret 9 <secret hidden>" in text
    assert " password 7 <secret hidden>" in text and "hostname sg-dept-1" in text


def test_comware_release_line_dropped_and_hashes_hidden() -> None:
    text = clean("h3c_comware", (SAMPLES / CONFIGS["h3c_comware"]).read_text())
    assert " version 7.1.064" not in text and "$c$3$" not in text and "$h$6$" not in text
    assert " password hash <secret hidden>" in text
    assert " snmp-agent community read cipher <secret hidden>" in text


def test_crlf_and_trailing_blanks_are_normalised() -> None:
    assert clean("cisco_ios", "hostname R1  \r\n!\r\n\r\n") == "hostname R1\n!\n"


def test_unknown_vendor_is_an_input_error() -> None:
    with pytest.raises(InputError, match="supported"):
        clean("juniper_junos", "x")


@pytest.mark.parametrize("vendor", sorted(CONFIGS))
def test_only_volatile_lines_changing_makes_no_commit(vendor: str, tmp_path: Path) -> None:
    device = inventory_device(spec(vendor, "R1"), 22)
    original = (SAMPLES / CONFIGS[vendor]).read_text()
    moved = {
        "huawei_vrp": original.replace("2024-05-06 10:11:12", "2024-05-07 08:00:00"),
        "h3c_comware": original.replace("Release 0821P16", "Release 0821P17"),
        "cisco_ios": original.replace("2048 bytes", "2051 bytes")
        .replace("17179711", "17179822")
        .replace("10:21:33", "11:00:00"),
    }[vendor]
    assert moved != original
    texts = iter([original, moved, moved + "interface LoopBack9\n"])
    options = BackupOptions(facts=False)

    def fetch(_device: object) -> Fetched:
        return Fetched(next(texts))

    assert run_backup([device], tmp_path, options, fetch=fetch).commit  # first backup
    assert run_backup([device], tmp_path, options, fetch=fetch).commit is None  # volatile only
    third = run_backup([device], tmp_path, options, fetch=fetch)  # a real change
    assert third.commit and [d.status for d in third.devices] == ["changed"]


@pytest.mark.parametrize(
    ("vendor", "line", "kept"),
    [
        (
            "huawei_vrp",
            "super password level 15 cipher %^%#abc%^%#",
            "super password level 15 cipher <secret hidden>",
        ),
        (
            "huawei_vrp",
            " set authentication password cipher Xy12",
            " set authentication password cipher <secret hidden>",
        ),
        (
            "h3c_comware",
            " super password role network-admin hash $h$6$x",
            " super password role network-admin hash <secret hidden>",
        ),
        ("h3c_comware", " key authentication cipher $c$3$abc", " key authentication cipher <secret hidden>"),
        (
            "cisco_ios",
            " ip ospf message-digest-key 1 md5 7 0822455D",
            " ip ospf message-digest-key 1 md5 7 <secret hidden>",
        ),
        (
            "huawei_vrp",
            " authentication-mode md5 1 cipher %^%#K9~2!aQ@%^%#",
            " authentication-mode md5 1 cipher <secret hidden>",
        ),
        ("cisco_ios", " ip ospf authentication-key Plain1", " ip ospf authentication-key <secret hidden>"),
        (
            "cisco_ios",
            " neighbor 10.255.0.1 password 7 0822455D",
            " neighbor 10.255.0.1 password 7 <secret hidden>",
        ),
        (
            "cisco_ios",
            "snmp-server user u1 g1 v3 auth sha AuthKey1 priv aes 128 PrivKey1",
            "snmp-server user u1 g1 v3 auth sha <secret hidden> priv aes 128 <secret hidden>",
        ),
    ],
)
def test_secret_forms_are_hidden(vendor: str, line: str, kept: str) -> None:
    assert clean(vendor, line) == kept + "\n"
