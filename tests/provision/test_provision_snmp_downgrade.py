"""A provisioned SNMPv3 device moved to v2c (the inventory names a community and no v3 keys): the
remediation removes the v3 user in the form each vendor takes without a key, the lab accepts it,
and the second push changes nothing (every vendor)."""

from __future__ import annotations

import os
import re

import netmiko
import pytest
from provision_hosts import HOSTS, NETMIKO_TYPES

from govnet.playbooks.push import converge
from govnet.playbooks.secretforms import mask
from govnet.vendors import vendor_spec

pytestmark = pytest.mark.timeout(600)

USER = re.compile(r"^\s*snmp-agent usm-user v3 ", re.MULTILINE)
# What the v2c template renders in place of the v3 user (the community, and the version on VRP/Comware).
_VRP_V2C = "snmp-agent community read cipher {secret:community}\nsnmp-agent sys-info version v2c v3\n"
V2C = {
    "huawei_vrp": _VRP_V2C,
    "h3c_comware": _VRP_V2C,
    "cisco_ios": "snmp-server community {secret:community} RO\n",
}
# The undo/no lines the remediation must use to drop the v3 user (no key in them).
UNDO = {
    "huawei_vrp": [
        "undo snmp-agent usm-user v3 {user} authentication-mode",
        "undo snmp-agent usm-user v3 {user} privacy-mode",
    ],
    "h3c_comware": ["undo snmp-agent usm-user v3 {user} local"],
    "cisco_ios": [],  # IOS hides v3 users from its running config: nothing to negate
}


def _v2c_intended(vendor: str, running: str) -> str:
    """The device's own (masked) config without its v3 user and with the v2c lines instead."""
    kept = [
        line
        for line in mask(vendor, running).splitlines()
        if not USER.match(line) and "sys-info version" not in line
    ]
    return "\n".join(kept).rstrip("\n") + "\n" + V2C[vendor]


@pytest.mark.parametrize("vendor", list(HOSTS))
def test_moving_a_v3_device_to_v2c_removes_the_user_without_its_keys_and_converges(rig, vendor, secrets_env):
    params = {
        "device_type": NETMIKO_TYPES[vendor],
        "host": "127.0.0.1",
        "port": rig.port(HOSTS[vendor]),
        "username": "admin",
        "password": os.environ["GOVNET_LAB_PASSWORD"],
    }

    def connect():
        return netmiko.ConnectHandler(**params)

    cli = vendor_spec(vendor).cli
    probe = connect()
    running = probe.send_command(cli.show_running)
    probe.disconnect()
    users = sorted({line.split()[3] for line in running.splitlines() if USER.match(line)})
    if vendor != "cisco_ios":
        assert users, "the lab device starts with an SNMPv3 user"
    intended = _v2c_intended(vendor, running)
    # A v2c inventory names no v3 keys: only the login password and the community.
    secrets = {"password": os.environ["GOVNET_LAB_PASSWORD"], "community": "Prov-Community-2208"}

    first = converge(connect, vendor, intended, secrets, hostname=HOSTS[vendor])
    assert first["failed"] is False, first.get("msg")
    assert first["changed"] is True
    for user in users:
        for line in UNDO[vendor]:
            assert line.format(user=user) in first["remediation"]
    assert not any("{secret:snmp_" in line for line in first["remediation"])
    assert not any(line.startswith("no snmp-server user") for line in first["remediation"])

    second = converge(connect, vendor, intended, secrets, hostname=HOSTS[vendor])
    assert second["failed"] is False, second.get("msg")
    assert second["changed"] is False, second["remediation"]

    after = connect()
    try:
        now = after.send_command(cli.show_running)
    finally:
        after.disconnect()
    assert not USER.search(now)
    assert V2C[vendor].splitlines()[0] in mask(vendor, now)
