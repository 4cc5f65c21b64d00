"""A small extranet for the collectors' tests: five devices of the three vendors, four links of three
tiers, v2c and v3 (SHA/AES, SHA-256/AES-256), and a lab running it (IPv4 and IPv6).

    with running_lab(tmp_path) as net:   # net.inventory points at the lab, net.lab is the LabThread
        result = poll(net)
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govnet.collectors.snmp.models import PollTarget
from govnet.devices import snmp_target
from govnet.inventory.models import Inventory
from govnet.lab.bootstrap import specs_from_inventory
from govnet.lab.runtime import LabThread
from govnet.lab.testing import SECRETS

COMMUNITY = "Lab-Community-1"
RESOLVED = {**SECRETS, "env:LAB_TEST_SNMP_COMMUNITY": COMMUNITY}

V3 = {
    "version": "v3",
    "v3": {
        "user": "govnet-ro",
        "auth_protocol": "sha",
        "auth_key": "env:LAB_TEST_SNMP_AUTH",
        "priv_protocol": "aes",
        "priv_key": "env:LAB_TEST_SNMP_PRIV",
    },
}
V3_SHA2 = {**V3, "v3": {**V3["v3"], "auth_protocol": "sha256", "priv_protocol": "aes256"}}
V2C = {"version": "v2c", "community": "env:LAB_TEST_SNMP_COMMUNITY"}
CREDS = {"username": "admin", "password": "env:LAB_TEST_PASSWORD", "enable_secret": "env:LAB_TEST_ENABLE"}


def resolve(reference: str) -> str:
    return RESOLVED[reference]


def _device(hostname: str, site: str, vendor: str, role: str, snmp: dict[str, Any]) -> dict[str, Any]:
    return {
        "hostname": hostname,
        "site": site,
        "vendor": vendor,
        "role": role,
        "snmp": snmp,
        "credentials": CREDS,
    }


def _link(
    lid: str, a: tuple[str, str], b: tuple[str, str], tier: str, purpose: str = "uplink"
) -> dict[str, Any]:
    return {
        "id": lid,
        "a": {"device": a[0], "interface": a[1]},
        "b": {"device": b[0], "interface": b[1]},
        "tier": tier,
        "purpose": purpose,
    }


def inventory() -> Inventory:
    return Inventory.model_validate(
        {
            "name": "collect-test",
            "sites": [
                {"id": "city", "name": "韶关市", "level": "city"},
                {"id": "county", "name": "浈江区", "level": "county", "parent": "city"},
                {"id": "town", "name": "十里亭镇", "level": "town", "parent": "county"},
                {"id": "dept", "name": "市财政局", "level": "department", "parent": "city"},
            ],
            "devices": [
                _device("c-core", "city", "huawei_vrp", "core", V3),
                _device("c-core2", "city", "huawei_vrp", "core", V2C),
                _device("k-agg", "county", "h3c_comware", "aggregation", V3),
                _device("t-acc", "town", "cisco_ios", "access", V3_SHA2),
                _device("d-agg", "dept", "cisco_ios", "aggregation", V2C),
            ],
            "links": [
                _link(
                    "L-county", ("k-agg", "GigabitEthernet1/0/1"), ("c-core", "GigabitEthernet0/0/1"), "1G"
                ),
                _link("L-town", ("t-acc", "GigabitEthernet0/0/1"), ("k-agg", "GigabitEthernet1/0/2"), "100M"),
                _link(
                    "L-core",
                    ("c-core", "GigabitEthernet0/0/2"),
                    ("c-core2", "GigabitEthernet0/0/1"),
                    "1G",
                    "peer",
                ),
                _link("L-dept", ("d-agg", "GigabitEthernet0/0/1"), ("c-core", "GigabitEthernet0/0/3"), "1G"),
            ],
        }
    )


@dataclass
class Net:
    lab: LabThread
    inventory: Inventory  # pointed at the lab (IPv4)
    ports: dict[str, int]  # SNMP port per device (the same on 127.0.0.1 and ::1)
    ssh: dict[str, int]

    def pointed(self, host: str) -> Inventory:
        """The inventory with every device's SNMP at the lab on ``host`` (127.0.0.1 or ::1)."""
        devices = tuple(
            d.model_copy(
                update={"snmp": d.snmp.model_copy(update={"host": host, "port": self.ports[d.hostname]})}
            )
            for d in self.inventory.devices
        )
        return self.inventory.model_copy(update={"devices": devices})

    def targets(self, host: str = "127.0.0.1") -> list[PollTarget]:
        return [PollTarget(d.hostname, snmp_target(d, resolve=resolve)) for d in self.pointed(host).devices]

    def state(self, hostname: str) -> Any:
        return self.lab.lab.devices[hostname].state


@contextlib.contextmanager
def running_lab(state_dir: Path) -> Iterator[Net]:
    inv = inventory()
    specs = specs_from_inventory(inv, resolve)
    with LabThread(state_dir, ("127.0.0.1", "::1")) as lab:
        ends = lab.start(specs)
        ports = {name: e.snmp["127.0.0.1"] for name, e in ends.items()}
        ssh = {name: e.ssh["127.0.0.1"] for name, e in ends.items()}
        net = Net(lab, inv, ports, ssh)
        net.inventory = net.pointed("127.0.0.1")
        yield net


class Responder:
    """A tiny UDP 'agent' on 127.0.0.1 that answers every request with ``make(request)``."""

    def __init__(self, make: Callable[[bytes], bytes]) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.make = make
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                return
            self.sock.sendto(self.make(data), peer)

    def close(self) -> None:
        self.sock.close()
