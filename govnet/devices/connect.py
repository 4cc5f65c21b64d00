"""Connection parameters for one inventory device: netmiko (SSH CLI) and SNMP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govnet.errors import InputError
from govnet.secrets import resolve_secret
from govnet.vendors import vendor_spec

if TYPE_CHECKING:
    from govnet.inventory.models import Device

# Turns a secret reference (env:NAME, file:PATH) into its value.
Resolver = Callable[[str], str]


def load_devices(inventory: str | Path, overlay: str | Path | None = None) -> tuple[Device, ...]:
    """The inventory's devices; with the lab's overlay their SSH and SNMP endpoints are the lab's."""
    from govnet.inventory.loader import load_inventory

    return tuple(load_inventory(inventory, overlay=overlay).devices)


def ssh_host(device: Device) -> str:
    """Where the device's CLI listens: the endpoint's host, else its management address, else its name."""
    mgmt = device.mgmt
    if device.ssh.host:
        return device.ssh.host
    if mgmt.ipv4:
        return str(mgmt.ipv4)
    return str(mgmt.ipv6) if mgmt.ipv6 else device.hostname


def netmiko_params(
    device: Device, *, resolve: Resolver = resolve_secret, conn_timeout: float = 15.0, **options: Any
) -> dict[str, Any]:
    """Keyword arguments for ``netmiko.ConnectHandler``: the vendor's driver, the endpoint, the
    credentials (resolved), Cisco's enable secret as ``secret``; ``options`` are netmiko's own."""
    creds = device.credentials
    params: dict[str, Any] = {
        "device_type": vendor_spec(device.vendor).netmiko_device_type,
        "host": ssh_host(device),
        "port": device.ssh.port,
        "username": creds.username,
        "password": resolve(creds.password),
        "conn_timeout": conn_timeout,
    }
    if creds.enable_secret:
        params["secret"] = resolve(creds.enable_secret)
    params.update(options)
    return params


@dataclass(frozen=True)
class SnmpTarget:
    """One device's SNMP agent and the credentials to use (secrets kept out of the repr).

    ``priv_protocol`` is what the agent really runs: ``aes192c``/``aes256c`` where the vendor
    extends AES keys the Reeder way (Cisco), ``aes192``/``aes256`` for Blumenthal (Huawei, H3C).
    """

    vendor: str
    host: str
    port: int = 161
    version: str = "v3"  # v1 | v2c | v3
    community: str | None = field(default=None, repr=False)
    user: str | None = None
    auth_protocol: str | None = None  # md5 | sha | sha224 | sha256 | sha384 | sha512
    auth_key: str | None = field(default=None, repr=False)
    priv_protocol: str | None = None  # des | aes | aes192 | aes256 | aes192c | aes256c
    priv_key: str | None = field(default=None, repr=False)

    @property
    def ipv6(self) -> bool:
        return ":" in self.host

    def credentials_key(self) -> tuple[str | None, ...]:
        """Equal for targets that share credentials (a poller keeps one SNMP engine per set)."""
        return (
            self.version,
            self.community,
            self.user,
            self.auth_protocol,
            self.auth_key,
            self.priv_protocol,
            self.priv_key,
        )


def snmp_target(device: Device, *, resolve: Resolver = resolve_secret) -> SnmpTarget:
    """How to poll ``device``: its inventory's SNMP access (overlay applied), secrets resolved."""
    access = device.snmp
    spec = vendor_spec(device.vendor)
    host = access.host or ssh_host(device)
    if access.version == "v3":
        if access.v3 is None:
            raise InputError(f"device {device.hostname}: snmp.version v3 needs snmp.v3 (user and keys)")
        v3 = access.v3
        return SnmpTarget(
            vendor=spec.key,
            host=host,
            port=access.port,
            version="v3",
            user=v3.user,
            auth_protocol=v3.auth_protocol,
            auth_key=resolve(v3.auth_key),
            priv_protocol=spec.snmp.priv_protocol(v3.priv_protocol),
            priv_key=resolve(v3.priv_key),
        )
    if not access.community:
        raise InputError(f"device {device.hostname}: snmp.version {access.version} needs snmp.community")
    return SnmpTarget(
        vendor=spec.key,
        host=host,
        port=access.port,
        version=access.version,
        community=resolve(access.community),
    )


_AUTH = {
    "md5": "usmHMACMD5AuthProtocol",
    "sha": "usmHMACSHAAuthProtocol",
    "sha224": "usmHMAC128SHA224AuthProtocol",
    "sha256": "usmHMAC192SHA256AuthProtocol",
    "sha384": "usmHMAC256SHA384AuthProtocol",
    "sha512": "usmHMAC384SHA512AuthProtocol",
}
_PRIV = {
    "des": "usmDESPrivProtocol",
    "aes": "usmAesCfb128Protocol",
    "aes192": "usmAesBlumenthalCfb192Protocol",
    "aes256": "usmAesBlumenthalCfb256Protocol",
    "aes192c": "usmAesCfb192Protocol",  # pysnmp's plain AES-192/256 extend keys the Reeder way
    "aes256c": "usmAesCfb256Protocol",
}


def pysnmp_auth(target: SnmpTarget) -> Any:
    """pysnmp's ``CommunityData`` or ``UsmUserData`` for a target (pysnmp 7, ``v3arch.asyncio``)."""
    from pysnmp.hlapi.v3arch import asyncio as hl

    if target.version != "v3":
        return hl.CommunityData(target.community or "", mpModel=0 if target.version == "v1" else 1)
    try:
        auth = getattr(hl, _AUTH[target.auth_protocol]) if target.auth_protocol else hl.usmNoAuthProtocol
        priv = getattr(hl, _PRIV[target.priv_protocol]) if target.priv_protocol else hl.usmNoPrivProtocol
    except KeyError as exc:
        raise InputError(f"SNMP target {target.host}: unsupported protocol {exc.args[0]!r}") from None
    return hl.UsmUserData(
        target.user or "",
        target.auth_key if target.auth_protocol else None,
        target.priv_key if target.priv_protocol else None,
        authProtocol=auth,
        privProtocol=priv,
    )


async def pysnmp_transport(target: SnmpTarget, *, timeout: float = 3.0, retries: int = 0) -> Any:
    """pysnmp's UDP transport to the target, IPv4 or IPv6 by its host."""
    from pysnmp.hlapi.v3arch import asyncio as hl

    cls = hl.Udp6TransportTarget if target.ipv6 else hl.UdpTransportTarget
    return await cls.create((target.host, target.port), timeout=timeout, retries=retries)
