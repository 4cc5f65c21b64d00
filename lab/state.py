"""The state of one simulated device: its running configuration and its runtime. Pure data, no I/O.

The SSH CLI (``govnet.lab.vendors``) and the SNMP agent (``govnet.lab.snmp_agent``) both read and
change a ``DeviceState``; neither keeps a copy. The *running* configuration is a
``govnet.netconfig.DeviceConfig`` (``DeviceState.config``; its fields read through the state too,
``state.snmp`` is ``state.config.snmp``); the *saved* configuration is the vendor's config text
(``saved_config``), read through the vendor's syntax at boot, exactly as a device reads its startup
file. What the state adds is the simulator's: hardware identity, faults, login failures, boot time
and each interface's link and traffic (``Interface`` extends the configured ``InterfaceConfig``).

Counters are never advanced by timers: ``Interface.counters(now)`` derives them from the time
elapsed since the traffic profile last changed, so ten thousand idle devices cost nothing.
Whoever changes a state calls ``touch()`` so that caches (the SNMP agent's OID table) know.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from govnet.lab.lldp import LldpPeer
from govnet.netconfig.model import (
    Acl,
    AclRule,
    Banners,
    DeviceConfig,
    InterfaceConfig,
    LocalUser,
    LoginLockout,
    OspfArea,
    OspfProcess,
    PasswordPolicy,
    SnmpCommunity,
    SnmpConfig,
    SnmpGroup,
    SnmpTrapHost,
    SnmpV3User,
    StaticRoute,
    VtyConfig,
)

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
class Interface(InterfaceConfig):
    """A lab interface: its configuration and the hardware's runtime (link, speed, traffic, counters)."""

    ifindex: int = 0  # stable for the device's life: never reused or renumbered
    speed_mbps: int = 1000
    link_up: bool = True  # physical link; faults take it down
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
    lldp_peer: LldpPeer | None = None  # who is at the other end of the cable (LLDP)

    @property
    def oper_up(self) -> bool:
        return self.link_up and not self.shutdown

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
class LoginRecord:
    """Failed logins of one user since the last success, and until when the user is locked out."""

    failures: int = 0
    locked_until: float = 0.0


# DeviceConfig's fields, read and written through the state (``state.vty`` is ``state.config.vty``).
CONFIG_FIELDS = tuple(f.name for f in fields(DeviceConfig) if f.name != "new_interface")


@dataclass(init=False, eq=False)
class DeviceState:
    config: DeviceConfig
    model: str
    software_version: str
    sys_object_id: str  # the vendor's enterprise OID for this model
    # Saved configuration (the vendor's config text); None until the first `save`.
    saved_config: str | None
    # Runtime, not configuration.
    boot_time: float  # seconds since the epoch; sysUpTime counts from here
    reachable: bool
    faults: set[Fault]
    slow_seconds: float  # delay added to every answer while the SLOW fault is on
    revision: int  # bumped by touch() on every change
    last_ifindex: int  # highest ifindex ever given out
    logins: dict[str, LoginRecord]  # per user name

    if TYPE_CHECKING:  # the configuration's fields, delegated to ``config`` (installed below)
        vendor: str
        hostname: str
        interfaces: list[Interface]
        snmp: SnmpConfig
        static_routes: list[StaticRoute]
        ospf: list[OspfProcess]
        acls: list[Acl]
        vty: VtyConfig
        local_users: list[LocalUser]
        password_policy: PasswordPolicy
        lockout: LoginLockout
        enable_secret_hash: str | None
        syslog_hosts: list[str]
        syslog_enabled: bool
        ntp_servers: list[str]
        timezone: str
        ssh_server: bool
        telnet_server: bool
        http_server: bool
        https_server: bool
        ipv6_enabled: bool
        banners: Banners
        extra_lines: list[str]

    def __init__(
        self,
        vendor: str = "",
        hostname: str = "",
        *,
        config: DeviceConfig | None = None,
        model: str = "",
        software_version: str = "",
        sys_object_id: str = "",
        saved_config: str | None = None,
        boot_time: float = 0.0,
    ) -> None:
        self.config = config if config is not None else DeviceConfig(vendor, hostname)
        self.config.new_interface = self.make_interface
        self.model = model
        self.software_version = software_version
        self.sys_object_id = sys_object_id
        self.saved_config = saved_config
        self.boot_time = boot_time
        self.reachable = True
        self.faults = set()
        self.slow_seconds = 0.0
        self.revision = 0
        self.last_ifindex = max((getattr(i, "ifindex", 0) for i in self.config.interfaces), default=0)
        self.logins = {}

    def touch(self) -> None:
        self.revision += 1

    def uptime_ticks(self, now: float) -> int:
        """sysUpTime in hundredths of a second (TimeTicks wrap at 2^32)."""
        return int((now - self.boot_time) * 100) % COUNTER32

    def interface(self, name: str) -> Interface | None:
        itf = self.config.interface(name)
        assert itf is None or isinstance(itf, Interface)
        return itf

    def make_interface(self, name: str) -> Interface:
        """An interface the configuration creates (loopback, VLAN, trunk): the next unused ifindex."""
        return self.add_interface(
            name, speed_mbps=8000 if name.lower().startswith("loop") else 1000, add=False
        )

    def add_interface(self, name: str, *, add: bool = True, **kwargs: Any) -> Interface:
        """Create an interface with the next unused ifindex (indexes are never reused)."""
        self.last_ifindex = max([self.last_ifindex, *(i.ifindex for i in self.interfaces)]) + 1
        itf = Interface(name=name, ifindex=self.last_ifindex, **kwargs)
        if add:
            self.interfaces.append(itf)
        return itf

    def acl(self, name: str, *, ipv6: bool = False) -> Acl | None:
        return self.config.acl(name, ipv6=ipv6)

    def user(self, name: str) -> LocalUser | None:
        return self.config.user(name)

    def login(self, name: str) -> LoginRecord:
        """The user's login failures and lockout (runtime: a reboot forgets them, the config stays)."""
        return self.logins.setdefault(name, LoginRecord())

    def ospf_process(self, process_id: int, version: int = 2) -> OspfProcess | None:
        return self.config.ospf_process(process_id, version)

    def ospfv3_areas(self, interface: str) -> list[tuple[int, str]]:
        return self.config.ospfv3_areas(interface)

    def sys_contact(self) -> str:
        return self.config.sys_contact()

    def sys_location(self) -> str:
        return self.config.sys_location()

    def has_fault(self, kind: FaultKind) -> bool:
        return any(f.kind == kind for f in self.faults)


def _delegated(name: str) -> property:
    return property(
        lambda state: getattr(state.config, name),
        lambda state, value: setattr(state.config, name, value),
        doc=f"``config.{name}``",
    )


for _name in CONFIG_FIELDS:
    setattr(DeviceState, _name, _delegated(_name))

__all__ = [
    "COUNTER32",
    "COUNTER64",
    "Acl",
    "AclRule",
    "Banners",
    "DeviceConfig",
    "DeviceState",
    "Fault",
    "FaultKind",
    "Interface",
    "InterfaceCounters",
    "LocalUser",
    "LoginLockout",
    "LoginRecord",
    "OspfArea",
    "OspfProcess",
    "PasswordPolicy",
    "SnmpCommunity",
    "SnmpConfig",
    "SnmpGroup",
    "SnmpTrapHost",
    "SnmpV3User",
    "StaticRoute",
    "TrafficProfile",
    "VtyConfig",
]
