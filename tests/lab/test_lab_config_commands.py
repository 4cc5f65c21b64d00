"""Configuration commands engineers type daily round-trip: typed -> shown -> saved -> rebooted -> shown."""

from __future__ import annotations

from govnet.lab.bootstrap import boot
from govnet.lab.forwarding import link_local, mac_address
from govnet.lab.testing import spec
from govnet.lab.vendors import dialect_for
from govnet.lab.vendors.base import CliSession


def session(vendor: str, saved: str | None = None) -> CliSession:
    state, problems = boot(spec(vendor, "R1"), saved, now=1_000_000.0)
    assert not problems, problems
    s = CliSession(dialect_for(vendor), state, "admin", clock=lambda: 1_090_000.0)
    s.dialect.session_start(s)
    return s


def typed(s: CliSession, *lines: str) -> list[str]:
    return [s.handle_line(line) for line in lines]


def saved_and_rebooted(s: CliSession) -> CliSession:
    s.save()
    assert s.state.saved_config is not None
    return session(s.state.vendor, s.state.saved_config)


def test_vrp_ipv6_address_auto_link_local_round_trips_and_shows_the_eui64_address() -> None:
    s = session("huawei_vrp")
    out = typed(s, "system-view", "interface GigabitEthernet0/0/1", "ipv6 address auto link-local")
    assert out[-1] == "Error: Please enable IPv6 on the interface first."
    assert typed(s, "ipv6 enable", "ipv6 address auto link-local") == ["", ""]
    assert " ipv6 address auto link-local" in s.handle_line("display this").splitlines()
    typed(s, "return")
    rebooted = saved_and_rebooted(s)
    block = rebooted.handle_line("display current-configuration interface GigabitEthernet0/0/1")
    assert block.splitlines()[3:5] == [" ipv6 enable", " ipv6 address auto link-local"]
    itf = rebooted.state.interface("GigabitEthernet0/0/1")
    assert itf is not None
    expected = link_local(rebooted.state, itf)
    assert str(expected).upper() in rebooted.handle_line("display ipv6 interface brief")
    # EUI-64 from the port's MAC (RFC 4291 appendix A): 00e0-fcXX-YYZZ -> FE80::2E0:FCFF:FEXX:YYZZ.
    mac = bytes.fromhex(mac_address(rebooted.state, itf).replace("-", ""))
    assert (
        expected.packed
        == bytes.fromhex("fe80000000000000") + bytes([mac[0] ^ 2]) + mac[1:3] + b"\xff\xfe" + mac[3:]
    )
    assert str(expected).startswith("fe80::2e0:fcff:fe")
    typed(rebooted, "system-view", "interface GigabitEthernet0/0/1", "undo ipv6 address auto link-local")
    assert "auto link-local" not in rebooted.handle_line("display this")


def test_comware_ipv6_address_auto_link_local_round_trips() -> None:
    s = session("h3c_comware")
    typed(s, "system-view", "interface GigabitEthernet1/0/1", "ipv6 address auto link-local", "return")
    rebooted = saved_and_rebooted(s)
    shown = rebooted.handle_line("display current-configuration interface GigabitEthernet1/0/1")
    assert " ipv6 address auto link-local" in shown.splitlines()


def test_ios_passive_interface_default_round_trips_with_its_exceptions() -> None:
    s = session("cisco_ios")
    out = typed(
        s,
        "configure terminal",
        "router ospf 1",
        "passive-interface default",
        "no passive-interface Gi0/0/1",
        "network 10.0.0.0 0.0.0.255 area 0",
        "end",
    )
    assert not any(out[1:-1]), out
    rebooted = saved_and_rebooted(s)
    section = rebooted.handle_line("show running-config | section router ospf").splitlines()
    assert section == [
        "router ospf 1",
        " passive-interface default",
        " no passive-interface GigabitEthernet0/0/1",
        " network 10.0.0.0 0.0.0.255 area 0",
    ]
    process = rebooted.state.ospf_process(1)
    assert process is not None
    assert process.passive("Loopback0") and not process.passive("GigabitEthernet0/0/1")
    typed(rebooted, "configure terminal", "router ospf 1", "no passive-interface default", "end")
    assert "passive-interface" not in rebooted.handle_line("show running-config | section router ospf")


def test_ios_passive_interface_names_an_interface_the_device_has() -> None:
    s = session("cisco_ios")
    out = typed(s, "configure terminal", "router ospf 1", "passive-interface Nope9/9")
    assert "% Invalid input detected at '^' marker." in out[-1]
