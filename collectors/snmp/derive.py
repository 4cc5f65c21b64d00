"""Figures derived from two successive polls of one device: pure functions, no I/O.

Bits per second in and out, and utilisation against ifHighSpeed. Counter wrap and device reboot
never produce a false spike:

- a reboot (sysUpTime going back, or advancing much less than the wall clock did) drops the
  interval: counters restarted from zero somewhere inside it;
- a counter that went back is a wrap only if the wrapped delta is a rate the port can carry (at most
  line rate); otherwise it is a discontinuity (counter reset, ifIndex reused) and the interval is dropped;
- a change of counter width (64-bit to the 32-bit fallback) or of the interface behind an ifIndex
  is a discontinuity too.
"""

from __future__ import annotations

from dataclasses import dataclass

from govnet.collectors.snmp.models import DevicePoll, InterfaceSample

TICKS_WRAP = 2**32
LINE_RATE_SLACK = 1.05  # counters sampled a little apart may show a hair over line rate
UPTIME_SLACK_S = 5.0


@dataclass(frozen=True)
class InterfaceRate:
    device: str
    interface: str
    ifindex: int
    seconds: float
    in_bps: float | None  # None: no trustworthy figure for this interval (see ``note``)
    out_bps: float | None
    speed_mbps: int | None  # None: the agent gives no speed
    note: str = ""  # "", "reboot", "wrap", "discontinuity", "first poll"

    @property
    def utilisation(self) -> float | None:
        """Percent of ifHighSpeed, the busier direction."""
        return utilisation(self.in_bps, self.out_bps, self.speed_mbps)


def utilisation(in_bps: float | None, out_bps: float | None, mbps: int | None) -> float | None:
    if in_bps is None or out_bps is None or not mbps or mbps <= 0:
        return None
    return round(100 * max(in_bps, out_bps) / (mbps * 1_000_000), 2)


def rebooted(prev: DevicePoll, cur: DevicePoll) -> bool:
    """Did the device restart between the two polls? (sysUpTime is in hundredths of a second.)"""
    if prev.uptime_ticks is None or cur.uptime_ticks is None:
        return False
    elapsed = cur.at - prev.at
    expected = prev.uptime_ticks + elapsed * 100
    if cur.uptime_ticks < prev.uptime_ticks:
        return expected < TICKS_WRAP  # going back without having reached 2^32 ticks: a restart
    # Uptime advanced much less than the wall clock: it restarted and has been counting since.
    return cur.uptime_ticks < expected - (UPTIME_SLACK_S + 0.1 * elapsed) * 100


def counter_delta(
    prev: int, cur: int, bits: int, seconds: float, speed_mbps: int | None
) -> tuple[int | None, str]:
    """Octets between two readings, or None with the reason when there is no honest figure."""
    delta = cur - prev
    note = ""
    if delta < 0:
        delta += 2**bits
        note = "wrap"
    if speed_mbps and delta * 8 / seconds > speed_mbps * 1_000_000 * LINE_RATE_SLACK:
        return None, "discontinuity"  # faster than the port can go: a reset, not traffic
    return delta, note


def _one(
    prev: InterfaceSample, cur: InterfaceSample, seconds: float
) -> tuple[float | None, float | None, str]:
    if prev.counter_bits != cur.counter_bits or prev.name != cur.name:
        return None, None, "discontinuity"
    if None in (prev.in_octets, prev.out_octets, cur.in_octets, cur.out_octets):
        return None, None, "discontinuity"
    assert prev.in_octets is not None and cur.in_octets is not None
    assert prev.out_octets is not None and cur.out_octets is not None
    d_in, n_in = counter_delta(prev.in_octets, cur.in_octets, cur.counter_bits, seconds, cur.speed_mbps)
    d_out, n_out = counter_delta(prev.out_octets, cur.out_octets, cur.counter_bits, seconds, cur.speed_mbps)
    if d_in is None or d_out is None:
        return None, None, "discontinuity"
    return d_in * 8 / seconds, d_out * 8 / seconds, n_in or n_out


def interface_rates(prev: DevicePoll | None, cur: DevicePoll) -> list[InterfaceRate]:
    """One rate per interface of ``cur`` (None figures where the interval cannot be trusted)."""
    if not cur.ok:
        return []
    usable = prev is not None and prev.ok and cur.at > prev.at
    seconds = cur.at - prev.at if prev is not None and usable else 0.0
    restarted = usable and prev is not None and rebooted(prev, cur)
    before = {i.ifindex: i for i in prev.interfaces} if prev is not None and usable else {}
    out = []
    for itf in cur.interfaces:
        old = before.get(itf.ifindex)
        if not usable or old is None:
            in_bps, out_bps, note = None, None, "first poll"
        elif restarted:
            in_bps, out_bps, note = None, None, "reboot"
        else:
            in_bps, out_bps, note = _one(old, itf, seconds)
        out.append(
            InterfaceRate(cur.device, itf.name, itf.ifindex, seconds, in_bps, out_bps, itf.speed_mbps, note)
        )
    return out
