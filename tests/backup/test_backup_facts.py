"""TextFSM parsing of device facts: govnet's own templates and ntc-templates, on realistic outputs
(modelled on the vendors' manuals) and on the lab's."""

from __future__ import annotations

from pathlib import Path

import pytest

from govnet.collectors.backup.facts import FACT_COMMANDS, ParseError, device_facts, parse, template_source

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text()


def test_vrp_ipv6_brief_lists_every_address_and_skips_unassigned() -> None:
    rows = {
        r["interface"]: r
        for r in parse(
            "huawei_vrp",
            "display ipv6 interface brief",
            sample("huawei_vrp_display_ipv6_interface_brief.txt"),
        )
    }
    assert list(rows) == [
        "GigabitEthernet0/0/1",
        "GigabitEthernet0/0/2",
        "LoopBack0",
        "Vlanif100",
        "Eth-Trunk1",
    ]
    assert rows["GigabitEthernet0/0/1"]["ipv6_address"] == ["2409:8C54:1000::1", "FD00:10:255::1"]
    assert rows["GigabitEthernet0/0/2"] | {} == {
        "interface": "GigabitEthernet0/0/2",
        "physical": "*down",
        "protocol": "down",
        "ipv6_address": [],
    }
    assert rows["LoopBack0"]["protocol"] == "up(s)" and rows["Eth-Trunk1"]["physical"] == "^down"


def test_comware_ipv6_brief_rows() -> None:
    rows = parse(
        "h3c_comware", "display ipv6 interface brief", sample("hp_comware_display_ipv6_interface_brief.txt")
    )
    assert [r["interface"] for r in rows] == [
        "GigabitEthernet1/0/1",
        "GigabitEthernet1/0/2",
        "LoopBack0",
        "Vlan-interface100",
        "Route-Aggregation1",
    ]
    assert rows[0]["ipv6_address"] == "2409:8C54:1000::2" and rows[1]["physical"] == "*down"
    facts, errors = device_facts(
        "h3c_comware", {"display ipv6 interface brief": sample("hp_comware_display_ipv6_interface_brief.txt")}
    )
    assert not errors and facts["display ipv6 interface brief"][1]["ipv6_address"] == []


@pytest.mark.parametrize(
    ("name", "version", "release", "model"),
    [
        ("hp_comware_display_version.txt", "7.1.064", "0821P16", "MSR3620"),
        ("hp_comware5_display_version.txt", "5.20.105", "1808P21", "S5120-28C-EI"),
    ],
)
def test_comware_display_version(name: str, version: str, release: str, model: str) -> None:
    [row] = parse("h3c_comware", "display version", sample(name))
    assert (row["software_version"], row["release"], row["model"], row["vendor"]) == (
        version,
        release,
        model,
        "H3C",
    )
    assert row["uptime"].startswith(("0 weeks", "12 weeks"))


def test_comware7_version_names_its_images_and_uptime_is_not_kept_as_a_fact() -> None:
    [row] = parse("h3c_comware", "display version", sample("hp_comware_display_version.txt"))
    assert row["boot_image"] == "flash:/MSR3600-CMW710-BOOT-R0821P16.bin"
    assert row["system_image"] == "flash:/MSR3600-CMW710-SYSTEM-R0821P16.bin"
    facts, _ = device_facts("h3c_comware", {"display version": sample("hp_comware_display_version.txt")})
    assert (
        "uptime" not in facts["display version"][0]
        and "last_reboot_reason" not in facts["display version"][0]
    )


def test_ntc_templates_parse_vrp_version_and_ios_ipv6_brief() -> None:
    [vrp] = parse("huawei_vrp", "display version", sample("huawei_vrp_display_version.txt"))
    assert vrp["vrp_version"] == "5.170" and vrp["model"] == "AR6140-16G4XG"
    ios = parse("cisco_ios", "show ipv6 interface brief", sample("cisco_ios_show_ipv6_interface_brief.txt"))
    assert ios[0]["ipv6_address"] == ["FE80::2A3:D1FF:FE7C:2E00", "2409:8C54:1000::3"]
    assert ios[1]["admin"] == "administratively down"


def test_every_fact_command_has_a_template_and_the_gaps_are_govnets() -> None:
    sources = {(v, c): template_source(v, c) for v, cmds in FACT_COMMANDS.items() for c in cmds}
    assert None not in sources.values()
    assert sources["huawei_vrp", "display ipv6 interface brief"] == "govnet"
    assert sources["h3c_comware", "display version"] == "govnet"
    assert sources["cisco_ios", "show version"] == "ntc-templates"
    with pytest.raises(ParseError, match="no TextFSM template"):
        parse("huawei_vrp", "ping 10.255.0.1", "")


def test_the_labs_ipv6_briefs_parse_with_addresses(tmp_path: Path) -> None:
    """The lab's own rendering (after addresses are typed) goes through the same templates."""
    from govnet.lab.runtime import LabThread
    from govnet.lab.testing import Terminal, spec

    with LabThread(tmp_path / "lab") as lab:
        ends = lab.start([spec("huawei_vrp", "R1"), spec("h3c_comware", "R2")])
        typed = {
            "R1": [
                "system-view",
                "interface GigabitEthernet0/0/1",
                "ipv6 enable",
                "ipv6 address 2409:8C54:1000::1 127",
                "ipv6 address FD00:10:255::1 64",
                "return",
            ],
            "R2": [
                "system-view",
                "interface GigabitEthernet1/0/1",
                "ipv6 address 2409:8C54:1000::2 127",
                "return",
            ],
        }
        out = {}
        for name, lines in typed.items():
            with Terminal(ends[name].ssh["127.0.0.1"]) as term:
                for line in lines:
                    term.run(line)
                out[name] = term.run("display ipv6 interface brief")
    vrp = {r["interface"]: r for r in parse("huawei_vrp", "display ipv6 interface brief", out["R1"])}
    assert vrp["GigabitEthernet0/0/1"]["ipv6_address"] == ["2409:8C54:1000::1", "FD00:10:255::1"]
    comware = {r["interface"]: r for r in parse("h3c_comware", "display ipv6 interface brief", out["R2"])}
    assert comware["GigabitEthernet1/0/1"]["ipv6_address"] == "2409:8C54:1000::2"


def test_parsing_from_many_threads_keeps_each_devices_rows_apart() -> None:
    """The backup parses in its fetch threads; TextFSM tables hold state, so this must not mix."""
    from concurrent.futures import ThreadPoolExecutor

    texts = {
        n: sample("hp_comware_display_ipv6_interface_brief.txt").replace("1000::2", f"1000::{n:x}")
        for n in range(1, 41)
    }

    def first_address(n: int) -> str:
        return parse("h3c_comware", "display ipv6 interface brief", texts[n])[0]["ipv6_address"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(first_address, texts))
    assert got == [f"2409:8C54:1000::{n:x}" for n in texts]
