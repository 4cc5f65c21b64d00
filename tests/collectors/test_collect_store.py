"""The poller's history in the store (SQLite and PostgreSQL): latest, 5-minute rollups, findings."""

from __future__ import annotations

from govnet.collectors.snmp import store as history
from govnet.collectors.snmp.derive import InterfaceRate, interface_rates
from govnet.collectors.snmp.findings import Finding
from govnet.collectors.snmp.models import DevicePoll, ErrorKind, InterfaceSample, PollError
from govnet.inventory.problems import Severity
from govnet.store import Store

T0 = 1_800_000_000.0  # a bucket boundary (divisible by 300)


def _poll(at: float, octets: int, uptime: int = 100_000) -> DevicePoll:
    itf = InterfaceSample(
        2,
        "GE0/0/1",
        "GigabitEthernet0/0/1",
        "to county",
        6,
        True,
        True,
        1000,
        octets,
        octets,
        64,
        ipv6=("2001:db8::1",),
    )
    return DevicePoll("r1", "127.0.0.1:161", at, uptime_ticks=uptime, interfaces=(itf,))


def _rate(bps: float) -> InterfaceRate:
    return InterfaceRate("r1", "GE0/0/1", 2, 60.0, bps, bps / 2, 1000)


def test_rollups_keep_mean_and_max_per_five_minutes(collect_store: Store) -> None:
    finding = Finding(
        "uplink.no-ipv6", Severity.ERROR, "r1", "GE0/0/1", "L1", "uplink without a global IPv6 address"
    )
    history.save_run(collect_store, [_poll(T0, 1000)], [_rate(10e6)], [finding], T0 + 10)
    history.save_run(collect_store, [_poll(T0 + 60, 2000)], [_rate(30e6)], [], T0 + 70)
    history.save_run(collect_store, [_poll(T0 + 300, 3000)], [_rate(5e6)], [], T0 + 310)
    rolled = history.rollups(collect_store, "r1", "GE0/0/1", since=T0)
    assert [(r.bucket, r.samples, r.in_mean, r.in_max, r.out_max) for r in rolled] == [
        (int(T0), 2, 20e6, 30e6, 15e6),
        (int(T0) + 300, 1, 5e6, 5e6, 2.5e6),
    ]
    assert history.rollups(collect_store, "r1", since=T0 + 300) == rolled[1:]
    assert history.current_findings(collect_store) == []  # replaced by the later runs' (none)
    (latest,) = history.latest_interfaces(collect_store, "r1")
    assert latest["in_octets"] == "3000" and latest["ipv6"] == "2001:db8::1" and latest["in_bps"] == 5e6


def test_rollups_older_than_30_days_are_pruned(collect_store: Store) -> None:
    history.save_run(collect_store, [_poll(T0, 1)], [_rate(1e6)], [], T0)
    history.save_run(collect_store, [_poll(T0 + 31 * 86400, 2)], [_rate(2e6)], [], T0 + 31 * 86400)
    assert [r.in_max for r in history.rollups(collect_store, "r1")] == [2e6]


def test_findings_and_failures_are_kept_per_device(collect_store: Store) -> None:
    finding = Finding("link.down", Severity.ERROR, "r1", "GE0/0/1", "L1", "interface down (link)")
    history.save_run(collect_store, [_poll(T0, 1)], [], [finding], T0)
    failed = DevicePoll(
        "r2", "127.0.0.1:1161", T0, error=PollError(ErrorKind.WRONG_DIGEST, "Wrong SNMP PDU digest")
    )
    history.save_run(collect_store, [failed], [], [], T0 + 60)  # r2's run leaves r1's findings alone
    assert [(f["device"], f["rule"]) for f in history.current_findings(collect_store)] == [
        ("r1", "link.down")
    ]
    devices = {d["device"]: d for d in history.latest_devices(collect_store)}
    assert devices["r2"]["error_kind"] == "wrong-digest" and not devices["r2"]["ok"] and devices["r1"]["ok"]


def test_rates_derive_from_the_stored_previous_poll(collect_store: Store) -> None:
    """A poller run by cron (--once each time) still gets rates: the previous poll comes from the store."""
    history.save_run(collect_store, [_poll(T0, 1_000_000, uptime=100_000)], [], [], T0)
    previous = history.previous_polls(collect_store, ["r1"])["r1"]
    (rate,) = interface_rates(previous, _poll(T0 + 60, 8_500_000, uptime=106_000))
    assert rate.in_bps == 7_500_000 * 8 / 60 and rate.note == ""


def test_unknown_state_and_speed_are_stored_as_unknown(collect_store: Store) -> None:
    itf = InterfaceSample(67, "Vlanif210", "Vlanif210", "", 53, None, None, None, 5, 6, 64)
    poll = DevicePoll("r2", "127.0.0.1:161", T0, uptime_ticks=1, interfaces=(itf,))
    rate = InterfaceRate("r2", "Vlanif210", 67, 60.0, 8e3, 4e3, None)
    history.save_run(collect_store, [poll], [rate], [], T0 + 10)
    (row,) = history.latest_interfaces(collect_store, "r2")
    assert (row["admin_up"], row["oper_up"], row["speed_mbps"]) == (None, None, None)
    (again,) = history.previous_polls(collect_store, ["r2"])["r2"].interfaces
    assert (again.admin_up, again.oper_up, again.speed_mbps) == (None, None, None)
    (rolled,) = history.rollups(collect_store, "r2")
    assert rolled.speed_mbps is None and rolled.in_max == 8e3


def test_a_version_1_store_upgrades_to_nullable_interface_state(store_url: str) -> None:
    from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, insert

    from govnet.collectors.schema import snmp_devices, snmp_findings, snmp_rollups
    from govnet.store import schema_version

    old = MetaData()
    Table(
        "snmp_interfaces",
        old,
        Column("device", String(128), primary_key=True),
        Column("ifindex", Integer, primary_key=True),
        Column("name", String(128), nullable=False),
        Column("oper_up", Boolean, nullable=False),
        Column("speed_mbps", Integer, nullable=False),
    )
    for table in (snmp_devices, snmp_rollups, snmp_findings):
        table.to_metadata(old)
    with Store.open(store_url, migrate=False) as raw, raw.begin() as conn:
        schema_version.create(conn, checkfirst=True)
        old.create_all(conn)
        conn.execute(insert(schema_version).values(component="collectors", version=1))
        conn.execute(
            insert(old.tables["snmp_interfaces"]).values(
                device="r", ifindex=1, name="x", oper_up=True, speed_mbps=1
            )
        )
    with Store.open(store_url) as store:
        assert store.versions()["collectors"] == 2
        itf = InterfaceSample(1, "x", "x", "", 6, None, None, None, None, None, 32)
        history.save_run(store, [DevicePoll("r", "a", T0, interfaces=(itf,))], [], [], T0)
        assert [r["oper_up"] for r in history.latest_interfaces(store, "r")] == [None]
