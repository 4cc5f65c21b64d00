"""Findings against the inventory: below tier, uplink without IPv6, link down, miscabling, unknown links."""

from __future__ import annotations

import asyncio
from typing import Any

from collect_topology import Net

from govnet.collectors.snmp.findings import port_key
from govnet.collectors.snmp.poller import PollOptions, poll_all
from govnet.collectors.snmp.service import judge
from govnet.lab.lldp import swap_cables
from govnet.lab.testing import Terminal

OPTS = PollOptions(timeout=1.0, retries=1)


def _findings(net: Net, inventory: Any = None) -> set[tuple[str, str, str, str]]:
    polls = asyncio.run(poll_all(net.targets(), OPTS))
    _, _, found = judge(inventory or net.inventory, polls, {})
    return {(f.rule, f.device, f.interface, f.link) for f in found}


def test_uplinks_without_ipv6_are_found_until_configured(fresh_net: Net) -> None:
    found = _findings(fresh_net)
    assert ("uplink.no-ipv6", "c-core", "GigabitEthernet0/0/1", "L-county") in found
    assert ("uplink.no-ipv6", "d-agg", "GigabitEthernet0/0/1", "L-dept") in found
    assert not any(f[0] == "uplink.no-ipv6" and f[3] == "L-core" for f in found)  # a peer link
    for device, port, address in (
        ("c-core", "GigabitEthernet0/0/1", "2001:db8:1::1/127"),
        ("k-agg", "GigabitEthernet1/0/1", "2001:db8:1::/127"),
    ):
        with Terminal(fresh_net.ssh[device]) as term:
            for line in (
                "system-view",
                f"interface {port}",
                "ipv6 enable",
                f"ipv6 address {address}",
                "return",
            ):
                term.run(line)
    found = _findings(fresh_net)
    assert not any(f[0] == "uplink.no-ipv6" and f[3] == "L-county" for f in found)
    assert ("uplink.no-ipv6", "d-agg", "GigabitEthernet0/0/1", "L-dept") in found


def test_link_forced_below_its_tier_and_link_down(fresh_net: Net) -> None:
    async def slow_port() -> None:  # the port negotiated 100M on a 1G link
        state = fresh_net.state("c-core")
        state.interface("GigabitEthernet0/0/3").speed_mbps = 100
        state.touch()

    fresh_net.lab.call(slow_port())
    fresh_net.lab.fault("k-agg", "link-down", "GigabitEthernet1/0/2")
    found = _findings(fresh_net)
    assert ("link.below-tier", "c-core", "GigabitEthernet0/0/3", "L-dept") in found
    assert ("link.down", "k-agg", "GigabitEthernet1/0/2", "L-town") in found
    assert not any(f[0] in ("link.below-tier", "link.down") and f[3] == "L-county" for f in found)


def test_miscabled_ports_and_a_link_the_inventory_lacks(fresh_net: Net) -> None:
    assert not any(f[0].startswith("lldp.") for f in _findings(fresh_net))
    states = {name: fresh_net.state(name) for name in fresh_net.ports}

    async def swap() -> None:
        swap_cables(states, "c-core", "GigabitEthernet0/0/2", "GigabitEthernet0/0/3")

    fresh_net.lab.call(swap())
    found = _findings(fresh_net)
    miscabled = {(f[1], f[2], f[3]) for f in found if f[0] == "lldp.miscabled"}
    assert ("c-core", "GigabitEthernet0/0/2", "L-core") in miscabled
    assert ("c-core", "GigabitEthernet0/0/3", "L-dept") in miscabled
    assert ("c-core2", "GigabitEthernet0/0/1", "L-core") in miscabled  # the far ends see it too
    assert ("d-agg", "GigabitEthernet0/0/1", "L-dept") in miscabled
    lacking = fresh_net.inventory.model_copy(
        update={"links": tuple(link for link in fresh_net.inventory.links if link.id != "L-core")}
    )
    found = _findings(fresh_net, lacking)
    assert ("lldp.unknown-link", "c-core2", "GigabitEthernet0/0/1", "") in found


def test_port_names_compare_across_vendor_spellings() -> None:
    assert port_key("Gi0/0/1") == port_key("GigabitEthernet0/0/1") == port_key("GE0/0/1")
    assert port_key("XGE1/0/49") == port_key("Ten-GigabitEthernet1/0/49") == port_key("Te1/0/49")
    assert port_key("GigabitEthernet0/0/1") != port_key("GigabitEthernet0/0/10")
