"""Listening sockets of a Linux host and the high-risk ports among them (pure parsing, no I/O).

Two sources, as a host offers them: ``ss`` output (``ss -tlnup`` live; any ``ss`` listing with or
without the Netid column, old ``*:22`` and new ``0.0.0.0:22``/``[::]:22``/``127.0.0.53%lo:53``
address forms, a sosreport's ``ss -peaonmi`` with its indented detail lines) and the kernel's
``/proc/net/{tcp,tcp6,udp,udp6}`` tables (hex addresses, no process names). The port list is data:
``data/high_risk_ports.yaml``.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from govnet.errors import InputError

PORTS_FILE = Path(__file__).parent / "data" / "high_risk_ports.yaml"
PROC_TABLES = ("/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6")
_LISTEN_STATES = {"LISTEN": "tcp", "UNCONN": "udp"}
_PROCESS = re.compile(r'users:\(\("([^"]+)"')


@dataclass(frozen=True)
class Socket:
    proto: str  # tcp | udp
    address: str  # as bound: "0.0.0.0", "::", "127.0.0.1", "*"
    port: int
    process: str  # "" when the source does not say
    where: str  # file or command the line came from
    line: int  # 1-based line number there
    text: str  # the line as read

    @property
    def wildcard(self) -> bool:
        return self.address in ("*", "0.0.0.0", "::", "")

    @property
    def loopback(self) -> bool:
        try:
            ip = ipaddress.ip_address(self.address)
        except ValueError:
            return False
        mapped = getattr(ip, "ipv4_mapped", None)
        return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


@dataclass(frozen=True)
class RiskyPort:
    low: int
    high: int
    proto: str  # tcp | udp | both
    service: str
    why: str
    wildcard_only: bool

    def matches(self, s: Socket) -> bool:
        if not (self.low <= s.port <= self.high) or self.proto not in (s.proto, "both") or s.loopback:
            return False
        return s.wildcard or not self.wildcard_only


def parse_ss(text: str, where: str) -> list[Socket]:
    """Listening TCP and unconnected UDP sockets from ``ss`` output; other lines are skipped."""
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw or raw[0].isspace():
            continue  # a detail line (timer, skmem) of the row above
        tokens = raw.split()
        netid = ""
        if tokens and tokens[0] in ("tcp", "udp", "tcp6", "udp6"):
            netid, tokens = tokens[0].rstrip("6"), tokens[1:]
        if len(tokens) < 4 or tokens[0] not in _LISTEN_STATES:
            continue
        proto = netid or _LISTEN_STATES[tokens[0]]
        local = tokens[3]
        host, sep, port = local.rpartition(":")
        if not sep or not port.isdigit():
            continue
        host = host.strip("[]").split("%", 1)[0]
        m = _PROCESS.search(raw)
        out.append(Socket(proto, host, int(port), m.group(1) if m else "", where, n, raw.rstrip()))
    return out


def _hex_address(text: str) -> str:
    """/proc/net's address: each 32-bit word in the host's (little-endian) byte order."""
    raw = bytes.fromhex(text)
    swapped = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(swapped))


def parse_proc_net(text: str, where: str) -> list[Socket]:
    """Listening sockets from a /proc/net/{tcp,tcp6,udp,udp6} table (state 0A = LISTEN for TCP;
    UDP: state 07 with no remote peer)."""
    proto = "udp" if "udp" in Path(where).name else "tcp"
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        tokens = raw.split()
        if len(tokens) < 4 or not tokens[0].endswith(":") or not tokens[0][:-1].isdigit():
            continue  # the header, or a damaged line
        try:
            local_hex, port_hex = tokens[1].split(":")
            _, remote_port = tokens[2].split(":")
            state = tokens[3].upper()
            address, port = _hex_address(local_hex), int(port_hex, 16)
        except ValueError:
            continue
        listening = state == "0A" if proto == "tcp" else state == "07" and int(remote_port, 16) == 0
        if listening:
            out.append(Socket(proto, address, port, "", where, n, raw.strip()))
    return out


@functools.cache
def risky_ports(path: Path = PORTS_FILE) -> tuple[RiskyPort, ...]:
    """The high-risk port list (validated: a bad entry is an InputError naming file and entry)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the high-risk port list ({exc})") from None
    out = []
    for key, wildcard_only in (("anywhere", False), ("wildcard", True)):
        for i, entry in enumerate(doc.get(key) or []):
            try:
                low, _, high = str(entry["ports"]).partition("-")
                proto = entry.get("proto", "tcp")
                if proto not in ("tcp", "udp", "both"):
                    raise ValueError(f"proto {proto!r}")
                out.append(
                    RiskyPort(
                        int(low),
                        int(high or low),
                        proto,
                        entry["service"],
                        entry.get("why", ""),
                        wildcard_only,
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(f"{path}: {key}[{i}]: bad entry ({exc})") from None
    return tuple(out)


def risky(sockets: list[Socket]) -> list[tuple[Socket, RiskyPort]]:
    ports = risky_ports()
    return [(s, r) for s in sockets for r in ports if r.matches(s)]
