"""``DeviceConfig``: what a device's configuration says, as data — for every vendor the same shape.

Pure data, no I/O, no vendor syntax: ``govnet.netconfig``'s parsers fill it from a vendor's config
text and its renderers write it back; the lab runs it, compliance judges it, provisioning writes
it. A default ``DeviceConfig(vendor)`` is what an *empty* configuration means on that vendor
(``defaults``): a parser starts from it, a renderer leaves out what still equals it where the vendor
does, so that render → parse gives the same model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Interface, IPv6Interface

from govnet.vendors import vendor_spec

# The VTY idle timeout every vendor applies when none is configured: 10 minutes.
DEFAULT_IDLE_TIMEOUT_S = 600


@dataclass
class InterfaceConfig:
    """An interface's configured settings (the lab's ``Interface`` adds its runtime: link, counters)."""

    name: str  # the vendor's full name: GigabitEthernet0/0/1, Ten-GigabitEthernet1/0/49, ...
    description: str = ""
    ipv4: list[IPv4Interface] = field(default_factory=list)  # first one is the primary address
    ipv6: list[IPv6Interface] = field(default_factory=list)
    ipv6_enabled: bool = False
    ipv6_link_local_auto: bool = False  # VRP `ipv6 address auto link-local` (an EUI-64 FE80:: address)
    shutdown: bool = False  # administratively down
    bandwidth_kbps: int | None = None  # configured bandwidth (routing metrics), not the line rate
    rate_limit_kbps: int | None = None  # configured outbound rate limit (qos lr / rate-limit)
    ospf_cost: int | None = None
    acl_in: str | None = None  # packet filter applied inbound (ACL name or number)

    @property
    def is_loopback(self) -> bool:
        return self.name.lower().startswith("loopback")

    def set_admin(self, now: float, *, shutdown: bool) -> None:
        """``shutdown`` / ``undo shutdown`` (the lab's interfaces also settle their counters)."""
        self.shutdown = shutdown


@dataclass
class SnmpCommunity:
    name: str  # the community string itself (a secret on a real network)
    access: str = "ro"  # ro | rw
    acl: str | None = None  # ACL number/name restricting who may use it


@dataclass
class SnmpV3User:
    name: str
    group: str
    auth_protocol: str | None = "sha"  # sha | sha256 | md5 | None (noAuth)
    auth_key: str | None = None  # the password; engines localise it
    priv_protocol: str | None = "aes"  # aes | aes256 | des | None (noPriv)
    priv_key: str | None = None
    acl: str | None = None


@dataclass
class SnmpGroup:
    name: str
    security_level: str = "privacy"  # noauthentication | authentication | privacy
    read_view: str | None = None
    write_view: str | None = None
    acl: str | None = None


@dataclass
class SnmpTrapHost:
    address: str
    params: str = ""  # security name (community or v3 user)
    version: str = "v2c"  # v1 | v2c | v3
    port: int = 162


@dataclass
class SnmpConfig:
    enabled: bool = False
    versions: set[str] = field(default_factory=set)  # subset of {"v1", "v2c", "v3"}
    communities: list[SnmpCommunity] = field(default_factory=list)
    groups: list[SnmpGroup] = field(default_factory=list)
    users: list[SnmpV3User] = field(default_factory=list)
    trap_hosts: list[SnmpTrapHost] = field(default_factory=list)
    trap_enabled: bool = False
    contact: str = ""  # empty: the vendor's default (``DeviceConfig.sys_contact``)
    location: str = ""
    engine_id: str = ""  # hex; derived from the hostname when empty


@dataclass
class StaticRoute:
    prefix: str  # "10.1.0.0/16" or "2001:db8::/32"
    next_hop: str
    preference: int | None = None
    description: str = ""


@dataclass
class OspfArea:
    area: str  # "0.0.0.0" or "0"
    networks: list[str] = field(default_factory=list)  # "10.0.0.0 0.0.0.255" as the vendor writes it
    interfaces: list[str] = field(default_factory=list)  # OSPFv3: interfaces enabled in the area


@dataclass
class OspfProcess:
    process_id: int
    router_id: str | None = None
    areas: list[OspfArea] = field(default_factory=list)
    version: int = 2  # 2 = OSPF (IPv4), 3 = OSPFv3 (IPv6)
    # IOS `passive-interface default`: no hellos, so no neighbours, on any interface except those
    # named by `no passive-interface X`; without it, only those named by `passive-interface X`.
    passive_default: bool = False
    passive_exceptions: list[str] = field(default_factory=list)

    def passive(self, interface: str) -> bool:
        """Whether the process sends no hellos (and so forms no adjacency) on ``interface``."""
        listed = interface.lower() in (name.lower() for name in self.passive_exceptions)
        return self.passive_default != listed

    def area(self, area_id: str) -> OspfArea:
        for a in self.areas:
            if a.area == area_id:
                return a
        new = OspfArea(area_id)
        self.areas.append(new)
        return new


@dataclass
class AclRule:
    rule_id: int | None  # Huawei/H3C rule numbers; Cisco sequence numbers
    action: str  # permit | deny
    text: str  # the rest of the rule as typed, normalised: "source 10.0.0.0 0.0.0.255"


@dataclass
class Acl:
    name: str  # number ("2000") or name
    ipv6: bool = False
    kind: str = "basic"  # basic | advanced (Cisco: standard | extended)
    rules: list[AclRule] = field(default_factory=list)


@dataclass
class VtyConfig:
    """The SSH/telnet lines (Huawei user-interface vty, H3C line vty, Cisco line vty)."""

    first: int = 0
    last: int = 4
    auth_mode: str = "password"  # password | aaa (scheme) | none
    protocols: set[str] = field(default_factory=lambda: {"telnet", "ssh"})  # protocol inbound
    idle_timeout_s: int = DEFAULT_IDLE_TIMEOUT_S  # 0 means never time out
    acl_in: str | None = None
    acl6_in: str | None = None
    privilege: int | None = None


@dataclass
class LocalUser:
    name: str
    password_hash: str  # govnet.netconfig.passwords format; the plain password is never kept
    privilege: int = 15
    services: set[str] = field(default_factory=lambda: {"ssh"})  # ssh | telnet | terminal | http
    # The config held the password in a reversible form (VRP ``cipher``, Comware ``simple``/``cipher``,
    # IOS ``password``): compliance judges it; renderers always write the irreversible form.
    password_reversible: bool = field(default=False, compare=False)


@dataclass
class PasswordPolicy:
    min_length: int = 0
    complexity: bool = False  # at least two kinds of characters
    expire_days: int = 0  # 0: never


@dataclass
class LoginLockout:
    """Lock a user out after ``max_failures`` consecutive failed logins for ``lock_minutes``."""

    max_failures: int = 0  # 0: disabled (the factory default on every vendor)
    lock_minutes: int = 5


@dataclass
class Banners:
    login: str = ""  # shown before authentication (header login / banner login)
    motd: str = ""  # shown after login (header shell / banner motd)


InterfaceFactory = Callable[[str], InterfaceConfig]


@dataclass
class DeviceConfig:
    vendor: str  # huawei_vrp | h3c_comware | cisco_ios
    hostname: str = ""  # empty: the vendor's factory hostname (``defaults``)
    interfaces: list[InterfaceConfig] = field(default_factory=list)
    snmp: SnmpConfig = field(default_factory=SnmpConfig)
    static_routes: list[StaticRoute] = field(default_factory=list)
    ospf: list[OspfProcess] = field(default_factory=list)  # OSPF and OSPFv3 processes
    acls: list[Acl] = field(default_factory=list)
    vty: VtyConfig = field(default_factory=VtyConfig)
    local_users: list[LocalUser] = field(default_factory=list)
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    lockout: LoginLockout = field(default_factory=LoginLockout)
    enable_secret_hash: str | None = None  # Cisco enable secret (govnet.netconfig.passwords format)
    syslog_hosts: list[str] = field(default_factory=list)
    syslog_enabled: bool = True  # info-center enable / logging on
    ntp_servers: list[str] = field(default_factory=list)
    timezone: str = ""
    ssh_server: bool = True
    # VRP/Comware `ssh server acl N`: the SSH server itself only answers the sources ACL N permits.
    ssh_acl: str | None = None
    telnet_server: bool = True
    http_server: bool = False
    ftp_server: bool = False  # ftp server enable / ftp-server enable
    https_server: bool = False
    ipv6_enabled: bool = False  # global `ipv6` / `ipv6 unicast-routing`
    banners: Banners = field(default_factory=Banners)
    # Config lines kept as text (rendered back in place, but not modelled).
    extra_lines: list[str] = field(default_factory=list)
    # Makes the objects ``interface NAME`` creates (the lab's carry runtime and an ifindex).
    new_interface: InterfaceFactory = field(default=InterfaceConfig, compare=False, repr=False)

    def interface(self, name: str) -> InterfaceConfig | None:
        key = name.lower()
        for itf in self.interfaces:
            if itf.name.lower() == key:
                return itf
        return None

    def add_interface(self, name: str) -> InterfaceConfig:
        itf = self.new_interface(name)
        self.interfaces.append(itf)
        return itf

    def acl(self, name: str, *, ipv6: bool = False) -> Acl | None:
        for a in self.acls:
            if a.name == name and a.ipv6 == ipv6:
                return a
        return None

    def user(self, name: str) -> LocalUser | None:
        for u in self.local_users:
            if u.name == name:
                return u
        return None

    def ospf_process(self, process_id: int, version: int = 2) -> OspfProcess | None:
        for p in self.ospf:
            if p.process_id == process_id and p.version == version:
                return p
        return None

    def ospfv3_areas(self, interface: str) -> list[tuple[int, str]]:
        """(process id, area) pairs an interface is enabled in for OSPFv3 (configured per interface)."""
        return [
            (p.process_id, a.area)
            for p in self.ospf
            if p.version == 3
            for a in p.areas
            if interface in a.interfaces
        ]

    def sys_contact(self) -> str:
        """sysContact as ``display snmp-agent sys-info`` shows it: configured, else the vendor's default."""
        return self.snmp.contact or vendor_spec(self.vendor).snmp.default_contact

    def sys_location(self) -> str:
        return self.snmp.location or vendor_spec(self.vendor).snmp.default_location


def defaults(vendor: str) -> DeviceConfig:
    """What an empty configuration means on ``vendor``: the factory hostname, and IOS's SSH off
    until keys and ``ip ssh`` exist (VRP and Comware ship their SSH server on)."""
    spec = vendor_spec(vendor)
    return DeviceConfig(vendor=spec.key, hostname=spec.factory.hostname, ssh_server=spec.key != "cisco_ios")
