"""The compliance gate in `govnet provision`: a device whose intended configuration fails its site's
graded-protection level is refused (never connected to, reported with the failing checks), and
`--force` pushes it and records the override in the run folder and in `provision show`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import netmiko
import pytest
from provision_hosts import HOSTS, NETMIKO_TYPES

from govnet.playbooks.gate import judge
from govnet.playbooks.render import Selection
from govnet.playbooks.runs import show_run
from govnet.playbooks.service import provision, render_to
from govnet.vendors import vendor_spec

pytestmark = pytest.mark.timeout(900)
# A town access device the sample inventory polls over SNMP v2c: its intended config keeps a community
# (the collectors need it), which GB/T 22239-2019 forbids at level 2 and level 3 alike.
VICTIM = "sg-zhenjiang-t01-acc-1"
LAB_HOSTS = (*HOSTS.values(), VICTIM)
LIMIT = Selection(limit=",".join(LAB_HOSTS))


def _running(rig, host: str, vendor: str) -> str:
    conn = netmiko.ConnectHandler(
        device_type=NETMIKO_TYPES[vendor],
        host="127.0.0.1",
        port=rig.port(host),
        username="admin",
        password=os.environ["GOVNET_LAB_PASSWORD"],
    )
    try:
        return str(conn.send_command(vendor_spec(vendor).cli.show_running))
    finally:
        conn.disconnect()


def test_the_rendered_sample_configs_pass_and_a_community_or_a_long_idle_timeout_fails(rig, tmp_path):
    written = render_to(rig.inventory, tmp_path, overlay=rig.overlay, selection=LIMIT)
    for vendor, host in HOSTS.items():
        gate = judge(written[host].read_text(), vendor, 3, host)
        assert gate["passed"] and gate["failing"] == [] and not gate["forced"], (host, gate)
        # The same config with a 30-minute idle timeout (level 3 allows 10) fails that check.
        text = re.sub(r"(idle|exec)-timeout 5 0", r"\1-timeout 30 0", written[host].read_text())
        assert text != written[host].read_text()
        dropped = judge(text, vendor, 3, host)
        assert not dropped["passed"] and any("idle" in f["check"] for f in dropped["failing"]), dropped
    text = written[VICTIM].read_text()
    for level in (2, 3):
        gate = judge(text, "huawei_vrp", level, VICTIM)
        assert not gate["passed"] and gate["status"] == "FAILED"
        snmp = [f for f in gate["failing"] if f["check"].endswith("dev.snmp-v3-only")]
        assert snmp and any("community" in line for line in snmp[0]["lines"]), gate
    assert judge(text, "huawei_vrp", 3, VICTIM, force=True)["forced"]


def test_a_failing_device_is_refused_and_the_others_are_pushed(rig):
    before = _running(rig, VICTIM, "huawei_vrp")
    out = provision(rig.inventory, rig.home, overlay=rig.overlay, selection=LIMIT, forks=4)
    victim = out.hosts[VICTIM]
    assert out.failed_hosts == [VICTIM]
    assert victim.compliance == "refused" and victim.failed == 1 and victim.changed == 0
    assert "refused by the compliance gate" in victim.msg and "dev.snmp-v3-only" in victim.msg
    assert any(name.endswith("dev.snmp-v3-only") for name in victim.failing)
    assert all(r.compliance == "passed" and r.ok == 1 for h, r in out.hosts.items() if h != VICTIM)
    assert _running(rig, VICTIM, "huawei_vrp") == before  # never connected, nothing typed
    shown = show_run(rig.home, out.run_dir.name)
    assert shown["compliance"][VICTIM]["forced"] is False
    assert shown["hosts"][VICTIM]["compliance"] == "refused"


def test_force_pushes_the_failing_device_and_the_run_records_the_override(rig):
    out = provision(rig.inventory, rig.home, overlay=rig.overlay, selection=LIMIT, forks=4, force=True)
    assert out.failed_hosts == [] and out.force
    assert out.hosts[VICTIM].compliance == "forced" and out.hosts[VICTIM].ok == 1
    assert "snmp-agent community" in _running(rig, VICTIM, "huawei_vrp")
    assert "undo telnet server enable" in _running(rig, VICTIM, "huawei_vrp")  # it was pushed
    record = json.loads((out.run_dir / "compliance" / f"{VICTIM}.json").read_text())
    assert record["forced"] is True and record["level"] in (2, 3) and record["failing"]
    summary = json.loads((out.run_dir / "summary.json").read_text())
    assert summary["force"] is True and summary["hosts"][VICTIM]["compliance"] == "forced"
    # The only devices with a record are those the gate refused or that were forced through.
    assert sorted(p.stem for p in (out.run_dir / "compliance").glob("*.json")) == [VICTIM]
    shown = subprocess.run(
        [sys.executable, "-m", "govnet.cli", "provision", "show", out.run_dir.name],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GOVNET_HOME": str(rig.home), "COLUMNS": "200"},
    )
    assert shown.returncode == 0, shown.stderr
    assert f"{VICTIM}: pushed with --force over failing compliance checks" in shown.stdout
    assert "dev.snmp-v3-only" in shown.stdout


def test_the_demo_explains_each_refused_device_in_one_line_without_repeating_the_force_note():
    from govnet.playbooks.demo import refusal_line
    from govnet.playbooks.gate import refusal

    gate = {
        "level": 2,
        "failing": [
            {"check": "7.1.2.2 a dev.snmp-v3-only", "reason": "SNMP v2c enabled"},
            {"check": "7.1.4.7 a dev.snmp-v3-only", "reason": "SNMP v2c enabled"},
        ],
    }
    assert refusal_line(refusal("sg-x-acc-1", gate)) == (
        "sg-x-acc-1: refused by the compliance gate (GB/T 22239-2019 level 2):"
        " dev.snmp-v3-only (7.1.2.2 a, 7.1.4.7 a): SNMP v2c enabled"
    )
