"""What the extranet looks like in numbers: sites per level, links per tier, IPv6 coverage and the
redundancy of level-3 sites. Pure: an inventory in, a JSON-ready dict out."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .models import Inventory, LinkPurpose, SiteLevel, Tier


def uplinks_by_site(inv: Inventory) -> dict[str, list[tuple[str, str, str | None]]]:
    """site id -> its uplinks as (link id, local device, redundancy group)."""
    device_site = {d.hostname: d.site for d in inv.devices}
    parent = {s.id: s.parent for s in inv.sites}
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for link in inv.links:
        if link.purpose is not LinkPurpose.UPLINK:
            continue
        sa, sb = device_site.get(link.a.device), device_site.get(link.b.device)
        if sa is not None and parent.get(sa) == sb:
            out.setdefault(sa, []).append((link.id, link.a.device, link.redundancy_group))
        elif sb is not None and parent.get(sb) == sa:
            out.setdefault(sb, []).append((link.id, link.b.device, link.redundancy_group))
    return out


def _share(part: int, whole: int) -> dict[str, Any]:
    return {"count": part, "of": whole, "percent": round(100.0 * part / whole, 1) if whole else 100.0}


def summarize(inv: Inventory, min_uplink_devices: int | None = None) -> dict[str, Any]:
    need = min_uplink_devices or inv.policy.level3_min_uplink_devices
    sites_per_level = Counter(s.level for s in inv.sites)
    level3_per_level = Counter(s.level for s in inv.sites if s.protection_level >= 3)
    links_per_tier = Counter(link.tier for link in inv.links)
    links_per_purpose = Counter(link.purpose for link in inv.links)
    uplinks = uplinks_by_site(inv)
    with_mgmt = [d for d in inv.devices if d.mgmt.ipv4 is not None or d.mgmt.ipv6 is not None]
    planned_links = [link for link in inv.links if link.a.ipv4 or link.a.ipv6]
    level3 = []
    for site in inv.sites:
        if site.protection_level < 3:
            continue
        mine = uplinks.get(site.id, [])
        devices = sorted({local for _, local, _ in mine})
        groups = sorted({g for _, _, g in mine if g})
        level3.append(
            {
                "site": site.id,
                "name": site.name,
                "level": site.level.value,
                "uplinks": len(mine),
                "devices": devices,
                "redundancy_groups": groups,
                # The top of the extranet has no uplink inside the inventory: it is not judged.
                "redundant": None if site.parent is None else len(devices) >= need,
            }
        )
    return {
        "name": inv.name,
        "sites": len(inv.sites),
        "devices": len(inv.devices),
        "links": len(inv.links),
        "sites_per_level": {level.value: sites_per_level.get(level, 0) for level in SiteLevel},
        "level3_sites_per_level": {level.value: level3_per_level.get(level, 0) for level in SiteLevel},
        "links_per_tier": {tier.value: links_per_tier.get(tier, 0) for tier in Tier},
        "links_per_purpose": {p.value: links_per_purpose.get(p, 0) for p in LinkPurpose},
        "devices_per_vendor": dict(sorted(Counter(d.vendor.value for d in inv.devices).items())),
        "ipv6": {
            "device_mgmt": _share(sum(1 for d in with_mgmt if d.mgmt.ipv6 is not None), len(with_mgmt)),
            "site_prefixes": _share(sum(1 for s in inv.sites if s.ipv6_prefix is not None), len(inv.sites)),
            "device_loopbacks": _share(
                sum(1 for d in inv.devices if d.loopback_ipv6 is not None), len(inv.devices)
            ),
            "links": _share(sum(1 for link in planned_links if link.a.ipv6 and link.b.ipv6), len(inv.links)),
        },
        "level3": level3,
        "level3_not_redundant": [x["site"] for x in level3 if x["redundant"] is False],
    }
