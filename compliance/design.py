"""The network design as an asset: the inventory (its models, the address plan, where each entity
was written), the collectors' utilisation history, the provisioning policy's management targets and
the devices' configuration backups — what the design checks judge, read once here.

Nothing here raises for bad input: an inventory that does not load is an error asset; missing
history or backups leave their fields empty and the checks say what they could not judge.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from govnet.errors import GovnetError

if TYPE_CHECKING:
    from govnet.compliance.sources import DeviceAsset
    from govnet.inventory.models import Inventory
    from govnet.inventory.problems import Problem
    from govnet.store import Store

DEFAULT_WINDOW_DAYS = 7
DEFAULT_PEAK_PERCENT = 80.0

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class EndLoad:
    """The busiest 5-minute bucket of one link end in the window (collectors' rollups)."""

    link: str
    device: str
    interface: str
    tier_mbps: int
    samples: int  # rollup buckets found in the window; 0: no history for this end
    peak_bps: float = 0.0  # max of the in and out maxima over the buckets
    peak_at: int = 0  # bucket start, seconds since the epoch

    @property
    def peak_percent(self) -> float:
        return round(100 * self.peak_bps / (self.tier_mbps * 1_000_000), 1) if self.tier_mbps else 0.0


@dataclass(frozen=True)
class History:
    """Per link end: its peak over ``[since, until)`` (``loads``), or why none was read (``problem``)."""

    since: float
    until: float
    threshold: float  # percent of the link's tier
    source: str
    loads: tuple[EndLoad, ...] = ()
    problem: str = ""


@dataclass(frozen=True)
class MgmtTarget:
    """An address the management plane sends to (syslog, NTP), and who says so."""

    kind: str  # syslog | ntp
    address: str
    source: str  # "provisioning policy" or "<config file>:<line>"


@dataclass(frozen=True)
class DesignAsset:
    asset_type: ClassVar[str] = "design"
    name: str
    source: str
    summary: dict[str, Any] = field(default_factory=dict, compare=False)
    problem: str = ""
    notes: tuple[str, ...] = ()
    vendor: str | None = None
    truncated: bool = False
    inventory: Inventory | None = field(default=None, compare=False)
    # section ("sites", "devices", "links", "pools") -> "file:line" of each entity, by index
    origins: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    problems: tuple[Problem, ...] = field(default=(), compare=False)  # the inventory validator's
    history: History | None = None  # None: no collectors' store was given
    mgmt_networks: tuple[str, ...] = ()  # the provisioning policy's, else the pools' mgmt blocks
    mgmt_targets: tuple[MgmtTarget, ...] = ()
    configs: tuple[DeviceAsset, ...] = field(default=(), compare=False)  # backups of inventory devices

    def where(self, section: str, index: int) -> str:
        spots = self.origins.get(section, ())
        return spots[index] if index < len(spots) else self.source


def _load(path: Path) -> tuple[Inventory, dict[str, tuple[str, ...]], tuple[Problem, ...]]:
    """The inventory (strict about loading errors, as ``load_inventory``), where each entity was
    written, and what ``govnet.inventory.validate`` finds across entities (addresses, pools, ...)."""
    from govnet.errors import InputError
    from govnet.inventory.loader import read_inventory
    from govnet.inventory.problems import errors
    from govnet.inventory.validate import validate
    from govnet.inventory.yamlsafe import quiet_gc

    with quiet_gc():
        result = read_inventory(path)
        problems = errors(result.problems())
        if not problems:
            validate(result)
    if problems:
        raise InputError(f"{len(problems)} error(s), the first: {problems[0]}")
    files = result.sources.files
    origins = {
        section: tuple(f"{files[fi]}:{line}" for fi, _item, line, _col in spots)
        for section, spots in result.sources.origins.items()
    }
    return result.inventory, origins, tuple(result.problems())


def read_history(
    store: Store,
    inventory: Inventory,
    *,
    now: dt.datetime | None = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
    threshold: float = DEFAULT_PEAK_PERCENT,
) -> History:
    """Each inventory link end's busiest rollup bucket in the window, from the collectors' store."""
    from govnet.collectors.snmp.findings import link_ends, port_key
    from govnet.collectors.snmp.store import rollups

    until = (now or dt.datetime.now(dt.UTC)).timestamp()
    since = until - window_days * 86400
    history = History(since, until, threshold, store.url_masked)
    by_device: dict[str, dict[str, list[Any]]] = {}
    loads = []
    try:
        for end in link_ends(inventory):
            per_port = by_device.get(end.device)
            if per_port is None:
                per_port = by_device[end.device] = {}
                for r in rollups(store, end.device, since=since, until=until):
                    per_port.setdefault(port_key(r.interface), []).append(r)
            buckets = per_port.get(port_key(end.interface), [])
            if not buckets:
                loads.append(EndLoad(end.link, end.device, end.interface, end.tier_mbps, 0))
                continue
            top = max(buckets, key=lambda r: max(r.in_max, r.out_max))
            loads.append(
                EndLoad(
                    end.link,
                    end.device,
                    end.interface,
                    end.tier_mbps,
                    len(buckets),
                    max(top.in_max, top.out_max),
                    top.bucket,
                )
            )
    except GovnetError as exc:
        return History(since, until, threshold, history.source, problem=f"the history cannot be read: {exc}")
    return History(since, until, threshold, history.source, tuple(loads))


def _networks(policy_nets: Iterable[str], inventory: Inventory) -> tuple[str, ...]:
    nets = [str(n) for n in policy_nets]
    if nets:
        return tuple(nets)
    return tuple(str(n) for p in inventory.pools for n in (p.mgmt_ipv4, p.mgmt_ipv6) if n is not None)


def _backups(folder: Path, inventory: Inventory) -> list[DeviceAsset]:
    from govnet.compliance.sources import read_file

    found = []
    for device in inventory.devices:
        path = folder / f"{device.hostname}.cfg"
        if path.is_file():
            found.append(read_file(path, vendor=device.vendor.value))
    return found


def read_design(
    inventory: Path,
    *,
    history: Store | None = None,
    backups: Path | None = None,
    policy: Path | None = None,
    now: dt.datetime | None = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
    threshold: float = DEFAULT_PEAK_PERCENT,
) -> DesignAsset:
    """The design asset of an inventory file or folder (an unreadable inventory is an error asset).

    ``history``: the collectors' store (bandwidth); ``backups``: the config-backup folder
    (``<hostname>.cfg``: syslog/NTP targets and VTY ACLs as configured); ``policy``: a provisioning
    policy file over the shipped defaults (management networks, syslog and NTP targets)."""
    from govnet.inventory.summary import summarize

    try:
        inv, origins, problems = _load(inventory)
    except GovnetError as exc:
        return DesignAsset(inventory.name, str(inventory), problem=f"inventory cannot be read: {exc}")
    notes: list[str] = []
    targets: list[MgmtTarget] = []
    policy_nets: tuple[str, ...] = ()
    try:
        from govnet.playbooks.policy import load_policy

        pol = load_policy(policy)
    except GovnetError as exc:
        notes.append(f"provisioning policy not read: {exc}")
    else:
        where = f"provisioning policy {policy or 'defaults'}"
        policy_nets = pol.management_networks
        targets += [MgmtTarget("syslog", h, where) for h in pol.syslog_hosts]
        targets += [MgmtTarget("ntp", h, where) for h in pol.ntp_servers]
    configs = _backups(backups, inv) if backups is not None and backups.is_dir() else []
    return DesignAsset(
        inv.name or inventory.name,
        str(inventory),
        summarize(inv),
        notes=tuple(notes),
        inventory=inv,
        origins=origins,
        problems=problems,
        history=read_history(history, inv, now=now, window_days=window_days, threshold=threshold)
        if history is not None
        else None,
        mgmt_networks=_networks(policy_nets, inv),
        mgmt_targets=tuple(targets),
        configs=tuple(configs),
    )
