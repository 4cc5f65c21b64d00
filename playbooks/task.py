"""One device's provisioning task, as the Ansible module ``govnet.extranet.config`` runs it:
render the intended configuration from the host's variables, resolve its secrets from their
references, connect and converge. Everything a result holds is safe to log and keep.
"""

from __future__ import annotations

from typing import Any

import netmiko

from govnet.compliance.baseline import load_baseline
from govnet.devices import netmiko_params
from govnet.errors import GovnetError
from govnet.inventory.models import Credentials, Device, Endpoint
from govnet.netconfig import syntax_for
from govnet.secrets import resolve_secret
from govnet.vendors import vendor_spec

from . import watch
from .diff import PLATFORMS, compute, driver
from .gate import judge, level_of, refusal
from .policy import parse_policy
from .push import converge
from .render import compile_templates, render_host


def preload() -> None:
    """Build, once, everything ``run`` would otherwise build on its first call in each process.

    Ansible's controller calls this before it forks a worker per host (the action plugin's import),
    so every worker inherits what it built; left lazy, every worker built it again, per device:
    the compliance baseline, each vendor's configuration syntax (an import), its Jinja2 template
    (compiled), its hier_config driver, and the regular expressions of the gate's checks,
    hier_config's rules and netmiko's answer cleaning (Python's ``re`` compiles a pattern on its
    first use in a process and caches it there: about 70 a device, see docs/provisioning.md)."""
    load_baseline()
    compile_templates()
    for vendor in PLATFORMS:
        syntax_for(vendor)
        driver(vendor)
    _rehearse()


def _rehearse() -> None:
    """One device of each vendor of the sample extranet through the task's work that needs no
    device: render, gate, diff from the factory configuration and back; and netmiko's cleaning
    of an answer, on a connection never opened."""
    from govnet.devices.sources import sample_inventory
    from govnet.inventory import ansible
    from govnet.inventory.service import plan_at
    from govnet.netconfig import render
    from govnet.netconfig.model import defaults

    from .intent import peer_info
    from .policy import load_policy

    inventory = plan_at(sample_inventory(), dry_run=True).inventory
    hostvars: dict[str, dict[str, Any]] = ansible.build(inventory)["_meta"]["hostvars"]
    policy = load_policy().with_networks_of(inventory)
    first = {hv["govnet_vendor"]: name for name, hv in sorted(hostvars.items(), reverse=True)}
    for vendor, name in first.items():
        host = {**hostvars[name], "inventory_hostname": name}
        intended = render_host(host, peer_info(hostvars, name), policy)
        judge(intended, vendor, level_of(host), name)
        factory = render(vendor, defaults(vendor))
        compute(vendor, factory, intended, name)
        compute(vendor, intended, factory, name)
        conn = netmiko.ConnectHandler(
            device_type=vendor_spec(vendor).netmiko_device_type,
            host="127.0.0.1",
            username="-",
            password="-",
            auto_connect=False,
        )
        conn.normalize_linefeeds(conn.strip_ansi_escape_codes(" \x1b[1D\r\n"))


def secrets_of(hostvars: dict[str, Any], resolve: Any = resolve_secret) -> dict[str, str]:
    """The values behind the host's secret references, by placeholder name."""
    creds = hostvars.get("govnet_credentials", {})
    snmp = hostvars.get("govnet_snmp", {})
    refs = {
        "password": creds.get("password_ref"),
        "enable": creds.get("enable_secret_ref"),
        "snmp_auth": snmp.get("auth_key_ref"),
        "snmp_priv": snmp.get("priv_key_ref"),
        "community": snmp.get("community_ref"),
    }
    return {name: resolve(ref) for name, ref in refs.items() if ref}


def device_of(hostvars: dict[str, Any]) -> Device:
    """The inventory device behind exported host variables (what ``govnet.devices`` connects to)."""
    creds = hostvars.get("govnet_credentials", {})
    return Device(
        hostname=str(hostvars["inventory_hostname"]),
        site=str(hostvars.get("govnet_site") or "-"),
        vendor=hostvars["govnet_vendor"],
        role=hostvars.get("govnet_role") or "access",
        ssh=Endpoint(host=str(hostvars["ansible_host"]), port=int(hostvars.get("ansible_port") or 22)),
        credentials=Credentials(
            username=str(hostvars.get("ansible_user") or creds["username"]),
            password=creds["password_ref"],
            enable_secret=creds.get("enable_secret_ref"),
        ),
    )


def run(
    host: dict[str, Any],
    peers: dict[str, Any],
    policy: dict[str, Any],
    *,
    check: bool = False,
    save: bool = True,
    timeout: float = 15.0,
    force: bool = False,
) -> dict[str, Any]:
    """The module's whole job; failures come back as a failed result, never a traceback.

    The intended configuration passes the compliance gate first (its site's level): one that fails
    is refused before any connection, unless ``force`` (the result's ``compliance`` says which)."""
    hostname = str(host.get("inventory_hostname", host.get("govnet_hostname", "device")))
    try:
        pol = parse_policy(policy, "govnet_provision")
        intended = render_host(host, {k: tuple(v) for k, v in peers.items()}, pol)
        secrets = secrets_of(host)
        params = netmiko_params(
            device_of({**host, "inventory_hostname": hostname}),
            conn_timeout=timeout,
            auth_timeout=timeout,
            banner_timeout=timeout,
        )
    except (GovnetError, KeyError, ValueError) as exc:
        return {"failed": True, "changed": False, "msg": f"{hostname}: {exc}"}
    gate = judge(intended, host["govnet_vendor"], level_of(host), hostname, force=force)
    if not gate["passed"] and not force:
        return {
            "failed": True,
            "changed": False,
            "refused": True,
            "msg": refusal(hostname, gate),
            "compliance": gate,
            "intended": intended,
        }

    def connect() -> Any:
        watch.mark(hostname, "connecting")
        conn = netmiko.ConnectHandler(**params)
        if "secret" in params:  # IOS: the enable secret the inventory names
            conn.enable()
        return conn

    try:
        result = converge(
            connect,
            host["govnet_vendor"],
            intended,
            secrets,
            hostname=hostname,
            check=check,
            save=save,
            progress=lambda stage: watch.mark(hostname, stage),
        )
    except GovnetError as exc:
        return {
            "failed": True,
            "changed": False,
            "msg": f"{hostname}: {exc}",
            "intended": intended,
            "compliance": gate,
        }
    except (
        netmiko.NetmikoTimeoutException,
        netmiko.NetmikoAuthenticationException,
        OSError,
        EOFError,
    ) as exc:
        why = (
            "authentication failed"
            if isinstance(exc, netmiko.NetmikoAuthenticationException)
            else "no answer"
        )
        return {
            "failed": True,
            "changed": False,
            "unreachable": True,
            "msg": f"{hostname}: unreachable ({why}) at {params['host']}:{params['port']}",
            "intended": intended,
            "compliance": gate,
        }
    watch.mark(hostname, "done")
    result["intended"] = intended
    result["compliance"] = gate
    return result
