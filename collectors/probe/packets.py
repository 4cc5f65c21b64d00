"""The probes themselves, with scapy over raw sockets: ICMP/ICMPv6 echo, TCP SYN, path MTU.

Each function is bounded (a packet count, a per-probe timeout, a cap on MTU steps) and returns
plain figures; judging them is ``judge.py``'s job. scapy sends through the kernel's raw IP sockets
(``L3RawSocket``/``L3RawSocket6``), so the kernel routes, resolves neighbours and answers the
SYN-ACKs we provoke with a reset, and loopback targets work as well as remote ones.
"""

from __future__ import annotations

import errno
import ipaddress
import itertools
import os
import socket
from dataclasses import dataclass
from typing import Any

from govnet.errors import GovnetError

# Ports whose state the probe reports: SSH is expected, telnet and plain HTTP are findings.
EXPECTED_PORTS = (22,)
FORBIDDEN_PORTS = (23, 80, 8080)

_ids = itertools.count((os.getpid() * 7919) & 0xFFFF)


class RawSocketsUnavailable(GovnetError):
    """The process may not open raw sockets (no root, no CAP_NET_RAW)."""

    exit_code = 2


def require_raw_sockets() -> None:
    """Raise ``RawSocketsUnavailable`` unless raw IPv4 sockets can be opened here."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()
    except PermissionError:
        raise RawSocketsUnavailable(
            "active probes need raw sockets: run as root or grant CAP_NET_RAW "
            "(e.g. setcap cap_net_raw+ep on the Python interpreter)"
        ) from None


def is_ipv6(address: str) -> bool:
    return ipaddress.ip_address(address).version == 6


def _scapy() -> Any:
    import scapy.all as sc  # heavy import, only when probing

    sc.conf.verb = 0
    return sc


def _socket(sc: Any, address: str) -> Any:
    """A raw IP socket of the target's family (scapy's sr() would pick the IPv4 one for both)."""
    return sc.L3RawSocket6() if is_ipv6(address) else sc.L3RawSocket()


@dataclass(frozen=True)
class Echo:
    sent: int
    received: int
    rtt_ms: tuple[float, ...]  # one per reply

    @property
    def loss(self) -> float:
        return 0.0 if not self.sent else 100.0 * (self.sent - self.received) / self.sent

    def to_dict(self) -> dict[str, Any]:
        rtt = self.rtt_ms
        return {
            "sent": self.sent,
            "received": self.received,
            "loss_pct": round(self.loss, 1),
            "rtt_min_ms": round(min(rtt), 3) if rtt else None,
            "rtt_avg_ms": round(sum(rtt) / len(rtt), 3) if rtt else None,
            "rtt_max_ms": round(max(rtt), 3) if rtt else None,
        }


def _echo_packet(sc: Any, address: str, ident: int, seq: int, size: int = 56, df: bool = False) -> Any:
    payload = b"govnet-probe".ljust(size, b"\0")[:size]
    if is_ipv6(address):
        return sc.IPv6(dst=address) / sc.ICMPv6EchoRequest(id=ident, seq=seq, data=payload)
    return sc.IP(dst=address, flags="DF" if df else 0) / sc.ICMP(id=ident, seq=seq) / payload


def echo(
    address: str, *, count: int = 3, timeout: float = 1.0, interval: float = 0.05, size: int = 56
) -> Echo:
    """``count`` echo requests of ``size`` payload bytes, ``interval`` seconds apart; the replies'
    round-trip times. Lost ones count against ``loss``."""
    sc = _scapy()
    ident = next(_ids) & 0xFFFF
    packets = [_echo_packet(sc, address, ident, seq, size) for seq in range(count)]
    with _socket(sc, address) as sock:
        answered, _ = sock.sr(packets, timeout=timeout, inter=interval)
    replies = sc.ICMPv6EchoReply if is_ipv6(address) else sc.ICMP
    rtts = tuple(
        (reply.time - sent.sent_time) * 1000.0
        for sent, reply in answered
        if reply.haslayer(replies) and (replies is not sc.ICMP or reply[sc.ICMP].type == 0)
    )
    return Echo(count, len(rtts), rtts)


def syn_scan(address: str, ports: tuple[int, ...], *, timeout: float = 1.0) -> dict[int, str]:
    """Each port's state from one SYN: open (SYN-ACK), closed (RST) or filtered (no answer / ICMP)."""
    sc = _scapy()
    ip = sc.IPv6(dst=address) if is_ipv6(address) else sc.IP(dst=address)
    sport = 40000 + (next(_ids) % 20000)
    with _socket(sc, address) as sock:
        answered, _ = sock.sr(ip / sc.TCP(sport=sport, dport=list(ports), flags="S"), timeout=timeout)
    states = dict.fromkeys(ports, "filtered")
    for sent, reply in answered:
        if reply.haslayer(sc.TCP):
            flags = int(reply[sc.TCP].flags)
            states[int(sent[sc.TCP].dport)] = "open" if flags & 0x12 == 0x12 else "closed"
    return states


def _local_mtu(address: str) -> int:
    """The MTU of the interface the kernel routes ``address`` through (1500 if unknown)."""
    family = socket.AF_INET6 if is_ipv6(address) else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        try:
            s.connect((address, 9))
            return int(
                s.getsockopt(
                    socket.IPPROTO_IP if family == socket.AF_INET else socket.IPPROTO_IPV6,
                    14 if family == socket.AF_INET else 24,
                )
            )  # IP_MTU / IPV6_MTU
        except OSError:
            return 1500


@dataclass(frozen=True)
class PathMtu:
    mtu: int | None  # None: not even the minimum got through
    steps: int  # probes sent
    told: bool  # a router said how big (frag-needed / packet-too-big) at least once


def path_mtu(address: str, *, timeout: float = 1.0, max_steps: int = 12) -> PathMtu:
    """Path MTU by DF-set (IPv4) or unfragmented (IPv6) echoes: start at the local interface's MTU,
    follow ICMP fragmentation-needed / ICMPv6 packet-too-big, and bisect when a size is silently
    dropped (a black hole)."""
    sc = _scapy()
    low, high = (
        (1280 if is_ipv6(address) else 576) - 1,
        _local_mtu(address),
    )  # low: largest size known to pass
    ident = next(_ids) & 0xFFFF
    with _socket(sc, address) as sock:
        return _bisect(sc, sock, address, ident, low, high, max_steps, timeout)


def _bisect(
    sc: Any, sock: Any, address: str, ident: int, low: int, high: int, max_steps: int, timeout: float
) -> PathMtu:
    v6 = is_ipv6(address)
    header = 48 if v6 else 28  # IP header + ICMP echo header
    best: int | None = None
    told = False
    size = high
    for step in range(1, max_steps + 1):
        probe = _echo_packet(sc, address, ident, step, size=size - header, df=True)
        try:
            reply = sock.sr1(probe, timeout=timeout)
        except OSError as exc:  # larger than our own interface allows
            if exc.errno != errno.EMSGSIZE:
                raise
            reply = None
            high = size - 1
        else:
            if reply is None:
                high = size - 1
            elif reply.haslayer(sc.ICMPv6PacketTooBig):
                high, told = min(size - 1, int(reply[sc.ICMPv6PacketTooBig].mtu)), True
            elif not v6 and reply.haslayer(sc.ICMP) and reply[sc.ICMP].type == 3 and reply[sc.ICMP].code == 4:
                high, told = min(size - 1, int(reply[sc.ICMP].nexthopmtu) or size - 1), True
            elif reply.haslayer(sc.ICMPv6EchoReply) or (reply.haslayer(sc.ICMP) and reply[sc.ICMP].type == 0):
                best = low = size
            else:
                high = size - 1
        if best is not None and best >= high:
            return PathMtu(best, step, told)
        if high <= low:
            return PathMtu(best, step, told)
        # after a router named the size, try exactly that; otherwise bisect
        size = high if (told and reply is not None and best is None) else (low + high + 1) // 2
    return PathMtu(best, max_steps, told)
