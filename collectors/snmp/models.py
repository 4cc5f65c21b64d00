"""What one poll of one device says: pure data, no I/O.

A ``DevicePoll`` is either a success (system, interfaces, addresses, LLDP neighbours, health) or a
named failure (``PollError``); a failure stays with its target and never stops the others.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class ErrorKind(StrEnum):
    """Why a device could not be polled (stable names: scripts and the store use them)."""

    TIMEOUT = "timeout"  # no answer within the timeout, after the retries
    UNKNOWN_USER = "unknown-user"  # USM report usmStatsUnknownUserNames
    WRONG_DIGEST = "wrong-digest"  # usmStatsWrongDigests: the auth key is wrong
    DECRYPTION_ERROR = "decryption-error"  # usmStatsDecryptionErrors: the privacy key is wrong
    UNSUPPORTED_SEC_LEVEL = "unsupported-security-level"  # usmStatsUnsupportedSecLevels
    NOT_IN_TIME_WINDOW = "not-in-time-window"  # usmStatsNotInTimeWindows, even after resync
    UNKNOWN_ENGINE_ID = "unknown-engine-id"
    AUTHORIZATION = "authorization-error"  # VACM refused (error-status authorizationError)
    NO_SUCH_OBJECT = "no-such-object"  # the agent lacks an object every poll needs (sysUpTime)
    MALFORMED = "malformed-answer"  # bytes that are not SNMP, or an answer that breaks the protocol
    ERROR_STATUS = "error-status"  # the agent answered with another error-status
    UNREACHABLE = "unreachable"  # the network refused (ICMP port unreachable, no route)
    CONFIG = "config"  # the target cannot be polled as described (unsupported protocol, ...)


@dataclass(frozen=True)
class PollError:
    kind: ErrorKind
    detail: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.detail}"


class TargetLike(Protocol):
    """What the poller needs of a target (``govnet.devices.SnmpTarget`` has it)."""

    vendor: str
    host: str
    port: int
    version: str
    community: str | None
    user: str | None
    auth_protocol: str | None
    auth_key: str | None
    priv_protocol: str | None
    priv_key: str | None


@dataclass(frozen=True)
class PollTarget:
    """A device to poll: its inventory name and how to reach its agent."""

    name: str
    target: Any  # TargetLike

    @property
    def address(self) -> str:
        """The address label sharding hashes (Prometheus' __address__: host:port)."""
        host = self.target.host
        return f"[{host}]:{self.target.port}" if ":" in host else f"{host}:{self.target.port}"


@dataclass(frozen=True)
class InterfaceSample:
    ifindex: int
    name: str  # ifName, else ifDescr
    descr: str
    alias: str
    if_type: int
    admin_up: bool | None  # None: the agent did not say (no ifAdminStatus, or "unknown")
    oper_up: bool | None  # None: the agent did not say (no ifOperStatus, or "unknown")
    speed_mbps: int | None  # ifHighSpeed, else ifSpeed / 10^6; None: the agent gives no speed
    in_octets: int | None
    out_octets: int | None
    counter_bits: int  # 64 (ifHC*) or 32 (ifIn/OutOctets fallback)
    in_errors: int | None = None
    out_errors: int | None = None
    in_discards: int | None = None
    out_discards: int | None = None
    ipv4: tuple[str, ...] = ()
    ipv6: tuple[str, ...] = ()
    optical_rx_dbm: float | None = None
    optical_tx_dbm: float | None = None


@dataclass(frozen=True)
class LldpNeighbour:
    local_port: str  # this device's interface name (as in InterfaceSample.name), or the port ID
    local_ifindex: int | None
    remote_name: str  # lldpRemSysName
    remote_port: str  # lldpRemPortId as text
    remote_port_descr: str = ""
    remote_chassis: str = ""  # MAC as aa:bb:cc:dd:ee:ff when the subtype says MAC


@dataclass(frozen=True)
class Health:
    cpu_percent: float | None = None
    memory_percent: float | None = None


@dataclass(frozen=True)
class DevicePoll:
    device: str
    address: str
    at: float  # seconds since the epoch: when the interface counters were read (the error, if failed)
    error: PollError | None = None
    sys_name: str = ""
    sys_descr: str = ""
    sys_object_id: str = ""
    uptime_ticks: int | None = None
    interfaces: tuple[InterfaceSample, ...] = ()
    lldp: tuple[LldpNeighbour, ...] = ()
    health: Health = field(default_factory=Health)
    values: int = 0  # varbinds received (the benchmark's unit)
    notes: tuple[str, ...] = ()  # quirks met and worked around (no ifXTable, 32-bit counters, ...)

    @property
    def ok(self) -> bool:
        return self.error is None

    def interface(self, name: str) -> InterfaceSample | None:
        key = name.lower()
        for itf in self.interfaces:
            if key in (itf.name.lower(), itf.descr.lower()):
                return itf
        return None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["error"] = str(self.error) if self.error else None
        return out
