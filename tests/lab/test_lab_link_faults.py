"""A link-down fault cuts the cable: both ends go down, as their CLIs and SNMP agents say."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pysnmp.hlapi.v3arch import asyncio as hl

from govnet.lab.runtime import LabThread
from govnet.lab.testing import PORTS, Terminal, chain, second_port

IF_OPER = "1.3.6.1.2.1.2.2.1.8"
V3 = hl.UsmUserData(
    "govnet-ro",
    "Auth-Key-123",
    "Priv-Key-123",
    authProtocol=hl.usmHMACSHAAuthProtocol,
    privProtocol=hl.usmAesCfb128Protocol,
)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[LabThread, dict]]:  # type: ignore[type-arg]
    specs, cables = chain(("huawei_vrp", "R1"), ("cisco_ios", "R2"))
    with LabThread(tmp_path / "lab") as lab:
        yield lab, lab.start(specs, cables)


def oper_status(port: int, ifindex: int) -> int:
    async def get() -> int:
        engine = hl.SnmpEngine()
        target = await hl.UdpTransportTarget.create(("127.0.0.1", port), timeout=2, retries=1)
        err, status, _, binds = await hl.get_cmd(
            engine, V3, target, hl.ContextData(), hl.ObjectType(hl.ObjectIdentity(f"{IF_OPER}.{ifindex}"))
        )
        engine.close_dispatcher()
        assert not err and not status, (err, status)
        return int(binds[0][1])

    return asyncio.run(get())


def ends(lab: LabThread, endpoints: dict) -> list[tuple[int, int, int]]:  # type: ignore[type-arg]
    """(ssh port, snmp port, ifindex) of R1's downlink and of R2's uplink: the two ends of the cable."""
    r1 = lab.lab.devices["R1"].state.interface(second_port("huawei_vrp"))
    r2 = lab.lab.devices["R2"].state.interface(PORTS["cisco_ios"])
    assert r1 is not None and r2 is not None
    return [
        (endpoints["R1"].ssh["127.0.0.1"], endpoints["R1"].snmp["127.0.0.1"], r1.ifindex),
        (endpoints["R2"].ssh["127.0.0.1"], endpoints["R2"].snmp["127.0.0.1"], r2.ifindex),
    ]


def cli_states(r1_ssh: int, r2_ssh: int) -> tuple[str, str]:
    with Terminal(r1_ssh) as term:
        vrp = term.run("display interface brief | include GigabitEthernet0/0/2")
    with Terminal(r2_ssh) as term:
        term.run("terminal length 0")
        ios = term.run("show ip interface brief | include GigabitEthernet0/0/1")
    # VRP's PHY column (its protocol stays down on a port without an address), IOS's Status/Protocol.
    return vrp.split()[1], " ".join(ios.split()[-2:])


def test_link_down_downs_both_ends_of_the_cable_in_cli_and_snmp(pair) -> None:  # type: ignore[no-untyped-def]
    lab, endpoints = pair
    (r1_ssh, r1_snmp, r1_index), (r2_ssh, r2_snmp, r2_index) = ends(lab, endpoints)
    assert cli_states(r1_ssh, r2_ssh) == ("up", "up up")
    said = lab.fault("R1", "link-down", "GigabitEthernet0/0/2")
    assert "and its peer R2 GigabitEthernet0/0/1" in said
    assert cli_states(r1_ssh, r2_ssh) == ("down", "down down")
    assert (oper_status(r1_snmp, r1_index), oper_status(r2_snmp, r2_index)) == (2, 2)
    status = {d["hostname"]: d["faults"] for d in lab.lab.status()}
    assert status == {"R1": ["link-down:GigabitEthernet0/0/2"], "R2": ["link-down:GigabitEthernet0/0/1"]}
    # Mending the cable from the other end brings both back.
    lab.fault("R2", "link-down", "GigabitEthernet0/0/1", clear=True)
    assert (oper_status(r1_snmp, r1_index), oper_status(r2_snmp, r2_index)) == (1, 1)
    assert cli_states(r1_ssh, r2_ssh) == ("up", "up up")


def test_link_down_one_end_leaves_the_peer_up(pair) -> None:  # type: ignore[no-untyped-def]
    lab, endpoints = pair
    (r1_ssh, r1_snmp, r1_index), (r2_ssh, r2_snmp, r2_index) = ends(lab, endpoints)
    lab.fault("R1", "link-down", "GigabitEthernet0/0/2", one_end=True)
    assert (oper_status(r1_snmp, r1_index), oper_status(r2_snmp, r2_index)) == (2, 1)
    assert cli_states(r1_ssh, r2_ssh) == ("down", "up up")


def test_one_end_is_refused_for_faults_that_are_not_link_down(pair) -> None:  # type: ignore[no-untyped-def]
    from govnet.errors import InputError

    lab, _ = pair
    with pytest.raises(InputError, match="--one-end applies to link-down only"):
        lab.fault("R1", "surge", "GigabitEthernet0/0/2", one_end=True)


def test_fault_help_says_link_down_cuts_both_ends_and_offers_one_end() -> None:
    from typer.testing import CliRunner

    from govnet.cli import app

    result = CliRunner().invoke(app, ["lab", "fault", "--help"], env={"COLUMNS": "200"})
    text = re.sub(r"\s+", " ", result.output)
    assert "--one-end" in text
    assert "both ends go down" in text


def test_reset_mends_a_cut_cable_at_both_ends(pair) -> None:  # type: ignore[no-untyped-def]
    lab, endpoints = pair
    (_, r1_snmp, r1_index), (_, r2_snmp, r2_index) = ends(lab, endpoints)
    lab.fault("R1", "link-down", "GigabitEthernet0/0/2")
    lab.call(lab.lab.reset("R1"))
    assert (oper_status(r1_snmp, r1_index), oper_status(r2_snmp, r2_index)) == (1, 1)
    assert {d["hostname"]: d["faults"] for d in lab.lab.status()} == {"R1": [], "R2": []}
