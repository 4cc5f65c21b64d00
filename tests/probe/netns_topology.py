"""A small extranet of network namespaces for the probe tests: a city core, a county, a town.

    city ──(veth, "1G" scaled to 10 Mbit/s)── county ──(veth, "100M" scaled to 1 Mbit/s, MTU 1400)── town

Dual-stack: 10.255.x and fd00:255:x:: only, inside the namespaces; the county routes (IPv4 and IPv6
forwarding on, ICMP error rate limits off so path-MTU answers are not rationed). Each link is shaped
with ``tbf`` to its tier on both ends, with a short queue so a burst overflows it (loss). The town
runs an open telnet-like listener (23) and an SSH-like one (22); the county only SSH. Nothing leaves
this machine: the namespaces have no link to the host's network.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

# Scaled-down tiers (this machine has two cores): tier -> tbf rate.
RATES = {"1G": "10mbit", "100M": "1mbit"}
TOWN_MTU = 1400

LISTENER = r"""
import socket, sys, threading
def serve(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port)); s.listen(16)
    while True:
        c, _ = s.accept()
        c.sendall(b"SSH-2.0-lab\r\n" if port == 22 else b"\r\nUser Access Verification\r\n\r\nUsername: ")
        c.close()
for p in map(int, sys.argv[1:]):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
"""


@dataclass
class Topology:
    city: str
    county: str
    town: str
    # management addresses the prober targets
    county_v4: str = "10.255.1.2"
    county_v6: str = "fd00:255:1::2"
    town_v4: str = "10.255.2.2"
    town_v6: str = "fd00:255:2::2"

    def run(self, ns: str, *cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["ip", "netns", "exec", ns, *cmd], capture_output=True, text=True, check=check)


def unavailable() -> str | None:
    """Why the topology cannot be built here (None when it can)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if not shutil.which("ip") or not shutil.which("tc"):
        return "iproute2 (ip, tc) not installed"
    probe = f"gvbk-check-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"cannot create a network namespace: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def _sh(*cmd: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {done.stderr.strip()}")


def _link(topo: Topology, a: str, b: str, n: int, rate: str, mtu: int = 1500) -> None:
    ea, eb = f"v{n}a", f"v{n}b"
    _sh("ip", "link", "add", ea, "netns", a, "type", "veth", "peer", "name", eb, "netns", b)
    for ns, dev, host in ((a, ea, 1), (b, eb, 2)):
        _sh("ip", "-n", ns, "link", "set", dev, "mtu", str(mtu), "up")
        _sh("ip", "-n", ns, "addr", "add", f"10.255.{n}.{host}/24", "dev", dev)
        _sh("ip", "-n", ns, "addr", "add", f"fd00:255:{n}::{host}/64", "dev", dev, "nodad")
        # the tier's rate; a queue of about two packets, so a burst beyond it is lost
        _sh(
            "ip",
            "netns",
            "exec",
            ns,
            "tc",
            "qdisc",
            "add",
            "dev",
            dev,
            "root",
            "tbf",
            "rate",
            rate,
            "burst",
            "1600",
            "limit",
            "3200",
        )


@contextlib.contextmanager
def extranet() -> Iterator[Topology]:
    tag = os.getpid()
    topo = Topology(f"gvbk-city-{tag}", f"gvbk-county-{tag}", f"gvbk-town-{tag}")
    names = (topo.city, topo.county, topo.town)
    listeners: list[subprocess.Popen[str]] = []
    try:
        for ns in names:
            _sh("ip", "netns", "add", ns)
            _sh("ip", "-n", ns, "link", "set", "lo", "up")
        _link(topo, topo.city, topo.county, 1, RATES["1G"])
        _link(topo, topo.county, topo.town, 2, RATES["100M"], TOWN_MTU)
        for key in (
            "net.ipv4.ip_forward=1",
            "net.ipv6.conf.all.forwarding=1",
            "net.ipv4.icmp_ratelimit=0",
            "net.ipv6.icmp.ratelimit=0",
        ):
            _sh("ip", "netns", "exec", topo.county, "sysctl", "-qw", key)
        for ns, via4, via6 in (
            (topo.city, "10.255.1.2", "fd00:255:1::2"),
            (topo.town, "10.255.2.1", "fd00:255:2::1"),
        ):
            _sh("ip", "-n", ns, "route", "add", "default", "via", via4)
            _sh("ip", "-n", ns, "-6", "route", "add", "default", "via", via6)
        for ns, ports in ((topo.town, ("22", "23")), (topo.county, ("22",))):
            proc = subprocess.Popen(
                ["ip", "netns", "exec", ns, sys.executable, "-c", LISTENER, *ports],
                stdout=subprocess.PIPE,
                text=True,
            )
            listeners.append(proc)
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield topo
    finally:
        for proc in listeners:
            proc.kill()
            proc.wait()
        for ns in names:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
