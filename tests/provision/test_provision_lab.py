"""Provisioning against the lab, through real ansible-runner and ansible-core, all three vendors:
check mode changes nothing, the first run changes, the second does not, an unreachable device is
reported while the others succeed, and no secret value lands in any artifact."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import netmiko
import pytest
from provision_hosts import HOSTS, NETMIKO_TYPES

from govnet.playbooks.diff import compute
from govnet.playbooks.render import Selection
from govnet.playbooks.service import load_planned, provision, render_to
from govnet.vendors import vendor_spec

pytestmark = pytest.mark.timeout(900)
LIMIT = Selection(limit=",".join(HOSTS.values()))
TYPES = NETMIKO_TYPES


def _session(rig, vendor: str) -> netmiko.BaseConnection:
    return netmiko.ConnectHandler(
        device_type=TYPES[vendor],
        host="127.0.0.1",
        port=rig.port(HOSTS[vendor]),
        username="admin",
        password=os.environ["GOVNET_LAB_PASSWORD"],
    )


def _configs(rig) -> dict[str, tuple[str, str]]:
    out = {}
    for vendor in HOSTS:
        conn = _session(rig, vendor)
        try:
            cli = vendor_spec(vendor).cli
            out[vendor] = (conn.send_command(cli.show_running), conn.send_command(cli.show_saved))
        finally:
            conn.disconnect()
    return out


def _strip_clock(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "configuration :" not in line)


@pytest.fixture(scope="module")
def runs(rig):
    """check, first and second run, in that order (each test reads the one it pins)."""
    before = _configs(rig)
    check = provision(rig.inventory, rig.home, overlay=rig.overlay, selection=LIMIT, check=True, diff=True)
    after_check = _configs(rig)
    first = provision(rig.inventory, rig.home, overlay=rig.overlay, selection=LIMIT, diff=True, forks=3)
    second = provision(rig.inventory, rig.home, overlay=rig.overlay, selection=LIMIT, diff=True, forks=3)
    return {"before": before, "check": check, "after_check": after_check, "first": first, "second": second}


def test_check_mode_reports_changes_and_changes_nothing(runs):
    check = runs["check"]
    assert check.rc == 0
    assert {h: r.changed for h, r in check.hosts.items()} == {h: 1 for h in HOSTS.values()}
    assert all((check.run_dir / "diffs" / f"{h}.diff").stat().st_size > 0 for h in HOSTS.values())
    for vendor, (running, saved) in runs["before"].items():
        after_running, after_saved = runs["after_check"][vendor]
        assert _strip_clock(after_running) == _strip_clock(running), vendor
        assert _strip_clock(after_saved) == _strip_clock(saved), vendor


def test_first_run_changes_every_vendor_and_the_second_changes_nothing(runs):
    first, second = runs["first"], runs["second"]
    assert first.rc == 0 and not first.failed_hosts
    assert all(r.changed == 1 for r in first.hosts.values())
    assert second.rc == 0 and second.totals()["changed"] == 0
    assert set(second.hosts) == set(HOSTS.values())


def test_after_provisioning_a_fresh_session_shows_the_intended_config_and_it_is_saved(rig, runs, tmp_path):
    intended = render_to(rig.inventory, tmp_path, overlay=rig.overlay, selection=LIMIT)
    for vendor, (running, saved) in _configs(rig).items():
        text = intended[HOSTS[vendor]].read_text()
        assert not compute(vendor, running, text).changed, vendor
        # IOS keeps SNMPv3 users out of the running config; its startup config (the lab's) has them.
        saved = "\n".join(line for line in saved.splitlines() if not line.startswith("snmp-server user "))
        assert not compute(vendor, saved, text).changed, vendor
        assert "undo telnet server enable" in running or vendor == "cisco_ios"


def test_no_secret_value_appears_in_any_artifact(rig, runs, secrets_env):
    hits = []
    for path in rig.home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [(str(path), name) for name, value in secrets_env.items() if value.encode() in data]
    assert hits == []


def test_an_unreachable_device_is_reported_and_the_others_succeed(rig, runs):
    victim = HOSTS["h3c_comware"]
    rig.lab.fault(victim, "unreachable")
    try:
        out = provision(
            rig.inventory, rig.home, overlay=rig.overlay, selection=LIMIT, forks=3, connect_timeout=3
        )
    finally:
        rig.lab.fault(victim, "unreachable", clear=True)
    assert out.failed_hosts == [victim]
    assert out.hosts[victim].unreachable == 1 and "unreachable" in out.hosts[victim].msg
    assert all(r.ok == 1 for h, r in out.hosts.items() if h != victim)


def test_plain_ansible_playbook_with_the_dynamic_inventory_script(rig, runs, tmp_path):
    # A planned copy of the sample (the dynamic inventory reads the plan file beside it).
    import shutil

    from govnet.inventory.ansible import write_script
    from govnet.inventory.service import plan_at
    from govnet.playbooks.service import COLLECTIONS, PLAYBOOKS

    inv = tmp_path / "inv"
    shutil.copytree(rig.inventory, inv)
    plan_at(inv)
    script = write_script(tmp_path / "govnet-inventory", inv, overlay=rig.overlay)
    # The policy govnet used: group_vars/all.yml with the management networks of the inventory's
    # pools filled in (plain Ansible users write them into their group_vars).
    import json

    from govnet.playbooks.service import prepare

    _, _, policy = prepare(rig.inventory, None, None)
    extra = tmp_path / "policy.json"
    extra.write_text(json.dumps({"govnet_provision": policy.for_ansible()}))
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            str(script),
            str(PLAYBOOKS / "site.yml"),
            "--limit",
            ",".join(HOSTS.values()),
            "--check",
            "--diff",
            "-e",
            f"@{extra}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    recap = done.stdout.split("PLAY RECAP")[-1]
    for host in HOSTS.values():
        line = next(line for line in recap.splitlines() if line.startswith(host))
        assert "ok=1" in line and "changed=0" in line and "failed=0" in line, done.stdout[-3000:]
    assert all(v not in done.stdout for v in (os.environ["GOVNET_LAB_PASSWORD"],))


def _walk(target, root: str) -> dict[str, object]:
    import asyncio

    from pysnmp.hlapi.v3arch import asyncio as hl

    from govnet.devices import pysnmp_auth, pysnmp_transport

    async def walk() -> dict[str, object]:
        engine = hl.SnmpEngine()
        transport = await pysnmp_transport(target, retries=1)
        values: dict[str, object] = {}
        async for error, status, _, varbinds in hl.bulk_walk_cmd(
            engine,
            pysnmp_auth(target),
            transport,
            hl.ContextData(),
            0,
            50,
            hl.ObjectType(hl.ObjectIdentity(root)),
            lexicographicMode=False,
        ):
            assert not error and not int(status), (error, status)
            values.update({str(n): v for n, v in varbinds})
        return values

    return asyncio.run(walk())


def test_snmp_shows_the_provisioned_descriptions_speeds_and_ipv6_addresses(rig, runs):
    from govnet.devices import snmp_target

    inv = load_planned(rig.inventory, rig.overlay)
    for device in (d for d in inv.devices if d.hostname in HOSTS.values()):
        target = snmp_target(device)
        aliases = {str(v) for v in _walk(target, "1.3.6.1.2.1.31.1.1.1.18").values()}
        speeds = {int(v) for v in _walk(target, "1.3.6.1.2.1.31.1.1.1.15").values()}
        addresses = " ".join(_walk(target, "1.3.6.1.2.1.4.34.1.3"))  # ipAddressIfIndex, by address
        links = [li for li in inv.links if device.hostname in (li.a.device, li.b.device)]
        for link in links:
            end, other = (link.a, link.b) if link.a.device == device.hostname else (link.b, link.a)
            assert any(a.startswith(f"{link.purpose.value} ") and other.device in a for a in aliases)
            assert link.tier.mbps in speeds
            # ipAddressIfIndex is indexed by type ipv6(2), length 16 and the address's octets
            octets = ".".join(str(b) for b in ipaddress.IPv6Interface(str(end.ipv6)).ip.packed)
            assert f".2.16.{octets}" in addresses, (device.hostname, end.ipv6)
