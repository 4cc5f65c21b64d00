"""Notifications lab devices send: coldStart after a (re)boot, linkDown/linkUp when an interface's
operational status changes (RFC 3418, RFC 2863), as SNMPv2-Trap PDUs over v2c or v3.

They go to the trap hosts configured on the device (``snmp-agent target-host``) while traps are
enabled, from the device's own agent port. The lab's traffic stays on this machine: a trap host
that is not a loopback address is skipped (and logged once). ``TrapWatcher`` is pure: it compares
the state with what it saw last time and returns the notifications due.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from dataclasses import dataclass, field

from govnet import snmp_ber as ber
from govnet.lab.snmp_usm import LocalizedUser
from govnet.lab.snmp_v3 import FLAG_AUTH, FLAG_PRIV, build_v3
from govnet.lab.state import DeviceState, SnmpTrapHost
from govnet.snmp_ber import Oid

log = logging.getLogger(__name__)

SYS_UPTIME_0 = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SNMP_TRAP_OID_0 = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
COLD_START = (1, 3, 6, 1, 6, 3, 1, 1, 5, 1)
LINK_DOWN = (1, 3, 6, 1, 6, 3, 1, 1, 5, 3)
LINK_UP = (1, 3, 6, 1, 6, 3, 1, 1, 5, 4)
IF_INDEX = (1, 3, 6, 1, 2, 1, 2, 2, 1, 1)
IF_ADMIN_STATUS = (1, 3, 6, 1, 2, 1, 2, 2, 1, 7)
IF_OPER_STATUS = (1, 3, 6, 1, 2, 1, 2, 2, 1, 8)


@dataclass(frozen=True)
class Notification:
    trap_oid: Oid
    varbinds: tuple[tuple[Oid, int, object], ...] = ()  # (OID, BER tag, value) after the first two


@dataclass
class TrapWatcher:
    """What one device looked like at the last scan."""

    boot_time: float | None = None
    oper_up: dict[int, bool] = field(default_factory=dict)

    def changes(self, state: DeviceState) -> list[Notification]:
        due: list[Notification] = []
        if state.boot_time != self.boot_time:  # first sight or a reboot: the agent (re)started
            self.boot_time = state.boot_time
            self.oper_up = {i.ifindex: i.oper_up for i in state.interfaces}
            return [Notification(COLD_START)]
        current = {i.ifindex: i for i in state.interfaces}
        for index, itf in current.items():
            was = self.oper_up.get(index)
            if was is not None and was != itf.oper_up:
                due.append(
                    Notification(
                        LINK_UP if itf.oper_up else LINK_DOWN,
                        (
                            ((*IF_INDEX, index), ber.INTEGER, index),
                            ((*IF_ADMIN_STATUS, index), ber.INTEGER, 2 if itf.shutdown else 1),
                            ((*IF_OPER_STATUS, index), ber.INTEGER, 1 if itf.oper_up else 2),
                        ),
                    )
                )
        self.oper_up = {index: itf.oper_up for index, itf in current.items()}
        return due


def trap_pdu(notification: Notification, uptime_ticks: int) -> bytes:
    request_id = secrets.randbits(31)
    varbinds = [
        (SYS_UPTIME_0, ber.TIMETICKS, uptime_ticks),
        (SNMP_TRAP_OID_0, ber.OBJECT_IDENTIFIER, notification.trap_oid),
        *notification.varbinds,
    ]
    body = b"".join(ber.encode_varbind(ber.encode_oid(o), ber.encode_value(t, v)) for o, t, v in varbinds)
    return ber.encode_pdu(ber.SNMPV2_TRAP, request_id, 0, 0, body)


def v2c_message(community: str, pdu: bytes) -> bytes:
    return ber.tlv(ber.SEQUENCE, ber.encode_integer(1) + ber.encode_octets(community.encode()) + pdu)


def v3_message(
    user: LocalizedUser, engine_id: bytes, boots: int, engine_time: int, salt: int, pdu: bytes
) -> bytes:
    """A trap is sent by the authoritative engine (the agent), at the user's own security level."""
    level = (FLAG_AUTH if user.auth else 0) | (FLAG_PRIV if user.priv_cipher else 0)
    return build_v3(
        msg_id=secrets.randbits(31),
        max_size=65507,
        level=level,
        engine_id=engine_id,
        boots=boots,
        time=engine_time,
        user_name=user.name,
        user=user,
        salt_counter=salt,
        context_name=b"",
        pdu=pdu,
    )


_warned: set[tuple[str, str]] = set()


def local_destinations(state: DeviceState) -> list[SnmpTrapHost]:
    """The device's trap hosts this lab may send to (loopback addresses only)."""
    hosts = []
    for host in state.snmp.trap_hosts:
        try:
            loopback = ipaddress.ip_address(host.address).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            hosts.append(host)
        elif (state.hostname, host.address) not in _warned:
            _warned.add((state.hostname, host.address))
            log.warning(
                "%s: trap host %s is not on this machine; the lab does not send it traps",
                state.hostname,
                host.address,
            )
    return hosts
