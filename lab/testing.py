"""Helpers for tests that drive the lab: device specs for the three vendors and an SSH terminal.

Other areas' tests use these too (collectors, compliance): start a ``LabThread`` with ``spec(...)``
devices, then talk to them with netmiko, pysnmp or ``Terminal``.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import paramiko

from govnet.inventory.models import Device
from govnet.lab.bootstrap import Day0, DeviceSpec, PortSpec
from govnet.lab.topology import Cable

if TYPE_CHECKING:
    from govnet.lab.runtime import LabThread

# Values for the secrets the example inventories name (env:GOVNET_LAB_*), for tests that run `govnet lab`.
INVENTORY_SECRETS = {
    "GOVNET_LAB_PASSWORD": "Qa@Passw0rd-1",
    "GOVNET_LAB_SNMP_AUTH": "Qa-Auth-Key-1",
    "GOVNET_LAB_SNMP_PRIV": "Qa-Priv-Key-1",
    "GOVNET_LAB_SNMP_COMMUNITY": "Qa-Community-1",
}


def example_inventory(name: str = "tiny.yaml") -> Path:
    """One of the inventories shipped in govnet.inventory's examples."""
    import govnet.inventory

    return Path(govnet.inventory.__file__).parent / "examples" / name


@contextmanager
def sample_lab(home: Path, only: str) -> Iterator[LabThread]:
    """The sample extranet's devices matching ``only`` running in a lab under ``home``, with the
    overlay where `govnet lab up` writes it, so that `govnet` commands run with ``GOVNET_HOME=home``
    and ``INVENTORY_SECRETS`` in the environment reach them."""
    from govnet.inventory.loader import load_inventory
    from govnet.lab.bootstrap import specs_from_inventory
    from govnet.lab.runtime import LabThread
    from govnet.lab.service import LabPaths, sample_inventory, write_overlay

    inventory = load_inventory(sample_inventory())
    specs = specs_from_inventory(
        inventory, lambda ref: INVENTORY_SECRETS[ref.removeprefix("env:")], only=only
    )
    paths = LabPaths(home / "lab")
    with LabThread(paths.state_dir) as lab:
        write_overlay(paths.overlay, lab.start(specs), "127.0.0.1")
        yield lab


def run_govnet(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m govnet.cli ARGS`` with the GOVNET_* settings in ``env`` only (none inherited from
    the caller's environment) and wide output (error lines are not wrapped)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVNET_")}
    return subprocess.run(
        [sys.executable, "-m", "govnet.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**clean, "COLUMNS": "250", **env},
    )


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


def second_port(vendor: str) -> str:
    """The port after ``PORTS[vendor]`` (GigabitEthernet0/0/1 -> GigabitEthernet0/0/2)."""
    first = PORTS[vendor]
    return first[: first.rindex("/") + 1] + "2"


def chain(*devices: tuple[str, str], **day0: Any) -> tuple[list[DeviceSpec], list[Cable]]:
    """Devices ``(vendor, hostname)`` cabled in a row: each one's second port to the next one's first.

    ``day0`` keyword values may be callables of the device's position (0, 1, ...), e.g.
    ``loopback_ipv4=lambda i: f"10.255.0.{i + 1}/32"``.
    """
    specs = []
    for index, (vendor, hostname) in enumerate(devices):
        values = {k: (v(index) if callable(v) else v) for k, v in day0.items()}
        device = spec(vendor, hostname, **values)
        device.ports.append(PortSpec(second_port(vendor), 1000, "downlink"))
        specs.append(device)
    cables = [
        Cable(a.hostname, second_port(a.vendor), b.hostname, PORTS[b.vendor])
        for a, b in itertools.pairwise(specs)
    ]
    return specs, cables


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
