"""One device's provisioning task, as the Ansible module ``govnet.extranet.config`` runs it:
render the intended configuration from the host's variables, resolve its secrets from their
references, connect and converge. Everything a result holds is safe to log and keep.
"""

from __future__ import annotations

from typing import Any

from govnet.errors import GovnetError
from govnet.secrets import resolve_secret

from .policy import parse_policy
from .push import converge
from .render import render_host

_NETMIKO_TYPES = {"huawei_vrp": "huawei", "h3c_comware": "hp_comware", "cisco_ios": "cisco_ios"}


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


def netmiko_params(hostvars: dict[str, Any], secrets: dict[str, str], timeout: float) -> dict[str, Any]:
    params: dict[str, Any] = {
        "device_type": _NETMIKO_TYPES[hostvars["govnet_vendor"]],
        "host": hostvars["ansible_host"],
        "port": int(hostvars.get("ansible_port", 22)),
        "username": hostvars.get("ansible_user") or hostvars["govnet_credentials"]["username"],
        "password": secrets["password"],
        "conn_timeout": timeout,
        "auth_timeout": timeout,
        "banner_timeout": timeout,
    }
    if "enable" in secrets:
        params["secret"] = secrets["enable"]
    return params


def run(
    host: dict[str, Any],
    peers: dict[str, Any],
    policy: dict[str, Any],
    *,
    check: bool = False,
    save: bool = True,
    timeout: float = 15.0,
) -> dict[str, Any]:
    """The module's whole job; failures come back as a failed result, never a traceback."""
    import netmiko

    hostname = str(host.get("inventory_hostname", host.get("govnet_hostname", "device")))
    try:
        pol = parse_policy(policy, "govnet_provision")
        intended = render_host(host, {k: tuple(v) for k, v in peers.items()}, pol)
        secrets = secrets_of(host)
    except (GovnetError, KeyError) as exc:
        return {"failed": True, "changed": False, "msg": f"{hostname}: {exc}"}
    params = netmiko_params(host, secrets, timeout)

    def connect() -> Any:
        conn = netmiko.ConnectHandler(**params)
        if host["govnet_vendor"] == "cisco_ios":
            conn.enable()
        return conn

    try:
        result = converge(
            connect, host["govnet_vendor"], intended, secrets, hostname=hostname, check=check, save=save
        )
    except GovnetError as exc:
        return {"failed": True, "changed": False, "msg": f"{hostname}: {exc}", "intended": intended}
    except (netmiko.NetmikoTimeoutException, netmiko.NetmikoAuthenticationException, OSError, EOFError) as exc:
        why = "authentication failed" if isinstance(exc, netmiko.NetmikoAuthenticationException) else "no answer"
        return {
            "failed": True,
            "changed": False,
            "unreachable": True,
            "msg": f"{hostname}: unreachable ({why}) at {params['host']}:{params['port']}",
            "intended": intended,
        }
    result["intended"] = intended
    return result
