"""Synthetic extranets of any size: one city, its counties and departments, towns and villages,
with devices of the three vendors and links in the tiers the policy asks for.

The output is an inventory folder (inventory.yaml, pools.yaml, policy.yaml, sites.yaml,
devices.yaml, links.yaml) written as a stream, so that 50,000 sites cost little memory. The same
seed gives the same files. Prefix lengths are sized to what the generated tree needs, and written
to policy.yaml when the defaults would not fit.
"""

from __future__ import annotations

import ipaddress
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from govnet.errors import InputError

from .models import Policy, SiteLevel

COUNTIES = [
    ("zhenjiang", "浈江区"),
    ("wujiang", "武江区"),
    ("qujiang", "曲江区"),
    ("lechang", "乐昌市"),
    ("nanxiong", "南雄市"),
    ("shixing", "始兴县"),
    ("renhua", "仁化县"),
    ("wengyuan", "翁源县"),
    ("ruyuan", "乳源瑶族自治县"),
    ("xinfeng", "新丰县"),
]
DEPARTMENTS = [
    ("zwfw", "市政务服务数据管理局"),
    ("gaj", "市公安局"),
    ("czj", "市财政局"),
    ("rsj", "市人力资源和社会保障局"),
    ("wjj", "市卫生健康局"),
    ("jyj", "市教育局"),
    ("zrzyj", "市自然资源局"),
    ("scjgj", "市市场监督管理局"),
    ("zjj", "市住房和城乡建设局"),
    ("yjglj", "市应急管理局"),
]
_SYLLABLES = "东西南北新石龙凤桥坪塘田江河山岭溪坑湖安丰乐和平太华云金马黄白"
_LEVEL3_DEPARTMENTS = {"zwfw", "gaj"}
_PRIVATE_DEPARTMENTS = {"gaj"}  # 专用网络区
_LAN_DEPARTMENTS = {"zwfw", "czj", "wjj"}

# vendor -> (model by role, interface name by tier and port number)
_MODELS = {
    "huawei_vrp": {"core": "NE40E-X8A", "aggregation": "S6730-H", "access": "AR6140", "firewall": "USG6650E"},
    "h3c_comware": {"core": "S12508G", "aggregation": "S6520X", "access": "MSR3620", "firewall": "F1000-AK"},
    "cisco_ios": {
        "core": "ASR1006-X",
        "aggregation": "C9500-24Y4C",
        "access": "ISR4331",
        "firewall": "ISR4451",
    },
}


def interface_name(vendor: str, tier: str, n: int) -> str:
    """The vendor's name for the n-th port (1-based) of the kind a tier uses."""
    slot, port = divmod(n - 1, 48)
    if vendor == "huawei_vrp":
        kind = {"10G": "XGigabitEthernet", "1G": "GigabitEthernet", "100M": "Ethernet"}[tier]
        return f"{kind}0/{slot}/{port + 1}"
    if vendor == "h3c_comware":
        if tier == "10G":
            return f"Ten-GigabitEthernet1/{slot}/{port + 49}"
        kind = {"1G": "GigabitEthernet", "100M": "Ethernet"}[tier]
        return f"{kind}1/{slot}/{port + 1}"
    kind = {"10G": "TenGigabitEthernet", "1G": "GigabitEthernet", "100M": "FastEthernet"}[tier]
    return f"{kind}0/{slot + (1 if tier == '10G' else 0)}/{port}"


@dataclass(frozen=True)
class Shape:
    counties: int
    departments: int
    towns: int
    villages: int

    @property
    def sites(self) -> int:
        return 1 + self.counties + self.departments + self.towns + self.villages


SAMPLE_SHAPE = Shape(counties=10, departments=10, towns=45, villages=6)


def shape_for(sites: int) -> Shape:
    """A plausible city of ``sites`` sites: about √n counties and as many departments, then towns
    (at least five per county) and villages for the rest."""
    if sites < 3:
        raise InputError("a generated extranet needs at least 3 sites (a city, a county, a department)")
    rest = sites - 1
    counties = max(1, min(round(math.sqrt(sites) / 1.5), rest // 3))
    departments = max(1, min(counties, rest - counties - 1)) if rest > counties else 0
    rest -= counties + departments
    towns = min(rest, max(counties * 5, rest // 8))
    return Shape(counties, departments, towns, rest - towns)


@dataclass
class _Site:
    id: str
    name: str
    level: SiteLevel
    parent: str | None
    protection_level: int
    zone: str
    uplink_tier: str
    devices: list[tuple[str, str, str]]  # hostname, vendor, role


class _Writer:
    """Streams the three big files and numbers ports and management addresses as it goes."""

    def __init__(self, out: Path, rng: random.Random) -> None:
        self.sites = (out / "sites.yaml").open("w", encoding="utf-8")
        self.devices = (out / "devices.yaml").open("w", encoding="utf-8")
        self.links = (out / "links.yaml").open("w", encoding="utf-8")
        self.sites.write("sites:\n")
        self.devices.write("devices:\n")
        self.links.write("links:\n")
        self.rng = rng
        self.ports: dict[tuple[str, str], int] = {}
        self.vendor: dict[str, str] = {}
        self.mgmt_count = {"public": 0, "private": 0}
        self.counts = {"sites": 0, "devices": 0, "links": 0}

    def close(self) -> None:
        for f in (self.sites, self.devices, self.links):
            f.close()

    def site(self, s: _Site) -> None:
        self.counts["sites"] += 1
        parent = f"\n    parent: {s.parent}" if s.parent else ""
        self.sites.write(
            f"  - id: {s.id}\n    name: {s.name}\n    level: {s.level.value}{parent}\n"
            f"    protection_level: {s.protection_level}\n    zone: {s.zone}\n"
        )
        for hostname, vendor, role in s.devices:
            self.device(hostname, s, vendor, role)

    def device(self, hostname: str, site: _Site, vendor: str, role: str) -> None:
        self.counts["devices"] += 1
        self.vendor[hostname] = vendor
        n = self.mgmt_count[site.zone] = self.mgmt_count[site.zone] + 1
        v4_base, v6_base = _MGMT[site.zone]
        ipv4 = ipaddress.IPv4Address(v4_base + n)
        ipv6 = f"{v6_base}{n:x}"
        # A few devices (every eleventh access device) still speak SNMP v2c only.
        if role == "access" and self.counts["devices"] % 11 == 0:
            snmp = '{version: v2c, community: "env:GOVNET_LAB_SNMP_COMMUNITY"}'
        else:
            snmp = (
                "{version: v3, v3: {user: govnet-ro, auth_protocol: sha, "
                'auth_key: "env:GOVNET_LAB_SNMP_AUTH", '
                'priv_protocol: aes, priv_key: "env:GOVNET_LAB_SNMP_PRIV"}}'
            )
        self.devices.write(
            f"  - hostname: {hostname}\n    site: {site.id}\n    vendor: {vendor}\n    role: {role}\n"
            f"    model: {_MODELS[vendor][role]}\n"
            f'    mgmt: {{ipv4: {ipv4}, ipv6: "{ipv6}"}}\n'
            f"    snmp: {snmp}\n"
            f'    credentials: {{username: admin, password: "env:GOVNET_LAB_PASSWORD"}}\n'
        )

    def port(self, hostname: str, tier: str) -> str:
        kind = "10G" if tier == "10G" else "1G" if tier == "1G" else "100M"
        n = self.ports[(hostname, kind)] = self.ports.get((hostname, kind), 0) + 1
        return interface_name(self.vendor[hostname], kind, n)

    def link(self, link_id: str, a: str, b: str, tier: str, purpose: str, group: str | None = None) -> None:
        self.counts["links"] += 1
        extra = f"\n    redundancy_group: {group}" if group else ""
        self.links.write(
            f"  - id: {link_id}\n"
            f"    a: {{device: {a}, interface: {self.port(a, tier)}}}\n"
            f"    b: {{device: {b}, interface: {self.port(b, tier)}}}\n"
            f"    tier: {tier}\n    purpose: {purpose}{extra}\n"
        )


_MGMT = {
    "public": (int(ipaddress.IPv4Address("10.144.0.0")), "2001:db8:f002::"),
    "private": (int(ipaddress.IPv4Address("192.168.128.0")), "2001:db8:f102::"),
}

POOLS_YAML = """\
# Address pools per zone. Site prefixes are carved from ipv4/ipv6 (hierarchically: a county's
# from its city's, a town's from its county's); point-to-point links and loopbacks from their own
# blocks; management addresses are checked against mgmt_ipv4/mgmt_ipv6.
pools:
  - zone: public          # 公用网络区
    ipv4: 10.0.0.0/9
    ipv6: "2001:db8:1000::/36"
    link_ipv4: 10.128.0.0/13
    link_ipv6: "2001:db8:f000::/48"
    loopback_ipv4: 10.136.0.0/13
    loopback_ipv6: "2001:db8:f001::/48"
    mgmt_ipv4: 10.144.0.0/13
    mgmt_ipv6: "2001:db8:f002::/48"
  - zone: private         # 专用网络区
    ipv4: 172.16.0.0/12
    ipv6: "2001:db8:2000::/36"
    link_ipv4: 192.168.0.0/18
    link_ipv6: "2001:db8:f100::/48"
    loopback_ipv4: 192.168.64.0/18
    loopback_ipv6: "2001:db8:f101::/48"
    mgmt_ipv4: 192.168.128.0/17
    mgmt_ipv6: "2001:db8:f102::/48"
  - zone: internet        # 互联网接入区
    ipv4: 10.240.0.0/16
    ipv6: "2001:db8:3000::/36"
    link_ipv4: 10.241.0.0/20
    link_ipv6: "2001:db8:f200::/48"
    loopback_ipv4: 10.241.16.0/20
    loopback_ipv6: "2001:db8:f201::/48"
"""


def _town_name(rng: random.Random, suffix: str) -> str:
    return rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + suffix


def _city_sites(shape: Shape, rng: random.Random, vendors: list[str]) -> Iterator[_Site]:
    """The sites, parents before children, each with its devices."""
    yield _Site(
        "sg-city",
        "韶关市",
        SiteLevel.CITY,
        None,
        3,
        "public",
        "10G",
        [
            ("sg-city-core-1", "huawei_vrp", "core"),
            ("sg-city-core-2", "huawei_vrp", "core"),
            ("sg-city-fw-1", "huawei_vrp", "firewall"),
        ],
    )
    counties = [
        COUNTIES[i] if i < len(COUNTIES) else (f"c{i + 1:03d}", _town_name(rng, "县"))
        for i in range(shape.counties)
    ]
    for i, (cid, cname) in enumerate(counties):
        site_id = f"sg-{cid}"
        level3 = i % 3 == 0
        vendor = vendors[i % 2]  # counties run Huawei or H3C
        devices = [(f"{site_id}-agg-{k}", vendor, "aggregation") for k in range(1, 3 if level3 else 2)]
        yield _Site(
            site_id,
            cname,
            SiteLevel.COUNTY,
            "sg-city",
            3 if level3 else 2,
            "public",
            "10G" if i % 4 == 1 else "1G",
            devices,
        )
    for i in range(shape.departments):
        did, dname = DEPARTMENTS[i] if i < len(DEPARTMENTS) else (f"d{i + 1:03d}", f"市第{i + 1}局")
        site_id = f"sg-d-{did}"
        level3 = did in _LEVEL3_DEPARTMENTS or (i >= len(DEPARTMENTS) and i % 7 == 0)
        vendor = vendors[i % 3]
        devices = [(f"{site_id}-acc-{k}", vendor, "access") for k in range(1, 3 if level3 else 2)]
        if did in _LAN_DEPARTMENTS or (i >= len(DEPARTMENTS) and i % 5 == 0):
            devices.append((f"{site_id}-sw-1", vendor, "aggregation"))
        zone = (
            "private" if did in _PRIVATE_DEPARTMENTS or (i >= len(DEPARTMENTS) and i % 9 == 0) else "public"
        )
        yield _Site(site_id, dname, SiteLevel.DEPARTMENT, "sg-city", 3 if level3 else 2, zone, "1G", devices)
    county_ids = [f"sg-{cid}" for cid, _ in counties]
    town_ids: list[str] = []
    for i in range(shape.towns):
        county = county_ids[i % len(county_ids)]
        site_id = f"{county}-t{i // len(county_ids) + 1:02d}"
        town_ids.append(site_id)
        vendor = vendors[(i + i // 3) % 3]
        yield _Site(
            site_id,
            _town_name(rng, "镇" if i % 4 else "街道"),
            SiteLevel.TOWN,
            county,
            2,
            "public",
            "1G" if i % 6 == 0 else "100M",
            [(f"{site_id}-acc-1", vendor, "access")],
        )
    for i in range(shape.villages):
        town = town_ids[i % len(town_ids)]
        site_id = f"{town}-v{i // len(town_ids) + 1:02d}"
        vendor = vendors[i % 2]  # village switches: Huawei or H3C
        yield _Site(
            site_id,
            _town_name(rng, "村" if i % 3 else "社区"),
            SiteLevel.VILLAGE,
            town,
            2,
            "public",
            "100M",
            [(f"{site_id}-acc-1", vendor, "access")],
        )


def generate(
    out: Path,
    sites: int | None = None,
    *,
    shape: Shape | None = None,
    seed: int = 1,
    on_site: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic inventory folder to ``out``; returns the counts of sites, devices, links.
    ``on_site(1)`` is called after each site is written (the CLI's progress bar)."""
    shape = shape or shape_for(sites or SAMPLE_SHAPE.sites)
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("plan.yaml",):
        (out / stale).unlink(missing_ok=True)
    rng = random.Random(seed)
    vendors = ["huawei_vrp", "h3c_comware", "cisco_ios"]
    writer = _Writer(out, rng)
    first_device: dict[str, list[str]] = {}
    children: dict[str, int] = {}
    try:
        for site in _city_sites(shape, rng, vendors):
            writer.site(site)
            # The devices that carry the site's uplinks and its children's: not firewalls, not LAN switches.
            hosts = [
                h
                for h, _, role in site.devices
                if role != "firewall" and (role != "aggregation" or site.level != SiteLevel.DEPARTMENT)
            ]
            first_device[site.id] = hosts
            _site_links(writer, site, hosts, first_device, children)
            if on_site is not None:
                on_site(1)
    finally:
        writer.close()
    (out / "inventory.yaml").write_text(
        f"# A synthetic extranet written by `govnet inventory generate` (seed {seed}).\n"
        f"name: {json.dumps('韶关市电子政务外网' if shape == SAMPLE_SHAPE else f'synthetic-{shape.sites}')}\n"
        f"description: one city, {shape.counties} counties, {shape.departments} city departments, "
        f"{shape.towns} towns, {shape.villages} villages\n",
        encoding="utf-8",
    )
    (out / "pools.yaml").write_text(POOLS_YAML, encoding="utf-8")
    _write_policy(out / "policy.yaml", shape)
    return writer.counts


def _site_links(
    w: _Writer, site: _Site, hosts: list[str], devices_of: dict[str, list[str]], children: dict[str, int]
) -> None:
    if site.level == SiteLevel.CITY:
        core1, core2, fw = (h for h, _, _ in site.devices)
        w.link("sg-city-peer-1", core1, core2, "10G", "peer")
        w.link("sg-city-fw-1", fw, core1, "10G", "peer", "sg-city-fw")
        w.link("sg-city-fw-2", fw, core2, "10G", "peer", "sg-city-fw")
        return
    assert site.parent is not None
    upstream = devices_of[site.parent]
    n = children[site.parent] = children.get(site.parent, 0) + 1
    group = f"{site.id}-up" if len(hosts) > 1 else None
    for k, host in enumerate(hosts):
        # Spread the children of a redundant parent over its devices; redundant sites use both.
        parent_device = upstream[(n + k) % len(upstream)]
        w.link(f"{site.id}-up-{k + 1}", host, parent_device, site.uplink_tier, "uplink", group)
    if len(hosts) > 1:
        w.link(f"{site.id}-peer-1", hosts[0], hosts[1], site.uplink_tier, "peer")
    for h, _, role in site.devices:
        if role == "aggregation" and site.level == SiteLevel.DEPARTMENT:
            w.link(f"{site.id}-lan-1", hosts[0], h, "1G", "lan")


def _bits(count: int) -> int:
    """Address bits that number ``count`` equal blocks."""
    return max(1, math.ceil(math.log2(max(count, 1) + 1)))


def _holding(width: int, n1: int, len1: int, n2: int, len2: int) -> int:
    """The prefix length of a block that holds n1 blocks of /len1, n2 of /len2 and one LAN block."""
    total = n1 * 2 ** (width - len1) + n2 * 2 ** (width - len2) + 2 ** (width - max(len1, len2))
    return width - math.ceil(math.log2(total))


def _write_policy(path: Path, shape: Shape) -> None:
    """policy.yaml: the defaults, plus prefix lengths grown where the generated tree needs room."""
    defaults = Policy()
    villages_per_town = -(-shape.villages // max(shape.towns, 1))
    towns_per_county = -(-shape.towns // max(shape.counties, 1))
    v6: dict[str, int] = {}
    v4: dict[str, int] = {}
    # Bottom up: a site holds its children's blocks and one block for its own LANs.
    v6["village"] = 64
    v6["town"] = min(defaults.ipv6_site_prefixlen[SiteLevel.TOWN], 64 - _bits(villages_per_town + 1))
    v6["county"] = min(
        defaults.ipv6_site_prefixlen[SiteLevel.COUNTY], v6["town"] - _bits(towns_per_county + 1)
    )
    v6["department"] = defaults.ipv6_site_prefixlen[SiteLevel.DEPARTMENT]
    v6["city"] = min(48, _holding(128, shape.counties, v6["county"], shape.departments, v6["department"]))
    small = shape.sites <= 2000  # big synthetic cities get leaner IPv4 LANs so that a /9 holds them
    lan4 = defaults.ipv4_lan_prefixlen if small else 29
    v4["village"] = lan4 - 1
    v4["town"] = min(
        defaults.ipv4_site_prefixlen[SiteLevel.TOWN], v4["village"] - _bits(villages_per_town + 1)
    )
    v4["county"] = min(
        defaults.ipv4_site_prefixlen[SiteLevel.COUNTY], v4["town"] - _bits(towns_per_county + 1)
    )
    v4["department"] = defaults.ipv4_site_prefixlen[SiteLevel.DEPARTMENT] if small else v4["county"]
    v4["city"] = min(16, _holding(32, shape.counties, v4["county"], shape.departments, v4["department"]))
    lines = [
        "# Policy: the seeds' numbers are the defaults (万兆到市, 千兆到县和市直部门, 百兆到镇; dual stack;",
        "# level-3 sites have two uplinks on two devices). Override only what differs.",
        "policy:",
        "  min_uplink_tier: {city: 10G, county: 1G, department: 1G, town: 100M, village: 100M}",
        "  require_dual_stack: true",
        "  level3_min_uplink_devices: 2",
        "  ipv6_site_prefixlen: {" + ", ".join(f"{k}: {v}" for k, v in v6.items()) + "}",
        "  ipv4_site_prefixlen: {" + ", ".join(f"{k}: {v}" for k, v in v4.items()) + "}",
        "  ipv4_link_prefixlen: 31",
        f"  ipv4_lan_prefixlen: {lan4}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
