"""Address planning: deterministic, hierarchical and stable.

- IPv6: each site gets a prefix of its level's length (policy: /48 city, /56 county and department,
  /60 town, /64 village) carved from its parent's prefix when both are in the same zone, else from
  its zone's pool; point-to-point links get a /127 (RFC 6164) from the zone's link block; LAN links
  a /64 from their site's prefix; devices a /128 loopback from the loopback block.
- IPv4 alike: site prefixes per policy, /31 (RFC 3021) or /30 links, LAN subnets, /32 loopbacks.

Existing assignments (from the plan file or written in the inventory) are never moved: a new
entity gets the first free block of its size after them, so adding a site renumbers nothing. Plan
entries of entities that no longer exist keep their space until pruned. New entities are placed in
sorted order (sites parents first, then by ID), so two runs give the same plan.

Pure: no files. Addresses are handled as integers; ``ipaddress`` objects only at the edges.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from govnet.errors import InputError

from .loader import end_address
from .models import AddressPool, Inventory, LinkPurpose, Site
from .planfile import PlanData

WIDTH = {4: 32, 6: 128}
_Key = tuple[int, int, int]  # version, network start, prefix length


@dataclass(slots=True)
class Assignment:
    section: str  # sites | devices | links
    id: str
    field: str  # ipv4, ipv6, loopback_ipv4, ...
    value: str


@dataclass
class PlanResult:
    plan: PlanData
    new: list[Assignment] = field(default_factory=list)
    kept: int = 0
    reserved: list[tuple[str, str]] = field(default_factory=list)  # (section, id) with no entity
    pruned: list[tuple[str, str]] = field(default_factory=list)


class Block:
    """One block of address space and the blocks taken inside it (disjoint, sorted)."""

    __slots__ = ("cursor", "end", "ends", "label", "prefixlen", "start", "starts", "version", "whole_ok")

    def __init__(self, version: int, start: int, prefixlen: int, label: str) -> None:
        # A site's block holds smaller blocks only (a child with its parent's very prefix would
        # overlap it); a pool block may be handed out whole.
        self.whole_ok = label.startswith("pool")
        self.version = version
        self.start = start
        self.prefixlen = prefixlen
        self.end = start + (1 << (WIDTH[version] - prefixlen)) - 1
        self.label = label
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cursor: dict[int, int] = {}  # block size -> nothing free below this

    def take(self, start: int, end: int) -> None:
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def take_exact(self, address: int, prefixlen: int) -> _Key | None:
        """Take the block of that length around ``address`` if it is inside and free."""
        size = 1 << (WIDTH[self.version] - prefixlen)
        start = address - address % size
        last = start + size - 1
        if prefixlen < self.prefixlen or (prefixlen == self.prefixlen and not self.whole_ok):
            return None
        if start < self.start or last > self.end:
            return None
        i = bisect_right(self.starts, last) - 1
        if i >= 0 and self.ends[i] >= start:
            return None
        self.take(start, last)
        return self.version, start, prefixlen

    def allocate(self, prefixlen: int) -> int | None:
        """The first free aligned block of that length (first fit), or None when full."""
        size = 1 << (WIDTH[self.version] - prefixlen)
        if prefixlen < self.prefixlen or (prefixlen == self.prefixlen and not self.whole_ok):
            return None
        candidate = max(self.cursor.get(size, self.start), self.start)
        while candidate + size - 1 <= self.end:
            last = candidate + size - 1
            i = bisect_right(self.starts, last) - 1
            if i >= 0 and self.ends[i] >= candidate:  # overlaps the last block starting before our end
                candidate = -(-(self.ends[i] + 1) // size) * size
                continue
            self.cursor[size] = candidate + size
            self.take(candidate, last)
            return candidate
        self.cursor[size] = candidate
        return None


def _address(version: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))


def _net(version: int, start: int, prefixlen: int) -> str:
    return f"{_address(version, start)}/{prefixlen}"


def _key_of(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> _Key:
    return net.version, int(net.network_address), net.prefixlen


def _key(text: str) -> _Key:
    net = ipaddress.ip_network(text, strict=False)
    return net.version, int(net.network_address), net.prefixlen


class _Space:
    """Every block that can hold others: pool blocks and site prefixes, found by supernet."""

    def __init__(self) -> None:
        # Pools and sites apart: a city may take a whole pool block, and is then a block of its own.
        self.pools: dict[_Key, Block] = {}
        self.sites: dict[_Key, Block] = {}
        self.lengths: dict[int, list[int]] = {4: [], 6: []}  # prefix lengths in use, longest first

    def _length(self, version: int, prefixlen: int) -> None:
        if prefixlen not in self.lengths[version]:
            self.lengths[version] = sorted([*self.lengths[version], prefixlen], reverse=True)

    def add_pool(self, key: _Key, label: str) -> Block:
        block = self.pools.setdefault(key, Block(*key, label))
        self._length(key[0], key[2])
        return block

    def add(self, key: _Key, label: str) -> Block:
        block = self.sites.get(key)
        if block is None:
            block = self.sites[key] = Block(*key, label)
            self._length(key[0], key[2])
        return block

    def hold(self, key: _Key) -> None:
        """Mark an existing assignment as taken in the innermost block that contains it."""
        version, start, prefixlen = key
        width = WIDTH[version]
        for length in self.lengths[version]:
            if length > prefixlen:
                continue
            mask = ((1 << length) - 1) << (width - length)
            outer_key = (version, start & mask, length)
            # A block the size of the assignment can only be a pool it fills entirely.
            outer = (
                self.pools.get(outer_key)
                if length == prefixlen
                else (self.sites.get(outer_key) or self.pools.get(outer_key))
            )
            if outer is not None:
                outer.take(start, start + (1 << (width - prefixlen)) - 1)
                return


def plan_addresses(inventory: Inventory, existing: PlanData, *, prune: bool = False) -> PlanResult:
    """Allocate what is missing; keep what exists. Raises InputError listing what did not fit."""
    policy = inventory.policy
    site_ids = {s.id for s in inventory.sites}
    hostnames = {d.hostname for d in inventory.devices}
    link_ids = {link.id for link in inventory.links}
    alive = {"sites": site_ids, "devices": hostnames, "links": link_ids}
    result = PlanResult(PlanData())
    for section in ("sites", "devices", "links"):
        target = result.plan.section(section)
        for entity_id, entry in sorted(existing.section(section).items()):
            if entity_id in alive[section]:
                target[entity_id] = dict(entry)
            elif prune:
                result.pruned.append((section, entity_id))
            else:
                target[entity_id] = dict(entry)
                result.reserved.append((section, entity_id))

    space = _Space()
    pools: dict[str, AddressPool] = {p.zone.value: p for p in inventory.pools}
    for each in inventory.pools:
        for name in ("ipv4", "ipv6", "link_ipv4", "link_ipv6", "loopback_ipv4", "loopback_ipv6"):
            net = getattr(each, name)
            if net is not None:
                pool_block = space.add_pool(_key_of(net), f"pool {each.zone} {name} {net}")
                if name.startswith("loopback"):
                    pool_block.take(pool_block.start, pool_block.start)  # no loopback on the block's ::0 / .0

    # What exists: every site prefix is a block of its own; every assignment is held where it lies.
    held: list[_Key] = []
    # A site prefix whose parent (same zone) has none yet waits for it: the parent is then placed
    # around it, and the prefix is held inside the parent's block.
    waiting: dict[tuple[str, int], list[_Key]] = {}
    by_id = {s.id: s for s in inventory.sites}
    for site in inventory.sites:
        parent_site = by_id.get(site.parent) if site.parent else None
        for net in (site.ipv4_prefix, site.ipv6_prefix):
            if net is not None:
                space.add(_key_of(net), f"site {site.id} prefix {net}")
                if (
                    parent_site is not None
                    and parent_site.zone == site.zone
                    and (parent_site.ipv4_prefix if net.version == 4 else parent_site.ipv6_prefix) is None
                ):
                    waiting.setdefault((parent_site.id, net.version), []).append(_key_of(net))
                else:
                    held.append(_key_of(net))
    for device in inventory.devices:
        for address in (device.loopback_ipv4, device.loopback_ipv6):
            if address is not None:
                held.append((address.version, int(address), WIDTH[address.version]))
    for link in inventory.links:
        for text in (link.a.ipv4, link.a.ipv6, link.b.ipv4, link.b.ipv6):
            if text is not None:
                held.append(_key_of(ipaddress.ip_interface(text).network))
    for section, entity_id in result.reserved:
        for text in result.plan.section(section)[entity_id].values():
            key = _key(text)
            if section == "sites":
                space.add(key, f"reserved prefix of deleted site {entity_id}")
            held.append(key)
    for key in sorted(set(held)):
        space.hold(key)

    failures: list[str] = []
    prefixes: dict[tuple[str, int], _Key] = {}
    for site in inventory.sites:
        for net in (site.ipv4_prefix, site.ipv6_prefix):
            if net is not None:
                prefixes[(site.id, net.version)] = _key_of(net)

    def place(block: Block | None, version: int, prefixlen: int, what: str, where: str) -> _Key | None:
        if block is None:
            failures.append(f"{what}: {where} has no IPv{version} block to take it from")
            return None
        start = block.allocate(prefixlen)
        if start is None:
            failures.append(f"{what}: {block.label} has no free /{prefixlen} left (exhausted)")
            return None
        return version, start, prefixlen

    # Sites, parents first, then by ID.
    for site in _parents_first(inventory.sites, by_id):
        pool = pools.get(site.zone)
        entry = result.plan.sites.setdefault(site.id, {})
        for version, family, lengths in (
            (4, "ipv4", policy.ipv4_site_prefixlen),
            (6, "ipv6", policy.ipv6_site_prefixlen),
        ):
            if (site.id, version) in prefixes:
                continue
            parent = by_id.get(site.parent) if site.parent else None
            if parent is not None and parent.zone == site.zone and (parent.id, version) in prefixes:
                block: Block | None = space.sites[prefixes[(parent.id, version)]]
            else:
                net = getattr(pool, family) if pool is not None else None
                block = space.pools[_key_of(net)] if net is not None else None
            children = waiting.get((site.id, version), [])
            got = None
            if children and block is not None:  # place the site around its children's prefixes
                got = block.take_exact(children[0][1], lengths[site.level])
            if got is None:
                got = place(block, version, lengths[site.level], f"site {site.id}", f"zone {site.zone}")
            if got is not None:
                prefixes[(site.id, version)] = got
                text = _net(*got)
                space.add(got, f"site {site.id} prefix {text}")
                for child in children:
                    space.hold(child)
                entry[family] = text
                result.new.append(Assignment("sites", site.id, family, entry[family]))
        if not entry:
            del result.plan.sites[site.id]

    site_zone: dict[str, str] = {s.id: s.zone.value for s in inventory.sites}
    for device in sorted(inventory.devices, key=lambda d: d.hostname):
        pool = pools.get(site_zone.get(device.site, ""))
        entry = result.plan.devices.setdefault(device.hostname, {})
        for version, name, current in (
            (4, "loopback_ipv4", device.loopback_ipv4),
            (6, "loopback_ipv6", device.loopback_ipv6),
        ):
            if current is not None:
                continue
            net = getattr(pool, name) if pool is not None else None
            block = space.pools[_key_of(net)] if net is not None else None
            got = place(
                block,
                version,
                WIDTH[version],
                f"device {device.hostname} loopback",
                f"pool {pool.zone if pool else '-'}",
            )
            if got is not None:
                entry[name] = _address(version, got[1])
                result.new.append(Assignment("devices", device.hostname, name, entry[name]))
        if not entry:
            del result.plan.devices[device.hostname]

    device_site = {d.hostname: d.site for d in inventory.devices}
    for link in sorted(inventory.links, key=lambda link: link.id):
        site_id = device_site.get(link.a.device, "")
        pool = pools.get(site_zone.get(site_id, ""))
        entry = result.plan.links.setdefault(link.id, {})
        for version, family in ((4, "ipv4"), (6, "ipv6")):
            if getattr(link.a, family) is not None or getattr(link.b, family) is not None:
                continue
            if link.purpose is LinkPurpose.LAN:
                prefixlen = policy.ipv4_lan_prefixlen if version == 4 else 64
                lan_key = prefixes.get((site_id, version))
                block = space.sites.get(lan_key) if lan_key else None
                where = f"site {site_id}"
            else:
                prefixlen = policy.ipv4_link_prefixlen if version == 4 else 127
                net = getattr(pool, f"link_{family}") if pool is not None else None
                block = space.pools[_key_of(net)] if net is not None else None
                where = f"pool {pool.zone if pool else '-'}"
            got = place(block, version, prefixlen, f"link {link.id}", where)
            if got is not None:
                entry[family] = _net(*got)
                result.new.append(Assignment("links", link.id, family, entry[family]))
        if not entry:
            del result.plan.links[link.id]

    if failures:
        shown = "\n  ".join(failures[:30])
        more = f"\n  ... and {len(failures) - 30} more" if len(failures) > 30 else ""
        raise InputError(f"address plan: {len(failures)} assignment(s) did not fit:\n  {shown}{more}")
    total = sum(len(e) for s in ("sites", "devices", "links") for e in result.plan.section(s).values())
    result.kept = total - len(result.new)
    return result


def _parents_first(sites: Iterable[Site], by_id: dict[str, Site]) -> list[Site]:
    """Sites ordered by depth in the hierarchy, then by ID (cycles were refused by validation)."""
    depth: dict[str, int] = {}

    def depth_of(site: Site) -> int:
        chain: list[Site] = []
        current: Site | None = site
        while current is not None and current.id not in depth and len(chain) <= len(by_id):
            chain.append(current)
            current = by_id.get(current.parent) if current.parent else None
        base = depth[current.id] if current is not None and current.id in depth else -1
        for s in reversed(chain):
            base += 1
            depth[s.id] = base
        return depth[site.id]

    return sorted(sites, key=lambda s: (depth_of(s), s.id))


def interface_addresses(network: str) -> tuple[str, str]:
    """The a and b interface addresses of a planned link network."""
    return end_address(network, 0), end_address(network, 1)
