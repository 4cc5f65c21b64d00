"""Typed models of the extranet: sites, devices, links, address pools and policy.

These are the bottom layer: pure data, no I/O. ``govnet.inventory.loader`` builds them from YAML
(remembering where each entity came from, for error messages); everything else in govnet reads
them. Validation *across* entities (dangling references, tiers below policy, ...) lives in
``govnet.inventory.validate``, not here, so that all problems can be reported at once.
"""

from __future__ import annotations

import re
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# IDs and hostnames end up in Ansible host names, file names and device prompts: keep them plain.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$"


class SiteLevel(StrEnum):
    """The four levels of the extranet (市县乡村), plus city departments beside the counties."""

    CITY = "city"  # 市
    COUNTY = "county"  # 县区
    DEPARTMENT = "department"  # 市直部门
    TOWN = "town"  # 乡镇街道
    VILLAGE = "village"  # 村社区


class Zone(StrEnum):
    PUBLIC = "public"  # 公用网络区
    PRIVATE = "private"  # 专用网络区
    INTERNET = "internet"  # 互联网接入区


class Vendor(StrEnum):
    """One device-type key everywhere: inventory, lab, collectors, compliance, playbooks."""

    HUAWEI_VRP = "huawei_vrp"
    H3C_COMWARE = "h3c_comware"
    CISCO_IOS = "cisco_ios"


class Role(StrEnum):
    CORE = "core"
    AGGREGATION = "aggregation"
    ACCESS = "access"
    FIREWALL = "firewall"


class Tier(StrEnum):
    T10G = "10G"
    T1G = "1G"
    T100M = "100M"

    @property
    def mbps(self) -> int:
        return {"10G": 10_000, "1G": 1_000, "100M": 100}[self.value]

    @classmethod
    def same_speed(cls, text: str) -> Tier | None:
        """The tier another spelling of a speed means (``1000M`` is ``1G``), for hints."""
        match = re.fullmatch(r"\s*(\d+)\s*([mg])(?:bit/s|bps|b)?\s*", text, re.IGNORECASE)
        if match is None:
            return None
        mbps = int(match[1]) * (1000 if match[2].lower() == "g" else 1)
        return next((tier for tier in cls if tier.mbps == mbps), None)


class LinkPurpose(StrEnum):
    UPLINK = "uplink"  # towards the parent site (and so towards the city core)
    PEER = "peer"  # between devices of the same site or level
    LAN = "lan"  # a department LAN joining the extranet


# The Chinese names people write are accepted too (and read as the keys above).
LEVEL_ALIASES = {
    "市": "city",
    "县区": "county",
    "县": "county",
    "区": "county",
    "市直部门": "department",
    "乡镇街道": "town",
    "乡镇": "town",
    "镇": "town",
    "街道": "town",
    "村社区": "village",
    "村": "village",
    "社区": "village",
}
ZONE_ALIASES = {"公用网络区": "public", "专用网络区": "private", "互联网接入区": "internet"}


def _alias(table: dict[str, str]) -> Any:
    return BeforeValidator(lambda v: table.get(v, v) if isinstance(v, str) else v)


LevelField = Annotated[SiteLevel, _alias(LEVEL_ALIASES)]
ZoneField = Annotated[Zone, _alias(ZONE_ALIASES)]


class Site(_Model):
    id: str = Field(pattern=ID_PATTERN)
    name: str  # Chinese names welcome: 韶关市, 浈江区, ...
    level: LevelField
    parent: str | None = None  # the city has none; every other site reaches it through parents
    protection_level: int = Field(2, ge=2, le=3)  # 等保 level
    zone: ZoneField = Zone.PUBLIC
    # Assigned by `govnet inventory plan`; kept so that adding a site never renumbers others.
    ipv4_prefix: IPv4Network | None = None
    ipv6_prefix: IPv6Network | None = None


class Endpoint(_Model):
    """Where a management protocol answers. ``host`` defaults to the device's management address."""

    host: str | None = None
    port: int = Field(..., ge=1, le=65535)


class SnmpV3User(_Model):
    user: str
    auth_protocol: str = "sha"  # sha | sha256
    auth_key: str  # secret reference: env:NAME or file:PATH
    priv_protocol: str = "aes"  # aes | aes256
    priv_key: str  # secret reference


class SnmpAccess(_Model):
    port: int = Field(161, ge=1, le=65535)
    host: str | None = None
    version: str = "v3"  # v2c | v3
    community: str | None = None  # secret reference, for v2c
    v3: SnmpV3User | None = None


class Credentials(_Model):
    username: str
    password: str  # secret reference: env:NAME or file:PATH, never the password itself
    enable_secret: str | None = None  # secret reference (Cisco enable)


class ManagementAddress(_Model):
    ipv4: IPv4Address | None = None
    ipv6: IPv6Address | None = None


class Device(_Model):
    hostname: str = Field(pattern=ID_PATTERN)
    site: str
    vendor: Vendor
    role: Role
    model: str | None = None  # e.g. NE40E-X8, S5735-L, MSR3620, ISR4331
    mgmt: ManagementAddress = ManagementAddress()
    ssh: Endpoint = Endpoint(port=22)
    snmp: SnmpAccess = SnmpAccess()
    credentials: Credentials
    # Assigned by `govnet inventory plan`.
    loopback_ipv4: IPv4Address | None = None
    loopback_ipv6: IPv6Address | None = None


class LinkEnd(_Model):
    device: str
    interface: str
    # Assigned by `govnet inventory plan` (point-to-point /31 and /127).
    ipv4: str | None = None  # interface address with prefix length, e.g. 10.0.0.0/31
    ipv6: str | None = None


class Link(_Model):
    id: str = Field(pattern=ID_PATTERN)
    a: LinkEnd
    b: LinkEnd
    tier: Tier
    purpose: LinkPurpose = LinkPurpose.UPLINK
    redundancy_group: str | None = None
    description: str | None = None


class AddressPool(_Model):
    """Address space of one zone; site prefixes, link nets and loopbacks are carved from it."""

    zone: ZoneField
    ipv4: IPv4Network
    ipv6: IPv6Network
    # Separate blocks for infrastructure, so that site LAN space is never eaten by links.
    link_ipv4: IPv4Network | None = None
    link_ipv6: IPv6Network | None = None
    loopback_ipv4: IPv4Network | None = None
    loopback_ipv6: IPv6Network | None = None
    # Out-of-band management addresses of the zone's devices (checked, never allocated).
    mgmt_ipv4: IPv4Network | None = None
    mgmt_ipv6: IPv6Network | None = None


class Policy(_Model):
    """The seeds' numbers as defaults; an inventory's policy file may override them."""

    min_uplink_tier: dict[SiteLevel, Tier] = {
        SiteLevel.CITY: Tier.T10G,  # 万兆到市
        SiteLevel.COUNTY: Tier.T1G,  # 千兆到县
        SiteLevel.DEPARTMENT: Tier.T1G,  # 千兆到市直部门
        SiteLevel.TOWN: Tier.T100M,  # 百兆到镇
        SiteLevel.VILLAGE: Tier.T100M,
    }
    require_dual_stack: bool = True  # 对电子政务外网进行IPv6改造
    # GB/T 22239-2019 8.1.2.1 e): level-3 sites need redundant uplinks on two different devices.
    level3_min_uplink_devices: int = 2
    ipv6_site_prefixlen: dict[SiteLevel, int] = {
        SiteLevel.CITY: 48,
        SiteLevel.COUNTY: 56,
        SiteLevel.DEPARTMENT: 56,
        SiteLevel.TOWN: 60,
        SiteLevel.VILLAGE: 64,
    }
    ipv4_site_prefixlen: dict[SiteLevel, int] = {
        SiteLevel.CITY: 16,
        SiteLevel.COUNTY: 20,
        SiteLevel.DEPARTMENT: 22,
        SiteLevel.TOWN: 24,
        SiteLevel.VILLAGE: 26,
    }
    ipv4_link_prefixlen: int = Field(31, ge=30, le=31)  # /31 (RFC 3021) or /30 point-to-point nets
    ipv4_lan_prefixlen: int = Field(27, ge=8, le=30)  # a LAN link's IPv4 subnet inside its site's prefix


class Inventory(_Model):
    name: str
    policy: Policy = Policy()
    pools: tuple[AddressPool, ...] = ()
    sites: tuple[Site, ...] = ()
    devices: tuple[Device, ...] = ()
    links: tuple[Link, ...] = ()
