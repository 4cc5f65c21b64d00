"""Helpers for tests that drive the lab: device specs for the three vendors and an SSH terminal.

Other areas' tests use these too (collectors, compliance): start a ``LabThread`` with ``spec(...)``
devices, then talk to them with netmiko, pysnmp or ``Terminal``.
"""

from __future__ import annotations

import re
import socket
import time
from typing import Any

import paramiko

from govnet.inventory.models import Device
from govnet.lab.bootstrap import Day0, DeviceSpec, PortSpec

PASSWORD = "Lab@Passw0rd-1"
ENABLE = "En@ble-Secret-1"
SNMP_AUTH_KEY = "Auth-Key-123"
SNMP_PRIV_KEY = "Priv-Key-123"

# The secret references ``inventory_device`` writes, and what they resolve to (``resolve``).
SECRETS = {
    "env:LAB_TEST_PASSWORD": PASSWORD,
    "env:LAB_TEST_ENABLE": ENABLE,
    "env:LAB_TEST_SNMP_AUTH": SNMP_AUTH_KEY,
    "env:LAB_TEST_SNMP_PRIV": SNMP_PRIV_KEY,
}

# One uplink per vendor, named as that vendor names ports.
PORTS = {
    "huawei_vrp": "GigabitEthernet0/0/1",
    "h3c_comware": "GigabitEthernet1/0/1",
    "cisco_ios": "GigabitEthernet0/0/1",
}

# The end of a prompt on any of the three vendors: <R1>, [R1-GigabitEthernet0/0/1], R1#, R1(config-if)#.
PROMPT = re.compile(r"(<[^<>\s]+>|\[[^\[\]\s]+\]|[\w.-]+(\([\w-]+\))?[>#])\s*$")


def spec(vendor: str, hostname: str = "", **day0: Any) -> DeviceSpec:
    return DeviceSpec(
        hostname=hostname or f"lab-{vendor.split('_')[0]}",
        vendor=vendor,
        ports=[PortSpec(PORTS[vendor], 1000, "uplink to city core")],
        day0=Day0(
            "admin",
            PASSWORD,
            enable_secret=ENABLE,
            snmp_user="govnet-ro",
            snmp_auth_key=SNMP_AUTH_KEY,
            snmp_priv_key=SNMP_PRIV_KEY,
            **day0,
        ),
    )


def inventory_device(
    device: DeviceSpec, ssh_port: int, snmp_port: int = 161, host: str = "127.0.0.1"
) -> Device:
    """The inventory entry of a ``spec(...)`` device running in a test lab, its secrets named by
    reference (``resolve`` gives their values): what ``govnet.devices`` builds connections from."""
    day0 = device.day0
    assert day0 is not None and day0.snmp_user is not None
    return Device.model_validate(
        {
            "hostname": device.hostname,
            "site": "lab",
            "vendor": device.vendor,
            "role": "core",
            "ssh": {"host": host, "port": ssh_port},
            "snmp": {
                "host": host,
                "port": snmp_port,
                "version": "v3",
                "v3": {
                    "user": day0.snmp_user,
                    "auth_protocol": day0.snmp_auth_protocol,
                    "auth_key": "env:LAB_TEST_SNMP_AUTH",
                    "priv_protocol": day0.snmp_priv_protocol,
                    "priv_key": "env:LAB_TEST_SNMP_PRIV",
                },
            },
            "credentials": {
                "username": day0.username,
                "password": "env:LAB_TEST_PASSWORD",
                "enable_secret": "env:LAB_TEST_ENABLE",
            },
        }
    )


def resolve(reference: str) -> str:
    """The test lab's secret resolver (``govnet.devices``' ``resolve=``)."""
    return SECRETS[reference]


class Terminal:
    """An interactive SSH shell (paramiko, a pty, like netmiko) for many small CLI assertions."""

    def __init__(
        self,
        port: int,
        username: str = "admin",
        password: str = PASSWORD,
        host: str = "127.0.0.1",
        height: int = 1000,  # tall enough that nothing pages (---- More ----) unless a test asks
    ):
        self.client = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        self.client.connect(
            host,
            port,
            username,
            password,
            look_for_keys=False,
            allow_agent=False,
            timeout=10,
            banner_timeout=10,
        )
        self.channel = self.client.invoke_shell(width=200, height=height)
        self.channel.settimeout(10)
        self.greeting = self.read_until(PROMPT)

    def read_until(self, pattern: re.Pattern[str], timeout: float = 10) -> str:
        buffer = ""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.channel.recv_ready():
                buffer += self.channel.recv(65536).decode("utf-8", "replace")
                if pattern.search(buffer):
                    return buffer.replace("\r\n", "\n")
            elif self.channel.exit_status_ready() and not self.channel.recv_ready():
                break
            else:
                time.sleep(0.01)
        raise TimeoutError(f"no {pattern.pattern!r} in {buffer[-300:]!r}")

    def run(self, line: str, expect: re.Pattern[str] = PROMPT) -> str:
        """Type a line; return what the device printed after the echo, without the next prompt."""
        self.channel.send(line + "\n")
        out = self.read_until(expect)
        body = out.split("\n", 1)[1] if "\n" in out else ""
        if expect is PROMPT:
            body = PROMPT.sub("", body)
        return body.rstrip("\n")

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def port_accepts(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False
