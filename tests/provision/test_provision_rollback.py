"""A refused line fails the device with its own error text and the line, rolls back what was
applied, and leaves the saved configuration untouched (every vendor)."""

from __future__ import annotations

import os

import netmiko
import pytest
from provision_hosts import HOSTS, NETMIKO_TYPES

from govnet.playbooks.push import converge
from govnet.playbooks.secretforms import mask
from govnet.vendors import vendor_spec

TYPES = NETMIKO_TYPES
# A good line the device takes, then one it refuses (a command no vendor has).
BAD = {
    "huawei_vrp": "interface LoopBack7\n description govnet-rollback-probe\n bogus-command 42\n",
    "h3c_comware": "interface LoopBack7\n description govnet-rollback-probe\n bogus-command 42\n",
    "cisco_ios": "interface Loopback7\n description govnet-rollback-probe\n bogus-command 42\n",
}
ERRORS = {"huawei_vrp": "Error:", "h3c_comware": "% Unrecognized", "cisco_ios": "% Invalid input"}


@pytest.mark.parametrize("vendor", list(HOSTS))
def test_a_refused_line_fails_with_the_device_text_and_rolls_back(rig, vendor, secrets_env):
    host = HOSTS[vendor]
    params = {
        "device_type": TYPES[vendor],
        "host": "127.0.0.1",
        "port": rig.port(host),
        "username": "admin",
        "password": os.environ["GOVNET_LAB_PASSWORD"],
    }

    def connect():
        return netmiko.ConnectHandler(**params)

    probe = connect()
    cli = vendor_spec(vendor).cli
    running, saved = probe.send_command(cli.show_running), probe.send_command(cli.show_saved)
    probe.disconnect()
    # Intended = today's config plus the probe lines: the remediation adds LoopBack7 and the bogus line.
    intended = mask(vendor, running).rstrip("\n") + "\n" + BAD[vendor]
    result = converge(
        connect, vendor, intended, {"password": os.environ["GOVNET_LAB_PASSWORD"]}, hostname=host
    )
    assert result["failed"] is True
    assert result["rejected_line"] == "bogus-command 42"
    assert ERRORS[vendor] in result["device_error"]
    assert result["rolled_back"] is True and "rolled back, nothing saved" in result["msg"]
    after = connect()
    try:
        now_running, now_saved = (
            after.send_command(vendor_spec(vendor).cli.show_running),
            after.send_command(vendor_spec(vendor).cli.show_saved),
        )
    finally:
        after.disconnect()
    assert "govnet-rollback-probe" not in now_running
    assert now_saved == saved


def test_a_line_needing_a_secret_the_inventory_lacks_fails_cleanly_and_rolls_back(rig, secrets_env):
    vendor, host = "huawei_vrp", HOSTS["huawei_vrp"]

    def connect():
        return netmiko.ConnectHandler(
            device_type=TYPES[vendor],
            host="127.0.0.1",
            port=rig.port(host),
            username="admin",
            password=os.environ["GOVNET_LAB_PASSWORD"],
        )

    probe = connect()
    running = probe.send_command(vendor_spec(vendor).cli.show_running)
    probe.disconnect()
    extra = (
        "interface LoopBack8\n description govnet-secret-probe\n"
        "snmp-agent community read cipher {secret:community}\n"
    )
    intended = mask(vendor, running).rstrip("\n") + "\n" + extra
    result = converge(
        connect, vendor, intended, {"password": os.environ["GOVNET_LAB_PASSWORD"]}, hostname=host
    )
    assert result["failed"] is True and result["rolled_back"] is True
    assert result["rejected_line"] == "snmp-agent community read cipher {secret:community}"
    assert "could not type" in result["msg"] and "no value for {secret:community}" in result["msg"]
    after = connect()
    try:
        assert "govnet-secret-probe" not in after.send_command(vendor_spec(vendor).cli.show_running)
    finally:
        after.disconnect()
