"""Every metric govnet's exporter can expose: name, type, help, labels and the bound on its series.

One list, read by the collectors (help texts and label names), by docs/monitoring.md's test and by the
dashboard/rules test (every PromQL name must be here). Names follow Prometheus' conventions: base units
(seconds, bytes; speeds in bytes per second as promtool insists, x8 for the trade's bits), ratios
0..1, counters end in ``_total``.
"""

from __future__ import annotations

from dataclasses import dataclass

# label sets shared by families
ITF = ("device", "interface", "site", "site_level", "tier")
DEV = ("device", "site", "site_level")


@dataclass(frozen=True)
class Metric:
    name: str  # as exposed (a counter's name includes _total)
    kind: str  # counter | gauge | histogram | info
    help: str
    labels: tuple[str, ...]
    bound: str  # the cardinality bound, in words

    @property
    def family(self) -> str:
        """The name prometheus-client's metric family takes (counters without _total)."""
        return self.name.removesuffix("_total") if self.kind == "counter" else self.name


CATALOGUE: tuple[Metric, ...] = (
    # ---- interfaces and links (from the collector's latest poll, or a /probe poll)
    Metric(
        "govnet_interface_receive_bytes_total",
        "counter",
        "Octets received (ifHCInOctets, else ifInOctets).",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_transmit_bytes_total",
        "counter",
        "Octets sent (ifHCOutOctets, else ifOutOctets).",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_receive_errors_total",
        "counter",
        "Inbound packets with errors (ifInErrors).",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_transmit_errors_total",
        "counter",
        "Outbound packets with errors (ifOutErrors).",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_receive_discards_total",
        "counter",
        "Inbound packets discarded (ifInDiscards); /probe only.",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_transmit_discards_total",
        "counter",
        "Outbound packets discarded (ifOutDiscards); /probe only.",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_oper_up",
        "gauge",
        "1 when the interface is operationally up (ifOperStatus).",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_admin_up",
        "gauge",
        "1 when the interface is administratively up (ifAdminStatus).",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_speed_bytes_per_second",
        "gauge",
        "Negotiated speed (ifHighSpeed, else ifSpeed), bytes/s (x8 for bits/s).",
        ITF,
        "interfaces",
    ),
    Metric(
        "govnet_interface_optical_receive_power_dbm",
        "gauge",
        "Optical receive power of the port's module, dBm.",
        ITF,
        "optical ports",
    ),
    Metric(
        "govnet_interface_optical_transmit_power_dbm",
        "gauge",
        "Optical transmit power of the port's module, dBm.",
        ITF,
        "optical ports",
    ),
    Metric(
        "govnet_link_tier_speed_bytes_per_second",
        "gauge",
        "The speed the inventory link's tier promises (10G, 1G, 100M), bytes/s.",
        ITF,
        "inventory link ends (2 per link)",
    ),
    Metric(
        "govnet_link_utilisation_ratio",
        "gauge",
        "The busier direction's rate over the last poll interval, as a ratio of the tier.",
        ITF,
        "inventory link ends",
    ),
    Metric(
        "govnet_link_uplink_ipv6",
        "gauge",
        "1 when an uplink end has a global IPv6 address (dual stack), else 0.",
        ITF,
        "uplink ends",
    ),
    # ---- devices
    Metric(
        "govnet_device_reachable",
        "gauge",
        "1 when the device's agent answered the last poll at all (even with an error).",
        DEV,
        "devices",
    ),
    Metric(
        "govnet_snmp_poll_success",
        "gauge",
        "1 when the last SNMP poll of the device succeeded.",
        DEV,
        "devices",
    ),
    Metric(
        "govnet_snmp_poll_duration_seconds",
        "gauge",
        "How long the SNMP poll of the device took; /probe only.",
        DEV,
        "devices",
    ),
    Metric(
        "govnet_snmp_last_poll_timestamp_seconds",
        "gauge",
        "When the device was last polled (Unix time).",
        DEV,
        "devices",
    ),
    Metric(
        "govnet_device_uptime_seconds", "gauge", "The agent's sysUpTime at the last poll.", DEV, "devices"
    ),
    Metric(
        "govnet_device_cpu_ratio", "gauge", "CPU utilisation from the vendor's MIB, 0..1.", DEV, "devices"
    ),
    Metric(
        "govnet_device_memory_ratio",
        "gauge",
        "Memory utilisation from the vendor's MIB, 0..1.",
        DEV,
        "devices",
    ),
    Metric(
        "govnet_device_lldp_mismatches",
        "gauge",
        "Ports where LLDP hears another neighbour than the inventory's other end.",
        DEV,
        "devices",
    ),
    Metric(
        "govnet_device_info",
        "gauge",
        "Constant 1: the device's vendor and role.",
        (*DEV, "vendor", "role"),
        "devices",
    ),
    # ---- the collector itself
    Metric(
        "govnet_collector_cycle_duration_seconds",
        "gauge",
        "How long the last poll cycle of this process took.",
        ("shard",),
        "1 per process",
    ),
    Metric(
        "govnet_collector_interval_seconds",
        "gauge",
        "The interval the poll cycles should start at.",
        ("shard",),
        "1 per process",
    ),
    Metric(
        "govnet_collector_last_cycle_timestamp_seconds",
        "gauge",
        "When the last poll cycle of this process ended.",
        ("shard",),
        "1 per process",
    ),
    Metric(
        "govnet_collector_cycles_total",
        "counter",
        "Poll cycles run by this process.",
        ("shard",),
        "1 per process",
    ),
    Metric(
        "govnet_collector_targets",
        "gauge",
        "Devices this process polls (its shard of the inventory).",
        ("shard",),
        "1 per process",
    ),
    Metric(
        "govnet_collector_poll_errors_total",
        "counter",
        "Device polls that failed, by the failure's kind.",
        ("shard", "kind"),
        "14 kinds per process",
    ),
    Metric(
        "govnet_collector_devices_failing",
        "gauge",
        "Devices whose latest stored poll failed, by kind.",
        ("kind",),
        "14 kinds",
    ),
    # ---- compliance (the compliance area's rollup: the latest scan of each asset)
    Metric(
        "govnet_compliance_check_status",
        "gauge",
        "1 when every judged check of the family passed on the asset, 0 when one failed or could not run.",
        ("asset", "family", "level"),
        "assets x control families (~10)",
    ),
    Metric(
        "govnet_compliance_score",
        "gauge",
        "Share of the family's checks the asset passed, 0..1.",
        ("asset", "family"),
        "assets x control families",
    ),
    Metric(
        "govnet_compliance_failed_checks",
        "gauge",
        "Checks of the family that failed (outcome fail) or could not run (outcome error) on the asset.",
        ("asset", "family", "outcome"),
        "assets x control families x 2",
    ),
    Metric(
        "govnet_compliance_last_scan_timestamp_seconds",
        "gauge",
        "When the asset was last scanned.",
        ("asset",),
        "assets",
    ),
    # ---- PKI and e-seals
    Metric(
        "govnet_pki_certificate_expiry_timestamp_seconds",
        "gauge",
        "notAfter of a valid certificate (CAs always; others within the expiry window).",
        ("serial", "subject", "profile"),
        "CAs + certificates expiring within the window",
    ),
    Metric(
        "govnet_pki_certificates",
        "gauge",
        "Certificates in the store by profile and status.",
        ("profile", "status"),
        "profiles x 2",
    ),
    Metric(
        "govnet_pki_crl_next_update_timestamp_seconds",
        "gauge",
        "nextUpdate of each CA's newest CRL.",
        ("issuer",),
        "CAs",
    ),
    Metric(
        "govnet_signing_requests_total",
        "counter",
        "Sign and verify requests served, by result.",
        ("operation", "result"),
        "2 x results (~6)",
    ),
    Metric(
        "govnet_signing_request_duration_seconds",
        "histogram",
        "Latency of sign and verify requests.",
        ("operation",),
        "2 x buckets",
    ),
    # ---- /probe only
    Metric(
        "govnet_probe_success", "gauge", "1 when the /probe poll of the target succeeded.", (), "1 per probe"
    ),
)

BY_NAME = {m.name: m for m in CATALOGUE}


def metric(name: str) -> Metric:
    return BY_NAME[name]


def exposed_names() -> set[str]:
    """Every sample name the exporter can produce (histograms' _bucket/_sum/_count included)."""
    out: set[str] = set()
    for m in CATALOGUE:
        if m.kind == "histogram":
            out |= {f"{m.name}_bucket", f"{m.name}_sum", f"{m.name}_count"}
        else:
            out.add(m.name)
    return out
