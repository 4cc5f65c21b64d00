"""The inventory facts a scrape labels samples with: each device's site and site level, each link
end's tier and purpose (pure; built once per exporter, reused by every scrape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govnet.collectors.snmp.findings import LinkEnd, link_ends, port_key

if TYPE_CHECKING:
    from govnet.inventory.models import Inventory


@dataclass(frozen=True)
class DeviceFacts:
    device: str
    site: str
    site_level: str
    vendor: str
    role: str
    protection_level: int

    def labels(self) -> list[str]:
        return [self.device, self.site, self.site_level]


@dataclass(frozen=True)
class Topology:
    devices: dict[str, DeviceFacts]
    ends: dict[tuple[str, str], LinkEnd]  # (device, port_key(interface)) -> the inventory link end
    # (device, ifName) -> (labels, link end): names are normalised once, not at every scrape
    _located: dict[tuple[str, str], tuple[list[str], LinkEnd | None]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def of(cls, inventory: Inventory) -> Topology:
        sites = {s.id: s for s in inventory.sites}
        devices = {}
        for d in inventory.devices:
            site = sites.get(d.site)
            devices[d.hostname] = DeviceFacts(
                d.hostname,
                d.site,
                site.level.value if site else "",
                d.vendor.value,
                d.role.value,
                site.protection_level if site else 2,
            )
        ends = {(e.device, port_key(e.interface)): e for e in link_ends(inventory)}
        return cls(devices, ends)

    def device(self, name: str) -> DeviceFacts:
        return self.devices.get(name) or DeviceFacts(name, "", "", "", "", 2)

    def end(self, device: str, interface: str) -> LinkEnd | None:
        return self.ends.get((device, port_key(interface)))

    def locate(self, device: str, interface: str) -> tuple[list[str], LinkEnd | None]:
        """The interface's labels and its inventory link end (if any), cached."""
        key = (device, interface)
        found = self._located.get(key)
        if found is None:
            found = self._located[key] = (self._labels(device, interface), self.end(device, interface))
        return found

    def _labels(self, device: str, interface: str) -> list[str]:
        facts = self.device(device)
        end = self.end(device, interface)
        # a link end is named as the inventory spells it (GigabitEthernet1/0/2, not the agent's GE1/0/2),
        # so that alerts and dashboards join with the inventory; other ports keep ifName
        if end is None:
            return [device, interface, facts.site, facts.site_level, ""]
        return [device, end.interface, facts.site, facts.site_level, end.tier]
