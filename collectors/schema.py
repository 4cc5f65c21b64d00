"""The collectors' tables (store component ``"collectors"``) and their forward migrations.

Version 1: the SNMP poller's latest state per device and interface, 5-minute rollups per interface
(kept 30 days), and the latest findings. Version 2: an interface's admin/oper state and speed may
be unknown (NULL) — real agents leave them out; ``snmp_interfaces`` holds only the latest sample, so
it is made again (the next poll refills it; one interval's rates are lost).

Importing this module registers the component with ``govnet.store``; every module that reads or
writes these tables imports them from here.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, Integer, String, Table, Text
from sqlalchemy.engine import Connection

from govnet.store import create_tables, metadata, register_migrations

COMPONENT = "collectors"

# One row per device: its last poll (times are seconds since the epoch, UTC).
snmp_devices = Table(
    "snmp_devices",
    metadata,
    Column("device", String(128), primary_key=True),
    Column("address", String(300), nullable=False),
    Column("polled_at", Float, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error_kind", String(40), nullable=True),
    Column("error_detail", Text, nullable=True),
    Column("sys_name", Text, nullable=False, default=""),
    Column("sys_descr", Text, nullable=False, default=""),
    Column("uptime_ticks", BigInteger, nullable=True),  # TimeTicks reach 2^32 - 1
    Column("cpu_percent", Float, nullable=True),
    Column("memory_percent", Float, nullable=True),
    Column("notes", Text, nullable=False, default=""),
)

# One row per device interface: its last sample and the rate over the last interval.
snmp_interfaces = Table(
    "snmp_interfaces",
    metadata,
    Column("device", String(128), primary_key=True),
    Column("ifindex", Integer, primary_key=True),
    Column("name", String(128), nullable=False),
    Column("alias", Text, nullable=False, default=""),
    Column("polled_at", Float, nullable=False),
    Column("admin_up", Boolean, nullable=True),  # NULL: the agent did not say
    Column("oper_up", Boolean, nullable=True),
    Column("speed_mbps", Integer, nullable=True),  # NULL: the agent gives no speed
    Column("in_octets", String(24), nullable=True),  # 64-bit counters exceed a signed BIGINT
    Column("out_octets", String(24), nullable=True),
    Column("counter_bits", Integer, nullable=False),
    Column("in_bps", Float, nullable=True),
    Column("out_bps", Float, nullable=True),
    Column("rate_note", String(32), nullable=False, default=""),
    Column("in_errors", String(24), nullable=True),
    Column("out_errors", String(24), nullable=True),
    Column("ipv4", Text, nullable=False, default=""),  # space-separated
    Column("ipv6", Text, nullable=False, default=""),
    Column("optical_rx_dbm", Float, nullable=True),
    Column("optical_tx_dbm", Float, nullable=True),
)

# 5-minute buckets per interface: max and mean of the rates measured in the bucket.
snmp_rollups = Table(
    "snmp_rollups",
    metadata,
    Column("device", String(128), primary_key=True),
    Column("interface", String(128), primary_key=True),
    Column("bucket", Integer, primary_key=True),  # start of the bucket, seconds since the epoch
    Column("samples", Integer, nullable=False),
    Column("in_sum", Float, nullable=False),
    Column("in_max", Float, nullable=False),
    Column("out_sum", Float, nullable=False),
    Column("out_max", Float, nullable=False),
    Column("speed_mbps", Integer, nullable=False),  # 0: unknown (as ifHighSpeed says it); read as None
)
Index("ix_snmp_rollups_bucket", snmp_rollups.c.bucket)

# The findings of each device's latest poll.
snmp_findings = Table(
    "snmp_findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("found_at", Float, nullable=False),
    Column("device", String(128), nullable=False),
    Column("interface", String(128), nullable=False, default=""),
    Column("link", String(128), nullable=False, default=""),
    Column("rule", String(64), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("message", Text, nullable=False),
)
Index("ix_snmp_findings_device", snmp_findings.c.device)


def _interfaces_nullable_state(conn: Connection) -> None:
    """Version 2: remake the latest-sample table with nullable state and speed."""
    snmp_interfaces.drop(conn, checkfirst=True)
    snmp_interfaces.create(conn)


register_migrations(
    COMPONENT,
    [
        create_tables(snmp_devices, snmp_interfaces, snmp_rollups, snmp_findings),
        _interfaces_nullable_state,
    ],
)
