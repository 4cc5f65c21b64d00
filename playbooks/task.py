"""One device's provisioning task, as the Ansible module ``govnet.extranet.config`` runs it:
render the intended configuration from the host's variables, resolve its secrets from their
references, connect and converge. Everything a result holds is safe to log and keep.
"""

from __future__ import annotations

from typing import Any

from govnet.devices import netmiko_params
from govnet.errors import GovnetError
from govnet.inventory.models import Credentials, Device, Endpoint
from govnet.secrets import resolve_secret

from . import watch
from .gate import judge, level_of, refusal
from .policy import parse_policy
from .push import converge
from .render import render_host


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
    import netmiko

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
