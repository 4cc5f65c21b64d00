"""The provisioning policy: how every device's management plane is hardened (GB/T 22239-2019 level 3).

One file holds the defaults, ``playbooks/group_vars/all.yml`` (Ansible reads it beside site.yml);
``govnet provision --policy FILE`` overrides keys. Pure model plus one loader.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govnet.errors import InputError
from govnet.inventory.models import Inventory

DEFAULTS = Path(__file__).parent / "group_vars" / "all.yml"


class Timezone(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "BJ"
    offset: str = "08:00:00"


class ProvisionPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    management_networks: tuple[str, ...] = ()
    syslog_hosts: tuple[str, ...] = ()
    ntp_servers: tuple[str, ...] = ()
    timezone: Timezone = Timezone()
    idle_timeout_minutes: int = Field(10, ge=1, le=10)  # level 3: sessions end after at most 10 min
    password_min_length: int = Field(10, ge=8, le=16)
    password_expire_days: int = Field(90, ge=1, le=365)
    login_failures: int = Field(5, ge=1, le=10)
    lockout_minutes: int = Field(10, ge=1, le=1440)
    snmp_group: str = "govnet"
    banner: str = "Authorised use only."
    ospf_process: int = Field(1, ge=1, le=65535)
    ospf_area: int = Field(0, ge=0)
    static_levels: tuple[str, ...] = ("town", "village")

    def with_networks_of(self, inventory: Inventory) -> ProvisionPolicy:
        """Management networks from the inventory's pools when the policy names none."""
        if self.management_networks:
            return self
        nets = [str(n) for p in inventory.pools for n in (p.mgmt_ipv4, p.mgmt_ipv6) if n is not None]
        return self.model_copy(update={"management_networks": tuple(nets)})

    def for_ansible(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputError(f"{path}: cannot read the provisioning policy: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("govnet_provision", {}), dict):
        raise InputError(f"{path}: expected a mapping with a 'govnet_provision' mapping")
    return dict(data.get("govnet_provision") or {})


def parse_policy(data: dict[str, Any], source: str = "policy") -> ProvisionPolicy:
    try:
        policy = ProvisionPolicy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{source}: govnet_provision.{where}: {first['msg']}") from None
    for net in policy.management_networks:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            raise InputError(f"{source}: management network {net!r} is not an address block") from None
    return policy


def load_policy(path: Path | None = None) -> ProvisionPolicy:
    """The shipped defaults, with the keys of ``path`` (a YAML file like group_vars/all.yml) over them."""
    data = _read(DEFAULTS)
    source = str(DEFAULTS)
    if path is not None:
        data.update(_read(path))
        source = str(path)
    return parse_policy(data, source)
