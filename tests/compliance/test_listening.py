"""Listening services and high-risk ports, offline: real `ss` listings and /proc/net tables
(captured from sockets bound in a network namespace) parsed and judged against the port list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govnet.compliance.hosts import read_host
from govnet.compliance.listening import parse_proc_net, parse_ss, risky, risky_ports
from govnet.compliance.model import Outcome
from govnet.compliance.scan import run_check
from govnet.errors import InputError

LISTENING = Path(__file__).parent / "listening"
HOSTS = Path(__file__).parent / "hosts"
# what the namespace ran: sshd 22 (v4+v6), telnet 23, mysql 3306 on 0.0.0.0, redis 6379 on
# loopback (v4+v6), vnc 5900 on ::, tftp 69/udp, chronyd 323/udp on loopback, syslog 514/udp
BOUND = {
    ("tcp", "0.0.0.0", 22), ("tcp", "::", 22), ("tcp", "0.0.0.0", 23), ("tcp", "0.0.0.0", 3306),
    ("tcp", "127.0.0.1", 6379), ("tcp", "::1", 6379), ("tcp", "::", 5900), ("udp", "0.0.0.0", 69),
    ("udp", "127.0.0.1", 323), ("udp", "::1", 323), ("udp", "0.0.0.0", 514),
}  # fmt: skip
RISKY = {("tcp", 23, "telnet"), ("tcp", 3306, "mysql"), ("tcp", 5900, "vnc"), ("udp", 69, "tftp")}


def _risky(sockets):  # type: ignore[no-untyped-def]
    return {(s.proto, s.port, r.service) for s, r in risky(sockets)}


def test_ss_tlnup_gives_every_listening_socket_with_its_process() -> None:
    sockets = parse_ss((LISTENING / "ss-tlnup.txt").read_text(), "ss -tlnup")
    assert {(s.proto, s.address, s.port) for s in sockets} == BOUND
    assert {s.process for s in sockets} == {"python3"}
    telnet = next(s for s in sockets if s.port == 23)
    assert telnet.line == 9 and "0.0.0.0:23" in telnet.text
    assert _risky(sockets) == RISKY  # redis on loopback, syslog 514/udp and sshd are not findings


def test_ss_without_the_netid_column_and_sosreport_listings_parse_too() -> None:
    tcp_only = parse_ss((LISTENING / "ss-tln.txt").read_text(), "ss -tln")
    assert {(s.proto, s.address, s.port) for s in tcp_only} == {b for b in BOUND if b[0] == "tcp"}
    sos = LISTENING / "sos-root" / "sos_commands" / "networking" / "ss_-peaonmi"
    every = parse_ss(sos.read_text(), str(sos))  # netlink rows and indented skmem lines skipped
    assert {(s.proto, s.address, s.port) for s in every} == BOUND


def test_proc_net_tables_decode_little_endian_addresses_v4_and_v6() -> None:
    root = LISTENING / "proc-root" / "proc" / "net"
    sockets = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        sockets += parse_proc_net((root / table).read_text(), f"/proc/net/{table}")
    assert {(s.proto, s.address, s.port) for s in sockets} == BOUND
    assert _risky(sockets) == RISKY


def test_offline_roots_with_proc_net_or_a_sosreport_fail_and_quote_the_lines() -> None:
    j = run_check("host.listening-services", read_host(LISTENING / "proc-root"))
    assert j.outcome is Outcome.FAIL
    assert "telnet tcp/23 on 0.0.0.0" in j.reason and "mysql tcp/3306 on 0.0.0.0" in j.reason
    assert "redis" not in j.reason and j.evidence.note.startswith("read from /proc/net/tcp")
    assert any(text.startswith("/proc/net/tcp: ") and "00000000:0017" in text for _, text in j.evidence.lines)
    sos = run_check("host.listening-services", read_host(LISTENING / "sos-root"))
    assert sos.outcome is Outcome.FAIL and "vnc tcp/5900 on ::" in sos.reason


def test_an_offline_root_without_socket_data_is_not_applicable(tmp_path: Path) -> None:
    shutil.copytree(HOSTS / "hardened" / "etc", tmp_path / "etc")  # no proc/, no sos_commands/
    j = run_check("host.listening-services", read_host(tmp_path))
    assert j.outcome is Outcome.NOT_APPLICABLE and "over SSH" in j.evidence.note


def test_a_bad_port_list_names_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "ports.yaml"
    bad.write_text("anywhere:\n  - {ports: '23', proto: sctp, service: telnet}\n")
    with pytest.raises(InputError, match=r"anywhere\[0\]: bad entry"):
        risky_ports(bad)
    assert any(p.service == "rdp" and p.low == 3389 for p in risky_ports())
