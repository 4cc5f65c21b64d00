"""Cross-entity rules: everything that needs more than one entity to check.

Each rule appends problems to the loader's ``Reporter`` (which resolves file, line and column), so
that one run reports every problem. All rules are linear in the size of the inventory except the
address-overlap sweep, which sorts (O(n log n)).
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Any

from govnet.vendors import port_speed, vendor_spec
from govnet.verdict import Verdict

from .loader import LoadResult, Reporter, by_id, read_inventory
from .models import Device, Inventory, Link, LinkPurpose, Site, SiteLevel
from .planfile import PlanData
from .problems import Problem, Severity, Suggester, as_verdict, did_you_mean, errors, meant_hint
from .yamlsafe import YamlLimits, quiet_gc

E, W = Severity.ERROR, Severity.WARNING

# Every rule a validation run checks (loading rules included), for verdicts and the docs.
RULES = (
    "yaml.syntax",
    "yaml.encoding",
    "yaml.binary",
    "yaml.empty",
    "yaml.too-large",
    "yaml.too-deep",
    "yaml.alias-budget",
    "yaml.duplicate-key",
    "schema.type",
    "schema.missing-field",
    "schema.unknown-field",
    "id.duplicate",
    "device.unknown-vendor",
    "site.dangling-parent",
    "site.cycle",
    "site.level-order",
    "site.no-parent",
    "site.no-uplink",
    "site.no-devices",
    "device.dangling-site",
    "device.no-mgmt",
    "link.dangling-device",
    "link.self-loop",
    "link.interface-reused",
    "link.uplink-not-to-parent",
    "tier.below-policy",
    "redundancy.level3",
    "redundancy.group",
    "redundancy.upstream",
    "ipv6.missing",
    "address.no-pool",
    "address.overlap",
    "address.out-of-pool",
    "address.duplicate",
    "secret.inline",
    "snmp.config",
    "interface.style",
    "interface.speed",
)

# The levels a site's parent may have (市 → 县区/市直部门 → 乡镇街道 → 村社区). Towns may hang
# directly below a city: cities without counties (东莞, 中山) run their towns themselves.
ALLOWED_PARENTS = {
    SiteLevel.CITY: frozenset[SiteLevel](),
    SiteLevel.COUNTY: frozenset({SiteLevel.CITY}),
    SiteLevel.DEPARTMENT: frozenset({SiteLevel.CITY}),
    SiteLevel.TOWN: frozenset({SiteLevel.CITY, SiteLevel.COUNTY}),
    SiteLevel.VILLAGE: frozenset({SiteLevel.TOWN}),
}

SNMP_AUTH = {"sha", "sha224", "sha256", "sha384", "sha512", "md5"}
SNMP_PRIV = {"aes", "aes192", "aes256", "des"}
WEAK_SNMP = {"md5", "des"}
_SECRET_REF = re.compile(r"(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)\Z")


@dataclass
class Report:
    """The outcome of ``govnet inventory validate``."""

    path: str
    inventory: Inventory
    problems: list[Problem]
    plan_path: Path
    plan: PlanData
    loaded: LoadResult | None = None  # what was read, for callers that go on (the planner)

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def verdict(self) -> Verdict:
        return as_verdict(f"inventory {self.path}", self.problems, list(RULES))

    def to_dict(self) -> dict[str, Any]:
        inv = self.inventory
        return {
            "inventory": self.path,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": {"sites": len(inv.sites), "devices": len(inv.devices), "links": len(inv.links)},
            "problems": [p.to_dict() for p in self.problems],
            "verdict": {"status": self.verdict().status.value, "rules_checked": len(RULES)},
        }


def check_inventory(
    path: str | Path,
    *,
    overlay: str | Path | None = None,
    limits: YamlLimits | None = None,
    plan: PlanData | None = None,
) -> Report:
    """Load and validate an inventory; every problem found, never an exception for bad content.
    ``plan`` replaces the plan file's assignments (the planner checks a plan before writing it)."""
    with quiet_gc():
        result = read_inventory(path, limits=limits, overlay=overlay, plan=plan)
        validate(result)
    return Report(str(path), result.inventory, result.problems(), result.plan_path, result.plan, result)


def validate(result: LoadResult) -> None:
    """Run every cross-entity rule on a loaded inventory; problems go to ``result.reporter``."""
    ctx = _Context(result)
    _sites(ctx)
    _devices(ctx)
    _links(ctx)
    _pools(ctx)
    _addresses(ctx)


class _Context:
    def __init__(self, result: LoadResult) -> None:
        self.inv = result.inventory
        self.r: Reporter = result.reporter
        self.invalid = result.invalid_ids
        self.invalid_device_sites = result.invalid_device_sites
        self.site_index = by_id(self.inv.sites, "id")
        self.device_index = by_id(self.inv.devices, "hostname")
        self.pools = {p.zone: p for p in self.inv.pools}
        self.in_cycle: set[str] = set()
        # Sites whose parent is missing, invalid, in a cycle or of the wrong level: their uplinks
        # cannot be judged, so the uplink rules skip them instead of repeating the first problem.
        self.parent_trouble: set[str] = set()
        # Sites with an uplink whose other end is missing or not their parent's: "no uplink"
        # would only repeat that problem.
        self.dangling_uplink: set[str] = set()
        # Sites whose uplinks are not all known: a device there or one of their links failed its
        # own checks. Counting the uplinks left would only repeat that error.
        self.unknown_uplinks = set(result.invalid_device_sites)
        self.lost_devices = set(result.invalid_device_sites)  # sites a device was probably meant for
        for ends in result.invalid_uplinks:
            self.unknown_uplinks.update(self._lower_site(*ends))

    @functools.cached_property
    def site_names(self) -> Suggester:
        return Suggester(self.site_index)

    @functools.cached_property
    def device_names(self) -> Suggester:
        return Suggester(self.device_index)

    def _lower_site(self, a: str | None, b: str | None) -> set[str]:
        """The site an uplink between devices ``a`` and ``b`` would serve (both when unclear)."""
        sites = [d.site for d in (self.device(a) if a else None, self.device(b) if b else None) if d]
        for site_id in sites:
            i = self.site_index.get(site_id)
            if i is not None and self.inv.sites[i].parent in sites:
                return {site_id}
        return set(sites)

    def site_of(self, device: Device) -> Site | None:
        i = self.site_index.get(device.site)
        return self.inv.sites[i] if i is not None else None

    def device(self, hostname: str) -> Device | None:
        i = self.device_index.get(hostname)
        return self.inv.devices[i] if i is not None else None

    def ancestors(self, site_id: str) -> Iterator[str]:
        seen = {site_id}
        current = self.inv.sites[self.site_index[site_id]].parent if site_id in self.site_index else None
        while current is not None and current in self.site_index and current not in seen:
            seen.add(current)
            yield current
            current = self.inv.sites[self.site_index[current]].parent


def _sites(ctx: _Context) -> None:
    inv, r = ctx.inv, ctx.r
    # Cycles: walk each parent chain once, colouring sites as we go (linear overall).
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    for start in inv.sites:
        walk: list[str] = []
        current: str | None = start.id
        while current is not None and current in ctx.site_index and state.get(current, 0) == 0:
            state[current] = 1
            walk.append(current)
            current = inv.sites[ctx.site_index[current]].parent
        if current is not None and state.get(current) == 1:  # came back onto this walk: a cycle
            cycle = walk[walk.index(current) :]
            ctx.in_cycle.update(cycle)
            ctx.parent_trouble.update(cycle)
            first = min(cycle, key=lambda s: ctx.site_index[s])
            i = ctx.site_index[first]
            r.at_entity(
                E,
                "sites",
                i,
                ("parent",),
                f"site {first}",
                "site.cycle",
                "parents form a cycle: " + " → ".join([*cycle, cycle[0]]) + " (no path to the city core)",
            )
        for s in walk:
            state[s] = 2
    for i, site in enumerate(inv.sites):
        label = f"site {site.id}"
        if site.parent is None:
            if site.level is not SiteLevel.CITY:
                ctx.parent_trouble.add(site.id)
                r.at_entity(
                    E,
                    "sites",
                    i,
                    (),
                    label,
                    "site.no-parent",
                    f"a {site.level.value} needs a parent: only a city is the top of the extranet",
                )
            continue
        if site.parent not in ctx.site_index:
            ctx.parent_trouble.add(site.id)
            if site.parent not in ctx.invalid.get("sites", ()):
                r.at_entity(
                    E,
                    "sites",
                    i,
                    ("parent",),
                    label,
                    "site.dangling-parent",
                    f"parent {site.parent!r} is not a site of this inventory"
                    + did_you_mean(site.parent, ctx.site_names),
                )
            continue
        parent = inv.sites[ctx.site_index[site.parent]]
        if site.id not in ctx.in_cycle and parent.level not in ALLOWED_PARENTS[site.level]:
            ctx.parent_trouble.add(site.id)
            allowed = " or ".join(sorted(level.value for level in ALLOWED_PARENTS[site.level])) or "nothing"
            r.at_entity(
                E,
                "sites",
                i,
                ("parent",),
                label,
                "site.level-order",
                f"a {site.level.value} cannot hang below a {parent.level.value} ({parent.id});"
                f" its parent must be a {allowed}",
            )


def _devices(ctx: _Context) -> None:
    inv, r, policy = ctx.inv, ctx.r, ctx.inv.policy
    mgmt_seen: dict[str, str] = {}
    for i, d in enumerate(inv.devices):
        label = f"device {d.hostname}"
        if d.site not in ctx.site_index and d.site not in ctx.invalid.get("sites", ()):
            meant = ctx.site_names.closest(d.site)
            if meant is not None:
                ctx.unknown_uplinks.add(meant)  # its device is missing there: judge neither
                ctx.lost_devices.add(meant)
            r.at_entity(
                E,
                "devices",
                i,
                ("site",),
                label,
                "device.dangling-site",
                f"site {d.site!r} is not a site of this inventory" + meant_hint(meant),
            )
        if d.mgmt.ipv4 is None and d.mgmt.ipv6 is None and d.ssh.host is None:
            r.at_entity(
                W,
                "devices",
                i,
                (),
                label,
                "device.no-mgmt",
                "no management address and no ssh.host: nothing can reach it",
            )
        if policy.require_dual_stack and d.mgmt.ipv4 is not None and d.mgmt.ipv6 is None:
            r.at_entity(
                E,
                "devices",
                i,
                ("mgmt",),
                label,
                "ipv6.missing",
                "management has IPv4 but no IPv6 (the extranet is dual-stack)",
            )
        if policy.require_dual_stack and d.loopback_ipv4 is not None and d.loopback_ipv6 is None:
            r.at_entity(
                E, "devices", i, ("loopback_ipv4",), label, "ipv6.missing", "loopback has IPv4 but no IPv6"
            )
        for address in (d.mgmt.ipv4, d.mgmt.ipv6):
            if address is None:
                continue
            other = mgmt_seen.setdefault(str(address), d.hostname)
            if other != d.hostname:
                r.at_entity(
                    E,
                    "devices",
                    i,
                    ("mgmt",),
                    label,
                    "address.duplicate",
                    f"management address {address} is also {other}'s",
                )
        _secrets(ctx, i, d)
        _snmp(ctx, i, d)


def _secrets(ctx: _Context, i: int, d: Device) -> None:
    refs: list[tuple[tuple[str, ...], str | None]] = [
        (("credentials", "password"), d.credentials.password),
        (("credentials", "enable_secret"), d.credentials.enable_secret),
        (("snmp", "community"), d.snmp.community),
    ]
    if d.snmp.v3 is not None:
        refs += [
            (("snmp", "v3", "auth_key"), d.snmp.v3.auth_key),
            (("snmp", "v3", "priv_key"), d.snmp.v3.priv_key),
        ]
    for path, value in refs:
        if value is not None and not _SECRET_REF.match(value):
            # Never repeat the value: it may be a real password typed into the inventory.
            ctx.r.at_entity(
                E,
                "devices",
                i,
                path,
                f"device {d.hostname}",
                "secret.inline",
                f"{'.'.join(path)} must name a secret (env:NAME or file:PATH), not hold one",
            )


def _snmp(ctx: _Context, i: int, d: Device) -> None:
    s, label = d.snmp, f"device {d.hostname}"

    def bad(path: tuple[str, ...], message: str, severity: Severity = E) -> None:
        ctx.r.at_entity(severity, "devices", i, ("snmp", *path), label, "snmp.config", message)

    if s.version not in ("v2c", "v3"):
        bad(("version",), f"SNMP version {s.version!r} is not supported (v2c or v3)")
    elif s.version == "v3" and s.v3 is None:
        bad((), "SNMP v3 needs a v3 block (user, auth_key, priv_key)")
    elif s.version == "v2c" and s.community is None:
        bad((), "SNMP v2c needs a community (a secret reference)")
    if s.v3 is not None:
        if s.v3.auth_protocol not in SNMP_AUTH:
            bad(
                ("v3", "auth_protocol"),
                f"unknown auth protocol {s.v3.auth_protocol!r} ({', '.join(sorted(SNMP_AUTH))})",
            )
        elif s.v3.auth_protocol in WEAK_SNMP:
            bad(("v3", "auth_protocol"), f"{s.v3.auth_protocol} is weak; use sha256 or sha", W)
        if s.v3.priv_protocol not in SNMP_PRIV:
            bad(
                ("v3", "priv_protocol"),
                f"unknown privacy protocol {s.v3.priv_protocol!r} ({', '.join(sorted(SNMP_PRIV))})",
            )
        elif s.v3.priv_protocol in WEAK_SNMP:
            bad(("v3", "priv_protocol"), f"{s.v3.priv_protocol} is weak; use aes", W)


def _links(ctx: _Context) -> None:
    inv, r, policy = ctx.inv, ctx.r, ctx.inv.policy
    used: dict[tuple[str, str], str] = {}
    uplinks: dict[str, list[tuple[int, str]]] = {}  # site id -> (link index, local device)
    invalid_devices = ctx.invalid.get("devices", set())
    for i, link in enumerate(inv.links):
        label = f"link {link.id}"
        ends_ok = True
        for name, end in (("a", link.a), ("b", link.b)):
            if end.device not in ctx.device_index:
                ends_ok = False
                if end.device not in invalid_devices:
                    r.at_entity(
                        E,
                        "links",
                        i,
                        (name, "device"),
                        label,
                        "link.dangling-device",
                        f"{name} end: device {end.device!r} is not in this inventory"
                        + did_you_mean(end.device, ctx.device_names),
                    )
                continue
            key = (end.device, end.interface)
            other = used.setdefault(key, link.id)
            if other != link.id:
                r.at_entity(
                    E,
                    "links",
                    i,
                    (name, "interface"),
                    label,
                    "link.interface-reused",
                    f"{end.device} {end.interface} is already used by link {other}",
                )
            device = ctx.device(end.device)
            if device is not None and not vendor_spec(device.vendor).interfaces.valid(end.interface):
                r.at_entity(
                    W,
                    "links",
                    i,
                    (name, "interface"),
                    label,
                    "interface.style",
                    f"{end.interface!r} does not look like a {device.vendor.value} interface name",
                )
            port_mbps = port_speed(end.interface)
            if port_mbps is not None and link.tier.mbps > port_mbps:
                r.at_entity(
                    W,
                    "links",
                    i,
                    (name, "interface"),
                    label,
                    "interface.speed",
                    f"a {link.tier.value} link on {end.interface}, a {port_mbps} Mbit/s port",
                )
        if link.a.device == link.b.device:
            r.at_entity(
                E, "links", i, ("b", "device"), label, "link.self-loop", f"both ends are on {link.a.device}"
            )
            continue
        if policy.require_dual_stack:
            for name, end in (("a", link.a), ("b", link.b)):
                if end.ipv4 is not None and end.ipv6 is None:
                    r.at_entity(
                        E,
                        "links",
                        i,
                        (name, "ipv4"),
                        label,
                        "ipv6.missing",
                        f"{name} end has IPv4 but no IPv6",
                    )
        if not ends_ok:
            if link.purpose is LinkPurpose.UPLINK:
                for end in (link.a, link.b):
                    known = ctx.device(end.device)
                    if known is not None:
                        ctx.dangling_uplink.add(known.site)
            continue
        da, db = ctx.device(link.a.device), ctx.device(link.b.device)
        assert da is not None and db is not None
        sa, sb = ctx.site_of(da), ctx.site_of(db)
        if sa is None or sb is None:
            if link.purpose is LinkPurpose.UPLINK:  # one end's site is wrong: that error says it
                ctx.dangling_uplink.update(s.id for s in (sa, sb) if s is not None)
            continue
        if link.purpose is LinkPurpose.UPLINK:
            if sa.parent == sb.id:
                lower, local = sa, da.hostname
            elif sb.parent == sa.id:
                lower, local = sb, db.hostname
            elif sa.id in ctx.parent_trouble or sb.id in ctx.parent_trouble:
                continue
            else:
                ctx.dangling_uplink.update((sa.id, sb.id))  # "no uplink" would repeat this problem
                r.at_entity(
                    E,
                    "links",
                    i,
                    ("purpose",),
                    label,
                    "link.uplink-not-to-parent",
                    f"an uplink joins a site to its parent; {sa.id} and {sb.id} are not parent and child",
                )
                continue
            uplinks.setdefault(lower.id, []).append((i, local))
            need = policy.min_uplink_tier[lower.level]
            if link.tier.mbps < need.mbps:
                r.at_entity(
                    E,
                    "links",
                    i,
                    ("tier",),
                    label,
                    "tier.below-policy",
                    f"uplink of {lower.level.value} {lower.id} is {link.tier.value};"
                    f" policy asks {need.value} or more",
                )
        elif link.purpose is LinkPurpose.PEER and sa.id == sb.id:
            need = policy.min_uplink_tier[sa.level]
            if link.tier.mbps < need.mbps:
                r.at_entity(
                    E,
                    "links",
                    i,
                    ("tier",),
                    label,
                    "tier.below-policy",
                    f"peer link inside {sa.level.value} {sa.id} is {link.tier.value};"
                    f" policy asks {need.value} or more",
                )
    _uplinks(ctx, uplinks)


def _uplinks(ctx: _Context, uplinks: dict[str, list[tuple[int, str]]]) -> None:
    inv, r, policy = ctx.inv, ctx.r, ctx.inv.policy
    has_devices = Counter(d.site for d in inv.devices)
    for i, site in enumerate(inv.sites):
        label = f"site {site.id}"
        if not has_devices[site.id]:
            if site.id not in ctx.lost_devices:
                r.at_entity(W, "sites", i, (), label, "site.no-devices", "no device at this site")
            continue
        if site.parent is None:
            continue  # the top of the extranet has no uplink inside the inventory
        if site.id in ctx.parent_trouble or site.id in ctx.dangling_uplink or site.id in ctx.unknown_uplinks:
            continue  # another error explains it
        mine = uplinks.get(site.id, [])
        if not mine:
            r.at_entity(
                E,
                "sites",
                i,
                (),
                label,
                "site.no-uplink",
                f"no uplink to its parent {site.parent}: the site is not connected (四级联通)",
            )
            continue
        if site.protection_level >= 3:
            devices = {local for _, local in mine}
            if len(devices) < policy.level3_min_uplink_devices:
                r.at_entity(
                    E,
                    "sites",
                    i,
                    ("protection_level",),
                    label,
                    "redundancy.level3",
                    f"level-3 site has {len(mine)} uplink(s) on {len(devices)} device(s); GB/T 22239-2019"
                    f" 8.1.2.1 e) asks for {policy.level3_min_uplink_devices} on different devices",
                )
            elif len(mine) > 1:
                upstream = {_other_end(inv.links[k], local) for k, local in mine}
                if len(upstream) < 2:
                    r.at_entity(
                        W,
                        "sites",
                        i,
                        (),
                        label,
                        "redundancy.upstream",
                        f"the uplinks of level-3 site {site.id} all end on {upstream.pop()}:"
                        " one upstream device failing cuts the site off",
                    )
            groups = {inv.links[k].redundancy_group for k, _ in mine}
            if len(mine) > 1 and (None in groups or len(groups) > 1):
                k = mine[0][0]
                r.at_entity(
                    W,
                    "links",
                    k,
                    (),
                    f"link {inv.links[k].id}",
                    "redundancy.group",
                    f"the uplinks of level-3 site {site.id} should share one redundancy_group",
                )


def _other_end(link: Link, local: str) -> str:
    return link.b.device if link.a.device == local else link.a.device


def _pools(ctx: _Context) -> None:
    inv, r = ctx.inv, ctx.r
    zones_used: dict[str, int] = {}
    for i, site in enumerate(inv.sites):
        zones_used.setdefault(site.zone, i)
    for zone, i in zones_used.items():
        if zone not in ctx.pools:
            count = sum(1 for s in inv.sites if s.zone == zone)
            r.at_entity(
                E,
                "sites",
                i,
                ("zone",),
                f"site {inv.sites[i].id}",
                "address.no-pool",
                f"{count} site(s) are in zone {zone!r}, which has no address pool",
            )
    blocks: list[tuple[int, int, int, int, str]] = []  # version, start, end, pool index, field
    for i, pool in enumerate(inv.pools):
        for name in (
            "ipv4",
            "ipv6",
            "link_ipv4",
            "link_ipv6",
            "loopback_ipv4",
            "loopback_ipv6",
            "mgmt_ipv4",
            "mgmt_ipv6",
        ):
            net = getattr(pool, name)
            if net is not None:
                blocks.append((net.version, int(net.network_address), int(net.broadcast_address), i, name))
    blocks.sort()
    for (v1, _s1, e1, i1, f1), (v2, s2, _e2, i2, f2) in itertools.pairwise(blocks):
        if v1 == v2 and s2 <= e1:
            a, b = inv.pools[i1], inv.pools[i2]
            r.at_entity(
                E,
                "pools",
                i2,
                (f2,),
                f"pool {b.zone}",
                "address.overlap",
                f"{f2} {getattr(b, f2)} overlaps pool {a.zone}'s {f1} {getattr(a, f1)}",
            )


@dataclass(slots=True)
class _Held:
    version: int
    start: int
    end: int
    kind: str  # site | lan | link | loopback
    owner: str  # site id (site, lan), link id, hostname
    section: str
    index: int
    field: tuple[str, ...]
    net: IPv4Network | IPv6Network  # formatted only for a message


def _addresses(ctx: _Context) -> None:
    """Planned or written prefixes: inside their pool (and parent), and never overlapping."""
    inv, r = ctx.inv, ctx.r
    held: list[_Held] = []

    def hold(
        net: IPv4Network | IPv6Network,
        kind: str,
        owner: str,
        section: str,
        index: int,
        field: tuple[str, ...],
    ) -> None:
        start, end = int(net.network_address), int(net.broadcast_address)
        held.append(_Held(net.version, start, end, kind, owner, section, index, field, net))

    def inside(net: IPv4Network | IPv6Network, block: Any) -> bool:
        return block is not None and net.version == block.version and net.subnet_of(block)

    for i, site in enumerate(inv.sites):
        pool = ctx.pools.get(site.zone)
        parent = inv.sites[ctx.site_index[site.parent]] if site.parent in ctx.site_index else None
        for name, net in (("ipv4_prefix", site.ipv4_prefix), ("ipv6_prefix", site.ipv6_prefix)):
            if net is None:
                continue
            hold(net, "site", site.id, "sites", i, (name,))
            if pool is None:
                continue
            if not inside(net, getattr(pool, "ipv4" if net.version == 4 else "ipv6")):
                r.at_entity(
                    E,
                    "sites",
                    i,
                    (name,),
                    f"site {site.id}",
                    "address.out-of-pool",
                    f"{net} is outside the {site.zone} pool",
                )
            elif parent is not None and parent.zone == site.zone:
                parent_net = getattr(parent, name)
                if parent_net is not None and not inside(net, parent_net):
                    r.at_entity(
                        E,
                        "sites",
                        i,
                        (name,),
                        f"site {site.id}",
                        "address.out-of-pool",
                        f"{net} is outside its parent {parent.id}'s {parent_net}",
                    )
        if ctx.inv.policy.require_dual_stack and site.ipv4_prefix is not None and site.ipv6_prefix is None:
            r.at_entity(
                E,
                "sites",
                i,
                ("ipv4_prefix",),
                f"site {site.id}",
                "ipv6.missing",
                "the site has an IPv4 prefix but no IPv6 prefix",
            )
    for i, d in enumerate(inv.devices):
        device_site = ctx.site_of(d)
        pool = ctx.pools.get(device_site.zone) if device_site else None
        for name, address, block_name in (
            ("loopback_ipv4", d.loopback_ipv4, "loopback_ipv4"),
            ("loopback_ipv6", d.loopback_ipv6, "loopback_ipv6"),
        ):
            if address is None:
                continue
            net = ipaddress.ip_network(address)
            hold(net, "loopback", d.hostname, "devices", i, (name,))
            if (
                pool is not None
                and getattr(pool, block_name) is not None
                and not inside(net, getattr(pool, block_name))
            ):
                r.at_entity(
                    E,
                    "devices",
                    i,
                    (name,),
                    f"device {d.hostname}",
                    "address.out-of-pool",
                    f"loopback {address} is outside the {pool.zone} pool's {block_name}",
                )
        for name, address, block_name in (
            ("ipv4", d.mgmt.ipv4, "mgmt_ipv4"),
            ("ipv6", d.mgmt.ipv6, "mgmt_ipv6"),
        ):
            block = getattr(pool, block_name) if pool is not None else None
            if address is not None and block is not None and address not in block:
                r.at_entity(
                    W,
                    "devices",
                    i,
                    ("mgmt", name),
                    f"device {d.hostname}",
                    "address.out-of-pool",
                    f"management address {address} is outside the {pool.zone if pool else ''}"
                    f" pool's {block_name} {block}",
                )
    for i, link in enumerate(inv.links):
        for family in ("ipv4", "ipv6"):
            text = getattr(link.a, family) or getattr(link.b, family)
            if text is None:
                continue
            try:
                net = ipaddress.ip_interface(text).network
            except ValueError:
                r.at_entity(
                    E,
                    "links",
                    i,
                    ("a", family),
                    f"link {link.id}",
                    "schema.type",
                    f"{family} {text!r} is not an interface address with a prefix length",
                )
                continue
            if link.purpose is LinkPurpose.LAN:
                da = ctx.device(link.a.device)
                owner = da.site if da else ""
                hold(net, "lan", owner, "links", i, ("a", family))
            else:
                hold(net, "link", link.id, "links", i, ("a", family))
    _sweep(ctx, held)


def _sweep(ctx: _Context, held: list[_Held]) -> None:
    """Sort the held prefixes and walk them with a stack of enclosing ones: O(n log n)."""
    held.sort(key=lambda h: (h.version, h.start, -h.end))
    stack: list[_Held] = []
    for h in held:
        while stack and (stack[-1].version != h.version or stack[-1].end < h.start):
            stack.pop()
        if stack:
            outer = stack[-1]
            if not _may_nest(ctx, outer, h):
                ctx.r.at_entity(
                    E,
                    h.section,
                    h.index,
                    h.field,
                    f"{_word(h)} {h.owner}",
                    "address.overlap",
                    f"{h.net} overlaps {_word(outer)} {outer.owner}'s {outer.net}",
                )
                continue
        stack.append(h)


def _word(h: _Held) -> str:
    return {"site": "site", "lan": "site", "link": "link", "loopback": "device"}[h.kind]


def _may_nest(ctx: _Context, outer: _Held, inner: _Held) -> bool:
    """A site prefix may hold its descendants' prefixes and LANs; nothing else may nest."""
    if outer.kind != "site" or (outer.start, outer.end) == (inner.start, inner.end):
        return False
    if inner.kind == "lan":
        return inner.owner == outer.owner or outer.owner in set(ctx.ancestors(inner.owner))
    if inner.kind == "site":
        return outer.owner in set(ctx.ancestors(inner.owner))
    return False
