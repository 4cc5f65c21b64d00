"""The lab's SNMP agent, driven over real UDP with pysnmp's client, as a poller would drive it."""

from __future__ import annotations

import asyncio
import time
import weakref
from ipaddress import IPv4Interface, IPv6Interface
from pathlib import Path
from typing import Any

import pytest
from pysnmp.hlapi.v3arch import asyncio as hl

from govnet.errors import InputError
from govnet.lab.snmp_agent import SnmpAgentPool
from govnet.lab.state import (
    COUNTER64,
    Acl,
    AclRule,
    DeviceState,
    Fault,
    FaultKind,
    SnmpCommunity,
    SnmpConfig,
    SnmpGroup,
    SnmpV3User,
    TrafficProfile,
)

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
IF_ADMIN = "1.3.6.1.2.1.2.2.1.7"
IF_OPER = "1.3.6.1.2.1.2.2.1.8"
IF_IN_OCTETS = "1.3.6.1.2.1.2.2.1.10"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HC_IN = "1.3.6.1.2.1.31.1.1.1.6"
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15"
IF_ALIAS = "1.3.6.1.2.1.31.1.1.1.18"
IP_ADDRESS_IFINDEX = "1.3.6.1.2.1.4.34.1.3"
ENGINE_BOOTS = "1.3.6.1.6.3.10.2.1.2.0"

PUBLIC = hl.CommunityData("lab-ro")
V3_SHA_AES = hl.UsmUserData(
    "monitor",
    "auth-pass-1",
    "priv-pass-1",
    authProtocol=hl.usmHMACSHAAuthProtocol,
    privProtocol=hl.usmAesCfb128Protocol,
)


class Clock:
    """A clock the test moves by hand, so counters and uptime are exact."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def device(
    hostname: str = "CITY-CORE-1", vendor: str = "huawei_vrp", now: float | None = None
) -> DeviceState:
    now = time.time() if now is None else now
    names = {
        "huawei_vrp": ("GigabitEthernet0/0/1", "LoopBack0"),
        "h3c_comware": ("Ten-GigabitEthernet1/0/49", "LoopBack0"),
        "cisco_ios": ("GigabitEthernet0/0/1", "Loopback0"),
    }[vendor]
    state = DeviceState(vendor=vendor, hostname=hostname, boot_time=now - 1000)
    state.snmp = SnmpConfig(
        enabled=True,
        versions={"v2c", "v3"},
        communities=[SnmpCommunity("lab-ro")],
        groups=[SnmpGroup("ops", "privacy")],
        users=[SnmpV3User("monitor", "ops", "sha", "auth-pass-1", "aes", "priv-pass-1")],
        contact="noc@example.gov.cn",
        location="Shaoguan",
    )
    up = state.add_interface(
        names[0],
        speed_mbps=10_000,
        description="uplink to province",
        traffic=TrafficProfile(in_bps=800_000_000, out_bps=400_000_000, in_errors_ppm=5),
        counters_since=now - 1000,
        last_change=now - 900,
    )
    up.ipv4.append(IPv4Interface("10.10.0.1/30"))
    up.ipv6.append(IPv6Interface("2001:db8:10::1/64"))
    loop = state.add_interface(names[1], speed_mbps=1000, counters_since=now - 1000)
    loop.ipv4.append(IPv4Interface("10.255.0.1/32"))
    return state


_managers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()


def manager(auth: Any) -> Any:
    """One pysnmp engine per test loop for community requests (an engine's first request costs
    ~0.4 s); SNMPv3 gets a fresh engine each time, so each test's keys are its own."""
    if not isinstance(auth, hl.CommunityData):
        return hl.SnmpEngine()
    loop = asyncio.get_running_loop()
    if loop not in _managers:
        _managers[loop] = hl.SnmpEngine()
    return _managers[loop]


async def target(port: int, host: str = "127.0.0.1", timeout: float = 3.0) -> Any:
    cls = hl.Udp6TransportTarget if ":" in host else hl.UdpTransportTarget
    return await cls.create((host, port), timeout=timeout, retries=0)


async def get(
    port: int, auth: Any, *oids: str, host: str = "127.0.0.1", timeout: float = 3.0, engine: Any = None
):
    error, status, _, varbinds = await hl.get_cmd(
        engine or manager(auth),
        auth,
        await target(port, host, timeout),
        hl.ContextData(),
        *(hl.ObjectType(hl.ObjectIdentity(o)) for o in oids),
    )
    return error, status, {str(name): value for name, value in varbinds}


async def walk(port: int, auth: Any, root: str = "1.3.6.1", host: str = "127.0.0.1", reps: int = 25):
    values: dict[str, Any] = {}
    async for error, status, _, varbinds in hl.bulk_walk_cmd(
        manager(auth),
        auth,
        await target(port, host),
        hl.ContextData(),
        0,
        reps,
        hl.ObjectType(hl.ObjectIdentity(root)),
        lexicographicMode=False,
    ):
        assert not error and not status, (error, status)
        values.update({str(name): value for name, value in varbinds})
    return values


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def pool(clock: Clock):
    p = SnmpAgentPool(clock=clock)
    yield p
    await p.stop()


async def test_v2c_walk_serves_vendor_system_group_and_interfaces(pool: SnmpAgentPool, clock: Clock) -> None:
    ports = await pool.start([device(now=clock.now)])
    values = await walk(ports["CITY-CORE-1"], PUBLIC)
    assert "Huawei Versatile Routing Platform" in str(values[SYS_DESCR])
    assert str(values[SYS_OBJECT_ID]).startswith("1.3.6.1.4.1.2011.")
    assert str(values[SYS_NAME]) == "CITY-CORE-1"
    assert 99_000 <= int(values[SYS_UPTIME]) <= 110_000  # booted 1000 s ago
    assert str(values[f"{IF_NAME}.1"]) == "GigabitEthernet0/0/1"
    assert str(values[f"{IF_ALIAS}.1"]) == "uplink to province"
    assert int(values[f"{IF_HIGH_SPEED}.1"]) == 10_000
    assert (int(values[f"{IF_ADMIN}.1"]), int(values[f"{IF_OPER}.1"])) == (1, 1)
    # 1000 s at 800 Mbit/s in: 10^11 octets in the 64-bit counter, modulo 2^32 in the 32-bit one
    hc = int(values[f"{IF_HC_IN}.1"])
    assert 0.99e11 <= hc <= 1.02e11
    assert int(values[f"{IF_IN_OCTETS}.1"]) == hc % 2**32
    # 5 errored packets per million: ~10^11 octets / 800 per packet * 5e-6
    assert 600 <= int(values["1.3.6.1.2.1.2.2.1.14.1"]) <= 650  # ifInErrors
    assert int(values["1.3.6.1.2.1.2.2.1.14.2"]) == 0
    # IP-MIB ipAddressTable: type.length.address -> ifIndex, for IPv4 and IPv6
    assert int(values[f"{IP_ADDRESS_IFINDEX}.1.4.10.10.0.1"]) == 1
    assert int(values[f"{IP_ADDRESS_IFINDEX}.1.4.10.255.0.1"]) == 2
    v6 = ".".join(str(b) for b in IPv6Interface("2001:db8:10::1/64").ip.packed)
    assert int(values[f"{IP_ADDRESS_IFINDEX}.2.16.{v6}"]) == 1


@pytest.mark.parametrize(
    ("vendor", "enterprise", "descr", "short_name"),
    [
        ("h3c_comware", 25506, "H3C Comware Platform Software", "XGE1/0/49"),
        ("cisco_ios", 9, "Cisco IOS Software", "Gi0/0/1"),
    ],
)
async def test_each_vendor_answers_in_its_own_style(
    pool: SnmpAgentPool, vendor: str, enterprise: int, descr: str, short_name: str
) -> None:
    ports = await pool.start([device(vendor=vendor)])
    error, _, values = await get(ports["CITY-CORE-1"], PUBLIC, SYS_DESCR, SYS_OBJECT_ID, f"{IF_NAME}.1")
    assert error is None
    assert descr in str(values[SYS_DESCR])
    assert str(values[SYS_OBJECT_ID]).startswith(f"1.3.6.1.4.1.{enterprise}.")
    assert str(values[f"{IF_NAME}.1"]) == short_name


async def test_walks_see_state_changes_at_once(pool: SnmpAgentPool) -> None:
    state = device()
    port = (await pool.start([state]))["CITY-CORE-1"]
    itf = state.interfaces[0]
    itf.description = "to county Renhua"
    itf.set_admin(time.time(), shutdown=True)
    added = state.add_interface("Vlanif100", speed_mbps=1000)
    added.ipv6.append(IPv6Interface("2001:db8:100::1/64"))
    state.touch()
    values = await walk(port, PUBLIC, "1.3.6.1.2.1")
    assert str(values[f"{IF_ALIAS}.1"]) == "to county Renhua"
    assert (int(values[f"{IF_ADMIN}.1"]), int(values[f"{IF_OPER}.1"])) == (2, 2)
    assert str(values[f"{IF_NAME}.3"]) == "Vlanif100"
    v6 = ".".join(str(b) for b in added.ipv6[0].ip.packed)
    assert int(values[f"{IP_ADDRESS_IFINDEX}.2.16.{v6}"]) == 3
    assert int(values["1.3.6.1.2.1.2.1.0"]) == 3  # ifNumber


async def test_v3_auth_priv_sha_aes_walk_over_ipv6(pool: SnmpAgentPool) -> None:
    await pool.start([device()])
    if "CITY-CORE-1" not in pool.ports6:
        pytest.skip("no IPv6 loopback on this machine")
    values = await walk(pool.ports6["CITY-CORE-1"], V3_SHA_AES, "1.3.6.1.2.1.31.1.1.1", host="::1")
    assert str(values[f"{IF_ALIAS}.1"]) == "uplink to province"
    assert int(values[f"{IF_HC_IN}.1"]) > 0


@pytest.mark.parametrize(
    ("vendor", "auth", "priv", "auth_oid", "priv_oid"),
    [
        (
            "huawei_vrp",
            "sha256",
            "aes256",
            hl.usmHMAC192SHA256AuthProtocol,
            hl.usmAesBlumenthalCfb256Protocol,
        ),
        ("cisco_ios", "sha", "aes256", hl.usmHMACSHAAuthProtocol, hl.usmAesCfb256Protocol),
        ("h3c_comware", "md5", "des", hl.usmHMACMD5AuthProtocol, hl.usmDESPrivProtocol),
    ],
)
async def test_v3_other_protocols_as_each_vendor_implements_them(
    pool: SnmpAgentPool, vendor: str, auth: str, priv: str, auth_oid: Any, priv_oid: Any
) -> None:
    state = device(vendor=vendor)
    state.snmp.users = [SnmpV3User("monitor", "ops", auth, "auth-pass-1", priv, "priv-pass-1")]
    port = (await pool.start([state]))["CITY-CORE-1"]
    user = hl.UsmUserData(
        "monitor", "auth-pass-1", "priv-pass-1", authProtocol=auth_oid, privProtocol=priv_oid
    )
    error, status, values = await get(port, user, SYS_NAME)
    assert error is None and not status
    assert str(values[SYS_NAME]) == "CITY-CORE-1"


async def test_unconfigured_community_or_disabled_version_gets_no_answer(pool: SnmpAgentPool) -> None:
    state = device()
    port = (await pool.start([state]))["CITY-CORE-1"]
    error, _, values = await get(port, hl.CommunityData("public"), SYS_NAME, timeout=0.3)
    assert "timeout" in str(error).lower() and not values
    state.snmp.versions = {"v3"}  # `undo snmp-agent sys-info version v2c`
    error, _, _ = await get(port, PUBLIC, SYS_NAME, timeout=0.3)
    assert "timeout" in str(error).lower()
    assert pool.responder("CITY-CORE-1").engine.stats["snmpInBadCommunityNames"] == 1


async def test_v3_wrong_user_or_keys_get_a_usm_report_and_no_data(pool: SnmpAgentPool) -> None:
    port = (await pool.start([device()]))["CITY-CORE-1"]
    wrong = {
        "Unknown USM user": hl.UsmUserData(
            "intruder",
            "auth-pass-1",
            "priv-pass-1",
            authProtocol=hl.usmHMACSHAAuthProtocol,
            privProtocol=hl.usmAesCfb128Protocol,
        ),
        "Wrong SNMP PDU digest": hl.UsmUserData(
            "monitor",
            "auth-pass-X",
            "priv-pass-1",
            authProtocol=hl.usmHMACSHAAuthProtocol,
            privProtocol=hl.usmAesCfb128Protocol,
        ),
        "Ciphering services not available or ciphertext is broken": hl.UsmUserData(
            "monitor",
            "auth-pass-1",
            "priv-pass-X",
            authProtocol=hl.usmHMACSHAAuthProtocol,
            privProtocol=hl.usmAesCfb128Protocol,
        ),
    }
    for message, user in wrong.items():
        error, _, values = await get(port, user, SYS_NAME)
        assert str(error) == message and not values
    stats = pool.responder("CITY-CORE-1").engine.stats
    assert stats["usmStatsUnknownUserNames"] == 1 and stats["usmStatsWrongDigests"] == 1
    assert stats["usmStatsDecryptionErrors"] == 1


async def test_group_security_level_and_acls_are_enforced(pool: SnmpAgentPool) -> None:
    state = device()
    port = (await pool.start([state]))["CITY-CORE-1"]
    auth_only = hl.UsmUserData("monitor", "auth-pass-1", authProtocol=hl.usmHMACSHAAuthProtocol)
    error, status, _ = await get(port, auth_only, SYS_NAME)  # group `ops` requires privacy
    assert error is None and str(status) == "authorizationError"
    # community restricted to the NMS subnet: the loopback source is not in it
    state.acls.append(Acl("2000", rules=[AclRule(5, "permit", "source 10.0.0.0 0.0.0.255")]))
    state.snmp.communities = [SnmpCommunity("lab-ro", acl="2000")]
    error, _, _ = await get(port, PUBLIC, SYS_NAME, timeout=0.3)
    assert "timeout" in str(error).lower()
    state.acls[0].rules.insert(0, AclRule(1, "permit", "source 127.0.0.0 0.255.255.255"))
    error, _, values = await get(port, PUBLIC, SYS_NAME)
    assert error is None and str(values[SYS_NAME]) == "CITY-CORE-1"


async def test_unreachable_device_is_silent_and_slow_device_answers_late(pool: SnmpAgentPool) -> None:
    state = device()
    port = (await pool.start([state]))["CITY-CORE-1"]
    state.reachable = False
    state.faults.add(Fault(FaultKind.UNREACHABLE))
    error, _, _ = await get(port, PUBLIC, SYS_NAME, timeout=0.3)
    assert "timeout" in str(error).lower()
    state.reachable = True
    state.faults = {Fault(FaultKind.SLOW)}
    state.slow_seconds = 0.8
    error, _, _ = await get(port, PUBLIC, SYS_NAME, timeout=0.3)
    assert "timeout" in str(error).lower()  # the answer comes, but after the poller gave up
    error, _, values = await get(port, PUBLIC, SYS_NAME, timeout=3.0)
    assert error is None and str(values[SYS_NAME]) == "CITY-CORE-1"


async def test_link_down_counter_wrap_and_surge_show_in_the_counters(
    pool: SnmpAgentPool, clock: Clock
) -> None:
    state = device(now=clock.now)
    port = (await pool.start([state]))["CITY-CORE-1"]
    itf = state.interfaces[0]
    itf.set_link(clock.now, up=False)  # link-down fault: admin up, oper down, counters frozen
    _, _, before = await get(port, PUBLIC, f"{IF_ADMIN}.1", f"{IF_OPER}.1", f"{IF_HC_IN}.1")
    clock.now += 60
    _, _, after = await get(port, PUBLIC, f"{IF_OPER}.1", f"{IF_HC_IN}.1")
    assert (int(before[f"{IF_ADMIN}.1"]), int(before[f"{IF_OPER}.1"])) == (1, 2)
    assert int(after[f"{IF_HC_IN}.1"]) == int(before[f"{IF_HC_IN}.1"])
    itf.set_link(clock.now, up=True)
    itf.wrap_counters_soon(clock.now, seconds=10)  # counter-wrap fault
    _, _, near = await get(port, PUBLIC, f"{IF_HC_IN}.1", f"{IF_IN_OCTETS}.1")
    clock.now += 20
    _, _, wrapped = await get(port, PUBLIC, f"{IF_HC_IN}.1", f"{IF_IN_OCTETS}.1")
    assert int(near[f"{IF_HC_IN}.1"]) > COUNTER64 - 10**10
    assert int(wrapped[f"{IF_HC_IN}.1"]) < 10**10  # wrapped past 2^64
    assert int(wrapped[f"{IF_IN_OCTETS}.1"]) == int(wrapped[f"{IF_HC_IN}.1"]) % 2**32
    itf.settle(clock.now)
    itf.surge = True  # surge fault: ~95% of the 10 Gbit/s line rate
    _, _, start = await get(port, PUBLIC, f"{IF_HC_IN}.1")
    clock.now += 10
    _, _, end = await get(port, PUBLIC, f"{IF_HC_IN}.1")
    rate_bps = (int(end[f"{IF_HC_IN}.1"]) - int(start[f"{IF_HC_IN}.1"])) * 8 / 10
    assert 0.9e10 <= rate_bps <= 1e10


async def test_reboot_restarts_uptime_and_engine_boots_and_v3_resynchronises(
    pool: SnmpAgentPool, clock: Clock
) -> None:
    state = device(now=clock.now)
    port = (await pool.start([state]))["CITY-CORE-1"]
    nms = hl.SnmpEngine()  # one manager keeps its view of the agent's boots and time
    error, _, before = await get(port, V3_SHA_AES, SYS_UPTIME, ENGINE_BOOTS, engine=nms)
    assert error is None and int(before[SYS_UPTIME]) >= 100_000 and int(before[ENGINE_BOOTS]) == 1
    clock.now += 5
    state.boot_time = clock.now  # reboot fault
    state.touch()
    clock.now += 2
    error, _, after = await get(port, V3_SHA_AES, SYS_UPTIME, ENGINE_BOOTS, engine=nms)
    assert error is None
    assert 150 <= int(after[SYS_UPTIME]) <= 250 and int(after[ENGINE_BOOTS]) == 2
    assert pool.responder("CITY-CORE-1").engine.stats["usmStatsNotInTimeWindows"] >= 1


async def test_getbulk_walk_takes_few_round_trips(pool: SnmpAgentPool) -> None:
    state = device()
    for n in range(2, 50):
        state.add_interface(f"GigabitEthernet0/0/{n}", description=f"port {n}")
    port = (await pool.start([state]))["CITY-CORE-1"]
    values = await walk(port, PUBLIC, "1.3.6.1.2.1.31", reps=50)
    requests = pool.responder("CITY-CORE-1").engine.stats["snmpInPkts"]
    assert len(values) == 19 * len(state.interfaces)  # every ifXTable column, every interface
    assert requests <= len(values) // 50 + 2


async def test_many_devices_from_one_process_each_on_its_own_port(pool: SnmpAgentPool) -> None:
    vendors = ["huawei_vrp", "h3c_comware", "cisco_ios"]
    states = [device(f"TOWN-{n:03d}", vendors[n % 3]) for n in range(30)]
    ports = await pool.start(states)
    assert len(set(ports.values())) == 30
    for name in ("TOWN-000", "TOWN-017", "TOWN-029"):
        error, _, values = await get(ports[name], PUBLIC, SYS_NAME)
        assert error is None and str(values[SYS_NAME]) == name


async def test_v1_get_and_read_only_set(pool: SnmpAgentPool) -> None:
    state = device()
    state.snmp.versions.add("v1")
    port = (await pool.start([state]))["CITY-CORE-1"]
    error, status, values = await get(port, hl.CommunityData("lab-ro", mpModel=0), SYS_NAME)
    assert error is None and not status and str(values[SYS_NAME]) == "CITY-CORE-1"
    error, status, _ = await get(port, hl.CommunityData("lab-ro", mpModel=0), "1.3.6.1.2.1.1.99.0")
    assert str(status) == "noSuchName"
    reply = await hl.set_cmd(
        hl.SnmpEngine(),
        PUBLIC,
        await target(port),
        hl.ContextData(),
        hl.ObjectType(hl.ObjectIdentity(SYS_NAME), hl.OctetString("x")),
    )
    assert str(reply[1]) == "noAccess" and state.hostname == "CITY-CORE-1"


async def test_bad_lab_input_is_refused_with_a_clear_error(pool: SnmpAgentPool) -> None:
    with pytest.raises(InputError, match=r"duplicate device hostnames.*TWIN"):
        await pool.start([device("TWIN"), device("TWIN")])
    await pool.start([device("ONCE")])
    with pytest.raises(InputError, match=r"duplicate device hostnames.*ONCE"):
        await pool.start([device("ONCE")])
    with pytest.raises(InputError, match="unknown vendor 'juniper_junos'"):
        await pool.start([DeviceState(vendor="juniper_junos", hostname="J1")])
    bad = device("BAD")
    bad.snmp.engine_id = "not-hex"
    with pytest.raises(InputError, match="BAD: SNMP engine ID"):
        await pool.start([device("GOOD"), bad])
    assert sorted(pool.endpoints) == ["ONCE"]  # nothing of the failed call is left, ONCE still serves
    error, _, values = await get(pool.endpoints["ONCE"].port, PUBLIC, SYS_NAME)
    assert error is None and str(values[SYS_NAME]) == "ONCE"


async def test_lab_runtime_cli_changes_and_faults_reach_snmp(tmp_path: Path) -> None:
    """The whole lab: a Huawei device booted by the runtime, configured at its CLI, faulted."""
    from govnet.lab.bootstrap import Day0, DeviceSpec, PortSpec
    from govnet.lab.runtime import Lab
    from govnet.lab.vendors import dialect_for
    from govnet.lab.vendors.base import CliSession

    day0 = Day0(
        username="admin",
        password="Adm1n-pass",
        snmp_community="lab-ro",
        snmp_user="monitor",
        snmp_auth_key="auth-pass-1",
        snmp_priv_key="priv-pass-1",
    )
    spec = DeviceSpec(
        "SG-CITY-1", "huawei_vrp", ports=[PortSpec("GigabitEthernet0/0/1", 1000, "to county")], day0=day0
    )
    lab = Lab(tmp_path / "lab")
    try:
        endpoints = await lab.start([spec])
        port = endpoints["SG-CITY-1"].snmp["127.0.0.1"]
        state = lab.device("SG-CITY-1").state
        session = CliSession(dialect_for("huawei_vrp"), state)
        for line in (
            "system-view",
            "interface GigabitEthernet0/0/1",
            "description to Renhua county",
            "shutdown",
        ):
            session.handle_line(line)
        values = await walk(port, V3_SHA_AES, "1.3.6.1.2.1.31.1.1.1.18")
        index = next(i.ifindex for i in state.interfaces if i.name == "GigabitEthernet0/0/1")
        assert str(values[f"{IF_ALIAS}.{index}"]) == "to Renhua county"
        _, _, admin = await get(port, PUBLIC, f"{IF_ADMIN}.{index}")
        assert int(admin[f"{IF_ADMIN}.{index}"]) == 2
        await lab.fault("SG-CITY-1", "unreachable")
        error, _, _ = await get(port, PUBLIC, SYS_NAME, timeout=0.3)
        assert "timeout" in str(error).lower()
        await lab.fault("SG-CITY-1", "unreachable", clear=True)
        await lab.fault("SG-CITY-1", "reboot")  # unsaved description and shutdown are lost
        _, _, after = await get(port, PUBLIC, f"{IF_ALIAS}.{index}", f"{IF_ADMIN}.{index}", SYS_UPTIME)
        assert str(after[f"{IF_ALIAS}.{index}"]) == "to county"
        assert int(after[f"{IF_ADMIN}.{index}"]) == 1 and int(after[SYS_UPTIME]) < 500
    finally:
        await lab.stop()
