"""Real agents' quirks, each reproduced in a small hand-written recording (``field/``, see its
SOURCES.md) served by snmpsim over UDP on 127.0.0.1 and polled with the collector's own poller.
Agents whose misbehaviour snmpsim cannot play (tooBig, OIDs going backwards) are a tiny UDP agent."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from collect_topology import Responder

from govnet import snmp_ber as ber
from govnet import snmp_oids as o
from govnet.collectors.snmp import parse
from govnet.collectors.snmp.findings import LinkEnd, LinkStatus, findings
from govnet.collectors.snmp.models import DevicePoll, PollTarget
from govnet.collectors.snmp.poller import PollOptions, poll_all
from govnet.collectors.snmp.session import FastSession

FIELD = Path(__file__).parent / "field"
OPTS = PollOptions(timeout=2.0, retries=1)


def _target(name: str, port: int, community: str | None = None, vendor: str | None = None) -> PollTarget:
    return PollTarget(
        name,
        SimpleNamespace(
            vendor=vendor,
            host="127.0.0.1",
            port=port,
            version="v2c",
            community=community or name,
            user=None,
            auth_protocol=None,
            auth_key=None,
            priv_protocol=None,
            priv_key=None,
        ),
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _answers(port: int, community: str) -> bool:
    session = FastSession("127.0.0.1", port, community, timeout=0.5, retries=0)
    try:
        await session.get([(*o.SYS_UPTIME, 0)])
        return True
    except Exception:
        return False
    finally:
        session.close()


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, DevicePoll]]:
    """snmpsim serving every recording in ``field/`` (community = file name); each polled once."""
    work = tmp_path_factory.mktemp("field-snmpsim")
    shutil.copytree(FIELD, work / "data", ignore=shutil.ignore_patterns("*.md"))
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "snmpsim-command-responder"),
            f"--data-dir={work / 'data'}",
            f"--cache-dir={work / 'cache'}",
            f"--agent-udpv4-endpoint=127.0.0.1:{port}",
            "--logging-method=null",
        ],
        env={**os.environ, "SNMPSIM_ALLOW_ROOT": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        names = sorted(p.stem for p in FIELD.glob("*.snmprec"))
        deadline = time.monotonic() + 120
        while not all(asyncio.run(_answers(port, n)) for n in names):
            assert proc.poll() is None, "snmpsim exited"
            assert time.monotonic() < deadline, "snmpsim did not answer"
            time.sleep(0.5)
        polls = asyncio.run(poll_all([_target(n, port) for n in names], OPTS))
        yield {p.device: p for p in polls}
    finally:
        proc.kill()
        proc.wait()


def _itf(poll: DevicePoll, name: str):  # type: ignore[no-untyped-def]
    itf = poll.interface(name)
    assert itf is not None, f"{poll.device} has no {name}: {[i.name for i in poll.interfaces]}"
    return itf


def test_every_field_recording_polls_without_error(field: dict[str, DevicePoll]) -> None:
    assert {n: str(p.error) for n, p in field.items() if not p.ok} == {}


def test_gbk_if_alias_and_crlf_sys_descr_read_as_text(field: dict[str, DevicePoll]) -> None:
    vrp = field["vrp_field"]
    assert _itf(vrp, "GigabitEthernet0/0/1").alias == "上行至韶关市政务外网核心"
    assert "\r" not in vrp.sys_descr and vrp.sys_descr.splitlines()[1].startswith("Huawei Versatile")


def test_virtual_interfaces_without_speed_are_unknown_not_zero(field: dict[str, DevicePoll]) -> None:
    vrp = field["vrp_field"]
    assert _itf(vrp, "Vlanif210").speed_mbps is None  # ifHighSpeed 0, ifSpeed 0
    assert _itf(vrp, "LoopBack1").speed_mbps is None
    assert _itf(vrp, "XGigabitEthernet0/0/1").speed_mbps == 10_000  # ifSpeed saturated, ifHighSpeed says
    assert _itf(vrp, "MEth0/0/1").speed_mbps == 100


def test_saturated_if_speed_without_ifxtable_is_unknown(field: dict[str, DevicePoll]) -> None:
    ios = field["ios_old"]
    ten = _itf(ios, "TenGigabitEthernet1/1/1")
    assert ten.speed_mbps is None  # 4294967295 bit/s means "more than this": not 4294 Mbit/s
    assert ten.oper_up is False  # lowerLayerDown(7) is down
    assert _itf(ios, "GigabitEthernet1/0/1").speed_mbps == 1000
    assert ten.counter_bits == 32 and ten.in_octets == 10149 * 7


def test_ipv6_only_in_cisco_ietf_ip_mib_is_read(field: dict[str, DevicePoll]) -> None:
    vlan = _itf(field["ios_old"], "Vlan1")
    assert vlan.ipv4 == ("10.2.2.2",)
    assert set(vlan.ipv6) == {"2001:db8:20::2", "fe80::2"}
    assert any("CISCO-IETF-IP-MIB" in n for n in field["ios_old"].notes)


def test_ipv6_only_in_deprecated_ipv6_mib_is_read(field: dict[str, DevicePoll]) -> None:
    eth0 = _itf(field["host_ipv6mib"], "eth0")
    assert eth0.ipv4 == ("192.0.2.5",)
    assert set(eth0.ipv6) == {"2001:db8:30::5", "fe80::5"}


def test_ip_address_table_ipv6_with_length_octet(field: dict[str, DevicePoll]) -> None:
    vrp = field["vrp_field"]
    assert _itf(vrp, "XGigabitEthernet0/0/1").ipv6 == ("2001:db8:10::1",)
    assert _itf(vrp, "Vlanif210").ipv4 == ("10.1.1.1",)


def test_missing_or_unknown_oper_status_is_unknown_not_down(field: dict[str, DevicePoll]) -> None:
    host = field["host_ipv6mib"]
    eth0, eth1 = _itf(host, "eth0"), _itf(host, "eth1")
    assert eth0.oper_up is None and eth0.admin_up is True  # no ifOperStatus row
    assert eth1.oper_up is None and eth1.admin_up is None  # ifOperStatus unknown(4), no ifAdminStatus
    assert eth1.speed_mbps is None
    assert _itf(host, "lo").oper_up is True
    assert any("without a usable ifOperStatus" in n for n in host.notes)


def test_comware_named_by_sys_descr_gets_h3c_health_and_optics(field: dict[str, DevicePoll]) -> None:
    hp = field["comware_h3c"]  # sysObjectID under Huawei-3Com's 2011.10, "Comware" in sysDescr, HH3C MIBs
    assert (hp.health.cpu_percent, hp.health.memory_percent) == (23.0, 61.0)
    xge = _itf(hp, "XGE1/0/49")
    assert (xge.optical_rx_dbm, xge.optical_tx_dbm) == (-3.5, None)  # TX 2147483647: no reading


def test_huge_ifindex_and_lldp_port_id_as_mac(field: dict[str, DevicePoll]) -> None:
    hp = field["comware_h3c"]
    ge = _itf(hp, "GigabitEthernet1/0/1")  # ifDescr finds it; ifName is GE1/0/1
    assert ge.ifindex == 1073741825 and ge.name == "GE1/0/1"
    (n,) = hp.lldp
    assert (n.local_port, n.local_ifindex) == ("GE1/0/1", 1073741825)  # lldpLocPortId is a MAC
    assert (n.remote_name, n.remote_port, n.remote_chassis) == (
        "sg-county-agg-1",
        "GigabitEthernet0/0/1",
        "3c:e5:a6:00:00:99",
    )


def test_lldp_local_port_numbers_that_are_not_ifindexes(field: dict[str, DevicePoll]) -> None:
    (n,) = field["vrp_field"].lldp  # VRP: lldpRemLocalPortNum 49 is XGigabitEthernet0/0/1 (ifIndex 54)
    assert (n.local_port, n.local_ifindex, n.remote_port) == ("XGigabitEthernet0/0/1", 54, "10GE1/0/42")


def test_old_ios_cpu_and_memory_pools(field: dict[str, DevicePoll]) -> None:
    ios = field["ios_old"]  # cpmCPUTotal5min only (no ...5minRev); Processor pool 30 of 100 MB
    assert (ios.health.cpu_percent, ios.health.memory_percent) == (7.0, 30.0)


def test_huawei_health_ignores_entities_without_a_cpu(field: dict[str, DevicePoll]) -> None:
    assert (field["vrp_field"].health.cpu_percent, field["vrp_field"].health.memory_percent) == (12.0, 48.0)


@pytest.mark.parametrize(
    ("object_id", "descr", "vendor"),
    [
        ("1.3.6.1.4.1.2011.2.23.291", "Huawei Versatile Routing Platform Software", "huawei_vrp"),
        ("1.3.6.1.4.1.25506.11.1.172", "HP Comware Platform Software, Version 7.1.045", "h3c_comware"),
        ("1.3.6.1.4.1.25506.1.244", "Hangzhou H3C Comware Platform Software", "h3c_comware"),
        ("1.3.6.1.4.1.2011.10.1.43", "Quidway S5624P: Comware Software, Version 3.10", "h3c_comware"),
        ("1.3.6.1.4.1.11.2.3.7.11.138", "HP J9774A 2530-8G-PoEP Switch, revision YA.16.11", None),  # ProCurve
        ("1.3.6.1.4.1.9.1.1208", "Cisco IOS Software, C2960X Software", "cisco_ios"),
        ("1.3.6.1.4.1.8072.3.2.10", "Linux gw 5.10.0", None),
        ("", "", None),
    ],
)
def test_vendor_from_sys_object_id_and_sys_descr(object_id: str, descr: str, vendor: str | None) -> None:
    assert parse.vendor_from_system(o.oid(object_id) if object_id else (), descr) == vendor


def test_text_decodes_utf8_gbk_and_stray_bytes() -> None:
    assert parse.text("政务外网".encode()) == "政务外网"
    assert parse.text("政务外网".encode("gbk")) == "政务外网"
    assert parse.text(b"\xff\xfe\x00") == "\xff\xfe"  # neither: Latin-1, never an exception
    assert parse.text(b"Vlanif1\x00\x00") == "Vlanif1"


@pytest.mark.parametrize(
    ("high", "speed", "mbps"),
    [
        (1000, 1_000_000_000, 1000),
        (0, 0, None),  # a VLAN interface: no speed, not 0
        (None, None, None),
        (0, 100_000_000, 100),  # ifHighSpeed 0 but ifSpeed given
        (None, 4_294_967_295, None),  # saturated ifSpeed, no ifHighSpeed: faster than 4.29 G, unknown
        (0, 64_000, 1),
        (40_000, 4_294_967_295, 40_000),
    ],
)
def test_speed_from_if_high_speed_and_if_speed(high: int | None, speed: int | None, mbps: int | None) -> None:
    assert parse.speed_mbps(high, speed) == mbps


def _end(interface: str, tier_mbps: int = 1000) -> LinkEnd:
    return LinkEnd("L1", "d", interface, "p", "Gi0/1", tier_mbps, "1G", "peer")


def test_unknown_state_or_speed_is_a_warning_not_down_or_below_tier() -> None:
    unknown_state = LinkStatus(_end("e0"), True, oper_up=None, admin_up=True, speed_mbps=1000)
    unknown_speed = LinkStatus(_end("e1"), True, oper_up=True, admin_up=True, speed_mbps=None)
    down = LinkStatus(_end("e2"), True, oper_up=False, admin_up=None, speed_mbps=None)
    statuses = [unknown_state, unknown_speed, down]
    found = {(f.rule, f.interface, f.severity.value) for f in findings([], {}, statuses)}
    assert found == {
        ("link.unknown-state", "e0", "warning"),
        ("link.unknown-state", "e1", "warning"),
        ("link.down", "e2", "error"),
    }


# ---------------------------------------------------------------- agents snmpsim cannot play

SYS = [
    ((*o.SYS_DESCR, 0), ber.OCTET_STRING, b"quirky"),
    ((*o.SYS_OBJECT_ID, 0), ber.OBJECT_IDENTIFIER, (1, 3, 6, 1, 4, 1, 8072, 3, 2, 10)),
    ((*o.SYS_UPTIME, 0), ber.TIMETICKS, 100),
    ((*o.SYS_NAME, 0), ber.OCTET_STRING, b"quirky"),
    ((1, 3, 6, 1, 2, 1, 2, 1, 0), ber.INTEGER, 40),
]


def _if_rows(n: int) -> list[tuple[tuple[int, ...], int, object]]:
    rows: list[tuple[tuple[int, ...], int, object]] = []
    for i in range(1, n + 1):
        rows += [
            ((*o.IF_ENTRY, 2, i), ber.OCTET_STRING, f"eth{i}".encode()),
            ((*o.IF_ENTRY, 8, i), ber.INTEGER, 1),
        ]
    return rows


class QuirkyAgent(Responder):
    """A v2c agent on 127.0.0.1 serving a fixed table, with the quirks of real ones: ``max_varbinds``
    (answers tooBig past it) and ``backwards`` (OID -> the earlier OID it returns as its successor)."""

    def __init__(self, rows: list, max_varbinds: int = 10_000, backwards: dict | None = None) -> None:  # type: ignore[type-arg]
        self.rows = sorted(rows)
        self.keys = [r[0] for r in self.rows]
        self.max_varbinds, self.backwards = max_varbinds, backwards or {}
        self.too_big = 0
        super().__init__(self._answer)

    def _next(self, oid: tuple[int, ...]) -> tuple[tuple[int, ...], int, object]:
        if oid in self.backwards:
            return next(r for r in self.rows if r[0] == self.backwards[oid])
        i = bisect_right(self.keys, oid)
        return self.rows[i] if i < len(self.rows) else (oid, ber.END_OF_MIB_VIEW, None)

    def _answer(self, data: bytes) -> bytes:
        start, end = ber.expect(data, 0, ber.SEQUENCE)
        _, e = ber.expect(data, start, ber.INTEGER, end)
        _, e = ber.expect(data, e, ber.OCTET_STRING, end)
        pdu = ber.decode_pdu(data, e, end)
        found: list[tuple[tuple[int, ...], int, object]] = []
        if pdu.pdu_type == ber.GET_REQUEST:
            table = {r[0]: r for r in self.rows}
            found = [table.get(x, (x, ber.NO_SUCH_OBJECT, None)) for x in pdu.oids]
        else:  # GETBULK: error_index holds max-repetitions
            cursors = list(pdu.oids)
            for _ in range(max(1, pdu.error_index)):
                for k, cursor in enumerate(cursors):
                    row = self._next(cursor)
                    found.append(row)
                    cursors[k] = row[0]
        status = 0
        if len(found) > self.max_varbinds:
            self.too_big += 1
            status, found = 1, []
        varbinds = b"".join(
            ber.encode_varbind(ber.encode_oid(x), ber.encode_value(tag, v)) for x, tag, v in found
        )
        answer = ber.encode_pdu(ber.RESPONSE, pdu.request_id, status, 0, varbinds)
        return ber.tlv(ber.SEQUENCE, ber.encode_integer(1) + ber.encode_octets(b"public") + answer)


def _poll(agent: QuirkyAgent) -> DevicePoll:
    (poll,) = asyncio.run(poll_all([_target("quirky", agent.port, "public")], OPTS))
    return poll


def test_agent_answering_too_big_is_asked_for_fewer_rows() -> None:
    agent = QuirkyAgent(SYS + _if_rows(40), max_varbinds=12)
    try:
        poll = _poll(agent)
    finally:
        agent.close()
    assert poll.ok, poll.error
    assert agent.too_big > 0
    assert [i.name for i in poll.interfaces] == [f"eth{i}" for i in range(1, 41)]
    assert all(i.oper_up for i in poll.interfaces)


def test_column_whose_oids_go_backwards_ends_there_and_the_poll_goes_on() -> None:
    descr5, descr2 = (*o.IF_ENTRY, 2, 5), (*o.IF_ENTRY, 2, 2)
    agent = QuirkyAgent(SYS + _if_rows(8), backwards={descr5: descr2})
    try:
        poll = _poll(agent)
    finally:
        agent.close()
    assert poll.ok, poll.error
    assert [i.ifindex for i in poll.interfaces] == [1, 2, 3, 4, 5]  # ifDescr stopped after .5
    assert any("not increasing" in n for n in poll.notes)
