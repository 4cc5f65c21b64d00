"""Design checks on the network design (``DesignAsset``): redundancy, bandwidth against peak demand,
zones and their boundaries, the management plane and IPv6 coverage."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from govnet.compliance.checks.registry import check
from govnet.compliance.design import DesignAsset, EndLoad, Network
from govnet.compliance.model import Evidence, Judgement, Outcome, error, failed, not_applicable, passed
from govnet.errors import InputError

if TYPE_CHECKING:
    from govnet.compliance.sources import DeviceAsset
    from govnet.inventory.models import Inventory

_SHOWN = 10  # entities named in a reason; the evidence lists them all
_MAX_LINES = 40  # evidence lines quoted


@check("design.level3-redundancy", "design", "Level-3 sites have redundant uplinks on separate devices")
def level3_redundancy(asset: DesignAsset) -> Judgement:
    """Every level-3 site below the top has uplinks on at least the policy's number of devices."""
    level3 = asset.summary.get("level3", [])
    judged = [s for s in level3 if s["redundant"] is not None]
    lacking = [s["site"] for s in judged if not s["redundant"]]
    ev = Evidence(
        asset.source, metric="level3_not_redundant", value=lacking, note=f"{len(judged)} site(s) judged"
    )
    if not judged:
        return not_applicable("no level-3 site below the top of the extranet", ev)
    if lacking:
        shown = ", ".join(lacking[:10]) + (f" and {len(lacking) - 10} more" if len(lacking) > 10 else "")
        return failed(f"{len(lacking)} level-3 site(s) without redundant uplinks: {shown}", ev)
    return passed(f"all {len(judged)} level-3 site(s) have redundant uplinks", ev)


# ---------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Spot:
    """One inventory entity a check names: where it was written and what is wrong with it."""

    where: str  # file:line
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


def _spot_evidence(asset: DesignAsset, spots: list[Spot], metric: str, note: str = "") -> Evidence:
    """Evidence naming each entity by file:line: the first file's lines quoted, all of them listed."""
    if not spots:
        return Evidence(asset.source, metric=metric, value=[], note=note)
    first_file = spots[0].where.rpartition(":")[0]
    lines = tuple(
        (int(s.where.rpartition(":")[2]), s.text)
        for s in spots[:_MAX_LINES]
        if s.where.rpartition(":")[0] == first_file and s.where.rpartition(":")[2].isdigit()
    )
    return Evidence(first_file or asset.source, lines, metric, [str(s) for s in spots], note)


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more


def _inventory(asset: DesignAsset) -> Inventory:
    if asset.inventory is None:  # a summary-only asset (built by hand): nothing to judge
        raise InputError("the design asset carries no inventory")
    return asset.inventory


def _site_zones(inv: Inventory) -> tuple[dict[str, str], dict[str, str]]:
    """site id -> zone, device hostname -> zone."""
    site_zone = {s.id: s.zone.value for s in inv.sites}
    return site_zone, {d.hostname: site_zone.get(d.site, "") for d in inv.devices}


# ---------------------------------------------------------------- 8.1.2.1 b bandwidth


@check(
    "design.bandwidth-peak", "design", "Each link's peak utilisation stays below the threshold of its tier"
)
def bandwidth_peak(asset: DesignAsset) -> Judgement:
    """From the collectors' 5-minute rollups over the window (default 7 days): each inventory link's
    busiest bucket (either end, either direction) against its tier's bandwidth; above the threshold
    (default 80 %) fails. A link without history cannot pass: the result is error, naming it."""
    inv = _inventory(asset)
    h = asset.history
    if h is None:
        return error("no collectors' history was given to judge bandwidth (the store of govnet collect snmp)")
    window = (
        f"{dt.datetime.fromtimestamp(h.since, dt.UTC):%Y-%m-%d %H:%M} to "
        f"{dt.datetime.fromtimestamp(h.until, dt.UTC):%Y-%m-%d %H:%M} UTC, threshold {h.threshold:g} %"
    )
    if h.problem:
        return error(h.problem, Evidence(h.source, note=window))
    if not inv.links:
        return not_applicable("the inventory has no links", Evidence(h.source, note=window))
    per_link: dict[str, list[EndLoad]] = {}
    for load in h.loads:
        per_link.setdefault(load.link, []).append(load)
    index = {link.id: i for i, link in enumerate(inv.links)}
    over, missing, peaks = [], [], []
    for link_id, ends in per_link.items():
        seen = [e for e in ends if e.samples]
        if not seen:
            missing.append(Spot(asset.where("links", index[link_id]), f"link {link_id}: no history"))
            continue
        top = max(seen, key=lambda e: e.peak_percent)
        at = dt.datetime.fromtimestamp(top.peak_at, dt.UTC)
        text = (
            f"link {link_id} peak {top.peak_percent:g} % of {top.tier_mbps} Mbit/s "
            f"at {at:%Y-%m-%d %H:%M} ({top.device} {top.interface})"
        )
        peaks.append((top.peak_percent, text))
        if top.peak_percent > h.threshold:
            over.append(Spot(asset.where("links", index[link_id]), text))
    peaks.sort(reverse=True)
    note = f"{window}; busiest: " + "; ".join(t for _, t in peaks[:3]) if peaks else window
    ev = _spot_evidence(asset, over + missing, "peak_utilisation_percent", note)
    if over:
        extra = f"; {len(missing)} link(s) without history" if missing else ""
        return failed(
            f"{len(over)} link(s) peak above {h.threshold:g} % of their tier: "
            f"{_listed([s.text for s in over])}{extra}",
            ev,
        )
    if missing and len(missing) == len(per_link):
        return error(
            f"no link has utilisation history in the window ({window}): poll the devices "
            "(govnet collect snmp) before judging bandwidth",
            ev,
        )
    if missing:
        return error(
            f"{len(missing)} of {len(per_link)} link(s) have no utilisation history in the window, so their "
            f"peak is unknown: {_listed([s.text.split(':')[0] for s in missing])}",
            ev,
        )
    busiest = Evidence(ev.file, ev.lines, ev.metric, [t for _, t in peaks[:_SHOWN]], ev.note)
    return passed(f"all {len(per_link)} link(s) peak at or below {h.threshold:g} % of their tier", busiest)


# ---------------------------------------------------------------- 8.1.2.1 c zones and addressing


def _validator(asset: DesignAsset, rules: set[str], management: bool) -> list[Spot]:
    """The inventory validator's findings under ``rules`` (errors and warnings), about management
    addresses or about everything else."""
    return [
        Spot(f"{p.file}:{p.line}", f"{p.entity}: {p.message}")
        for p in asset.problems
        if p.rule in rules and p.message.startswith("management address") == management
    ]


@check(
    "design.zone-addressing",
    "design",
    "Zones have their own address pools and each site is numbered from its zone's",
)
def zone_addressing(asset: DesignAsset) -> Judgement:
    """What ``govnet inventory validate`` finds about zone addressing: a zone in use without an
    address pool, pools of different zones overlapping, duplicate addresses, site prefixes and
    loopbacks outside their zone's pool. Sites without a prefix cannot be judged (error)."""
    inv = _inventory(asset)
    rules = {"address.no-pool", "address.overlap", "address.out-of-pool", "address.duplicate"}
    bad = _validator(asset, rules, management=False)
    unplanned = [s.id for s in inv.sites if s.ipv4_prefix is None and s.ipv6_prefix is None]
    zones = sorted({s.zone.value for s in inv.sites})
    ev = _spot_evidence(asset, bad, "zone_addressing_problems", f"zones in use: {', '.join(zones)}")
    if bad:
        return failed(f"{len(bad)} zone addressing problem(s): {_listed([s.text for s in bad])}", ev)
    if unplanned:
        return error(
            f"{len(unplanned)} site(s) have no addresses yet (govnet inventory plan): {_listed(unplanned)}",
            ev,
        )
    return passed(f"{len(zones)} zone(s), each site numbered from its zone's own pool", ev)


# ---------------------------------------------------------------- 8.1.3.1 a / 8.1.2.1 d boundaries


@check("design.zone-boundary", "design", "Every link between zones ends on a boundary device (firewall)")
def zone_boundary(asset: DesignAsset) -> Judgement:
    """A link whose two ends lie in sites of different zones has a device of role firewall on at least
    one end. The inventory shows devices and links; whether the firewall's policy really filters is
    for the device checks and the assessor."""
    inv = _inventory(asset)
    _, device_zone = _site_zones(inv)
    role = {d.hostname: d.role.value for d in inv.devices}
    crossing, bad = 0, []
    for i, link in enumerate(inv.links):
        za, zb = device_zone.get(link.a.device, ""), device_zone.get(link.b.device, "")
        if not za or not zb or za == zb:
            continue
        crossing += 1
        if "firewall" not in (role.get(link.a.device), role.get(link.b.device)):
            bad.append(
                Spot(
                    asset.where("links", i),
                    f"link {link.id} joins {za} ({link.a.device}) and {zb} ({link.b.device})"
                    " without a firewall",
                )
            )
    zones = sorted({z for z in device_zone.values() if z})
    ev = _spot_evidence(
        asset, bad, "unprotected_zone_links", f"{crossing} link(s) cross zones; zones: {', '.join(zones)}"
    )
    if len(zones) < 2:
        return not_applicable(
            f"every device is in one zone ({', '.join(zones) or 'none'}): no zone boundary", ev
        )
    if bad:
        return failed(
            f"{len(bad)} of {crossing} cross-zone link(s) bypass a boundary device: "
            f"{_listed([s.text for s in bad])}",
            ev,
        )
    if not crossing:
        return passed(
            f"no link joins two of the {len(zones)} zones directly (they are separate in the inventory)", ev
        )
    return passed(f"all {crossing} cross-zone link(s) end on a firewall", ev)


@check(
    "design.internet-egress",
    "design",
    "The Internet-access zone is the only way out, reached through a firewall",
)
def internet_egress(asset: DesignAsset) -> Judgement:
    """Within the inventory: sites of the Internet-access zone (互联网接入区) link to the others only
    through a firewall, never to the private zone (专用网络区), and no level-3 site sits in it (an
    important zone kept off the boundary). Links to the Internet outside the inventory (a branch's own
    broadband line) cannot be seen: when the inventory models no Internet-access zone the result is
    manual."""
    inv = _inventory(asset)
    _, device_zone = _site_zones(inv)
    role = {d.hostname: d.role.value for d in inv.devices}
    internet = [s.id for s in inv.sites if s.zone.value == "internet"]
    if not internet:
        return Judgement(
            Outcome.MANUAL,
            "the inventory models no Internet-access zone site, so where the extranet reaches the Internet "
            "is not in the data: the assessor checks that no site has its own way out",
            Evidence(asset.source, metric="internet_sites", value=[]),
        )
    bad: list[Spot] = []
    for i, site in enumerate(inv.sites):
        if site.zone.value == "internet" and site.protection_level >= 3:
            bad.append(
                Spot(asset.where("sites", i), f"site {site.id}: a level-3 site in the Internet-access zone")
            )
    exits = 0
    for i, link in enumerate(inv.links):
        za, zb = device_zone.get(link.a.device, ""), device_zone.get(link.b.device, "")
        if "internet" not in (za, zb) or za == zb:
            continue
        exits += 1
        other = zb if za == "internet" else za
        if other == "private":
            bad.append(
                Spot(
                    asset.where("links", i),
                    f"link {link.id} joins the private zone to the Internet-access zone",
                )
            )
        elif "firewall" not in (role.get(link.a.device), role.get(link.b.device)):
            bad.append(
                Spot(
                    asset.where("links", i),
                    f"link {link.id} reaches the Internet-access zone without a firewall",
                )
            )
    ev = _spot_evidence(
        asset,
        bad,
        "internet_egress_problems",
        f"Internet-access sites: {', '.join(internet)}; {exits} link(s) into it",
    )
    if bad:
        return failed(f"{len(bad)} problem(s) at the Internet boundary: {_listed([s.text for s in bad])}", ev)
    if not exits:
        return failed("the Internet-access zone is not connected to the extranet in the inventory", ev)
    return passed(
        f"{exits} link(s) reach the Internet-access zone, each through a firewall, none from the private "
        "zone "
        "(within the inventory)",
        ev,
    )


# ---------------------------------------------------------------- 8.1.5.4 a management plane


def _network(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _inside(address: str, nets: list[Network]) -> bool | None:
    """Whether an address lies in one of the networks (None: not an address, e.g. a DNS name)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return None
    return any(ip.version == n.version and ip in n for n in nets)


def _acl_source(words: list[str]) -> Network | None:
    """The source network of ``address wildcard`` / ``host X`` / ``X`` / ``prefix/len`` (None: any
    or not a contiguous block)."""
    if not words or words[0] == "any":
        return None
    if words[0] == "host" and len(words) > 1:
        return _network(words[1])
    if "/" in words[0]:
        return _network(words[0])
    wildcard = words[1] if len(words) > 1 and _network(words[1]) is not None else "0"
    if wildcard == "0":
        wildcard = "0.0.0.0" if ":" not in words[0] else "::"
    return _network(f"{words[0]}/{wildcard}")  # ipaddress reads a wildcard as a host mask


def _line_of(cfg_asset: DeviceAsset, *words: str) -> str:
    """``file:line`` of the first configuration line holding every word (the file alone if none)."""
    for n, line in enumerate(cfg_asset.lines, 1):
        if all(w in line for w in words):
            return f"{cfg_asset.source}:{n}"
    return cfg_asset.source


def _backup_spots(cfg_asset: DeviceAsset, nets: list[Network]) -> list[Spot]:
    """A config backup's syslog, NTP and SNMP trap targets and VTY ACL permitted sources that lie
    outside the management networks, each at its configuration line."""
    from govnet.compliance.checks.device import source_words

    if cfg_asset.parsed is None:
        return []
    device = Path(cfg_asset.source).stem  # the inventory's host name (<hostname>.cfg)
    cfg = cfg_asset.parsed.config
    spots = []
    traps = [t.address for t in cfg.snmp.trap_hosts]
    for kind, hosts in (("syslog", cfg.syslog_hosts), ("ntp", cfg.ntp_servers), ("SNMP trap", traps)):
        for host in hosts:
            if _inside(host, nets) is False:
                text = f"{device}: {kind} target {host} outside the management networks"
                spots.append(Spot(_line_of(cfg_asset, host), text))
    for name in (cfg.vty.acl_in, cfg.vty.acl6_in):
        acl = cfg.acl(name, ipv6=name == cfg.vty.acl6_in) if name else None
        for rule in acl.rules if acl else ():
            if rule.action != "permit":
                continue
            src = _acl_source(source_words(rule, acl))  # type: ignore[arg-type]
            if src is None or not any(src.version == n.version and src.subnet_of(n) for n in nets):  # type: ignore[arg-type]
                shown = src or rule.text or "any"
                text = f"{device}: VTY ACL {name} permits {shown}, outside the management networks"
                spots.append(Spot(_line_of(cfg_asset, "permit", *rule.text.split()[:2]), text))
    return spots


@check("design.management-plane", "design", "Management addresses and targets lie in the management networks")
def management_plane(asset: DesignAsset) -> Judgement:
    """Each device's management address lies in its zone's management block; SNMP/SSH endpoints given
    as addresses, the provisioning policy's syslog and NTP servers, and — from the config backups —
    configured syslog/NTP targets and VTY ACL permitted sources all lie in the management networks
    (the policy's, else the pools' management blocks). SNMP trap targets in the backups too."""

    inv = _inventory(asset)
    nets = [n for n in (_network(t) for t in asset.mgmt_networks) if n is not None]
    if not nets:
        return failed(
            "no management network is defined "
            "(pools without mgmt_ipv4/mgmt_ipv6 and no policy management_networks)",
            Evidence(asset.source, metric="management_networks", value=[]),
        )
    pools = {p.zone.value: p for p in inv.pools}
    site_zone, _ = _site_zones(inv)
    bad: list[Spot] = []
    for i, d in enumerate(inv.devices):
        where = asset.where("devices", i)
        pool = pools.get(site_zone.get(d.site, ""))
        if d.mgmt.ipv4 is None and d.mgmt.ipv6 is None:
            bad.append(Spot(where, f"device {d.hostname}: no management address"))
        for addr, block in ((d.mgmt.ipv4, pool and pool.mgmt_ipv4), (d.mgmt.ipv6, pool and pool.mgmt_ipv6)):
            if addr is not None and not block:  # outside the block: the validator says it (below)
                zone = site_zone.get(d.site)
                bad.append(
                    Spot(where, f"device {d.hostname}: zone {zone} has no management block for {addr}")
                )
        for what, host in (("SNMP", d.snmp.host), ("SSH", d.ssh.host)):
            if host and _inside(host, nets) is False:
                bad.append(
                    Spot(
                        where,
                        f"device {d.hostname}: {what} answers at {host}, outside the management networks",
                    )
                )
    bad += _validator(asset, {"address.out-of-pool"}, management=True)
    for t in asset.mgmt_targets:
        if _inside(t.address, nets) is False:
            bad.append(Spot(t.source, f"{t.kind} server {t.address} outside the management networks"))
    for cfg_asset in asset.configs:
        bad += _backup_spots(cfg_asset, nets)
    note = (
        f"management networks: {', '.join(map(str, nets))}; {len(inv.devices)} device(s), "
        f"{len(asset.mgmt_targets)} policy target(s), {len(asset.configs)} config backup(s)"
    )
    ev = _spot_evidence(asset, bad, "management_plane_problems", note)
    if bad:
        return failed(f"{len(bad)} management-plane problem(s): {_listed([s.text for s in bad])}", ev)
    return passed(f"management addresses and targets lie in the management networks ({note})", ev)


# ---------------------------------------------------------------- IPv6 coverage


@check("design.ipv6-coverage", "design", "Every site, device and link is dual-stack as the policy asks")
def ipv6_coverage(asset: DesignAsset) -> Judgement:
    """With ``require_dual_stack`` (对电子政务外网进行IPv6改造): every planned site has an IPv6 prefix
    beside its IPv4 one, every device an IPv6 loopback and management address beside IPv4 ones, every
    link IPv6 on both ends. Coverage per kind in percent, the missing ones by file:line; entities
    without any address yet (not planned) cannot be judged (error)."""
    inv = _inventory(asset)
    if not inv.policy.require_dual_stack:
        return not_applicable("the policy does not require dual stack (require_dual_stack: false)")
    missing: list[Spot] = []
    unplanned: list[str] = []
    counts = {"sites": 0, "devices": 0, "links": 0}
    lacking = dict(counts)

    def judge(kind: str, index: int, label: str, pairs: Sequence[tuple[str, object, object]]) -> None:
        present = [(what, v4, v6) for what, v4, v6 in pairs if v4 is not None or v6 is not None]
        if not present:
            unplanned.append(label)
            return
        counts[kind] += 1
        gaps = [what for what, v4, v6 in present if v6 is None]
        if gaps:
            lacking[kind] += 1
            missing.append(Spot(asset.where(kind, index), f"{label}: no IPv6 {', '.join(gaps)}"))

    for i, s in enumerate(inv.sites):
        judge("sites", i, f"site {s.id}", [("prefix", s.ipv4_prefix, s.ipv6_prefix)])
    for i, d in enumerate(inv.devices):
        pairs = [
            ("loopback", d.loopback_ipv4, d.loopback_ipv6),
            ("management address", d.mgmt.ipv4, d.mgmt.ipv6),
        ]
        judge("devices", i, f"device {d.hostname}", pairs)
    for i, link in enumerate(inv.links):
        ends = [("on end a", link.a.ipv4, link.a.ipv6), ("on end b", link.b.ipv4, link.b.ipv6)]
        judge("links", i, f"link {link.id}", ends)
    coverage = {k: round(100.0 * (n - lacking[k]) / n, 1) if n else None for k, n in counts.items()}
    shown = ", ".join(f"{k} {v:g} % of {counts[k]}" for k, v in coverage.items() if v is not None)
    ev = _spot_evidence(asset, missing, "ipv6_coverage_percent", shown)
    value = {"coverage": coverage, "missing": ev.value, "not_planned": unplanned}
    ev = Evidence(ev.file, ev.lines, ev.metric, value, ev.note)
    if missing:
        return failed(f"IPv6 coverage {shown}; missing: {_listed([m.text for m in missing])}", ev)
    if unplanned:
        return error(
            f"{len(unplanned)} entit(ies) have no addresses yet (govnet inventory plan), so their IPv6 "
            f"cannot be judged: {_listed(unplanned)}",
            ev,
        )
    return passed(f"dual stack everywhere ({shown})", ev)
