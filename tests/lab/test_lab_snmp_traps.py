"""Lab devices send coldStart, linkDown and linkUp to their loopback trap hosts, over v2c and v3."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from pyasn1.codec.ber import decoder
from pysnmp.proto import api

from govnet import snmp_ber as ber
from govnet.lab.snmp_agent import SnmpAgentPool
from govnet.lab.snmp_mib import default_engine_id
from govnet.lab.snmp_traps import COLD_START, LINK_DOWN, LINK_UP
from govnet.lab.snmp_usm import decrypt, localize_user, verify
from govnet.lab.snmp_v3 import FLAG_AUTH, FLAG_PRIV, parse_scoped_pdu, parse_v3
from govnet.lab.state import DeviceState, SnmpConfig, SnmpGroup, SnmpTrapHost, SnmpV3User

V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"


class Receiver(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.queue.put_nowait(data)

    async def next(self, timeout: float = 3.0) -> bytes:
        return await asyncio.wait_for(self.queue.get(), timeout)


@pytest.fixture
async def receiver():
    transport, protocol = await asyncio.get_running_loop().create_datagram_endpoint(
        Receiver, local_addr=("127.0.0.1", 0)
    )
    protocol.port = transport.get_extra_info("sockname")[1]
    yield protocol
    transport.close()


def _device(trap_port: int, version: str = "v2c", params: str = "trap-ro") -> DeviceState:
    state = DeviceState(vendor="huawei_vrp", hostname="TRAPPER", boot_time=time.time() - 100)
    state.snmp = SnmpConfig(
        enabled=True,
        versions={"v2c", "v3"},
        trap_enabled=True,
        trap_hosts=[SnmpTrapHost("127.0.0.1", params, version, trap_port)],
        groups=[SnmpGroup("ops", "privacy")],
        users=[SnmpV3User("trapper", "ops", "sha", "auth-pass-1", "aes", "priv-pass-1")],
    )
    state.add_interface("GigabitEthernet0/0/1")
    state.add_interface("GigabitEthernet0/0/2")
    return state


def _v2c_trap(data: bytes) -> tuple[str, dict[str, Any]]:
    msg, _ = decoder.decode(data, asn1Spec=V2C.Message())
    assert str(V2C.apiMessage.get_community(msg)) == "trap-ro"
    pdu = V2C.apiMessage.get_pdu(msg)
    assert pdu.tagSet == V2C.SNMPv2TrapPDU.tagSet
    varbinds = {str(name): value for name, value in V2C.apiPDU.get_varbinds(pdu)}
    return str(varbinds[TRAP_OID]), varbinds


def _dotted(oid: tuple[int, ...]) -> str:
    return ".".join(map(str, oid))


async def test_v2c_cold_start_then_link_down_and_up(receiver: Receiver) -> None:
    state = _device(receiver.port)
    pool = SnmpAgentPool(trap_interval=0.05)
    await pool.start([state])
    try:
        trap, _ = _v2c_trap(await receiver.next())
        assert trap == _dotted(COLD_START)
        itf = state.interfaces[1]
        itf.set_link(time.time(), up=False)  # the link-down fault
        trap, varbinds = _v2c_trap(await receiver.next())
        assert trap == _dotted(LINK_DOWN)
        assert int(varbinds[f"1.3.6.1.2.1.2.2.1.1.{itf.ifindex}"]) == itf.ifindex
        assert int(varbinds[f"1.3.6.1.2.1.2.2.1.8.{itf.ifindex}"]) == 2
        itf.set_link(time.time(), up=True)
        trap, _ = _v2c_trap(await receiver.next())
        assert trap == _dotted(LINK_UP)
    finally:
        await pool.stop()


async def test_v3_auth_priv_trap_from_the_agents_engine(receiver: Receiver) -> None:
    state = _device(receiver.port, "v3", "trapper")
    pool = SnmpAgentPool(trap_interval=0.05)
    await pool.start([state])
    try:
        await receiver.next()  # coldStart
        state.interfaces[0].set_admin(time.time(), shutdown=True)
        data = await receiver.next()
    finally:
        await pool.stop()
    start, end = ber.expect(data, 0, ber.SEQUENCE)
    _, after_version = ber.expect(data, start, ber.INTEGER, end)
    message = parse_v3(data, after_version, end)
    assert message.flags & (FLAG_AUTH | FLAG_PRIV) == FLAG_AUTH | FLAG_PRIV and message.user == b"trapper"
    assert message.engine_id == default_engine_id(state)
    user = localize_user("trapper", "sha", "auth-pass-1", "aes", "priv-pass-1", message.engine_id)
    verify(user, data, message.auth_start, message.auth_end)
    plaintext = decrypt(user, message.boots, message.time, message.priv_params, message.data)
    scoped = parse_scoped_pdu(plaintext)
    pdu = ber.decode_pdu(plaintext, scoped.pdu_start, scoped.pdu_end)
    assert pdu.pdu_type == ber.SNMPV2_TRAP
    assert pdu.oids[1] == (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
    assert pdu.oids[2] == (1, 3, 6, 1, 2, 1, 2, 2, 1, 1, state.interfaces[0].ifindex)


async def test_no_traps_when_disabled_unreachable_or_off_this_machine(receiver: Receiver) -> None:
    state = _device(receiver.port)
    pool = SnmpAgentPool(trap_interval=3600)  # the test drives the scans
    await pool.start([state])
    try:
        await receiver.next()  # coldStart from the first scan
        state.snmp.trap_enabled = False
        state.interfaces[0].set_link(time.time(), up=False)
        assert pool.send_traps() == 0
        state.snmp.trap_enabled = True
        state.reachable = False
        state.interfaces[0].set_link(time.time(), up=True)
        assert pool.send_traps() == 0
        state.reachable = True
        state.snmp.trap_hosts = [SnmpTrapHost("192.0.2.10", "trap-ro", "v2c", 162)]
        state.interfaces[0].set_link(time.time(), up=False)
        assert pool.send_traps() == 0  # a trap host elsewhere never gets lab traffic
        state.snmp.trap_hosts.append(SnmpTrapHost("127.0.0.1", "trap-ro", "v2c", receiver.port))
        state.interfaces[0].set_link(time.time(), up=True)
        assert pool.send_traps() == 1
        trap, _ = _v2c_trap(await receiver.next())
        assert trap == _dotted(LINK_UP)
        assert receiver.queue.empty()
    finally:
        await pool.stop()
