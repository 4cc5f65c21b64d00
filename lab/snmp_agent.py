"""The lab's SNMP agent: every simulated device answers SNMPv1/v2c/v3 on its own UDP port.

One process serves many devices. Each device has a ``Responder`` (pure: bytes in, bytes out) that
reads the live ``DeviceState`` on every request — its SNMP configuration decides which communities
and users get an answer, its interfaces and addresses are the MIB (``snmp_mib``), its faults decide
whether and when the answer leaves. ``SnmpAgentPool`` binds one UDP socket per device and address
family (the same port number on 127.0.0.1 and ::1) and hands datagrams to the responders.

As on a real agent: an unknown community, a disabled SNMP version or a source the community's ACL
denies gets no answer at all; an SNMPv3 request is checked by USM (RFC 3414), and a failure is
answered with a Report carrying the usmStats counter (unknown user, wrong digest, ...), which
managers show as an error rather than a timeout; the group's security level and ACL are enforced.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import resource
import secrets
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from govnet.errors import InputError
from govnet.lab import snmp_ber as ber
from govnet.lab.snmp_ber import BerError, Oid, Pdu
from govnet.lab.snmp_mib import (
    MAX_MESSAGE_SIZE,
    SNMP_UNKNOWN_CONTEXTS_OID,
    USM_STATS_OIDS,
    EngineState,
    Found,
    MibView,
    Table,
    build_tables,
    default_engine_id,
    get,
    get_next,
)
from govnet.lab.snmp_traps import TrapWatcher, local_destinations, trap_pdu, v2c_message, v3_message
from govnet.lab.snmp_usm import LocalizedUser, UsmError, decrypt, localize_user, verify
from govnet.lab.snmp_v3 import (
    FLAG_AUTH,
    FLAG_PRIV,
    FLAG_REPORTABLE,
    USM_SECURITY_MODEL,
    build_v3,
    parse_scoped_pdu,
    parse_v3,
)
from govnet.lab.snmp_vendors import snmp_vendor
from govnet.lab.state import DeviceState, FaultKind, SnmpV3User

log = logging.getLogger(__name__)

TIME_WINDOW = 150  # seconds (RFC 3414 3.2 step 7)
MAX_BULK_VARBINDS = 2048  # cap on one GETBULK answer, whatever max-repetitions asks
V1, V2C, V3 = 0, 1, 3
VERSION_NAMES = {V1: "v1", V2C: "v2c", V3: "v3"}
# error-status values (RFC 3416)
TOO_BIG, NO_SUCH_NAME, NO_ACCESS, AUTHORIZATION_ERROR, NOT_WRITABLE = 1, 2, 6, 16, 17
LEVELS = {"noauthentication": 0, "noauth": 0, "authentication": FLAG_AUTH, "auth": FLAG_AUTH}
LEVELS |= {"privacy": FLAG_AUTH | FLAG_PRIV, "priv": FLAG_AUTH | FLAG_PRIV}


class Responder:
    """One device's SNMP engine: turns a request datagram into a response datagram (or silence)."""

    def __init__(self, state: DeviceState, clock: Callable[[], float] = time.time) -> None:
        snmp_vendor(state.vendor)  # fail early, naming the supported vendors
        try:
            engine_id = default_engine_id(state)
        except ValueError:
            raise InputError(
                f"device {state.hostname}: SNMP engine ID {state.snmp.engine_id!r} is not hex"
            ) from None
        self.state = state
        self.engine = EngineState(engine_id)
        self._engine_id_text = state.snmp.engine_id
        self.clock = clock
        self._tables: tuple[int, dict[str, Table]] | None = None
        self._users: dict[tuple[object, ...], LocalizedUser | None] = {}
        self.salt = secrets.randbits(64)

    # ------------------------------------------------------------ entry point

    @property
    def delay(self) -> float | None:
        """None: the device does not answer at all; else seconds to hold the answer back."""
        s = self.state
        if not s.reachable or s.has_fault(FaultKind.UNREACHABLE):
            return None
        return s.slow_seconds if s.slow_seconds > 0 and s.has_fault(FaultKind.SLOW) else 0.0

    def handle(self, data: bytes, source: str = "127.0.0.1") -> bytes | None:
        stats = self.engine.stats
        stats["snmpInPkts"] += 1
        if not self.state.snmp.enabled:
            return None
        self.engine.observe_boot(self.state)
        if self.state.snmp.engine_id != self._engine_id_text:  # `snmp-agent local-engineid` changed it
            self._engine_id_text = self.state.snmp.engine_id
            with contextlib.suppress(ValueError):
                self.engine.engine_id = default_engine_id(self.state)
        try:
            start, end = ber.expect(data, 0, ber.SEQUENCE)
            s, e = ber.expect(data, start, ber.INTEGER, end)
            version = ber.decode_integer(data, s, e)
            if VERSION_NAMES.get(version) not in self.state.snmp.versions:
                stats["snmpInBadVersions"] += 1
                return None
            if version == V3:
                answer = self._v3(data, e, end, source)
            else:
                answer = self._community(version, data, e, end, source)
        except BerError as exc:
            stats["snmpInASNParseErrs"] += 1
            log.debug("%s: malformed SNMP message: %s", self.state.hostname, exc)
            return None
        if answer is not None:
            stats["snmpOutPkts"] += 1
        return answer

    # ------------------------------------------------------------ v1 / v2c

    def _community(self, version: int, data: bytes, pos: int, end: int, source: str) -> bytes | None:
        s, e = ber.expect(data, pos, ber.OCTET_STRING, end)
        name = data[s:e]
        pdu = ber.decode_pdu(data, e, end)
        community = next((c for c in self.state.snmp.communities if c.name.encode() == name), None)
        if community is None:
            self.engine.stats["snmpInBadCommunityNames"] += 1
            return None
        if not acl_permits(self.state, community.acl, source):
            self.engine.stats["snmpInBadCommunityUses"] += 1
            return None
        budget = MAX_MESSAGE_SIZE - len(name) - 48
        answer = self._answer(pdu, version, budget, writable=community.access == "rw")
        if answer is None:
            return None
        return ber.tlv(ber.SEQUENCE, ber.encode_integer(version) + ber.encode_octets(name) + answer)

    # ------------------------------------------------------------ v3 / USM

    def _v3(self, data: bytes, pos: int, end: int, source: str) -> bytes | None:
        stats = self.engine.stats
        msg = parse_v3(data, pos, end)
        level = msg.flags & (FLAG_AUTH | FLAG_PRIV)
        if msg.security_model != USM_SECURITY_MODEL:
            stats["snmpUnknownSecurityModels"] += 1
            return None
        if level == FLAG_PRIV:  # privacy without authentication is not a security level
            stats["snmpInvalidMsgs"] += 1
            return None
        now = self.clock()
        engine_time = self.engine.engine_time(self.state, now)
        reportable = bool(msg.flags & FLAG_REPORTABLE)

        def report(counter_name: str, counter_oid: Oid, user: LocalizedUser | None = None) -> bytes | None:
            stats[counter_name] += 1
            if not reportable:
                return None
            request_id = 0
            if msg.data_tag == ber.SEQUENCE:  # the request ID is readable unless encrypted
                try:
                    scoped = parse_scoped_pdu(msg.data)
                    request_id = ber.decode_pdu(msg.data, scoped.pdu_start, scoped.pdu_end).request_id
                except BerError:
                    pass
            value = ber.encode_value(ber.COUNTER32, stats[counter_name] % 2**32)
            pdu = ber.encode_pdu(
                ber.REPORT, request_id, 0, 0, ber.encode_varbind(ber.encode_oid(counter_oid), value)
            )
            return self._build_v3(msg.msg_id, FLAG_AUTH if user else 0, msg.user, user, b"", pdu, engine_time)

        if msg.engine_id != self.engine.engine_id:
            return report("usmStatsUnknownEngineIDs", USM_STATS_OIDS["usmStatsUnknownEngineIDs"])
        config = next((u for u in self.state.snmp.users if u.name.encode() == msg.user), None)
        user = self.localized(config) if config is not None else None
        if config is None or user is None:
            return report("usmStatsUnknownUserNames", USM_STATS_OIDS["usmStatsUnknownUserNames"])
        if level & ~user.level:
            return report("usmStatsUnsupportedSecLevels", USM_STATS_OIDS["usmStatsUnsupportedSecLevels"])
        if level & FLAG_AUTH:
            try:
                verify(user, data, msg.auth_start, msg.auth_end)
            except UsmError as exc:
                return report(exc.counter, USM_STATS_OIDS[exc.counter])
            if (
                msg.boots != self.engine.boots
                or self.engine.boots >= 2**31 - 1
                or abs(msg.time - engine_time) > TIME_WINDOW
            ):
                return report("usmStatsNotInTimeWindows", USM_STATS_OIDS["usmStatsNotInTimeWindows"], user)
        plaintext = msg.data
        if level & FLAG_PRIV:
            if msg.data_tag != ber.OCTET_STRING:
                raise BerError("privacy requested but msgData is not encrypted")
            try:
                plaintext = decrypt(user, msg.boots, msg.time, msg.priv_params, msg.data)
                scoped = parse_scoped_pdu(plaintext)
            except (UsmError, BerError):
                return report("usmStatsDecryptionErrors", USM_STATS_OIDS["usmStatsDecryptionErrors"])
        else:
            if msg.data_tag != ber.SEQUENCE:
                raise BerError("encrypted msgData without the privacy flag")
            scoped = parse_scoped_pdu(plaintext)
        pdu = ber.decode_pdu(plaintext, scoped.pdu_start, scoped.pdu_end)
        if scoped.context_name:
            return report("snmpUnknownContexts", SNMP_UNKNOWN_CONTEXTS_OID, user if level else None)
        # Everything around the varbinds: headers, USM parameters (the MAC up to 48 bytes), DES
        # padding, and the engine ID twice (USM and ScopedPDU).
        overhead = 180 + 2 * len(self.engine.engine_id) + len(msg.user) + len(scoped.context_name)
        budget = min(msg.max_size, MAX_MESSAGE_SIZE) - overhead
        if self._v3_allowed(config, level, source):
            answer = self._answer(pdu, V3, budget, writable=False)
        else:
            answer = ber.encode_pdu(ber.RESPONSE, pdu.request_id, AUTHORIZATION_ERROR, 0, b"")
        if answer is None:
            return None
        return self._build_v3(msg.msg_id, level, msg.user, user, scoped.context_name, answer, engine_time)

    def _build_v3(
        self,
        msg_id: int,
        level: int,
        user_name: bytes,
        user: LocalizedUser | None,
        context_name: bytes,
        pdu: bytes,
        engine_time: int,
    ) -> bytes:
        self.salt += 1
        return build_v3(
            msg_id=msg_id,
            max_size=MAX_MESSAGE_SIZE,
            level=level,
            engine_id=self.engine.engine_id,
            boots=self.engine.boots,
            time=engine_time,
            user_name=user_name,
            user=user,
            salt_counter=self.salt,
            context_name=context_name,
            pdu=pdu,
        )

    def localized(self, config: SnmpV3User) -> LocalizedUser | None:
        """The user's keys localised to this engine, cached until the user's configuration changes."""
        priv = snmp_vendor(self.state.vendor).snmp.priv_protocol(config.priv_protocol)
        key = (
            config.name,
            config.auth_protocol,
            config.auth_key,
            priv,
            config.priv_key,
            self.engine.engine_id,
        )
        if key not in self._users:
            try:
                self._users[key] = localize_user(
                    config.name,
                    config.auth_protocol,
                    config.auth_key,
                    priv,
                    config.priv_key,
                    self.engine.engine_id,
                )
            except InputError as exc:  # misconfigured user: unusable, as on a device
                log.warning("%s: SNMPv3 user %s unusable: %s", self.state.hostname, config.name, exc)
                self._users[key] = None
        return self._users[key]

    def _v3_allowed(self, user: SnmpV3User, level: int, source: str) -> bool:
        """VACM, as far as the lab models it: the user's group exists, its level is met, ACLs pass."""
        group = next((g for g in self.state.snmp.groups if g.name == user.group), None)
        if group is None:
            return False
        needed = LEVELS.get(group.security_level.lower(), FLAG_AUTH | FLAG_PRIV)
        if level & needed != needed:
            return False
        return acl_permits(self.state, group.acl, source) and acl_permits(self.state, user.acl, source)

    # ------------------------------------------------------------ PDUs

    def view(self) -> MibView:
        revision = self.state.revision
        if self._tables is None or self._tables[0] != revision:
            self._tables = (revision, build_tables(self.state))
        return MibView(self.state, self.engine, self._tables[1], self.clock())

    def _answer(self, pdu: Pdu, version: int, budget: int, *, writable: bool) -> bytes | None:
        """The Response PDU for a request PDU, or None for PDUs an agent does not answer."""
        kind = pdu.pdu_type
        if kind == ber.SET_REQUEST:
            status = NO_SUCH_NAME if version == V1 else (NOT_WRITABLE if writable else NO_ACCESS)
            return _error(pdu, status, 1 if pdu.oids else 0)
        if kind not in (ber.GET_REQUEST, ber.GET_NEXT_REQUEST, ber.GET_BULK_REQUEST):
            return None
        if kind == ber.GET_BULK_REQUEST and version == V1:
            return None
        view = self.view()
        if kind == ber.GET_BULK_REQUEST:
            return self._bulk(view, pdu, budget)
        varbinds: list[bytes] = []
        for i, oid in enumerate(pdu.oids):
            found = (
                get(view, oid)
                if kind == ber.GET_REQUEST
                else get_next(view, oid, skip_counter64=version == V1)
            )
            if version == V1 and found.value[0] in ber.EXCEPTION_TAGS:
                return _error(pdu, NO_SUCH_NAME, i + 1)
            varbinds.append(_varbind(found))
        body = b"".join(varbinds)
        if len(body) > budget:
            return ber.encode_pdu(ber.RESPONSE, pdu.request_id, TOO_BIG, 0, b"")
        return ber.encode_pdu(ber.RESPONSE, pdu.request_id, 0, 0, body)

    def _bulk(self, view: MibView, pdu: Pdu, budget: int) -> bytes:
        """GETBULK (RFC 3416 4.2.3): non-repeaters once, then rounds over the repeaters until
        max-repetitions, the end of the MIB for all of them, or the size budget."""
        oids = pdu.oids
        non_repeaters = min(max(pdu.error_status, 0), len(oids))
        repeaters = list(oids[non_repeaters:])
        out: list[bytes] = []
        size = 0
        for oid in oids[:non_repeaters]:
            vb = _varbind(get_next(view, oid))
            size += len(vb)
            out.append(vb)
        if size > budget:
            return ber.encode_pdu(ber.RESPONSE, pdu.request_id, TOO_BIG, 0, b"")
        if repeaters:
            rounds = min(max(pdu.error_index, 0), MAX_BULK_VARBINDS // len(repeaters))
            for _ in range(rounds):
                at_end = True
                for j, oid in enumerate(repeaters):
                    found = get_next(view, oid)
                    vb = _varbind(found)
                    if size + len(vb) > budget:
                        return ber.encode_pdu(ber.RESPONSE, pdu.request_id, 0, 0, b"".join(out))
                    out.append(vb)
                    size += len(vb)
                    if found.value[0] != ber.END_OF_MIB_VIEW:
                        repeaters[j] = found.oid
                        at_end = False
                if at_end:
                    break
        return ber.encode_pdu(ber.RESPONSE, pdu.request_id, 0, 0, b"".join(out))


def _varbind(found: Found) -> bytes:
    tag, value = found.value
    return ber.encode_varbind(found.oid_der, ber.encode_value(tag, value))


def _error(pdu: Pdu, status: int, index: int) -> bytes:
    """An error response echoes the request's varbinds (with NULL values)."""
    null = bytes((ber.NULL, 0))
    body = b"".join(ber.encode_varbind(ber.encode_oid(oid), null) for oid in pdu.oids)
    return ber.encode_pdu(ber.RESPONSE, pdu.request_id, status, index, body)


# ---------------------------------------------------------------- ACLs


def acl_permits(state: DeviceState, acl_name: str | None, source: str) -> bool:
    """Apply a basic ACL the way the SNMP agent does: first matching rule decides; an ACL with
    rules that none match denies; an ACL that is named but not configured permits (as VRP does)."""
    if not acl_name:
        return True
    try:
        address = ipaddress.ip_address(source.split("%")[0])
    except ValueError:
        return False
    acl = state.acl(acl_name, ipv6=address.version == 6)
    if acl is None or not acl.rules:
        return True
    for rule in acl.rules:
        if _rule_matches(rule.text, address):
            return rule.action == "permit"
    return False


def _rule_matches(text: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    words = text.split()
    if words and words[0] == "source":
        words = words[1:]
    if not words or words[0] == "any":
        return True
    try:
        if words[0] == "host":
            return address == ipaddress.ip_address(words[1])
        if "/" in words[0]:
            return address in ipaddress.ip_network(words[0], strict=False)
        base = ipaddress.ip_address(words[0])
        if base.version != address.version:
            return False
        wildcard = 0
        if len(words) > 1 and words[1] not in ("0", "host"):
            wildcard = int(ipaddress.ip_address(words[1]))
        return int(address) & ~wildcard == int(base) & ~wildcard
    except (ValueError, IndexError):
        return False


# ---------------------------------------------------------------- transport


class _DeviceEndpoint(asyncio.DatagramProtocol):
    """One UDP socket of one device."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        delay = self.responder.delay
        if delay is None:  # unreachable: the request is lost, nothing is counted
            return
        try:
            answer = self.responder.handle(data, str(addr[0]))
        except Exception:  # one bad datagram must not take the lab down
            log.exception("%s: SNMP request failed", self.responder.state.hostname)
            return
        if answer is None or self.transport is None:
            return
        if delay:
            asyncio.get_running_loop().call_later(delay, self._send, answer, addr)
        else:
            self.transport.sendto(answer, addr)

    def _send(self, answer: bytes, addr: tuple[str | int, ...]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.sendto(answer, addr)


@dataclass
class AgentEndpoint:
    hostname: str
    port: int
    responder: Responder
    transports: list[asyncio.DatagramTransport]
    traps: TrapWatcher = field(default_factory=TrapWatcher)

    def transport_for(self, address: str) -> asyncio.DatagramTransport | None:
        """The device's socket of the address's family: traps leave from the agent's own port."""
        v6 = ":" in address
        for transport in self.transports:
            if (len(transport.get_extra_info("sockname")) == 4) == v6 and not transport.is_closing():
                return transport
        return None


class SnmpAgentPool:
    """Many devices' SNMP agents in one process, each on its own UDP port.

    ``start`` returns hostname -> port on ``host``; when ``host6`` (default ::1) is available the
    same port number also answers there (``ports6``)."""

    def __init__(self, clock: Callable[[], float] = time.time, trap_interval: float = 1.0) -> None:
        self.clock = clock
        self.trap_interval = trap_interval  # how often devices are checked for coldStart/linkDown/linkUp
        self.endpoints: dict[str, AgentEndpoint] = {}
        self.ports6: dict[str, int] = {}
        self._trap_task: asyncio.Task[None] | None = None

    async def start(
        self, states: Iterable[DeviceState], host: str = "127.0.0.1", host6: str | None = "::1"
    ) -> dict[str, int]:
        states = list(states)
        names = [s.hostname for s in states]
        duplicates = sorted({n for n in names if names.count(n) > 1 or n in self.endpoints})
        if duplicates:
            raise InputError(f"duplicate device hostnames in the SNMP lab: {', '.join(duplicates)}")
        _raise_fd_limit(2 * (len(states) + len(self.endpoints)) + 256)
        if host6 is not None and (host6 == host or ":" in host):
            host6 = None  # already serving IPv6 on ``host``
        ipv6 = host6 is not None and _has_family(socket.AF_INET6, host6)
        responders = [Responder(state, self.clock) for state in states]  # validate before binding
        ports: dict[str, int] = {}
        try:
            for responder in responders:
                name = responder.state.hostname
                port, transports = await self._bind(responder, host, host6 if ipv6 else None)
                self.endpoints[name] = AgentEndpoint(name, port, responder, transports)
                ports[name] = port
                if ipv6:
                    self.ports6[name] = port
        except BaseException:  # undo this call only; devices started earlier keep running
            for name in ports:
                for transport in self.endpoints.pop(name).transports:
                    transport.close()
                self.ports6.pop(name, None)
            raise
        if self._trap_task is None:
            self._trap_task = asyncio.create_task(self._trap_loop())
        return ports

    async def _trap_loop(self) -> None:
        while True:
            try:
                self.send_traps()
            except Exception:  # a bad trap configuration must not stop the other devices' traps
                log.exception("sending SNMP traps failed")
            await asyncio.sleep(self.trap_interval)

    def send_traps(self) -> int:
        """Send the notifications due on every device now; return how many datagrams left."""
        sent = 0
        for endpoint in self.endpoints.values():
            responder = endpoint.responder
            state = responder.state
            due = endpoint.traps.changes(state)
            snmp = state.snmp
            if not due or not (snmp.enabled and snmp.trap_enabled) or responder.delay is None:
                continue  # traps off, or the device is unreachable: the notifications are lost
            responder.engine.observe_boot(state)
            now = self.clock()
            for host in local_destinations(state):
                transport = endpoint.transport_for(host.address)
                message = self._trap_message(responder, host.version, host.params, now)
                if transport is None or message is None:
                    continue
                for notification in due:
                    transport.sendto(
                        message(trap_pdu(notification, state.uptime_ticks(now))), (host.address, host.port)
                    )
                    sent += 1
        return sent

    @staticmethod
    def _trap_message(
        responder: Responder, version: str, params: str, now: float
    ) -> Callable[[bytes], bytes] | None:
        if version == "v2c":
            return lambda pdu: v2c_message(params, pdu)
        if version != "v3":
            return None  # v1 Trap-PDUs are not sent by the lab
        config = next((u for u in responder.state.snmp.users if u.name == params), None)
        user = responder.localized(config) if config else None
        if user is None:
            return None
        engine = responder.engine
        engine_time = engine.engine_time(responder.state, now)

        def wrap(pdu: bytes) -> bytes:
            responder.salt += 1
            return v3_message(user, engine.engine_id, engine.boots, engine_time, responder.salt, pdu)

        return wrap

    async def _bind(
        self, responder: Responder, host: str, host6: str | None
    ) -> tuple[int, list[asyncio.DatagramTransport]]:
        loop = asyncio.get_running_loop()
        for _attempt in range(20):
            t4, _ = await loop.create_datagram_endpoint(
                lambda: _DeviceEndpoint(responder), local_addr=(host, 0)
            )
            port = t4.get_extra_info("sockname")[1]
            if host6 is None:
                return port, [t4]
            try:
                t6, _ = await loop.create_datagram_endpoint(
                    lambda: _DeviceEndpoint(responder), local_addr=(host6, port)
                )
            except OSError:  # that port is taken on ::1: pick another pair
                t4.close()
                continue
            return port, [t4, t6]
        raise OSError(f"no UDP port free on both {host} and {host6}")

    def responder(self, hostname: str) -> Responder:
        return self.endpoints[hostname].responder

    async def stop(self) -> None:
        if self._trap_task is not None:
            self._trap_task.cancel()
            self._trap_task = None
        for endpoint in self.endpoints.values():
            for transport in endpoint.transports:
                transport.close()
        self.endpoints.clear()
        self.ports6.clear()
        await asyncio.sleep(0)  # let the transports finish closing


def _has_family(family: socket.AddressFamily, host: str) -> bool:
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind((host, 0))
        return True
    except OSError:
        return False


def _raise_fd_limit(needed: int) -> None:
    """Two sockets per device: lift the soft file limit toward the hard one when a big lab needs it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
