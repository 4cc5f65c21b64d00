"""The inventory as Ansible sees it.

Two forms of the same data: the JSON of a dynamic-inventory script (``--list`` with ``_meta``
hostvars, ``--host NAME``) and a static YAML inventory. Groups by vendor, role, site level, tier,
zone, graded-protection level and site. Host variables carry what playbooks need; credentials stay
*references*: ``ansible_password`` is a lookup template that Ansible resolves when it connects.
"""

from __future__ import annotations

import re
import shlex
import stat
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from govnet.devices import ssh_host
from govnet.errors import InputError, NotFoundError
from govnet.vendors import vendor_spec

from .models import Device, Inventory
from .validate import _SECRET_REF  # one definition of what a secret reference looks like

_GROUP_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def group_name(*parts: str) -> str:
    """Ansible group names: letters, digits and underscores only (it warns about anything else)."""
    return _GROUP_UNSAFE.sub("_", "_".join(parts))


def secret_lookup(reference: str | None) -> str | None:
    """A Jinja lookup that resolves a secret reference when Ansible uses it (never the value)."""
    if reference is None:
        return None
    kind, _, name = reference.partition(":")
    if kind == "env":
        return "{{ lookup('ansible.builtin.env', '" + name + "') }}"
    if kind == "file":
        return "{{ lookup('ansible.builtin.file', '" + name + "') }}"
    return None


def _reference(device: Device, field: str, value: str | None) -> str | None:
    """A secret reference as it may go into Ansible's inventory; a secret typed into the inventory
    (validation's secret.inline) stops the export rather than land in Ansible's variables and logs."""
    if value is None or _SECRET_REF.match(value):
        return value
    raise InputError(
        f"device {device.hostname}: {field} must name a secret (env:NAME or file:PATH), not hold one;"
        " not exported (govnet inventory validate lists every such problem)"
    )


def _host_vars(
    inv: Inventory, device: Device, sites: dict[str, Any], interfaces: list[dict[str, Any]]
) -> dict[str, Any]:
    site = sites.get(device.site)
    mgmt = device.mgmt
    host = ssh_host(device)
    creds = device.credentials
    snmp = device.snmp
    snmp_vars: dict[str, Any] = {
        "version": snmp.version,
        "host": snmp.host or host,
        "port": snmp.port,
    }
    if snmp.community:
        snmp_vars["community_ref"] = _reference(device, "snmp.community", snmp.community)
    if snmp.v3 is not None:
        snmp_vars.update(
            user=snmp.v3.user,
            auth_protocol=snmp.v3.auth_protocol,
            auth_key_ref=_reference(device, "snmp.v3.auth_key", snmp.v3.auth_key),
            priv_protocol=snmp.v3.priv_protocol,
            priv_key_ref=_reference(device, "snmp.v3.priv_key", snmp.v3.priv_key),
        )
    out: dict[str, Any] = {
        "ansible_host": host,
        "ansible_port": device.ssh.port,
        "ansible_user": creds.username,
        "ansible_password": secret_lookup(creds.password),
        # The cliconf/terminal plugins Ansible's network_cli connects with; govnet's key beside it.
        "ansible_network_os": vendor_spec(device.vendor).ansible_network_os,
        "govnet_vendor": device.vendor.value,
        "govnet_role": device.role.value,
        "govnet_model": device.model,
        "govnet_site": device.site,
        "govnet_site_name": site.name if site else None,
        "govnet_level": site.level.value if site else None,
        "govnet_zone": site.zone.value if site else None,
        "govnet_protection_level": site.protection_level if site else None,
        "govnet_mgmt_ipv4": str(mgmt.ipv4) if mgmt.ipv4 else None,
        "govnet_mgmt_ipv6": str(mgmt.ipv6) if mgmt.ipv6 else None,
        "govnet_loopback_ipv4": str(device.loopback_ipv4) if device.loopback_ipv4 else None,
        "govnet_loopback_ipv6": str(device.loopback_ipv6) if device.loopback_ipv6 else None,
        "govnet_site_ipv4_prefix": str(site.ipv4_prefix) if site and site.ipv4_prefix else None,
        "govnet_site_ipv6_prefix": str(site.ipv6_prefix) if site and site.ipv6_prefix else None,
        "govnet_credentials": {
            "username": creds.username,
            "password_ref": _reference(device, "credentials.password", creds.password),
            "enable_secret_ref": _reference(device, "credentials.enable_secret", creds.enable_secret),
        },
        "govnet_snmp": snmp_vars,
        "govnet_interfaces": interfaces,
    }
    if creds.enable_secret:
        out["ansible_become_password"] = secret_lookup(creds.enable_secret)
    return {k: v for k, v in out.items() if v is not None}


def build(inv: Inventory) -> dict[str, Any]:
    """The ``--list`` JSON: groups with their hosts, and every host's variables under ``_meta``."""
    sites = {s.id: s for s in inv.sites}
    interfaces: dict[str, list[dict[str, Any]]] = defaultdict(list)
    tiers: dict[str, set[str]] = defaultdict(set)
    for link in inv.links:
        for end, other in ((link.a, link.b), (link.b, link.a)):
            interfaces[end.device].append(
                {
                    "name": end.interface,
                    "link": link.id,
                    "tier": link.tier.value,
                    "purpose": link.purpose.value,
                    "peer": other.device,
                    "peer_interface": other.interface,
                    "ipv4": end.ipv4,
                    "ipv6": end.ipv6,
                    "redundancy_group": link.redundancy_group,
                }
            )
            tiers[end.device].add(link.tier.value)
    groups: dict[str, list[str]] = defaultdict(list)
    hostvars: dict[str, dict[str, Any]] = {}
    for device in inv.devices:
        name = device.hostname
        site = sites.get(device.site)
        hostvars[name] = _host_vars(inv, device, sites, interfaces.get(name, []))
        member_of = [group_name("vendor", device.vendor.value), group_name("role", device.role.value)]
        if site is not None:
            member_of += [
                group_name("level", site.level.value),
                group_name("zone", site.zone.value),
                group_name("protection_level", str(site.protection_level)),
                group_name("site", site.id),
            ]
        member_of += [group_name("tier", t) for t in sorted(tiers.get(name, ()))]
        for group in member_of:
            groups[group].append(name)
    out: dict[str, Any] = {"_meta": {"hostvars": hostvars}}
    out["all"] = {
        "children": sorted(groups),
        "vars": {"govnet_inventory": inv.name},
    }
    for group in sorted(groups):
        out[group] = {"hosts": groups[group]}
    return out


def host(inv: Inventory, hostname: str) -> dict[str, Any]:
    """The ``--host NAME`` JSON: that host's variables."""
    hostvars: dict[str, Any] = build(inv)["_meta"]["hostvars"]
    if hostname not in hostvars:
        raise NotFoundError(f"no device {hostname!r} in inventory {inv.name}")
    return dict(hostvars[hostname])


def to_static(inv: Inventory) -> dict[str, Any]:
    """The same inventory in Ansible's YAML inventory format (hosts with vars under ``all``)."""
    return static_from(build(inv))


def static_from(data: dict[str, Any], only: set[str] | None = None) -> dict[str, Any]:
    """``build``'s dynamic-inventory data in the static format, with only the hosts in ``only``
    when given (Ansible parses every host it is given: a run over a few devices of a large
    extranet should not pay for the rest)."""
    hostvars = {h: v for h, v in data["_meta"]["hostvars"].items() if only is None or h in only}
    groups = {name: group for name, group in data.items() if name not in ("_meta", "all")}
    return {
        "all": {
            "vars": data["all"]["vars"],
            "hosts": hostvars,
            "children": {
                name: {"hosts": {h: None for h in group["hosts"] if h in hostvars}}
                for name, group in groups.items()
            },
        }
    }


def write_script(target: Path, inventory_path: Path, overlay: Path | None = None) -> Path:
    """An executable dynamic-inventory script that asks govnet for this inventory: pass it to
    ``ansible -i`` / ``ansible-playbook -i``. It runs the same Python that wrote it."""
    command = [sys.executable, "-m", "govnet.cli", "inventory", "ansible", str(inventory_path.resolve())]
    if overlay is not None:
        command += ["--overlay", str(overlay.resolve())]
    target.write_text(
        "#!/bin/sh\n"
        f"# Ansible dynamic inventory for {inventory_path},\n"
        "# written by `govnet inventory ansible --write-script`.\n"
        f'exec {shlex.join(command)} "$@"\n',
        encoding="utf-8",
    )
    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return target
