"""Poll the inventory's devices, derive, judge, store: what ``govnet collect snmp`` and the demo call.

The inventory (with the lab overlay when the lab runs) says which devices exist and how to reach
them (``govnet.devices.snmp_target``); ``--limit`` and ``--shard`` choose among them; the store
holds the previous poll, so rates come out from the second run on, even one run per cron tick.
"""

from __future__ import annotations

import asyncio
import fnmatch
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from govnet.collectors.snmp import store as history
from govnet.collectors.snmp.derive import InterfaceRate, interface_rates
from govnet.collectors.snmp.findings import Finding, LinkStatus, findings, link_ends, link_status
from govnet.collectors.snmp.models import DevicePoll, PollTarget
from govnet.collectors.snmp.poller import PollOptions, poll_all
from govnet.collectors.snmp.shard import in_shard
from govnet.errors import GovnetError, InputError

if TYPE_CHECKING:
    from govnet.inventory.models import Device, Inventory
    from govnet.store import Store


@dataclass
class RunResult:
    polls: list[DevicePoll]
    rates: list[InterfaceRate]
    links: list[LinkStatus]
    findings: list[Finding]
    skipped: dict[str, str] = field(default_factory=dict)  # device -> why it has no target

    @property
    def failed(self) -> list[DevicePoll]:
        return [p for p in self.polls if not p.ok]

    @property
    def values(self) -> int:
        return sum(p.values for p in self.polls)

    def to_dict(self) -> dict[str, Any]:
        return {
            "devices": len(self.polls),
            "failed": [{"device": p.device, "error": str(p.error)} for p in self.failed],
            "skipped": self.skipped,
            "values": self.values,
            "links": [s.to_dict() for s in self.links],
            "findings": [f.to_dict() for f in self.findings],
            "health": {
                p.device: {"cpu_percent": p.health.cpu_percent, "memory_percent": p.health.memory_percent}
                for p in self.polls
                if p.ok
            },
        }


TargetBuilder = Callable[["Device"], Any]


def _default_builder() -> TargetBuilder:
    from govnet.devices import snmp_target

    return snmp_target


def select_targets(
    inventory: Inventory,
    *,
    limit: str | None = None,
    shard: tuple[int, int] | None = None,
    build: TargetBuilder | None = None,
) -> tuple[list[PollTarget], dict[str, str]]:
    """The devices to poll (``limit``: an fnmatch pattern on host names; ``shard``: K of N by hashmod)
    and the devices left out because their SNMP access cannot be built (named, with why)."""
    build = build or _default_builder()
    targets: list[PollTarget] = []
    skipped: dict[str, str] = {}
    for device in inventory.devices:
        if limit and not fnmatch.fnmatch(device.hostname, limit):
            continue
        try:
            targets.append(PollTarget(device.hostname, build(device)))
        except GovnetError as exc:
            skipped[device.hostname] = str(exc)
    if limit and not targets and not skipped:
        raise InputError(f"--limit {limit!r} matches no device of inventory {inventory.name!r}")
    if shard is not None:
        targets = in_shard(targets, shard, lambda t: t.address)
    return targets, skipped


def judge(
    inventory: Inventory, polls: list[DevicePoll], previous: dict[str, DevicePoll]
) -> tuple[list[InterfaceRate], list[LinkStatus], list[Finding]]:
    """Rates from the previous polls, each inventory link's status, and the findings (pure)."""
    rates = [r for p in polls for r in interface_rates(previous.get(p.device), p)]
    by_key = {(r.device, r.ifindex): r for r in rates}
    polled = {p.device: p for p in polls}
    ends = [e for e in link_ends(inventory) if e.device in polled]
    statuses = link_status(ends, polled, by_key)
    return rates, statuses, findings(ends, polled, statuses)


def run_once(
    inventory: Inventory,
    store: Store | None,
    targets: list[PollTarget],
    options: PollOptions | None = None,
    previous: dict[str, DevicePoll] | None = None,
) -> RunResult:
    """One poll of every target; with a store, rates derive from the stored previous poll and the
    results are saved. ``previous`` (polls held in memory by a long-running loop) wins over the store."""
    names = [t.name for t in targets]
    before = dict(history.previous_polls(store, names)) if store is not None else {}
    before.update(previous or {})
    polls = asyncio.run(poll_all(targets, options or PollOptions()))
    rates, statuses, found = judge(inventory, polls, before)
    if store is not None:
        history.save_run(store, polls, rates, found, time.time())
    return RunResult(polls, rates, statuses, found)
