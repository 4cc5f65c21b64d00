"""The state of one simulated device: pure data, no I/O.

The SSH CLI (``govnet.lab.vendors``) and the SNMP agent (``govnet.lab.snmp_agent``) both read and
change a ``DeviceState``; neither keeps a copy. The *running* configuration is the structured data
below; the *saved* configuration is the vendor's config text (``saved_config``), replayed through
the vendor's parser at boot, exactly as a device reads its startup file.

Counters are never advanced by timers: ``Interface.counters(now)`` derives them from the time
elapsed since the traffic profile last changed, so ten thousand idle devices cost nothing.
Whoever changes a state calls ``touch()`` so that caches (the SNMP agent's OID table) know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Interface, IPv6Interface

from govnet.vendors import vendor_spec

COUNTER64 = 2**64
COUNTER32 = 2**32

# Bytes per packet used to turn an octet rate into packet counters (a typical mixed-traffic mean).
MEAN_PACKET_BYTES = 800


class FaultKind(StrEnum):
    """Faults injected on demand (``govnet lab fault DEVICE KIND``)."""

    LINK_DOWN = "link-down"  # one interface's oper status goes down (target: interface name)
    UNREACHABLE = "unreachable"  # SSH and SNMP stop answering
    SLOW = "slow"  # every answer is delayed (``DeviceState.slow_seconds``)
    AUTH_FAILURE = "auth-failure"  # every SSH login is refused
    COUNTER_WRAP = "counter-wrap"  # counters jump to just below 2^64 (and so 2^32): they wrap soon
    REBOOT = "reboot"  # sysUpTime restarts, unsaved configuration is lost
    SURGE = "surge"  # traffic on one link jumps to near line rate (target: interface name)


# Faults that are an event rather than a lasting condition: applying them changes state once.
ONE_SHOT_FAULTS = frozenset({FaultKind.COUNTER_WRAP, FaultKind.REBOOT})


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    target: str = ""  # interface name for link-down and surge


@dataclass
class TrafficProfile:
    """Average rates an interface carries while its link is up."""

    in_bps: float = 0.0
    out_bps: float = 0.0
    # Errored packets per million packets received / sent.
    in_errors_ppm: float = 0.0
    out_errors_ppm: float = 0.0


@dataclass(frozen=True)
class InterfaceCounters:
    """IF-MIB style counters at one instant; 64-bit, already wrapped modulo 2^64."""

    in_octets: int
    out_octets: int
    in_packets: int
    out_packets: int
    in_errors: int
    out_errors: int


@dataclass
class Interface:
    name: str  # the vendor's full name: GigabitEthernet0/0/1, Ten-GigabitEthernet1/0/49, ...
    ifindex: int  # stable for the device's life: never reused or renumbered
    description: str = ""
    ipv4: list[IPv4Interface] = field(default_factory=list)  # first one is the primary address
    ipv6: list[IPv6Interface] = field(default_factory=list)
    ipv6_enabled: bool = False
    shutdown: bool = False  # administratively down
    speed_mbps: int = 1000
    bandwidth_kbps: int | None = None  # configured bandwidth (routing metrics), not the line rate
    rate_limit_kbps: int | None = None  # configured outbound rate limit (qos lr / rate-limit)
    link_up: bool = True  # physical link; faults take it down
    ospf_cost: int | None = None
    acl_in: str | None = None  # packet filter applied inbound (ACL name or number)
    traffic: TrafficProfile = field(default_factory=TrafficProfile)
    surge: bool = False  # traffic surge fault: carries ~95% of line rate in both directions
    # Counters accumulated up to ``counters_since`` (seconds since the epoch); the rest is derived.
    base_in_octets: int = 0
    base_out_octets: int = 0
    base_in_packets: int = 0
    base_out_packets: int = 0
    base_in_errors: int = 0
    base_out_errors: int = 0
    counters_since: float = 0.0
    last_change: float = 0.0  # when the oper status last changed (ifLastChange)

    @property
    def oper_up(self) -> bool:
        return self.link_up and not self.shutdown

    @property
    def is_loopback(self) -> bool:
        return self.name.lower().startswith("loopback")

    def current_rates(self) -> tuple[float, float]:
        """Bits per second in and out right now (0 while down)."""
        if not self.oper_up:
            return 0.0, 0.0
        if self.surge:
            line = self.speed_mbps * 1_000_000 * 0.95
            return line, line
        return self.traffic.in_bps, self.traffic.out_bps

    def counters(self, now: float) -> InterfaceCounters:
        elapsed = max(0.0, now - self.counters_since)
        in_bps, out_bps = self.current_rates()
        in_oct = int(in_bps * elapsed / 8)
        out_oct = int(out_bps * elapsed / 8)
        in_pkts = in_oct // MEAN_PACKET_BYTES
        out_pkts = out_oct // MEAN_PACKET_BYTES
        return InterfaceCounters(
            in_octets=(self.base_in_octets + in_oct) % COUNTER64,
            out_octets=(self.base_out_octets + out_oct) % COUNTER64,
            in_packets=(self.base_in_packets + in_pkts) % COUNTER64,
            out_packets=(self.base_out_packets + out_pkts) % COUNTER64,
            in_errors=(self.base_in_errors + int(in_pkts * self.traffic.in_errors_ppm / 1e6)) % COUNTER64,
            out_errors=(self.base_out_errors + int(out_pkts * self.traffic.out_errors_ppm / 1e6)) % COUNTER64,
        )

    def settle(self, now: float) -> None:
        """Fold the counters so far into the base; call before anything changes the rates."""
        c = self.counters(now)
        self.base_in_octets, self.base_out_octets = c.in_octets, c.out_octets
        self.base_in_packets, self.base_out_packets = c.in_packets, c.out_packets
        self.base_in_errors, self.base_out_errors = c.in_errors, c.out_errors
        self.counters_since = now

    def set_admin(self, now: float, *, shutdown: bool) -> None:
        if shutdown != self.shutdown:
            was_up = self.oper_up
            self.settle(now)
            self.shutdown = shutdown
            if was_up != self.oper_up:
                self.last_change = now

    def set_link(self, now: float, *, up: bool) -> None:
        if up != self.link_up:
            was_up = self.oper_up
            self.settle(now)
            self.link_up = up
            if was_up != self.oper_up:
                self.last_change = now

    def wrap_counters_soon(self, now: float, seconds: float = 10.0) -> None:
        """Put the octet counters ``seconds`` of traffic (at least a little) below 2^64."""
        self.settle(now)
        in_bps, out_bps = self.current_rates()
        self.base_in_octets = COUNTER64 - max(1000, int(in_bps * seconds / 8))
        self.base_out_octets = COUNTER64 - max(1000, int(out_bps * seconds / 8))


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
    contact: str = ""
    location: str = ""
    engine_id: str = ""  # hex; derived from the hostname at boot when empty


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
    idle_timeout_s: int = 600  # 0 means never time out
    acl_in: str | None = None
    acl6_in: str | None = None
    privilege: int | None = None


@dataclass
class LocalUser:
    name: str
    password_hash: str  # govnet.lab.passwords format; the plain password is never kept
    privilege: int = 15
    services: set[str] = field(default_factory=lambda: {"ssh"})  # ssh | telnet | terminal | http
    # Login-failure lockout state (runtime only, not configuration).
    failed_logins: int = 0
    locked_until: float = 0.0


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


@dataclass
class DeviceState:
    vendor: str  # huawei_vrp | h3c_comware | cisco_ios
    hostname: str
    model: str = ""
    software_version: str = ""
    sys_object_id: str = ""  # the vendor's enterprise OID for this model
    interfaces: list[Interface] = field(default_factory=list)
    snmp: SnmpConfig = field(default_factory=SnmpConfig)
    static_routes: list[StaticRoute] = field(default_factory=list)
    ospf: list[OspfProcess] = field(default_factory=list)  # OSPF and OSPFv3 processes
    acls: list[Acl] = field(default_factory=list)
    vty: VtyConfig = field(default_factory=VtyConfig)
    local_users: list[LocalUser] = field(default_factory=list)
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    lockout: LoginLockout = field(default_factory=LoginLockout)
    enable_secret_hash: str | None = None  # Cisco enable secret (govnet.lab.passwords format)
    syslog_hosts: list[str] = field(default_factory=list)
    syslog_enabled: bool = True  # info-center enable / logging on
    ntp_servers: list[str] = field(default_factory=list)
    timezone: str = ""
    ssh_server: bool = True
    telnet_server: bool = True
    http_server: bool = False
    https_server: bool = False
    ipv6_enabled: bool = False  # global `ipv6` / `ipv6 unicast-routing`
    banners: Banners = field(default_factory=Banners)
    # Config lines the lab understands only as text (kept, rendered back in place, but not modelled).
    extra_lines: list[str] = field(default_factory=list)
    # Saved configuration (the vendor's config text); None until the first `save`.
    saved_config: str | None = None
    # Runtime, not configuration.
    boot_time: float = 0.0  # seconds since the epoch; sysUpTime counts from here
    reachable: bool = True
    faults: set[Fault] = field(default_factory=set)
    slow_seconds: float = 0.0  # delay added to every answer while the SLOW fault is on
    revision: int = 0  # bumped by touch() on every change
    last_ifindex: int = 0  # highest ifindex ever given out

    def touch(self) -> None:
        self.revision += 1

    def uptime_ticks(self, now: float) -> int:
        """sysUpTime in hundredths of a second (TimeTicks wrap at 2^32)."""
        return int((now - self.boot_time) * 100) % COUNTER32

    def interface(self, name: str) -> Interface | None:
        key = name.lower()
        for itf in self.interfaces:
            if itf.name.lower() == key:
                return itf
        return None

    def add_interface(self, name: str, **kwargs: object) -> Interface:
        """Create an interface with the next unused ifindex (indexes are never reused)."""
        self.last_ifindex = max([self.last_ifindex, *(i.ifindex for i in self.interfaces)]) + 1
        itf = Interface(name=name, ifindex=self.last_ifindex, **kwargs)  # type: ignore[arg-type]
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

    def has_fault(self, kind: FaultKind) -> bool:
        return any(f.kind == kind for f in self.faults)
