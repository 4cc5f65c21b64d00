"""Metric families for interfaces, links and devices, from the collector's stored results or from one
fresh poll (``/probe``): the same rows either way, so both paths expose the same names and labels."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from govnet.collectors.snmp.findings import global_ipv6
from govnet.collectors.snmp.models import DevicePoll, InterfaceSample
from govnet.monitor.catalogue import metric
from govnet.monitor.topology import Topology

# failures where the agent never answered; any other failure means it is reachable but unhappy
_SILENT = {"timeout", "unreachable", "config"}
_LLDP_MISMATCH = "lldp.miscabled"


@dataclass(frozen=True)
class InterfaceRow:
    device: str
    name: str
    admin_up: bool | None  # None: the agent did not say
    oper_up: bool | None
    speed_mbps: int | None  # None: the agent gives no speed
    in_octets: int | None = None
    out_octets: int | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    in_discards: int | None = None
    out_discards: int | None = None
    in_bps: float | None = None
    out_bps: float | None = None
    ipv6: tuple[str, ...] = ()  # global addresses only
    optical_rx_dbm: float | None = None
    optical_tx_dbm: float | None = None


@dataclass(frozen=True)
class DeviceRow:
    device: str
    ok: bool
    error_kind: str | None
    polled_at: float
    uptime_ticks: int | None = None
    cpu_percent: float | None = None
    memory_percent: float | None = None
    lldp_mismatches: int = 0
    duration_s: float | None = None  # known for a /probe poll only

    @property
    def reachable(self) -> bool:
        return self.ok or self.error_kind not in _SILENT


def _int(text: Any) -> int | None:
    return None if text in (None, "") else int(text)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _global(addresses: Iterable[str]) -> tuple[str, ...]:
    sample = InterfaceSample(0, "", "", "", 0, False, False, 0, None, None, 64, ipv6=tuple(addresses))
    return tuple(global_ipv6(sample))


def interface_from_store(row: dict[str, Any]) -> InterfaceRow:
    return InterfaceRow(
        row["device"],
        row["name"],
        _bool(row["admin_up"]),
        _bool(row["oper_up"]),
        _int(row["speed_mbps"]),
        _int(row["in_octets"]),
        _int(row["out_octets"]),
        _int(row["in_errors"]),
        _int(row["out_errors"]),
        None,  # the store keeps no discards
        None,
        row["in_bps"],
        row["out_bps"],
        _global((row["ipv6"] or "").split()),
        row["optical_rx_dbm"],
        row["optical_tx_dbm"],
    )


def interface_from_sample(device: str, s: InterfaceSample) -> InterfaceRow:
    return InterfaceRow(
        device,
        s.name,
        s.admin_up,
        s.oper_up,
        s.speed_mbps,
        s.in_octets,
        s.out_octets,
        s.in_errors,
        s.out_errors,
        s.in_discards,
        s.out_discards,
        None,  # a single poll has no rate: PromQL's rate() over the counters gives it
        None,
        _global(s.ipv6),
        s.optical_rx_dbm,
        s.optical_tx_dbm,
    )


def device_from_store(row: dict[str, Any], lldp_mismatches: int = 0) -> DeviceRow:
    return DeviceRow(
        row["device"],
        bool(row["ok"]),
        row["error_kind"],
        float(row["polled_at"]),
        row["uptime_ticks"],
        row["cpu_percent"],
        row["memory_percent"],
        lldp_mismatches,
    )


def device_from_poll(poll: DevicePoll, lldp_mismatches: int, duration_s: float) -> DeviceRow:
    return DeviceRow(
        poll.device,
        poll.ok,
        poll.error.kind.value if poll.error else None,
        poll.at,
        poll.uptime_ticks,
        poll.health.cpu_percent,
        poll.health.memory_percent,
        lldp_mismatches,
        duration_s,
    )


def lldp_mismatch_counts(findings: Iterable[Any]) -> dict[str, int]:
    """Findings (dicts from the store or ``Finding`` objects) -> miscabled ports per device."""
    out: dict[str, int] = {}
    for f in findings:
        rule, device = (f["rule"], f["device"]) if isinstance(f, dict) else (f.rule, f.device)
        if rule == _LLDP_MISMATCH:
            out[device] = out.get(device, 0) + 1
    return out


def _gauge(name: str) -> GaugeMetricFamily:
    m = metric(name)
    return GaugeMetricFamily(m.name, m.help, labels=list(m.labels))


def _counter(name: str) -> CounterMetricFamily:
    m = metric(name)
    return CounterMetricFamily(m.family, m.help, labels=list(m.labels))


def interface_families(rows: Iterable[InterfaceRow], topo: Topology) -> Iterator[Metric]:
    rx, tx = (
        _counter("govnet_interface_receive_bytes_total"),
        _counter("govnet_interface_transmit_bytes_total"),
    )
    rx_err = _counter("govnet_interface_receive_errors_total")
    tx_err = _counter("govnet_interface_transmit_errors_total")
    rx_dis = _counter("govnet_interface_receive_discards_total")
    tx_dis = _counter("govnet_interface_transmit_discards_total")
    oper, admin = _gauge("govnet_interface_oper_up"), _gauge("govnet_interface_admin_up")
    speed = _gauge("govnet_interface_speed_bytes_per_second")
    opt_rx = _gauge("govnet_interface_optical_receive_power_dbm")
    opt_tx = _gauge("govnet_interface_optical_transmit_power_dbm")
    tier = _gauge("govnet_link_tier_speed_bytes_per_second")
    util = _gauge("govnet_link_utilisation_ratio")
    ipv6 = _gauge("govnet_link_uplink_ipv6")
    for r in rows:
        labels, end = topo.locate(r.device, r.name)
        for family, value in (
            (rx, r.in_octets),
            (tx, r.out_octets),
            (rx_err, r.in_errors),
            (tx_err, r.out_errors),
            (rx_dis, r.in_discards),
            (tx_dis, r.out_discards),
            (opt_rx, r.optical_rx_dbm),
            (opt_tx, r.optical_tx_dbm),
        ):
            if value is not None:
                family.add_metric(labels, value)
        # an unknown is left out of the series, never exported as 0 ("down", "no speed")
        if r.oper_up is not None:
            oper.add_metric(labels, 1 if r.oper_up else 0)
        if r.admin_up is not None:
            admin.add_metric(labels, 1 if r.admin_up else 0)
        if r.speed_mbps is not None:
            speed.add_metric(labels, r.speed_mbps * 1e6 / 8)
        if end is None:
            continue
        tier_bps = end.tier_mbps * 1e6
        tier.add_metric(labels, tier_bps / 8)
        if r.in_bps is not None and r.out_bps is not None:
            util.add_metric(labels, max(r.in_bps, r.out_bps) / tier_bps)
        if end.purpose == "uplink":
            ipv6.add_metric(labels, 1 if r.ipv6 else 0)
    yield from (rx, tx, rx_err, tx_err, rx_dis, tx_dis, oper, admin, speed, opt_rx, opt_tx, tier, util, ipv6)


def device_families(rows: Iterable[DeviceRow], topo: Topology) -> Iterator[Metric]:
    reachable, success = _gauge("govnet_device_reachable"), _gauge("govnet_snmp_poll_success")
    duration = _gauge("govnet_snmp_poll_duration_seconds")
    last = _gauge("govnet_snmp_last_poll_timestamp_seconds")
    uptime, cpu = _gauge("govnet_device_uptime_seconds"), _gauge("govnet_device_cpu_ratio")
    memory, lldp = _gauge("govnet_device_memory_ratio"), _gauge("govnet_device_lldp_mismatches")
    info = _gauge("govnet_device_info")
    for r in rows:
        facts = topo.device(r.device)
        labels = facts.labels()
        reachable.add_metric(labels, 1 if r.reachable else 0)
        success.add_metric(labels, 1 if r.ok else 0)
        last.add_metric(labels, r.polled_at)
        info.add_metric([*labels, facts.vendor, facts.role], 1)
        if r.duration_s is not None:
            duration.add_metric(labels, r.duration_s)
        if not r.ok:
            continue  # a failed poll knows no uptime, health or neighbours: absent, not zero
        if r.uptime_ticks is not None:
            uptime.add_metric(labels, r.uptime_ticks / 100)
        if r.cpu_percent is not None:
            cpu.add_metric(labels, r.cpu_percent / 100)
        if r.memory_percent is not None:
            memory.add_metric(labels, r.memory_percent / 100)
        lldp.add_metric(labels, r.lldp_mismatches)
    yield from (reachable, success, duration, last, uptime, cpu, memory, lldp, info)
