"""Connections built from the inventory device, the lab overlay, the secrets and the vendor spec."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pysnmp.hlapi.v3arch import asyncio as hl

from govnet.devices import load_devices, netmiko_params, pysnmp_auth, pysnmp_transport, snmp_target
from govnet.errors import SecretError
from govnet.lab.bootstrap import boot
from govnet.lab.service import sample_inventory
from govnet.lab.snmp_agent import SnmpAgentPool
from govnet.lab.testing import SNMP_PRIV_KEY, inventory_device, resolve, spec
from govnet.lab.vendors import dialect_for
from govnet.lab.vendors.base import CliSession

SYS = {"descr": "1.3.6.1.2.1.1.1.0", "contact": "1.3.6.1.2.1.1.4.0", "location": "1.3.6.1.2.1.1.6.0"}
VERSION = {"huawei_vrp": "display version", "h3c_comware": "display version", "cisco_ios": "show version"}


def test_netmiko_params_take_driver_endpoint_and_secrets_from_their_sources() -> None:
    device = inventory_device(spec("cisco_ios"), 40022)
    params = netmiko_params(device, resolve=resolve, conn_timeout=5)
    assert params["device_type"] == "cisco_ios" and (params["host"], params["port"]) == ("127.0.0.1", 40022)
    assert params["password"] == resolve("env:LAB_TEST_PASSWORD")
    assert params["secret"] == resolve("env:LAB_TEST_ENABLE") and params["conn_timeout"] == 5
    assert netmiko_params(inventory_device(spec("huawei_vrp"), 1), resolve=resolve)["device_type"] == "huawei"


def test_missing_secret_is_named_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAB_TEST_PASSWORD", raising=False)
    with pytest.raises(SecretError, match="LAB_TEST_PASSWORD"):
        netmiko_params(inventory_device(spec("huawei_vrp"), 1))


def test_snmp_target_keeps_keys_out_of_its_repr() -> None:
    target = snmp_target(
        inventory_device(spec("cisco_ios", snmp_priv_protocol="aes256"), 1, 2), resolve=resolve
    )
    assert (target.version, target.user, target.priv_protocol) == ("v3", "govnet-ro", "aes256c")
    assert target.priv_key == SNMP_PRIV_KEY and SNMP_PRIV_KEY not in repr(target)


def test_lab_overlay_points_devices_at_the_lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_LAB_PASSWORD", "pw-from-env")
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "devices:\n  sg-city-core-1:\n    ssh: {host: 127.0.0.1, port: 40001}\n"
        "    snmp: {host: '::1', port: 40002}\n",
        encoding="utf-8",
    )
    device = next(d for d in load_devices(sample_inventory(), overlay) if d.hostname == "sg-city-core-1")
    params = netmiko_params(device)
    assert (params["host"], params["port"], params["password"]) == ("127.0.0.1", 40001, "pw-from-env")
    assert params["device_type"] == "huawei"
    monkeypatch.setenv("GOVNET_LAB_SNMP_AUTH", "auth-key-env")
    monkeypatch.setenv("GOVNET_LAB_SNMP_PRIV", "priv-key-env")
    target = snmp_target(device)
    assert (target.host, target.port, target.ipv6) == ("::1", 40002, True)


@pytest.mark.parametrize("vendor", ["huawei_vrp", "h3c_comware", "cisco_ios"])
async def test_snmp_target_polls_the_lab_and_agrees_with_its_cli(vendor: str) -> None:
    """SNMPv3 with SHA/AES-256 (Cisco's Reeder key extension included) from the inventory entry;
    sysDescr carries the version display's release and copyright, sysContact/sysLocation what
    ``display snmp-agent sys-info`` shows."""
    device_spec = spec(vendor, snmp_priv_protocol="aes256")
    state, _ = boot(device_spec, None, time.time())
    version = CliSession(dialect_for(vendor), state).handle_line(VERSION[vendor])
    pool = SnmpAgentPool()
    port = (await pool.start([state]))[state.hostname]
    try:
        target = snmp_target(inventory_device(device_spec, 1, port), resolve=resolve)
        error, status, _, varbinds = await hl.get_cmd(
            hl.SnmpEngine(),
            pysnmp_auth(target),
            await pysnmp_transport(target, timeout=3),
            hl.ContextData(),
            *(hl.ObjectType(hl.ObjectIdentity(oid)) for oid in SYS.values()),
        )
    finally:
        await pool.stop()
    assert error is None and not int(status)
    values = dict(zip(SYS, (str(v) for _, v in varbinds), strict=True))
    assert state.software_version in values["descr"] and state.software_version in version
    copyright_line = dialect_for(vendor).spec.factory.copyright
    assert copyright_line in values["descr"] and copyright_line in version
    assert values["contact"] == state.sys_contact() and values["location"] == state.sys_location()
    if vendor != "cisco_ios":
        sys_info = CliSession(dialect_for(vendor), state).handle_line("display snmp-agent sys-info")
        assert values["contact"] in sys_info and values["location"] in sys_info and values["contact"]
