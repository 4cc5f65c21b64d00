"""Render intended configurations: one Jinja2 template per vendor, fed by ``intent.build_intent``.

The same function serves ``govnet provision render`` and the Ansible module, so a config rendered
on a laptop is byte for byte what a playbook run pushes.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from govnet.errors import InputError
from govnet.vendors import vendor_spec

from .intent import Intent, build_intent, peer_info
from .policy import ProvisionPolicy

TEMPLATES = Path(__file__).parent / "templates"

_VRP_AUTH = {"sha": "sha", "sha256": "sha2-256", "md5": "md5"}
_VRP_PRIV = {"aes": "aes128", "aes128": "aes128", "aes256": "aes256", "des": "des56"}

MGMT_ACL_NUMBER = 2001  # VRP/Comware basic ACL for the VTY lines
MGMT_ACL_NAME = "GOVNET-MGMT"  # IOS named ACL


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,  # a missing fact is a bug, never an empty line on a device
        keep_trailing_newline=True,
        autoescape=False,  # device configuration, not HTML
    )


_ENV = _environment()


def compile_templates() -> None:
    """Compile every vendor's template now (Jinja2 compiles on first use and caches the result):
    see ``task.preload``."""
    for name in _ENV.list_templates(extensions=["j2"]):
        _ENV.get_template(name)


def render_intent(intent: Intent, hostvars: dict[str, Any]) -> str:
    vendor = intent.vendor
    spec = vendor_spec(vendor)
    try:
        template = _ENV.get_template(f"{vendor}.cfg.j2")
    except jinja2.TemplateNotFound:
        raise InputError(f"device {intent.hostname}: no templates for vendor {vendor!r}") from None
    text = template.render(
        i=intent,
        p=intent.policy,
        mgmt_interface=spec.factory.mgmt_interface,
        loopback_interface=spec.factory.loopback_interface,
        mgmt_ipv4=hostvars.get("govnet_mgmt_ipv4"),
        mgmt_ipv6=hostvars.get("govnet_mgmt_ipv6"),
        acl=MGMT_ACL_NUMBER,
        acl_name=MGMT_ACL_NAME,
        area="0.0.0." + str(intent.policy.ospf_area)
        if intent.policy.ospf_area < 256
        else intent.policy.ospf_area,
        vrp_auth=_VRP_AUTH,
        vrp_priv=_VRP_PRIV,
    )
    # Templates keep their logic readable; the device sees no blank lines.
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


def render_host(hostvars: dict[str, Any], peers: dict[str, tuple[str, str]], policy: ProvisionPolicy) -> str:
    return render_intent(build_intent(hostvars, peers, policy), hostvars)


@dataclass(frozen=True)
class Selection:
    """Which devices: a site's, or those whose hostname matches a pattern (fnmatch, comma-separated)."""

    site: str | None = None
    limit: str | None = None

    def matches(self, hostname: str, hostvars: dict[str, Any]) -> bool:
        if self.site and hostvars.get("govnet_site") != self.site:
            return False
        if self.limit:
            return any(fnmatch.fnmatch(hostname, p.strip()) for p in self.limit.split(",") if p.strip())
        return True


def render_all(
    inventory_list: dict[str, Any], policy: ProvisionPolicy, selection: Selection | None = None
) -> dict[str, str]:
    """Every selected host's intended configuration, from ``govnet inventory ansible --list`` data."""
    selection = selection or Selection()
    hostvars: dict[str, dict[str, Any]] = inventory_list["_meta"]["hostvars"]
    out: dict[str, str] = {}
    for name in sorted(hostvars):
        hv = {**hostvars[name], "inventory_hostname": name}
        if selection.matches(name, hv):
            out[name] = render_host(hv, peer_info(hostvars, name), policy)
    if (
        selection.site
        and not out
        and not any(hv.get("govnet_site") == selection.site for hv in hostvars.values())
    ):
        raise InputError(f"no site {selection.site!r} in the inventory")
    return out
