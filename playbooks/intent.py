"""What one device should be: built from its Ansible host variables and the provisioning policy.

The input is exactly what ``govnet inventory ansible`` exports for a host (so the Ansible module
and ``govnet provision render`` build the same thing from the same data), plus the site of each
link peer. Pure: no I/O, no secrets (those appear as placeholders, see ``secretforms``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from govnet.vendors import port_speed

from .policy import ProvisionPolicy

_TIER_MBPS = {"10G": 10_000, "1G": 1_000, "100M": 100}


@dataclass(frozen=True)
class Port:
    name: str
    description: str
    tier: str
    tier_mbps: int
    port_mbps: int
    ipv4: ipaddress.IPv4Interface | None
    ipv6: ipaddress.IPv6Interface | None
    peer_ipv4: str | None
    peer_ipv6: str | None
    purpose: str
    towards_parent: bool  # an uplink whose peer sits at a higher level (towards the city)

    @property
    def rate_limit_kbps(self) -> int | None:
        """Where the port is faster than its tier, traffic is limited to the tier (百兆到镇 on a GE port)."""
        return self.tier_mbps * 1000 if self.port_mbps > self.tier_mbps else None


@dataclass(frozen=True)
class AclEntry:
    network: ipaddress.IPv4Network | ipaddress.IPv6Network

    @property
    def wildcard(self) -> str:
        return str(self.network.hostmask)


@dataclass(frozen=True)
class Intent:
    hostname: str
    vendor: str
    site: str
    username: str
    has_enable_secret: bool
    snmp_user: str | None
    snmp_v2c: bool  # the inventory polls this device with a community (not level-3 clean: reported)
    snmp_auth: str
    snmp_priv: str
    loopback_ipv4: str | None
    loopback_ipv6: str | None
    ports: tuple[Port, ...]
    routing: str  # ospf | static
    router_id: str | None
    policy: ProvisionPolicy
    acl_v4: tuple[AclEntry, ...] = ()
    acl_v6: tuple[AclEntry, ...] = ()
    static_v4: tuple[str, ...] = ()  # next hops of the IPv4 default route
    static_v6: tuple[str, ...] = ()
    ospf_networks: tuple[AclEntry, ...] = field(default=())

    @property
    def syslog_v4(self) -> list[str]:
        return [h for h in self.policy.syslog_hosts if ":" not in h]

    @property
    def syslog_v6(self) -> list[str]:
        return [h for h in self.policy.syslog_hosts if ":" in h]

    @property
    def ntp_v4(self) -> list[str]:
        return [h for h in self.policy.ntp_servers if ":" not in h]

    @property
    def ntp_v6(self) -> list[str]:
        return [h for h in self.policy.ntp_servers if ":" in h]


def _peer_address(own: str | None) -> str | None:
    """The other end of a point-to-point link: /31 and /127 use both addresses, larger nets the
    first two hosts (as the planner assigns them, ``govnet.inventory.loader.end_address``)."""
    if not own:
        return None
    itf = ipaddress.ip_interface(own)
    net = itf.network
    first = net.network_address + (0 if net.num_addresses == 2 else 1)
    ends = [first, first + 1]
    others = [a for a in ends if a != itf.ip]
    return str(others[0]) if len(others) == 1 else None


_LEVEL_RANK = {"city": 0, "county": 1, "department": 1, "town": 2, "village": 3}


def _port(itf: dict[str, Any], peers: dict[str, tuple[str, str]], level: str) -> Port:
    tier = str(itf["tier"])
    tier_mbps = _TIER_MBPS.get(tier, 0)
    peer = str(itf.get("peer", ""))
    purpose = str(itf.get("purpose", "uplink"))
    peer_site, peer_level = peers.get(peer, ("", ""))
    parts = [purpose, peer_site, peer, str(itf.get("peer_interface", "")), tier]
    return Port(
        name=str(itf["name"]),
        description=" ".join(p for p in parts if p),
        tier=tier,
        tier_mbps=tier_mbps,
        port_mbps=port_speed(str(itf["name"])) or tier_mbps,
        ipv4=ipaddress.IPv4Interface(itf["ipv4"]) if itf.get("ipv4") else None,
        ipv6=ipaddress.IPv6Interface(itf["ipv6"]) if itf.get("ipv6") else None,
        peer_ipv4=_peer_address(itf.get("ipv4")),
        peer_ipv6=_peer_address(itf.get("ipv6")),
        purpose=purpose,
        towards_parent=purpose == "uplink" and _LEVEL_RANK.get(peer_level, 9) < _LEVEL_RANK.get(level, 9),
    )


def build_intent(
    hostvars: dict[str, Any], peers: dict[str, tuple[str, str]], policy: ProvisionPolicy
) -> Intent:
    """One device's intent from its exported host variables (``govnet inventory ansible --host``);
    ``peers`` gives each link peer's site and level (``peer_info``)."""
    level = str(hostvars.get("govnet_level", ""))
    itfs = hostvars.get("govnet_interfaces", [])
    ports = tuple(sorted((_port(i, peers, level) for i in itfs), key=_order))
    uplinks = [p for p in ports if p.towards_parent]
    static = level in policy.static_levels and len(uplinks) == 1
    creds = hostvars.get("govnet_credentials", {})
    snmp = hostvars.get("govnet_snmp", {})
    nets = [ipaddress.ip_network(n, strict=False) for n in policy.management_networks]
    ospf_nets: list[AclEntry] = []
    if not static:
        for p in ports:
            if p.ipv4 is not None:
                ospf_nets.append(AclEntry(p.ipv4.network))
        if hostvars.get("govnet_loopback_ipv4"):
            ospf_nets.append(AclEntry(ipaddress.ip_network(hostvars["govnet_loopback_ipv4"])))
    return Intent(
        hostname=str(hostvars.get("inventory_hostname") or hostvars["govnet_hostname"]),
        vendor=str(hostvars["govnet_vendor"]),
        site=str(hostvars.get("govnet_site", "")),
        username=str(creds.get("username") or hostvars.get("ansible_user", "admin")),
        has_enable_secret=bool(creds.get("enable_secret_ref")),
        snmp_user=snmp.get("user") if snmp.get("version") == "v3" else None,
        snmp_v2c=snmp.get("version") in ("v1", "v2c") and bool(snmp.get("community_ref")),
        snmp_auth=str(snmp.get("auth_protocol") or "sha"),
        snmp_priv=str(snmp.get("priv_protocol") or "aes"),
        loopback_ipv4=hostvars.get("govnet_loopback_ipv4"),
        loopback_ipv6=hostvars.get("govnet_loopback_ipv6"),
        ports=ports,
        routing="static" if static else "ospf",
        router_id=hostvars.get("govnet_loopback_ipv4") or hostvars.get("govnet_mgmt_ipv4"),
        policy=policy,
        acl_v4=tuple(AclEntry(n) for n in nets if n.version == 4),
        acl_v6=tuple(AclEntry(n) for n in nets if n.version == 6),
        static_v4=tuple(p.peer_ipv4 for p in uplinks if p.peer_ipv4),
        static_v6=tuple(p.peer_ipv6 for p in uplinks if p.peer_ipv6),
        ospf_networks=tuple(ospf_nets),
    )


def _order(port: Port) -> tuple[str, tuple[int, ...]]:
    """Ports in the order devices list them: by kind, then numerically (0/0/10 after 0/0/9)."""
    head = port.name.rstrip("0123456789/.:")
    numbers = tuple(
        int(n) for n in port.name[len(head) :].replace(".", "/").replace(":", "/").split("/") if n
    )
    return head, numbers


def peer_info(hostvars: dict[str, dict[str, Any]], hostname: str) -> dict[str, tuple[str, str]]:
    """Each link peer's site and level, from all hosts' variables (what Ansible's ``hostvars`` holds)."""
    out: dict[str, tuple[str, str]] = {}
    for itf in hostvars[hostname].get("govnet_interfaces", []):
        peer = hostvars.get(itf.get("peer", ""), {})
        out[itf["peer"]] = (str(peer.get("govnet_site", "")), str(peer.get("govnet_level", "")))
    return out
