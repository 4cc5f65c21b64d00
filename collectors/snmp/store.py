"""The poller's history in govnet's store, and the read API monitoring and compliance call.

Write side: ``save_run`` keeps each device's and interface's latest poll, folds rates into 5-minute
rollups (max and mean per interface), replaces the polled devices' findings, and prunes rollups
older than ``RETENTION_S`` (30 days). Read side: ``latest_devices``, ``latest_interfaces``,
``rollups``, ``current_findings``, and ``previous_polls`` (so that a poller run by cron with
``--once`` still derives rates from the run before). The same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from govnet.collectors.schema import snmp_devices, snmp_findings, snmp_interfaces, snmp_rollups
from govnet.collectors.snmp.derive import InterfaceRate
from govnet.collectors.snmp.findings import Finding
from govnet.collectors.snmp.models import DevicePoll, InterfaceSample
from govnet.store import Store

BUCKET_S = 300
RETENTION_S = 30 * 86400


def _num(text: str | None) -> int | None:
    return int(text) if text not in (None, "") else None


def _txt(value: int | None) -> str | None:
    return None if value is None else str(value)


def save_run(
    store: Store,
    polls: Iterable[DevicePoll],
    rates: Iterable[InterfaceRate],
    found: Iterable[Finding],
    now: float,
) -> None:
    polls = list(polls)
    by_key = {(r.device, r.ifindex): r for r in rates}
    names = [p.device for p in polls]
    with store.begin() as conn:
        conn.execute(delete(snmp_devices).where(snmp_devices.c.device.in_(names)))
        conn.execute(delete(snmp_findings).where(snmp_findings.c.device.in_(names)))
        for poll in polls:
            conn.execute(
                insert(snmp_devices).values(
                    device=poll.device,
                    address=poll.address,
                    polled_at=poll.at,
                    ok=poll.ok,
                    error_kind=poll.error.kind.value if poll.error else None,
                    error_detail=poll.error.detail if poll.error else None,
                    sys_name=poll.sys_name,
                    sys_descr=poll.sys_descr,
                    uptime_ticks=poll.uptime_ticks,
                    cpu_percent=poll.health.cpu_percent,
                    memory_percent=poll.health.memory_percent,
                    notes="\n".join(poll.notes),
                )
            )
            if not poll.ok:
                continue  # keep the last good interface rows: the next good poll derives from them
            conn.execute(delete(snmp_interfaces).where(snmp_interfaces.c.device == poll.device))
            rows = []
            for itf in poll.interfaces:
                rate = by_key.get((poll.device, itf.ifindex))
                rows.append(
                    {
                        "device": poll.device,
                        "ifindex": itf.ifindex,
                        "name": itf.name,
                        "alias": itf.alias,
                        "polled_at": poll.at,
                        "admin_up": itf.admin_up,
                        "oper_up": itf.oper_up,
                        "speed_mbps": itf.speed_mbps,
                        "in_octets": _txt(itf.in_octets),
                        "out_octets": _txt(itf.out_octets),
                        "counter_bits": itf.counter_bits,
                        "in_bps": rate.in_bps if rate else None,
                        "out_bps": rate.out_bps if rate else None,
                        "rate_note": rate.note if rate else "",
                        "in_errors": _txt(itf.in_errors),
                        "out_errors": _txt(itf.out_errors),
                        "ipv4": " ".join(itf.ipv4),
                        "ipv6": " ".join(itf.ipv6),
                        "optical_rx_dbm": itf.optical_rx_dbm,
                        "optical_tx_dbm": itf.optical_tx_dbm,
                    }
                )
            if rows:
                conn.execute(insert(snmp_interfaces), rows)
        for rate in by_key.values():
            if rate.in_bps is None or rate.out_bps is None:
                continue
            _fold(conn, rate, now)
        finding_rows = [
            {
                "found_at": now,
                "device": f.device,
                "interface": f.interface,
                "link": f.link,
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
            }
            for f in found
            if f.device in names
        ]
        if finding_rows:
            conn.execute(insert(snmp_findings), finding_rows)
        conn.execute(delete(snmp_rollups).where(snmp_rollups.c.bucket < now - RETENTION_S))


def _fold(conn: Any, rate: InterfaceRate, now: float) -> None:
    assert rate.in_bps is not None and rate.out_bps is not None
    bucket = int(now // BUCKET_S * BUCKET_S)
    key = and_(
        snmp_rollups.c.device == rate.device,
        snmp_rollups.c.interface == rate.interface,
        snmp_rollups.c.bucket == bucket,
    )
    row = conn.execute(select(snmp_rollups).where(key)).first()
    if row is None:
        conn.execute(
            insert(snmp_rollups).values(
                device=rate.device,
                interface=rate.interface,
                bucket=bucket,
                samples=1,
                in_sum=rate.in_bps,
                in_max=rate.in_bps,
                out_sum=rate.out_bps,
                out_max=rate.out_bps,
                speed_mbps=rate.speed_mbps or 0,
            )
        )
        return
    conn.execute(
        update(snmp_rollups)
        .where(key)
        .values(
            samples=row.samples + 1,
            in_sum=row.in_sum + rate.in_bps,
            in_max=max(row.in_max, rate.in_bps),
            out_sum=row.out_sum + rate.out_bps,
            out_max=max(row.out_max, rate.out_bps),
            speed_mbps=rate.speed_mbps or 0,
        )
    )


# ---------------------------------------------------------------- read API


@dataclass(frozen=True)
class Rollup:
    device: str
    interface: str
    bucket: int  # start, seconds since the epoch
    samples: int
    in_mean: float
    in_max: float
    out_mean: float
    out_max: float
    speed_mbps: int | None  # None: the agent gave no speed

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def latest_devices(store: Store) -> list[dict[str, Any]]:
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(snmp_devices).order_by(snmp_devices.c.device))]


def latest_interfaces(store: Store, device: str | None = None) -> list[dict[str, Any]]:
    query = select(snmp_interfaces).order_by(snmp_interfaces.c.device, snmp_interfaces.c.ifindex)
    if device is not None:
        query = query.where(snmp_interfaces.c.device == device)
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def rollups(
    store: Store, device: str, interface: str | None = None, *, since: float = 0, until: float | None = None
) -> list[Rollup]:
    """5-minute rollups of one device (one interface) whose buckets start in [since, until)."""
    query = select(snmp_rollups).where(snmp_rollups.c.device == device, snmp_rollups.c.bucket >= since)
    if interface is not None:
        query = query.where(snmp_rollups.c.interface == interface)
    if until is not None:
        query = query.where(snmp_rollups.c.bucket < until)
    with store.connect() as conn:
        rows = conn.execute(query.order_by(snmp_rollups.c.interface, snmp_rollups.c.bucket)).all()
    return [
        Rollup(
            r.device,
            r.interface,
            r.bucket,
            r.samples,
            r.in_sum / r.samples,
            r.in_max,
            r.out_sum / r.samples,
            r.out_max,
            r.speed_mbps or None,
        )
        for r in rows
    ]


def current_findings(store: Store, device: str | None = None) -> list[dict[str, Any]]:
    query = select(snmp_findings).order_by(snmp_findings.c.device, snmp_findings.c.rule, snmp_findings.c.id)
    if device is not None:
        query = query.where(snmp_findings.c.device == device)
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def previous_polls(store: Store, devices: Iterable[str]) -> dict[str, DevicePoll]:
    """The last good poll of each device as stored (counters and uptime: enough to derive rates)."""
    names = list(devices)
    out: dict[str, DevicePoll] = {}
    with store.connect() as conn:
        itf_rows = conn.execute(select(snmp_interfaces).where(snmp_interfaces.c.device.in_(names))).all()
        dev_rows = conn.execute(select(snmp_devices).where(snmp_devices.c.device.in_(names))).all()
    by_device: dict[str, list[InterfaceSample]] = {}
    at: dict[str, float] = {}
    for r in itf_rows:
        at[r.device] = r.polled_at
        by_device.setdefault(r.device, []).append(
            InterfaceSample(
                ifindex=r.ifindex,
                name=r.name,
                descr=r.name,
                alias=r.alias,
                if_type=0,
                admin_up=r.admin_up,
                oper_up=r.oper_up,
                speed_mbps=r.speed_mbps,
                in_octets=_num(r.in_octets),
                out_octets=_num(r.out_octets),
                counter_bits=r.counter_bits,
            )
        )
    uptime = {r.device: (r.uptime_ticks, r.polled_at, r.ok, r.address) for r in dev_rows}
    for device, samples in by_device.items():
        ticks, polled_at, ok, address = uptime.get(device, (None, at[device], True, ""))
        if not ok or polled_at != at[device]:
            # the device's latest poll failed: its uptime belongs to no counters we hold
            ticks = None
        out[device] = DevicePoll(
            device, address, at[device], uptime_ticks=ticks, interfaces=tuple(samples), error=None
        )
    return out
