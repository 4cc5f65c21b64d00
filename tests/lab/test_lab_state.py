"""DeviceState: counters derived from time, faults that change them, stable ifindexes."""

from __future__ import annotations

from govnet.lab.state import COUNTER64, DeviceState, TrafficProfile


def _device() -> DeviceState:
    d = DeviceState(vendor="huawei_vrp", hostname="R1")
    d.add_interface("GigabitEthernet0/0/1", speed_mbps=1000, traffic=TrafficProfile(8_000_000, 16_000_000))
    d.add_interface("GigabitEthernet0/0/2")
    return d


def test_counters_advance_with_elapsed_time_at_the_profile_rate() -> None:
    itf = _device().interfaces[0]
    c = itf.counters(10.0)
    assert (c.in_octets, c.out_octets) == (10_000_000, 20_000_000)
    assert c.in_packets == 10_000_000 // 800


def test_shutdown_freezes_counters_and_keeps_what_was_counted() -> None:
    itf = _device().interfaces[0]
    itf.set_admin(10.0, shutdown=True)
    assert itf.counters(20.0).in_octets == 10_000_000
    assert not itf.oper_up and itf.last_change == 10.0
    itf.set_admin(20.0, shutdown=False)
    assert itf.counters(30.0).in_octets == 20_000_000


def test_counter_wrap_goes_past_two_to_the_64() -> None:
    itf = _device().interfaces[0]
    itf.wrap_counters_soon(100.0, seconds=10)
    assert itf.counters(100.0).in_octets > COUNTER64 - 20_000_000
    assert itf.counters(120.0).in_octets < 20_000_000


def test_surge_runs_near_line_rate() -> None:
    itf = _device().interfaces[0]
    itf.settle(0.0)
    itf.surge = True
    assert itf.counters(1.0).out_octets >= 0.9 * 1000 * 1_000_000 / 8


def test_ifindex_is_never_reused() -> None:
    d = _device()
    d.interfaces.pop()
    assert d.add_interface("LoopBack0").ifindex == 3
    assert d.interface("loopback0") is d.interfaces[-1]
