"""The Ansible export, checked with the real `ansible-inventory` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from inventory_examples import SAMPLE

from govnet.inventory import ansible
from govnet.inventory.loader import load_inventory
from govnet.inventory.service import plan_at

ANSIBLE_INVENTORY = Path(sys.executable).parent / "ansible-inventory"


def ansible_inventory(*args: str, env: dict[str, str] | None = None) -> dict:
    run = subprocess.run(
        [str(ANSIBLE_INVENTORY), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", **(env or {})},
    )
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def planned_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("ansible") / "sample"
    shutil.copytree(SAMPLE, target)
    plan_at(target)
    return target


@pytest.fixture(scope="module")
def script_listing(planned_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    script = ansible.write_script(tmp_path_factory.mktemp("script") / "govnet-inventory", planned_sample)
    return ansible_inventory("-i", str(script), "--list", env={"GOVNET_LAB_PASSWORD": "s3cret-do-not-print"})


def test_dynamic_script_groups(script_listing: dict, planned_sample: Path) -> None:
    inv = load_inventory(planned_sample)
    hosts = {d.hostname for d in inv.devices}
    assert set(script_listing["_meta"]["hostvars"]) == hosts
    groups = {name for name in script_listing if name not in ("_meta", "all")}
    for expected in (
        "vendor_huawei_vrp", "vendor_h3c_comware", "vendor_cisco_ios",
        "level_city", "level_county", "level_department", "level_town", "level_village",
        "tier_10G", "tier_1G", "tier_100M", "zone_public", "zone_private",
        "protection_level_2", "protection_level_3", "role_core", "site_sg_city",
    ):  # fmt: skip
        assert expected in groups, expected
    cisco = {d.hostname for d in inv.devices if d.vendor.value == "cisco_ios"}
    assert set(script_listing["vendor_cisco_ios"]["hosts"]) == cisco
    assert set(script_listing["tier_10G"]["hosts"]) >= {"sg-city-core-1", "sg-city-core-2", "sg-city-fw-1"}
    assert "sg-d-gaj-acc-1" in script_listing["zone_private"]["hosts"]


def test_dynamic_script_host_variables(script_listing: dict) -> None:
    core = script_listing["_meta"]["hostvars"]["sg-city-core-1"]
    assert core["ansible_host"] == "10.144.0.1" and core["ansible_port"] == 22
    # Ansible's network OS names its cliconf/terminal plugins; govnet's own key is kept beside it.
    assert core["ansible_network_os"] == "govnet.extranet.huawei_vrp"
    assert core["govnet_vendor"] == "huawei_vrp"
    network_os = {
        v["govnet_vendor"]: v["ansible_network_os"] for v in script_listing["_meta"]["hostvars"].values()
    }
    assert network_os == {
        "huawei_vrp": "govnet.extranet.huawei_vrp",
        "h3c_comware": "govnet.extranet.h3c_comware",
        "cisco_ios": "cisco.ios.ios",
    }
    assert (core["govnet_site"], core["govnet_level"], core["govnet_zone"]) == ("sg-city", "city", "public")
    assert core["govnet_site_name"] == "韶关市" and core["govnet_protection_level"] == 3
    assert core["govnet_credentials"]["password_ref"] == "env:GOVNET_LAB_PASSWORD"
    assert core["govnet_snmp"]["auth_key_ref"] == "env:GOVNET_LAB_SNMP_AUTH"
    assert core["govnet_loopback_ipv6"].startswith("2001:db8:f001::")
    assert core["govnet_site_ipv6_prefix"] == "2001:db8:1000::/48"
    peer = next(i for i in core["govnet_interfaces"] if i["link"] == "sg-city-peer-1")
    assert peer["name"] == "XGigabitEthernet0/0/1" and peer["tier"] == "10G" and peer["ipv6"].endswith("/127")
    # credentials are references resolved by Ansible when it connects; never the secret itself
    assert "s3cret-do-not-print" not in json.dumps(script_listing)
    assert core["ansible_password"] == "{{ lookup('ansible.builtin.env', 'GOVNET_LAB_PASSWORD') }}"


def test_static_yaml_export_reads_the_same(
    planned_sample: Path, script_listing: dict, tmp_path: Path
) -> None:
    static = tmp_path / "hosts.yaml"
    static.write_text(
        yaml.safe_dump(ansible.to_static(load_inventory(planned_sample)), allow_unicode=True),
        encoding="utf-8",
    )
    assert _normal(ansible_inventory("-i", str(static), "--list")) == _normal(script_listing)


def _normal(listing: dict) -> dict:
    """Group membership as sets: the order of hosts in a group carries no meaning."""
    return {
        name: (value if name == "_meta" else {k: sorted(v) for k, v in value.items()})
        for name, value in listing.items()
    }


def test_host_query_and_lab_overlay(planned_sample: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "devices:\n  sg-city-core-1:\n    ssh: {host: 127.0.0.1, port: 40001}\n"
        "    snmp: {host: 127.0.0.1, port: 40002}\n",
        encoding="utf-8",
    )
    script = ansible.write_script(tmp_path / "inv.sh", planned_sample, overlay)
    host = ansible_inventory("-i", str(script), "--host", "sg-city-core-1")
    assert (host["ansible_host"], host["ansible_port"]) == ("127.0.0.1", 40001)
    assert (host["govnet_snmp"]["host"], host["govnet_snmp"]["port"]) == ("127.0.0.1", 40002)
    assert host["govnet_mgmt_ipv4"] == "10.144.0.1"  # the device's own addresses are still known
