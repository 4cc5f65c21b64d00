"""Interop: Net-SNMP's command-line manager (a second, independent SNMP implementation) against the
lab's agent — v2c walks, v3 with each privacy protocol, IPv6, and the refusals."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import pytest

from govnet.lab import snmp_mib
from govnet.lab.snmp_agent import SnmpAgentPool
from govnet.lab.state import DeviceState, SnmpCommunity, SnmpConfig, SnmpGroup, SnmpV3User, TrafficProfile

pytestmark = pytest.mark.skipif(
    shutil.which("snmpget") is None, reason="Net-SNMP tools (Debian: snmp) missing"
)


def _device(hostname: str, vendor: str) -> DeviceState:
    now = time.time()
    state = DeviceState(vendor=vendor, hostname=hostname, boot_time=now - 10)
    state.snmp = SnmpConfig(
        enabled=True,
        versions={"v2c", "v3"},
        communities=[SnmpCommunity("lab-ro")],
        groups=[SnmpGroup("ops", "privacy")],
        users=[
            SnmpV3User("sha-aes", "ops", "sha", "auth-pass-1", "aes", "priv-pass-1"),
            SnmpV3User("sha256-aes256", "ops", "sha256", "auth-pass-2", "aes256", "priv-pass-2"),
            SnmpV3User("md5-des", "ops", "md5", "auth-pass-3", "des", "priv-pass-3"),
        ],
    )
    for n in range(1, 6):
        state.add_interface(
            f"GigabitEthernet0/0/{n}",
            description=f"to town {n}",
            traffic=TrafficProfile(1e6, 1e6),
            counters_since=now - 10,
        )
    return state


async def net_snmp(tmp_path: Path, *args: str) -> tuple[int, str]:
    """Run a Net-SNMP tool without the event loop blocking (the agent runs in the same loop)."""
    env = {**os.environ, "MIBS": "", "SNMPCONFPATH": str(tmp_path), "SNMP_PERSISTENT_DIR": str(tmp_path)}
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace")


async def test_net_snmp_v2c_bulkwalk_sees_every_value(tmp_path: Path) -> None:
    state = _device("NS-1", "h3c_comware")
    pool = SnmpAgentPool()
    port = (await pool.start([state]))["NS-1"]
    try:
        rc, out = await net_snmp(
            tmp_path, "snmpbulkwalk", "-v2c", "-c", "lab-ro", "-On", "-Cr50", f"127.0.0.1:{port}", ".1"
        )
        expected = snmp_mib.snmprec_lines(pool.responder("NS-1").view())
        walked = [
            line.split(" = ")[0]
            for line in out.splitlines()
            if line.startswith(".1.") and "No more variables" not in line  # the endOfMibView echo
        ]
        assert rc == 0
        assert walked == ["." + line.split("|")[0] for line in expected]
        assert '.1.3.6.1.2.1.31.1.1.1.18.3 = STRING: "to town 3"' in out
        assert '.1.3.6.1.2.1.31.1.1.1.1.3 = STRING: "GE0/0/3"' in out
    finally:
        await pool.stop()


@pytest.mark.parametrize(
    ("user", "auth", "auth_key", "priv", "priv_key"),
    [
        ("sha-aes", "SHA", "auth-pass-1", "AES", "priv-pass-1"),
        ("sha256-aes256", "SHA-256", "auth-pass-2", "AES-256", "priv-pass-2"),  # Blumenthal key extension
        ("md5-des", "MD5", "auth-pass-3", "DES", "priv-pass-3"),
    ],
)
async def test_net_snmp_v3_auth_priv_over_ipv6(
    tmp_path: Path, user: str, auth: str, auth_key: str, priv: str, priv_key: str
) -> None:
    pool = SnmpAgentPool()
    await pool.start([_device("NS-2", "huawei_vrp")])
    try:
        if "NS-2" not in pool.ports6:
            pytest.skip("no IPv6 loopback")
        address = f"udp6:[::1]:{pool.ports6['NS-2']}"
        common = ["-v3", "-l", "authPriv", "-u", user, "-a", auth, "-A", auth_key, "-x", priv, "-X", priv_key]
        rc, out = await net_snmp(tmp_path, "snmpget", *common, "-On", address, ".1.3.6.1.2.1.1.5.0")
        assert rc == 0 and '.1.3.6.1.2.1.1.5.0 = STRING: "NS-2"' in out
    finally:
        await pool.stop()


async def test_net_snmp_sees_the_refusals(tmp_path: Path) -> None:
    pool = SnmpAgentPool()
    port = (await pool.start([_device("NS-3", "cisco_ios")]))["NS-3"]
    address = f"127.0.0.1:{port}"
    oid = ".1.3.6.1.2.1.1.5.0"
    v3 = ["-v3", "-l", "authPriv", "-a", "SHA", "-x", "AES", "-X", "priv-pass-1"]
    try:
        rc, out = await net_snmp(
            tmp_path, "snmpget", "-v2c", "-c", "public", "-t", "0.5", "-r", "0", address, oid
        )
        assert rc != 0 and "Timeout" in out
        rc, out = await net_snmp(tmp_path, "snmpget", *v3, "-u", "nobody", "-A", "auth-pass-1", address, oid)
        assert rc != 0 and "Unknown user name" in out
        rc, out = await net_snmp(tmp_path, "snmpget", *v3, "-u", "sha-aes", "-A", "wrong-pass", address, oid)
        assert rc != 0 and "Authentication failure" in out
        rc, out = await net_snmp(tmp_path, "snmpset", "-v2c", "-c", "lab-ro", address, oid, "s", "X")
        assert rc != 0 and "noAccess" in out
    finally:
        await pool.stop()
