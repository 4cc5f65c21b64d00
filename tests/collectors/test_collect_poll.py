"""Polling the lab over SNMP: v2c and v3, IPv4 and IPv6, what comes back, and the CLI views agreeing."""

from __future__ import annotations

import asyncio

import pytest
from collect_topology import Net

from govnet.collectors.snmp.models import DevicePoll
from govnet.collectors.snmp.poller import PollOptions, poll_all

FAST = PollOptions(timeout=1.0, retries=1)


def poll(net: Net, host: str = "127.0.0.1", options: PollOptions = FAST) -> dict[str, DevicePoll]:
    return {p.device: p for p in asyncio.run(poll_all(net.targets(host), options))}


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_every_device_polls_over_v2c_and_v3(net: Net, host: str) -> None:
    polls = poll(net, host)
    assert all(p.ok for p in polls.values()), {d: str(p.error) for d, p in polls.items() if not p.ok}
    assert {d: net.state(d).hostname for d in polls} == {d: p.sys_name for d, p in polls.items()}
    core = polls["c-core"]  # v3 SHA/AES, Huawei
    port = core.interface("GigabitEthernet0/0/1")
    assert port is not None and port.speed_mbps == 1000 and port.oper_up and port.counter_bits == 64
    assert port.alias == net.state("c-core").interface("GigabitEthernet0/0/1").description
    town = polls["t-acc"]  # v3 SHA-256/AES-256 (Cisco's key extension), IOS short ifNames
    assert town.interface("Gi0/0/1") is not None and town.interface("Gi0/0/1").speed_mbps == 100
    assert polls["d-agg"].interface("GigabitEthernet0/0/1") is not None  # v2c, found by ifDescr too


def test_lldp_neighbours_follow_the_inventory_links(net: Net) -> None:
    polls = poll(net)
    heard = {(d, n.local_port, n.remote_name, n.remote_port) for d, p in polls.items() for n in p.lldp}
    # IOS advertises short port IDs (Gi0/0/1), VRP and Comware full names; IOS numbers LLDP ports
    # apart from ifIndex: the poller maps them through lldpLocPortTable.
    assert ("c-core", "GigabitEthernet0/0/1", "k-agg", "GigabitEthernet1/0/1") in heard
    assert ("k-agg", "GE1/0/2", "t-acc", "Gi0/0/1") in heard
    assert ("t-acc", "Gi0/0/1", "k-agg", "GigabitEthernet1/0/2") in heard
    assert ("d-agg", "Gi0/0/1", "c-core", "GigabitEthernet0/0/3") in heard
    assert len(heard) == 8  # four links, heard from both ends


def test_health_per_vendor_mib(net: Net) -> None:
    polls = poll(net)
    for name, p in polls.items():
        assert p.health.cpu_percent is not None and 0 < p.health.cpu_percent <= 100, name
        assert p.health.memory_percent is not None and 0 < p.health.memory_percent < 100, name
    # optical power on the fibre ports of Huawei (entPhysicalIndex, mapped via ENTITY-MIB) and H3C (ifIndex)
    rx = polls["c-core"].interface("GigabitEthernet0/0/1").optical_rx_dbm
    assert rx is not None and -10 < rx < 0
    assert polls["k-agg"].interface("GE1/0/1").optical_tx_dbm is not None
    assert polls["t-acc"].interface("Gi0/0/1").optical_rx_dbm is None  # 100M copper, Cisco: none


def _facts(p: DevicePoll) -> list[tuple[object, ...]]:
    return [(i.ifindex, i.name, i.alias, i.speed_mbps, i.oper_up, i.ipv4, i.ipv6) for i in p.interfaces]


def test_fast_v2c_path_reads_what_pysnmp_reads(net: Net) -> None:
    fast = poll(net)
    slow = poll(net, options=PollOptions(timeout=1.0, retries=1, fast=False))
    for name in ("c-core2", "d-agg"):  # the v2c devices
        a, b = fast[name], slow[name]
        assert a.ok and b.ok
        assert (a.sys_name, a.sys_descr, a.sys_object_id) == (b.sys_name, b.sys_descr, b.sys_object_id)
        assert _facts(a) == _facts(b)
        assert a.lldp == b.lldp
        assert a.values == b.values
