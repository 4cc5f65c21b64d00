"""Every alert's promtool unit test: the series that make it fire and those that must not.

Each case is one promtool test group: input series (1-minute steps), an evaluation time, the alerts
expected firing then (labels of the firing series plus the rule's own); every other series in the case
must not fire. Cases with ``before`` also check that nothing fires yet at that earlier time (the
alert's ``for:`` holds it pending). Annotations are expected as the rule's templates expand for the
expected labels, so promtool checks them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def itf(
    device: str, interface: str, tier: str = "1G", site: str = "city", level: str = "city"
) -> dict[str, str]:
    return {"device": device, "interface": interface, "site": site, "site_level": level, "tier": tier}


def dev(device: str, site: str = "county", level: str = "county") -> dict[str, str]:
    return {"device": device, "site": site, "site_level": level}


def series(name: str, labels: dict[str, str]) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return f"{name}{{{inner}}}"


@dataclass
class Case:
    alert: str
    severity: str
    inputs: list[tuple[str, dict[str, str], str]]  # metric, labels, promtool values
    at: str
    fires: list[dict[str, str]]  # labels of the firing alerts, without severity/card
    before: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


A, B = itf("a-core", "GigabitEthernet0/0/1"), itf("a-core", "GigabitEthernet0/0/2")
NOTIER = itf("a-core", "MEth0/0/1", tier="")
D1, D2 = dev("k-agg"), dev("t-acc", "town", "town")
CERT = {"serial": "1A2B", "subject": "CN=seal.example", "profile": "seal"}
CERT2 = {"serial": "3C4D", "subject": "CN=far.example", "profile": "server"}
DAY = 86400

CASES: list[Case] = [
    Case(
        "LinkDown",
        "critical",
        [
            ("govnet_interface_oper_up", A, "0x10"),
            ("govnet_interface_oper_up", B, "1x10"),
            ("govnet_interface_oper_up", NOTIER, "0x10"),
        ],
        "5m",
        [A],
        before="30s",
    ),
    Case(
        "LinkUtilisationHigh",
        "warning",
        [("govnet_link_utilisation_ratio", A, "0.85x30"), ("govnet_link_utilisation_ratio", B, "0.5x30")],
        "20m",
        [A],
        before="10m",
    ),
    Case(
        "LinkUtilisationHigh",
        "critical",
        [("govnet_link_utilisation_ratio", A, "0.97x30"), ("govnet_link_utilisation_ratio", B, "0.9x30")],
        "10m",
        [A],
        before="3m",
    ),
    Case(
        "LinkErrors",
        "warning",
        [
            ("govnet_interface_receive_errors_total", A, "0+300x30"),  # 5 errors a second
            ("govnet_interface_transmit_errors_total", A, "0x30"),
            ("govnet_interface_receive_errors_total", B, "0+6x30"),  # 0.1 a second: fine
            ("govnet_interface_transmit_errors_total", B, "0x30"),
        ],
        "20m",
        [A],
        before="8m",
    ),
    Case(
        "LinkBelowTier",
        "warning",
        [
            ("govnet_interface_speed_bytes_per_second", A, "12500000x20"),  # 100M on a 1G link
            ("govnet_link_tier_speed_bytes_per_second", A, "125000000x20"),
            ("govnet_interface_oper_up", A, "1x20"),
            ("govnet_interface_speed_bytes_per_second", B, "125000000x20"),
            ("govnet_link_tier_speed_bytes_per_second", B, "125000000x20"),
            ("govnet_interface_oper_up", B, "1x20"),
        ],
        "10m",
        [A],
        before="3m",
    ),
    Case(
        "OpticalPowerOutOfRange",
        "warning",
        [
            ("govnet_interface_optical_receive_power_dbm", A, "-28x20"),
            ("govnet_interface_optical_receive_power_dbm", B, "-6x20"),
        ],
        "10m",
        [A],
        before="3m",
    ),
    Case(
        "UplinkWithoutIPv6",
        "info",
        [("govnet_link_uplink_ipv6", A, "0x90"), ("govnet_link_uplink_ipv6", B, "1x90")],
        "70m",
        [A],
        before="50m",
    ),
    Case(
        "DeviceUnreachable",
        "critical",
        [("govnet_device_reachable", D1, "0x10"), ("govnet_device_reachable", D2, "1x10")],
        "5m",
        [D1],
        before="1m",
    ),
    Case(
        "SnmpPollFailing",
        "warning",
        [
            ("govnet_snmp_poll_success", D1, "0x20"),
            ("govnet_device_reachable", D1, "1x20"),
            ("govnet_snmp_poll_success", D2, "0x20"),  # silent: DeviceUnreachable's job, not this one's
            ("govnet_device_reachable", D2, "0x20"),
        ],
        "15m",
        [D1],
        before="5m",
    ),
    Case(
        "DeviceRestarted",
        "info",
        [("govnet_device_uptime_seconds", D1, "60+60x5"), ("govnet_device_uptime_seconds", D2, "86400+60x5")],
        "2m",
        [D1],
    ),
    Case(
        "DeviceCpuHigh",
        "warning",
        [("govnet_device_cpu_ratio", D1, "0.95x20"), ("govnet_device_cpu_ratio", D2, "0.5x20")],
        "15m",
        [D1],
        before="5m",
    ),
    Case(
        "DeviceMemoryHigh",
        "warning",
        [("govnet_device_memory_ratio", D1, "0.93x20"), ("govnet_device_memory_ratio", D2, "0.7x20")],
        "15m",
        [D1],
        before="5m",
    ),
    Case(
        "CablingDiffersFromInventory",
        "warning",
        [("govnet_device_lldp_mismatches", D1, "2x20"), ("govnet_device_lldp_mismatches", D2, "0x20")],
        "15m",
        [D1],
        before="5m",
    ),
    Case(
        "CollectorFallingBehind",
        "warning",
        [
            ("govnet_collector_cycle_duration_seconds", {"shard": "0/2"}, "400x30"),
            ("govnet_collector_interval_seconds", {"shard": "0/2"}, "300x30"),
            ("govnet_collector_cycle_duration_seconds", {"shard": "1/2"}, "120x30"),
            ("govnet_collector_interval_seconds", {"shard": "1/2"}, "300x30"),
        ],
        "20m",
        [{"shard": "0/2"}],
        before="10m",
    ),
    Case(
        "DevicePollStale",
        "warning",
        # D1 last polled at t=0 and never again; D2 polled every minute
        [
            ("govnet_snmp_last_poll_timestamp_seconds", D1, "0x40"),
            ("govnet_snmp_last_poll_timestamp_seconds", D2, "0+60x40"),
        ],
        "25m",
        [D1],
        before="17m",
    ),
    Case(
        "ComplianceFailure",
        "critical",
        [
            (
                "govnet_compliance_check_status",
                {"asset": "sg-city-core-1", "family": "access_control", "level": "3"},
                "0x5",
            ),
            (
                "govnet_compliance_check_status",
                {"asset": "sg-city-core-1", "family": "audit", "level": "3"},
                "1x5",
            ),
            ("govnet_compliance_check_status", {"asset": "town-sw", "family": "audit", "level": "2"}, "1x5"),
        ],
        "2m",
        [{"asset": "sg-city-core-1", "family": "access_control", "level": "3"}],
    ),
    Case(
        "ComplianceFailure",
        "warning",
        [
            ("govnet_compliance_check_status", {"asset": "town-sw", "family": "audit", "level": "2"}, "0x5"),
            (
                "govnet_compliance_check_status",
                {"asset": "town-sw", "family": "access_control", "level": "2"},
                "1x5",
            ),
        ],
        "2m",
        [{"asset": "town-sw", "family": "audit", "level": "2"}],
    ),
    Case(
        "ComplianceScanOverdue",
        "info",
        # evaluated at t=2m: the first asset was scanned 40 days before the epoch, the second 3 days
        [
            ("govnet_compliance_last_scan_timestamp_seconds", {"asset": "old"}, f"{-40 * DAY}x5"),
            ("govnet_compliance_last_scan_timestamp_seconds", {"asset": "fresh"}, f"{-3 * DAY}x5"),
        ],
        "2m",
        [{"asset": "old"}],
    ),
    Case(
        "CertificateExpiring",
        "warning",
        [
            ("govnet_pki_certificate_expiry_timestamp_seconds", CERT, f"{20 * DAY}x5"),
            ("govnet_pki_certificate_expiry_timestamp_seconds", CERT2, f"{45 * DAY}x5"),
        ],
        "2m",
        [CERT],
    ),
    Case(
        "CertificateExpiring",
        "critical",
        [
            ("govnet_pki_certificate_expiry_timestamp_seconds", CERT, f"{5 * DAY}x5"),
            ("govnet_pki_certificate_expiry_timestamp_seconds", CERT2, f"{20 * DAY}x5"),
        ],
        "2m",
        # within 7 days is within 30 too: the warning fires beside the critical (Alertmanager inhibits it)
        [CERT, {**CERT, "severity": "warning"}, {**CERT2, "severity": "warning"}],
    ),
    Case(
        "CrlPastNextUpdate",
        "critical",
        [
            ("govnet_pki_crl_next_update_timestamp_seconds", {"issuer": "CN=Old CA"}, "60x5"),
            ("govnet_pki_crl_next_update_timestamp_seconds", {"issuer": "CN=Good CA"}, f"{7 * DAY}x5"),
        ],
        "3m",
        [{"issuer": "CN=Old CA"}],
    ),
    Case(
        "SigningErrors",
        "warning",
        [
            ("govnet_signing_requests_total", {"operation": "sign", "result": "ok"}, "0+600x20"),
            ("govnet_signing_requests_total", {"operation": "sign", "result": "error"}, "0+120x20"),  # 17%
            ("govnet_signing_requests_total", {"operation": "verify", "result": "ok"}, "0+600x20"),
            ("govnet_signing_requests_total", {"operation": "verify", "result": "error"}, "0+6x20"),  # 1%
        ],
        "15m",
        [{"operation": "sign"}],
        before="4m",
    ),
    Case(
        "SigningSlow",
        "warning",
        [
            # sign: every request takes 0.5-1 s; verify: all under 5 ms
            *[
                ("govnet_signing_request_duration_seconds_bucket", {"operation": "sign", "le": le}, v)
                for le, v in (("0.005", "0x30"), ("0.5", "0x30"), ("1", "0+60x30"), ("+Inf", "0+60x30"))
            ],
            *[
                (
                    "govnet_signing_request_duration_seconds_bucket",
                    {"operation": "verify", "le": le},
                    "0+60x30",
                )
                for le in ("0.005", "0.5", "1", "+Inf")
            ],
        ],
        "20m",
        [{"operation": "sign"}],
        before="8m",
    ),
    Case(
        "Escalated",
        "critical",
        [
            (
                "ALERTS",
                {
                    "alertname": "LinkUtilisationHigh",
                    "alertstate": "firing",
                    "severity": "warning",
                    "card": "黄牌",
                    **A,
                },
                "1x300",
            ),
            (  # resolved after 3 hours: never escalated
                "ALERTS",
                {
                    "alertname": "LinkErrors",
                    "alertstate": "firing",
                    "severity": "warning",
                    "card": "黄牌",
                    **B,
                },
                "1x180 _x120",
            ),
        ],
        "4h30m",
        [{"escalated_from": "LinkUtilisationHigh", "alertstate": "firing", **A}],
        before="3h",
    ),
    Case(
        "Escalated",
        "warning",
        [
            (
                "ALERTS",
                {
                    "alertname": "UplinkWithoutIPv6",
                    "alertstate": "firing",
                    "severity": "info",
                    "card": "预警",
                    **A,
                },
                "1x1600",
            ),
            (
                "ALERTS",
                {
                    "alertname": "DeviceRestarted",
                    "alertstate": "firing",
                    "severity": "info",
                    "card": "预警",
                    **D1,
                },
                "1x30 _x1570",
            ),
        ],
        "25h",
        [{"escalated_from": "UplinkWithoutIPv6", "alertstate": "firing", **A}],
        extra={"interval": "1m"},
    ),
]
