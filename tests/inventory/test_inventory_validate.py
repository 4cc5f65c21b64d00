"""Every validation rule, failing and passing; every broken example with its exact location."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inventory_examples import BROKEN, SAMPLE, TINY

from govnet.inventory.problems import Severity
from govnet.inventory.validate import RULES, check_inventory
from govnet.inventory.yamlsafe import YamlLimits

EXPECTED = json.loads((BROKEN / "expected.json").read_text(encoding="utf-8"))


def test_the_shipped_inventories_are_clean() -> None:
    for path in (SAMPLE, TINY):
        report = check_inventory(path)
        assert report.problems == [], [str(p) for p in report.problems]
        assert report.verdict().ok


def test_every_broken_example_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_example_reports_exactly_its_problem(name: str) -> None:
    report = check_inventory(BROKEN / name)
    want = EXPECTED[name]
    got = [(p.severity.value, p.file, p.line, p.column, p.rule, p.entity) for p in report.problems]
    assert got == [
        (want["severity"], str(BROKEN / name), want["line"], want["column"], want["rule"], want["entity"])
    ]
    assert not report.ok
    assert report.verdict().status.value == "FAILED"


def test_the_expected_positions_point_at_the_offending_text() -> None:
    """The recorded lines are not just whatever the code printed: they hold the mistake."""
    looks_for = {
        "dangling-parent.yaml": "parent: nowhere",
        "tier-below-policy.yaml": "tier: 100M",
        "unknown-vendor.yaml": "vendor: juniper_junos",
        "wrong-type.yaml": "protection_level: high",
        "unknown-field.yaml": "levle:",
        "duplicate-key.yaml": "role: core",
        "inline-secret.yaml": "password:",
        "interface-reused.yaml": "interface: GigabitEthernet1/0/1",
        "dangling-link-device.yaml": "device: county-agg-9",
        "missing-ipv6.yaml": "mgmt: {ipv4: 10.144.0.3}",
        "device-site-typo.yaml": "site: cuonty",
        "field-typo.yaml": "parnet: county",
        "tier-spelling.yaml": "tier: 1000M",
        "link-device-typo.yaml": "device: county-agg-l",
        "uplink-field-typo.yaml": "redundancy-group:",
        "link-end-field-typo.yaml": "devcie: county-agg-1",
    }
    for name, text in looks_for.items():
        line = (BROKEN / name).read_text(encoding="utf-8").splitlines()[EXPECTED[name]["line"] - 1]
        assert line[EXPECTED[name]["column"] - 1 :].startswith(text.split(":")[0]), (name, line)
        assert text in line, (name, line)


@pytest.mark.parametrize("name", sorted(n for n, want in EXPECTED.items() if "hint" in want))
def test_a_near_miss_gets_a_did_you_mean_hint(name: str) -> None:
    (problem,) = check_inventory(BROKEN / name).problems
    assert problem.message.endswith(f"({EXPECTED[name]['hint']})"), problem.message


def test_one_mistake_is_reported_once(tmp_path: Path) -> None:
    # A mistyped tier on all three uplinks of the sample's level-3 county used to add "no uplink"
    # (and, with one left, "not redundant") on top of the three real errors.
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE, sample)
    links = sample / "links.yaml"
    text = links.read_text(encoding="utf-8")
    first = text.index("  - id: sg-zhenjiang-up-1")
    end = text.index("  - id: sg-wujiang-up-1")
    links.write_text(text[:first] + text[first:end].replace("tier: 1G", "tier: 1000M") + text[end:])
    assert [p.rule for p in check_inventory(sample).problems] == ["schema.type"] * 3
    # One of the two uplinks of a level-3 site broken: not also "not redundant".
    text = text[:first] + text[first:end].replace("redundancy_group", "redundancy-group", 1) + text[end:]
    links.write_text(text, encoding="utf-8")
    assert [p.rule for p in check_inventory(sample).problems] == ["schema.unknown-field"]


def test_inline_secret_is_never_echoed() -> None:
    report = check_inventory(BROKEN / "inline-secret.yaml")
    assert "hunter2" not in json.dumps(report.to_dict())


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8")
    text = text.replace("    parent: county\n", "    parent: nowhere\n")
    text = text.replace("    tier: 1G\n", "    tier: 100M\n")
    text = text.replace("    vendor: cisco_ios\n", "    vendor: junos\n")
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    rules = sorted(p.rule for p in check_inventory(path).problems)
    assert rules == ["device.unknown-vendor", "site.dangling-parent", "tier.below-policy"]


def _mutated(tmp_path: Path, old: str, new: str) -> list[tuple[str, str]]:
    text = TINY.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "case.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [(p.severity.value, p.rule) for p in check_inventory(path).problems]


# Rules the broken examples do not cover: (mutation of tiny.yaml, the problems it must produce).
MUTATIONS = {
    "site.no-parent": (
        "    level: town\n    parent: county\n",
        "    level: town\n",
        [("error", "site.no-parent")],
    ),
    "link.self-loop": (
        "b: {device: city-core-2, interface: XGigabitEthernet0/0/1}",
        "b: {device: city-core-1, interface: XGigabitEthernet0/0/2}",
        [("error", "link.self-loop")],
    ),
    "link.uplink-not-to-parent": (
        "b: {device: county-agg-1, interface: Ethernet1/0/1}",
        "b: {device: city-core-2, interface: Ethernet0/0/9}",
        [("error", "link.uplink-not-to-parent")],
    ),
    "peer tier at the city": ("    tier: 10G\n", "    tier: 1G\n", [("error", "tier.below-policy")]),
    "snmp v3 without user": (
        '    snmp: {version: v2c, community: "env:GOVNET_LAB_SNMP_COMMUNITY"}\n',
        "    snmp: {version: v3}\n",
        [("error", "snmp.config")],
    ),
    "weak snmp": (
        '    snmp: {version: v2c, community: "env:GOVNET_LAB_SNMP_COMMUNITY"}\n',
        '    snmp: {version: v3, v3: {user: ro, auth_protocol: md5, auth_key: "env:A", priv_key: "env:B"}}\n',
        [("warning", "snmp.config")],
    ),
    "interface.style": (
        "a: {device: town-acc-1, interface: FastEthernet0/0/0}",
        "a: {device: town-acc-1, interface: XGigabitEthernet0/0/1}",
        [("warning", "interface.style")],
    ),
    "interface.speed": (
        "b: {device: city-core-2, interface: XGigabitEthernet0/0/1}",
        "b: {device: city-core-2, interface: GigabitEthernet0/0/9}",
        [("warning", "interface.speed")],
    ),
    "address.no-pool": (
        "    parent: county\n",
        "    parent: county\n    zone: private\n",
        [("error", "address.no-pool")],
    ),
    "device.no-mgmt": (
        '    mgmt: {ipv4: 10.144.0.4, ipv6: "2001:db8:f002::4"}\n',
        "",
        [("warning", "device.no-mgmt")],
    ),
    "mgmt outside its block": (
        '    mgmt: {ipv4: 10.144.0.4, ipv6: "2001:db8:f002::4"}\n',
        '    mgmt: {ipv4: 192.0.2.4, ipv6: "2001:db8:f002::4"}\n',
        [("warning", "address.out-of-pool")],
    ),
    "site prefix without IPv6": (
        "    parent: county\n",
        "    parent: county\n    ipv4_prefix: 10.0.1.0/24\n",
        [("error", "ipv6.missing")],
    ),
    "site.no-devices": (
        "    parent: city\n",
        '    parent: city\n    ipv4_prefix: 10.0.0.0/20\n    ipv6_prefix: "2001:db8:1000::/56"\n'
        "  - id: other\n    name: 武江区\n    level: county\n    parent: city\n"
        '    ipv4_prefix: 10.0.16.0/20\n    ipv6_prefix: "2001:db8:1000:100::/56"\n',
        [("warning", "site.no-devices")],
    ),
    "site prefix outside its parent's": (
        "    parent: city\n  - id: town\n    name: 犁市镇\n    level: town\n    parent: county\n",
        '    parent: city\n    ipv4_prefix: 10.0.0.0/20\n    ipv6_prefix: "2001:db8:1000::/56"\n'
        "  - id: town\n    name: 犁市镇\n    level: town\n    parent: county\n"
        '    ipv4_prefix: 10.0.16.0/24\n    ipv6_prefix: "2001:db8:1000:10::/60"\n',
        [("error", "address.out-of-pool")],
    ),
    "dual stack can be switched off": (
        'mgmt: {ipv4: 10.144.0.3, ipv6: "2001:db8:f002::3"}',
        "mgmt: {ipv4: 10.144.0.3}",
        [("error", "ipv6.missing")],
    ),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_rule_fails_on_its_mutation(tmp_path: Path, case: str) -> None:
    old, new, expected = MUTATIONS[case]
    assert _mutated(tmp_path, old, new) == expected


def test_level3_redundancy_passes_with_two_devices_and_warns_without_a_group(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8")
    text = text.replace(
        "    level: county\n    parent: city\n",
        "    level: county\n    parent: city\n    protection_level: 3\n",
    )
    second_device = (
        "  - hostname: county-agg-2\n    site: county\n    vendor: h3c_comware\n    role: aggregation\n"
        '    mgmt: {ipv4: 10.144.0.9, ipv6: "2001:db8:f002::9"}\n'
        '    snmp: {version: v2c, community: "env:C"}\n'
        '    credentials: {username: admin, password: "env:P"}\n'
    )
    second_link = (
        "  - id: county-up-2\n    a: {device: county-agg-2, interface: GigabitEthernet1/0/1}\n"
        "    b: {device: city-core-2, interface: GigabitEthernet0/0/1}\n    tier: 1G\n    purpose: uplink\n"
    )
    text = text.replace("links:\n", second_device + "links:\n" + second_link)
    path = tmp_path / "l3.yaml"
    path.write_text(text, encoding="utf-8")
    assert [(p.severity, p.rule) for p in check_inventory(path).problems] == [
        (Severity.WARNING, "redundancy.group")
    ]
    grouped = text.replace("    purpose: uplink\n", "    purpose: uplink\n    redundancy_group: county-up\n")
    path.write_text(grouped, encoding="utf-8")
    assert check_inventory(path).problems == []
    # both uplinks to one upstream device: a warning (one failure cuts the site off)
    single_upstream = grouped.replace(
        "b: {device: city-core-2, interface: GigabitEthernet0/0/1}",
        "b: {device: city-core-1, interface: GigabitEthernet0/0/7}",
    )
    path.write_text(single_upstream, encoding="utf-8")
    assert [(p.severity, p.rule) for p in check_inventory(path).problems] == [
        (Severity.WARNING, "redundancy.upstream")
    ]
    # and with both uplinks on the same device it fails
    same = grouped.replace(
        "a: {device: county-agg-2, interface: GigabitEthernet1/0/1}",
        "a: {device: county-agg-1, interface: GigabitEthernet1/0/9}",
    )
    path.write_text(same, encoding="utf-8")
    assert "redundancy.level3" in [p.rule for p in check_inventory(path).problems]


def test_policy_file_overrides_defaults(tmp_path: Path) -> None:
    # The town's uplink is 100M: fine by default, an error when the policy asks 1G for towns.
    text = TINY.read_text(encoding="utf-8") + "policy:\n  min_uplink_tier: {town: 1G}\n"
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert [p.rule for p in check_inventory(path).problems] == ["tier.below-policy"]
    path.write_text(
        TINY.read_text(encoding="utf-8").replace(
            'mgmt: {ipv4: 10.144.0.3, ipv6: "2001:db8:f002::3"}', "mgmt: {ipv4: 10.144.0.3}"
        )
        + "policy:\n  require_dual_stack: false\n",
        encoding="utf-8",
    )
    assert check_inventory(path).problems == []


def test_bad_policy_is_reported_at_the_policy_section(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        TINY.read_text(encoding="utf-8") + "policy:\n  min_uplink_tier: {town: 5G}\n", encoding="utf-8"
    )
    problems = check_inventory(path).problems
    assert [(p.rule, p.line) for p in problems] == [("schema.type", 73)]


def test_file_size_limit(tmp_path: Path) -> None:
    report = check_inventory(TINY, limits=YamlLimits(max_bytes=100))
    assert [(p.rule, p.line) for p in report.problems] == [("yaml.too-large", 1)]


def test_folder_inventory_points_into_the_right_file(sample_copy: Path) -> None:
    links = sample_copy / "links.yaml"
    lines = links.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip() == "tier: 1G")
    lines[n] = lines[n].replace("1G", "100M")
    links.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (sample_copy / "extra.yaml").write_bytes(b"\xff\xfe not utf-8")
    problems = check_inventory(sample_copy).problems
    where = sorted((Path(p.file).name, p.line, p.column, p.rule) for p in problems)
    assert where == [("extra.yaml", 1, 1, "yaml.encoding"), ("links.yaml", n + 1, 5, "tier.below-policy")]


def test_rules_list_names_every_rule_a_problem_can_have() -> None:
    seen = {EXPECTED[name]["rule"] for name in EXPECTED} | {
        r for _, _, exp in MUTATIONS.values() for _, r in exp
    }
    assert seen <= set(RULES)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(lambda t: t.encode("utf-8"))))
def test_any_bytes_give_problems_never_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(content)
    report = check_inventory(path)
    for p in report.problems:
        assert p.file == str(path) and p.line >= 1 and p.column >= 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_tiny_inventories_never_crash(tmp_path: Path, data: st.DataObject) -> None:
    """Cut, duplicate or retype random lines of a valid inventory: problems, never exceptions."""
    lines = TINY.read_text(encoding="utf-8").splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "retype", "indent"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "retype":
            lines[i] = (
                lines[i].split(":")[0] + ": " + data.draw(st.sampled_from(["[]", "{}", "~", "7", "x", "-1"]))
            )
        else:
            lines[i] = " " + lines[i]
        if not lines:
            break
    path = tmp_path / "damaged.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check_inventory(path)


def test_anchors_for_shared_settings_are_fine_at_scale(tmp_path: Path) -> None:
    """`credentials: *admin` on thousands of devices is normal YAML, not a bomb."""
    lines = [
        "pools:",
        '  - {zone: public, ipv4: 10.0.0.0/9, ipv6: "2001:db8:1000::/36"}',
        "sites:",
        "  - {id: city, name: 韶关市, level: city}",
        "devices:",
    ]
    for n in range(3000):
        creds = '&admin {username: admin, password: "env:GOVNET_LAB_PASSWORD"}' if n == 0 else "*admin"
        snmp = '&snmp {version: v2c, community: "env:C"}' if n == 0 else "*snmp"
        lines += [
            f"  - hostname: d{n}",
            "    site: city",
            "    vendor: huawei_vrp",
            "    role: core",
            f"    mgmt: {{ipv4: 10.144.{n // 250}.{n % 250 + 1}, ipv6: '2001:db8:f002::{n + 1:x}'}}",
            f"    credentials: {creds}",
            f"    snmp: {snmp}",
        ]
    path = tmp_path / "anchors.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = check_inventory(path)
    assert report.errors == [] and len(report.inventory.devices) == 3000
    # the same file with a bomb appended is still refused
    bomb = (BROKEN / "yaml-bomb.yaml").read_text(encoding="utf-8").replace("\na:", "\nbomb_a:")
    path.write_text("\n".join(lines) + "\n" + "\n".join(f"x{line}" for line in bomb.splitlines()[1:]) + "\n")
    assert [p.rule for p in check_inventory(path).problems] == ["yaml.alias-budget"]


@pytest.mark.parametrize(
    "text",
    [
        'name: !!python/object/apply:os.system ["touch /tmp/govnet-pwned"]\n',
        "name: !!python/name:os.system\n",
        "sites: !!set {a, b}\n",
    ],
)
def test_language_specific_tags_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text(text, encoding="utf-8")
    assert [(p.rule, p.line) for p in check_inventory(path).problems] == [("yaml.tag", 1)]
    assert not Path("/tmp/govnet-pwned").exists()


def test_merge_keys_and_anchors_load_and_locate(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8").replace(
        "  - hostname: town-acc-1\n    site: town\n    vendor: cisco_ios\n    role: access\n",
        "  - &acc {hostname: town-acc-1, site: town, vendor: cisco_ios, role: access,"
        ' snmp: {version: v2c, community: "env:C"}, credentials: {username: admin, password: "env:P"},'
        " mgmt: {ipv4: 10.144.0.4, ipv6: '2001:db8:f002::4'}}\n"
        "  - <<: *acc\n    hostname: town-acc-2\n    mgmt: {ipv4: 10.144.0.5, ipv6: '2001:db8:f002::5'}\n"
        "    role: router\n"
        "  - hostname: unused\n    site: town\n    vendor: cisco_ios\n    role: access\n",
    )
    path = tmp_path / "merge.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_inventory(path).problems
    # the merged device inherits everything but its own keys; its bad role is found at its line
    role_line = text.splitlines().index("    role: router") + 1
    assert [(p.rule, p.entity, p.line) for p in problems if p.rule == "schema.type"] == [
        ("schema.type", "device town-acc-2", role_line)
    ]
    fixed = text.replace("    role: router\n", "    role: access\n")
    path.write_text(fixed, encoding="utf-8")
    merged = next(d for d in check_inventory(path).inventory.devices if d.hostname == "town-acc-2")
    assert (merged.site, merged.vendor.value, str(merged.mgmt.ipv4)) == ("town", "cisco_ios", "10.144.0.5")
    assert merged.credentials.password == "env:P"  # from the anchor


def test_encoding_problems_say_what_to_do(tmp_path: Path) -> None:
    gbk = check_inventory(BROKEN / "not-utf8.yaml").problems[0]
    assert "GB18030/GBK: save it as UTF-8" in gbk.message
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(TINY.read_text(encoding="utf-8").encode("utf-16"))
    assert [(p.rule, p.message) for p in check_inventory(utf16).problems] == [
        ("yaml.encoding", "UTF-16 text, not UTF-8: save the file as UTF-8")
    ]


def test_hints_find_the_meant_id_among_many() -> None:
    from govnet.inventory.problems import Suggester

    ids = [f"qy-{town}-{n:04d}" for town in ("qingcheng", "yingde", "lianzhou") for n in range(4000)]
    ids += ["qy-qingcheng", "sg-city", "qy-yingde-jiulong-zhen"]
    hints = Suggester(ids)
    assert hints.closest("qy-qingchen") == "qy-qingcheng"
    assert hints.closest("qy-yingde-jiulnog-zhen") == "qy-yingde-jiulong-zhen"
    assert hints.closest("SG_CITY") == "sg-city"
    assert hints.closest("sg-city") is None  # known: nothing to suggest
    assert hints.closest("zhanjiang-port-authority") is None
