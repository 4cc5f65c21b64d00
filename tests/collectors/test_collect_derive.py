"""Rates from successive polls: counter wraps and reboots never make a false spike."""

from __future__ import annotations

import asyncio
import time

from collect_topology import Net

from govnet.collectors.snmp.derive import counter_delta, interface_rates, rebooted
from govnet.collectors.snmp.models import DevicePoll, InterfaceSample
from govnet.collectors.snmp.poller import PollOptions, poll_all

OPTS = PollOptions(timeout=1.0, retries=1)


def _poll(
    at: float, uptime: int, in_octets: int, out_octets: int, bits: int = 64, speed: int = 1000
) -> DevicePoll:
    itf = InterfaceSample(
        1, "GE0/0/1", "GigabitEthernet0/0/1", "", 6, True, True, speed, in_octets, out_octets, bits
    )
    return DevicePoll("r1", "127.0.0.1:161", at, uptime_ticks=uptime, interfaces=(itf,))


def test_64_bit_wrap_is_traffic_not_a_spike() -> None:
    prev = _poll(100.0, 10_000, 2**64 - 1_000_000, 2**64 - 500)
    cur = _poll(110.0, 11_000, 250_000, 500)
    (rate,) = interface_rates(prev, cur)
    assert rate.note == "wrap"
    assert rate.in_bps == (1_250_000 * 8) / 10 and rate.out_bps == 1000 * 8 / 10


def test_32_bit_counters_wrap_at_2_to_the_32() -> None:
    prev = _poll(0.0, 0, 2**32 - 10_000_000, 0, bits=32)
    cur = _poll(10.0, 1000, 5_000_000, 0, bits=32)
    (rate,) = interface_rates(prev, cur)
    assert rate.in_bps == 15_000_000 * 8 / 10 and rate.note == "wrap"


def test_counter_reset_faster_than_line_rate_is_dropped() -> None:
    delta, note = counter_delta(5_000_000_000, 1_000, 64, 10.0, 1000)
    assert delta is None and note == "discontinuity"


def test_reboot_drops_the_interval() -> None:
    prev = _poll(100.0, 500_000, 9_000_000, 9_000_000)
    cur = _poll(160.0, 1_200, 10_000, 10_000)  # uptime went back: the counters restarted
    (rate,) = interface_rates(prev, cur)
    assert rate.in_bps is None and rate.note == "reboot"
    # restarted long ago enough that uptime passed the old value, but less than the wall clock moved
    assert rebooted(_poll(0.0, 100_000, 0, 0), _poll(3600.0, 150_000, 0, 0))
    # sysUpTime wrapping at 2^32 ticks (497 days) is not a reboot
    assert not rebooted(_poll(0.0, 2**32 - 1000, 0, 0), _poll(30.0, 2000, 0, 0))


def test_lab_counter_wrap_and_reboot_make_no_spike(fresh_net: Net) -> None:
    targets = [t for t in fresh_net.targets() if t.name in ("c-core", "d-agg")]

    def poll() -> dict[str, DevicePoll]:
        return {p.device: p for p in asyncio.run(poll_all(targets, OPTS))}

    before = poll()
    for name in ("c-core", "d-agg"):
        fresh_net.lab.fault(name, "counter-wrap", seconds=2)
    jumped = poll()  # counters just below 2^64: a jump no port can make, so no figure
    time.sleep(3)
    wrapped = poll()  # ... and now past 2^64: a wrap, read as the traffic it is
    notes = set()
    for name in ("c-core", "d-agg"):
        for prev, cur in ((before, jumped), (jumped, wrapped)):
            for rate in interface_rates(prev[name], cur[name]):
                notes.add(rate.note)
                if rate.in_bps is not None:
                    assert rate.in_bps <= rate.speed_mbps * 1e6 and rate.out_bps <= rate.speed_mbps * 1e6
    assert {"wrap", "discontinuity"} <= notes
    fresh_net.lab.fault("c-core", "reboot")
    after = poll()
    rates = interface_rates(wrapped["c-core"], after["c-core"])
    assert rates and all(r.in_bps is None and r.note == "reboot" for r in rates)
    time.sleep(1.0)
    settled = poll()
    for rate in interface_rates(after["c-core"], settled["c-core"]):
        assert rate.note == "" and rate.in_bps is not None and rate.in_bps <= rate.speed_mbps * 1e6
