"""What a lab device is made of: its hardware (from the inventory), factory defaults and day-0 setup.

Pure logic, no I/O. ``spec_from_inventory`` turns inventory devices and links into ``DeviceSpec``;
``boot`` builds a ``DeviceState`` from a spec and, if there is one, the saved configuration text.
Factory defaults are what the vendors ship, so they fail several graded-protection checks
(telnet and HTTP on, no syslog host, no NTP, no login-failure lockout, no idle timeout).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from ipaddress import IPv4Interface, IPv6Interface
from typing import TYPE_CHECKING

from govnet.errors import GovnetError, InputError
from govnet.lab.lldp import LldpPeer
from govnet.lab.state import (
    DeviceState,
    LocalUser,
    SnmpCommunity,
    SnmpGroup,
    SnmpV3User,
    TrafficProfile,
)
from govnet.lab.vendors import dialect_for
from govnet.netconfig import defaults
from govnet.netconfig.passwords import hash_password
from govnet.vendors import vendor_spec

if TYPE_CHECKING:
    from govnet.inventory.models import Device, Inventory


@dataclass(frozen=True)
class PortSpec:
    name: str
    speed_mbps: int
    description: str = ""
    peer: LldpPeer | None = None  # the inventory link's other end, heard over LLDP


@dataclass
class Day0:
    """What the installer typed and saved on day 0 (secrets already resolved; never logged)."""

    username: str
    password: str
    enable_secret: str | None = None
    snmp_community: str | None = None
    snmp_user: str | None = None
    snmp_auth_protocol: str = "sha"
    snmp_auth_key: str | None = None
    snmp_priv_protocol: str = "aes"
    snmp_priv_key: str | None = None
    mgmt_ipv4: str | None = None  # with prefix length
    mgmt_ipv6: str | None = None
    loopback_ipv4: str | None = None
    loopback_ipv6: str | None = None


@dataclass
class DeviceSpec:
    hostname: str
    vendor: str
    model: str = ""
    ports: list[PortSpec] = field(default_factory=list)
    day0: Day0 | None = None
    traffic_fraction: float = 0.2  # mean share of line rate each link carries

    def __repr__(self) -> str:  # never print the day-0 secrets
        return f"DeviceSpec(hostname={self.hostname!r}, vendor={self.vendor!r}, ports={len(self.ports)})"


def hardware_state(spec: DeviceSpec, now: float) -> DeviceState:
    """The device with an empty configuration: its ports, and what an empty configuration means on
    its vendor (``govnet.netconfig.defaults``) — where a saved configuration is read into."""
    factory = vendor_spec(spec.vendor).factory
    state = DeviceState(
        config=defaults(spec.vendor),
        model=spec.model or factory.model,
        software_version=factory.software_version,
        sys_object_id=factory.sys_object_id,
        boot_time=now,
    )
    state.add_interface(factory.mgmt_interface, speed_mbps=1000, counters_since=now, last_change=now)
    for port in spec.ports:
        share = spec.traffic_fraction * (
            0.5 + (zlib.crc32(f"{spec.hostname}/{port.name}".encode()) % 100) / 100
        )
        line = port.speed_mbps * 1_000_000
        state.add_interface(
            port.name,
            speed_mbps=port.speed_mbps,
            traffic=TrafficProfile(in_bps=line * share, out_bps=line * share * 0.6, in_errors_ppm=2.0),
            counters_since=now,
            last_change=now,
            lldp_peer=port.peer,
        )
    return state


def factory_state(spec: DeviceSpec, now: float) -> DeviceState:
    """The device as unboxed: its ports and the factory configuration, which fails several
    graded-protection checks as real factory configurations do. These are configuration, written
    into the saved file like any other, so that a reboot never brings back a factory value."""
    state = hardware_state(spec, now)
    state.http_server = True
    state.vty.auth_mode = "password"
    state.vty.protocols = {"telnet", "ssh"}
    state.vty.idle_timeout_s = 0  # no idle timeout
    state.lockout.max_failures = 0
    return state


def apply_day0(state: DeviceState, spec: DeviceSpec) -> None:
    """Hostname, management user, SSH, SNMP access, port descriptions, management addresses."""
    day0 = spec.day0
    factory = vendor_spec(spec.vendor).factory
    state.hostname = spec.hostname
    for port in spec.ports:
        itf = state.interface(port.name)
        if itf is not None and port.description:
            itf.description = port.description
    if day0 is None:
        return
    state.ssh_server = True
    state.vty.auth_mode = "aaa"
    # IOS users have no service types (the VTY's `transport input` decides); VRP and Comware users do.
    services = {"ssh", "telnet", "terminal"} if spec.vendor == "cisco_ios" else {"ssh", "terminal"}
    password_hash = hash_password(day0.password, salt=_salt(spec.hostname))
    state.local_users.append(LocalUser(day0.username, password_hash, 15, services))
    if day0.enable_secret and spec.vendor == "cisco_ios":  # VRP and Comware have no enable mode
        state.enable_secret_hash = hash_password(day0.enable_secret, salt=_salt(spec.hostname + "/enable"))
    mgmt = state.interface(factory.mgmt_interface)
    if mgmt is not None:
        if day0.mgmt_ipv4:
            mgmt.ipv4 = [IPv4Interface(day0.mgmt_ipv4)]
        if day0.mgmt_ipv6:
            mgmt.ipv6 = [IPv6Interface(day0.mgmt_ipv6)]
            mgmt.ipv6_enabled = True
            state.ipv6_enabled = True
    if day0.loopback_ipv4 or day0.loopback_ipv6:
        loop = state.add_interface(factory.loopback_interface, speed_mbps=8000)
        if day0.loopback_ipv4:
            loop.ipv4 = [IPv4Interface(day0.loopback_ipv4)]
        if day0.loopback_ipv6:
            loop.ipv6 = [IPv6Interface(day0.loopback_ipv6)]
            loop.ipv6_enabled = True
            state.ipv6_enabled = True
    snmp = state.snmp
    if day0.snmp_community:
        snmp.enabled = True
        snmp.versions.add("v2c")
        snmp.communities.append(SnmpCommunity(day0.snmp_community, "ro"))
    if day0.snmp_user:
        snmp.enabled = True
        snmp.versions.add("v3")
        snmp.groups.append(SnmpGroup("govnet", "privacy"))
        snmp.users.append(
            SnmpV3User(
                day0.snmp_user,
                "govnet",
                day0.snmp_auth_protocol,
                day0.snmp_auth_key,
                day0.snmp_priv_protocol,
                day0.snmp_priv_key,
            )
        )


def boot(spec: DeviceSpec, saved_config: str | None, now: float) -> tuple[DeviceState, list[str]]:
    """Boot a device: its hardware, then the saved configuration if any, else factory and day 0 (saved).

    Returns the state and the saved-config lines the device refused (empty when all is well).
    """
    dialect = dialect_for(spec.vendor)
    if saved_config is not None:
        state = hardware_state(spec, now)
        problems = dialect.load_config(state, saved_config)
        state.saved_config = saved_config
    else:
        state = factory_state(spec, now)
        problems = []
        apply_day0(state, spec)
        state.saved_config = dialect.render_config(state.config)
    return state, problems


# What a reboot keeps: the lab's faults and the revision counter (caches key on it).
_KEPT_ON_REBOOT = {"faults", "reachable", "slow_seconds", "revision"}


def reboot_in_place(state: DeviceState, spec: DeviceSpec, now: float, *, factory: bool = False) -> list[str]:
    """Reboot keeping the same object (the SNMP agent holds it): running config := saved config."""
    fresh, problems = boot(spec, None if factory else state.saved_config, now)
    link_down = {f.target.lower() for f in state.faults if f.kind == "link-down"}
    surge = {f.target.lower() for f in state.faults if f.kind == "surge"}
    for f in fields(DeviceState):
        if f.name not in _KEPT_ON_REBOOT:
            setattr(state, f.name, getattr(fresh, f.name))
    state.config.new_interface = state.make_interface  # interfaces made from now on are this state's
    for itf in state.interfaces:  # lasting link faults survive a reboot: the cable is still cut
        itf.link_up = itf.name.lower() not in link_down
        itf.surge = itf.name.lower() in surge
    state.touch()
    return problems


def _salt(text: str) -> bytes:
    # Stable salts keep a re-created day-0 config byte-identical (lab reset shows no spurious diff).
    return hashlib.sha256(text.encode()).digest()[:8]


def specs_from_inventory(
    inventory: Inventory, resolve: object, only: str | None = None, traffic_fraction: float = 0.2
) -> list[DeviceSpec]:
    """One spec per inventory device (``only``: an fnmatch pattern on hostnames).

    ``resolve`` turns a secret reference into its value (``govnet.secrets.resolve_secret``).
    """
    import fnmatch

    assert callable(resolve)
    ports: dict[str, list[PortSpec]] = {d.hostname: [] for d in inventory.devices}
    vendors = {d.hostname: d.vendor.value for d in inventory.devices}
    for link in inventory.links:
        for end, other in ((link.a, link.b), (link.b, link.a)):
            if end.device in ports:
                text = link.description or f"{link.purpose.value} to {other.device} {other.interface}"
                far_text = link.description or f"{link.purpose.value} to {end.device} {end.interface}"
                peer = None
                if other.device in vendors:
                    peer = LldpPeer(other.device, other.interface, vendors[other.device], far_text)
                ports[end.device].append(PortSpec(end.interface, link.tier.mbps, text, peer))
    specs = []
    for device in inventory.devices:
        if only and not fnmatch.fnmatch(device.hostname, only):
            continue
        try:
            day0 = _day0(device, resolve)
        except GovnetError as exc:  # say which device's secret it is (the message never holds a value)
            raise type(exc)(f"device {device.hostname}: {exc}") from None
        specs.append(
            DeviceSpec(
                hostname=device.hostname,
                vendor=device.vendor.value,
                model=device.model or "",
                ports=_unique(ports[device.hostname]),
                day0=day0,
                traffic_fraction=traffic_fraction,
            )
        )
    return specs


def _unique(ports: Iterable[PortSpec]) -> list[PortSpec]:
    seen: dict[str, PortSpec] = {}
    for port in ports:
        seen.setdefault(port.name.lower(), port)
    return list(seen.values())


def _day0(device: Device, resolve: object) -> Day0:
    assert callable(resolve)
    creds = device.credentials
    snmp = device.snmp
    day0 = Day0(
        username=creds.username,
        password=resolve(creds.password),
        enable_secret=resolve(creds.enable_secret) if creds.enable_secret else None,
        mgmt_ipv4=f"{device.mgmt.ipv4}/32" if device.mgmt.ipv4 else None,
        mgmt_ipv6=f"{device.mgmt.ipv6}/128" if device.mgmt.ipv6 else None,
        loopback_ipv4=f"{device.loopback_ipv4}/32" if device.loopback_ipv4 else None,
        loopback_ipv6=f"{device.loopback_ipv6}/128" if device.loopback_ipv6 else None,
    )
    if snmp.version == "v2c" and snmp.community:
        day0.snmp_community = resolve(snmp.community)
    if snmp.v3 is not None:
        day0.snmp_user = snmp.v3.user
        day0.snmp_auth_protocol = snmp.v3.auth_protocol
        day0.snmp_auth_key = resolve(snmp.v3.auth_key)
        day0.snmp_priv_protocol = snmp.v3.priv_protocol
        day0.snmp_priv_key = resolve(snmp.v3.priv_key)
        for field_name, key in (("auth_key", day0.snmp_auth_key), ("priv_key", day0.snmp_priv_key)):
            # RFC 3414 11.2: a USM password has at least 8 octets; devices and managers refuse shorter.
            if key is not None and len(key.encode()) < 8:
                raise InputError(
                    f"snmp.v3.{field_name} ({getattr(snmp.v3, field_name)}) is shorter than the 8 characters"
                    " SNMPv3 requires (RFC 3414)"
                )
    return day0
