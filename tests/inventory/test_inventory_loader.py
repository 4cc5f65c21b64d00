"""Loading YAML into models: the sample, positions of problems, plan and overlay application."""

from __future__ import annotations

from pathlib import Path

import pytest
from inventory_examples import SAMPLE

from govnet.errors import InputError
from govnet.inventory.loader import load_inventory, read_inventory
from govnet.inventory.models import SiteLevel, Tier, Vendor


def test_sample_loads_with_every_entity() -> None:
    inv = load_inventory(SAMPLE)
    assert inv.name == "韶关市电子政务外网"
    levels = {level: sum(1 for s in inv.sites if s.level is level) for level in SiteLevel}
    assert levels[SiteLevel.CITY] == 1
    assert levels[SiteLevel.COUNTY] == 10
    assert levels[SiteLevel.DEPARTMENT] == 10
    assert 40 <= levels[SiteLevel.TOWN] <= 60
    assert 60 <= len(inv.devices) <= 90
    assert {d.vendor for d in inv.devices} == set(Vendor)
    assert {link.tier for link in inv.links} == set(Tier)
    city = next(s for s in inv.sites if s.level is SiteLevel.CITY)
    assert city.name == "韶关市" and city.parent is None
    core = next(d for d in inv.devices if d.hostname == "sg-city-core-1")
    assert core.credentials.password == "env:GOVNET_LAB_PASSWORD"
    assert core.snmp.v3 is not None and core.snmp.v3.auth_key == "env:GOVNET_LAB_SNMP_AUTH"
    assert any(d.snmp.version == "v2c" for d in inv.devices)


def test_one_file_and_folder_give_the_same_entities(tmp_path: Path) -> None:
    merged = "".join(
        (SAMPLE / name).read_text(encoding="utf-8") + "\n"
        for name in sorted(p.name for p in SAMPLE.glob("*.yaml"))
    )
    one = tmp_path / "all.yaml"
    one.write_text(merged, encoding="utf-8")
    a, b = load_inventory(SAMPLE), load_inventory(one)
    assert a.sites == b.sites and a.devices == b.devices and a.links == b.links


def test_type_error_points_at_file_line_and_column(tmp_path: Path) -> None:
    text = (SAMPLE / "sites.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if line.strip() == "protection_level: 2")
    lines[target] = lines[target].replace("2", "high")
    folder = tmp_path / "inv"
    folder.mkdir()
    for p in SAMPLE.glob("*.yaml"):
        (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "sites.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = read_inventory(folder).problems()
    assert [(p.file, p.line, p.column, p.rule) for p in problems] == [
        (str(folder / "sites.yaml"), target + 1, 5, "schema.type")
    ]
    with pytest.raises(InputError, match=r"sites\.yaml:\d+:5"):
        load_inventory(folder)


def test_overlay_points_devices_at_lab_endpoints(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "devices:\n  sg-city-core-1: {ssh: {host: 127.0.0.1, port: 40001},"
        " snmp: {host: 127.0.0.1, port: 40002}}\n"
        "  not-in-inventory: {ssh: {port: 1}}\n",
        encoding="utf-8",
    )
    inv = load_inventory(SAMPLE, overlay=overlay)
    core = next(d for d in inv.devices if d.hostname == "sg-city-core-1")
    assert (core.ssh.host, core.ssh.port, core.snmp.host, core.snmp.port) == (
        "127.0.0.1",
        40001,
        "127.0.0.1",
        40002,
    )
    assert core.snmp.v3 is not None  # the rest of the SNMP settings stay
    other = next(d for d in inv.devices if d.hostname == "sg-city-core-2")
    assert other.ssh.port == 22 and other.ssh.host is None


def test_malformed_overlay_is_an_input_error(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("devices:\n  sg-city-core-1: {ssh: {port: seventy}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="sg-city-core-1"):
        load_inventory(SAMPLE, overlay=overlay)


def test_chinese_level_and_zone_names_are_accepted(tmp_path: Path) -> None:
    from inventory_examples import TINY

    text = TINY.read_text(encoding="utf-8").replace(
        "    level: county\n", "    level: 县区\n    zone: 公用网络区\n"
    )
    path = tmp_path / "zh.yaml"
    path.write_text(text, encoding="utf-8")
    county = next(s for s in load_inventory(path).sites if s.id == "county")
    assert county.level is SiteLevel.COUNTY and county.zone.value == "public"
