"""One target's SNMP transport: GET and GETBULK returning plain varbinds, failures named.

Two implementations behind one shape:

- ``PysnmpSession``: pysnmp 7 (``v3arch.asyncio``) for SNMPv3 — USM discovery, keys, digests,
  privacy and the Report PDUs (usmStatsUnknownUserNames, usmStatsWrongDigests, ...) stay pysnmp's.
- ``FastSession``: SNMPv2c framed and decoded with govnet's own BER codec (``govnet.snmp_ber``, the
  one the lab's agent uses). pysnmp decodes a few thousand values per CPU-second; v2c has no security
  to get wrong, so its three-field framing is done here at many times that rate. Being strict about
  what it reads, it can also name a malformed answer instead of waiting for a timeout.

A session raises ``PollFailure`` carrying a ``PollError``; the poller keeps it with the target.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import socket
from typing import Any, Protocol

from govnet import snmp_ber as ber
from govnet.collectors.snmp.models import ErrorKind, PollError

Oid = tuple[int, ...]
Varbind = ber.Varbind

# error-status (RFC 3416) names, for messages
ERROR_STATUS = {
    1: "tooBig",
    2: "noSuchName",
    3: "badValue",
    4: "readOnly",
    5: "genErr",
    6: "noAccess",
    16: "authorizationError",
}


class PollFailure(Exception):
    def __init__(self, kind: ErrorKind, detail: str) -> None:
        super().__init__(f"{kind.value}: {detail}")
        self.error = PollError(kind, detail)


class TooBig(PollFailure):
    """error-status tooBig: the answer would not fit the agent's message size; ask for fewer rows."""


class Session(Protocol):
    async def get(self, oids: list[Oid]) -> list[Varbind]: ...

    async def bulk(self, oids: list[Oid], max_repetitions: int) -> list[Varbind]: ...

    def close(self) -> None: ...


def _status_failure(status: int, index: int) -> PollFailure:
    name = ERROR_STATUS.get(status, str(status))
    kind = ErrorKind.AUTHORIZATION if status == 16 else ErrorKind.ERROR_STATUS
    failure = TooBig if status == 1 else PollFailure
    return failure(kind, f"agent answered error-status {name} (index {index})")


# ---------------------------------------------------------------- fast v2c


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes | Exception] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.queue.put_nowait(data)

    def error_received(self, exc: Exception) -> None:
        self.queue.put_nowait(exc)


_request_ids = itertools.count(secrets.randbelow(2**30))


class FastSession:
    """SNMPv1/v2c over a connected UDP socket, encoded and decoded with ``govnet.snmp_ber``."""

    def __init__(
        self, host: str, port: int, community: str, *, timeout: float, retries: int, v1: bool = False
    ):
        self.host, self.port = host, port
        self.community = community.encode()
        self.version = 0 if v1 else 1
        self.timeout, self.retries = timeout, retries
        self._transport: asyncio.DatagramTransport | None = None
        self._protocol: _Datagrams | None = None

    async def _open(self) -> _Datagrams:
        if self._protocol is None:
            loop = asyncio.get_running_loop()
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            try:
                transport, protocol = await loop.create_datagram_endpoint(
                    _Datagrams, remote_addr=(self.host, self.port), family=family
                )
            except OSError as exc:
                raise PollFailure(
                    ErrorKind.UNREACHABLE, f"{self.host}:{self.port}: {exc.strerror or exc}"
                ) from None
            self._transport, self._protocol = transport, protocol
        return self._protocol

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = self._protocol = None

    async def _request(self, pdu_type: int, oids: list[Oid], a: int = 0, b: int = 0) -> list[Varbind]:
        protocol = await self._open()
        assert self._transport is not None
        request_id = next(_request_ids) % 2**31
        message = ber.encode_community_request(self.version, self.community, pdu_type, request_id, oids, a, b)
        loop = asyncio.get_running_loop()
        for _attempt in range(self.retries + 1):
            self._transport.sendto(message)
            deadline = loop.time() + self.timeout
            while (left := deadline - loop.time()) > 0:
                try:
                    item = await asyncio.wait_for(protocol.queue.get(), left)
                except TimeoutError:
                    break
                if isinstance(item, Exception):
                    raise PollFailure(ErrorKind.UNREACHABLE, f"{self.host}:{self.port}: {item}")
                try:
                    version, community, response = ber.decode_community_response(item)
                except ber.BerError as exc:
                    raise PollFailure(ErrorKind.MALFORMED, f"undecodable answer ({exc})") from None
                if response.request_id != request_id:
                    continue  # a late answer to an earlier attempt
                if version != self.version or community != self.community:
                    raise PollFailure(ErrorKind.MALFORMED, "answer with another version or community")
                if response.error_status:
                    raise _status_failure(response.error_status, response.error_index)
                return response.varbinds
        raise PollFailure(ErrorKind.TIMEOUT, f"no answer in {self.timeout:g} s x {self.retries + 1} tries")

    async def get(self, oids: list[Oid]) -> list[Varbind]:
        return await self._request(ber.GET_REQUEST, oids)

    async def bulk(self, oids: list[Oid], max_repetitions: int) -> list[Varbind]:
        if self.version == 0:  # SNMPv1 has no GETBULK: one GETNEXT row at a time
            return await self._request(ber.GET_NEXT_REQUEST, oids)
        return await self._request(ber.GET_BULK_REQUEST, oids, 0, max_repetitions)


# ---------------------------------------------------------------- pysnmp (v3)

# pysnmp error indications (class names) -> our kinds
_INDICATIONS = {
    "RequestTimedOut": ErrorKind.TIMEOUT,
    "UnknownUserName": ErrorKind.UNKNOWN_USER,
    "UnknownSecurityName": ErrorKind.UNKNOWN_USER,
    "WrongDigest": ErrorKind.WRONG_DIGEST,
    "AuthenticationFailure": ErrorKind.WRONG_DIGEST,
    "DecryptionError": ErrorKind.DECRYPTION_ERROR,
    "UnsupportedSecurityLevel": ErrorKind.UNSUPPORTED_SEC_LEVEL,
    "NotInTimeWindow": ErrorKind.NOT_IN_TIME_WINDOW,
    "UnknownEngineID": ErrorKind.UNKNOWN_ENGINE_ID,
    "ParseError": ErrorKind.MALFORMED,
    "DeserializationError": ErrorKind.MALFORMED,
    "OidNotIncreasing": ErrorKind.MALFORMED,
    "UnsupportedAuthProtocol": ErrorKind.CONFIG,
    "UnsupportedPrivProtocol": ErrorKind.CONFIG,
}


def _auth(target: Any) -> Any:
    from govnet.devices import pysnmp_auth
    from govnet.errors import InputError

    try:
        return pysnmp_auth(target)
    except InputError as exc:  # an unsupported protocol: this target cannot be polled as described
        raise PollFailure(ErrorKind.CONFIG, str(exc)) from None


def _plain(value: Any) -> tuple[int, object]:
    """A pysnmp value as (BER tag, Python value), the same shape the fast path returns."""
    name = type(value).__name__
    if name in ("NoSuchObject", "NoSuchInstance", "EndOfMibView"):
        return {"NoSuchObject": ber.NO_SUCH_OBJECT, "NoSuchInstance": ber.NO_SUCH_INSTANCE}.get(
            name, ber.END_OF_MIB_VIEW
        ), None
    outer = value.tagSet[-1]  # the tag on the wire (implicit tagging replaces the base tag)
    tag = outer.tagClass | outer.tagFormat | outer.tagId
    if tag in (ber.OCTET_STRING, ber.IP_ADDRESS, ber.OPAQUE):
        return tag, bytes(value.asOctets())
    if tag == ber.OBJECT_IDENTIFIER:
        return tag, tuple(value)
    if tag == ber.NULL:
        return tag, None
    return tag, int(value)


def _pysnmp_failure(exc: Exception) -> PollFailure:
    if isinstance(exc, PollFailure):
        return exc
    kind = _INDICATIONS.get(type(exc).__name__, ErrorKind.MALFORMED)
    return PollFailure(kind, f"{type(exc).__name__}: {exc}")


class PysnmpSession:
    """SNMP through pysnmp's engine (one engine shared by many sessions)."""

    def __init__(self, engine: Any, target: Any, *, timeout: float, retries: int) -> None:
        self.engine, self.target = engine, target
        self.timeout, self.retries = timeout, retries
        self._auth = _auth(target)
        self._transport: Any = None

    async def _open(self) -> Any:
        if self._transport is None:
            from govnet.devices import pysnmp_transport

            try:
                self._transport = await pysnmp_transport(
                    self.target, timeout=self.timeout, retries=self.retries
                )
            except Exception as exc:  # pysnmp wraps resolver and socket errors in its own
                raise PollFailure(ErrorKind.UNREACHABLE, f"{self.target.host}: {exc}") from None
        return self._transport

    def close(self) -> None:
        self._transport = None

    def _result(self, result: tuple[Any, Any, Any, Any]) -> list[Varbind]:
        indication, status, index, varbinds = result
        if indication:
            kind = _INDICATIONS.get(type(indication).__name__, ErrorKind.MALFORMED)
            raise PollFailure(kind, str(indication))
        if status:
            raise _status_failure(int(status), int(index))
        out: list[Varbind] = []
        for name, value in varbinds:
            tag, plain = _plain(value)
            out.append((tuple(name), tag, plain))
        return out

    async def get(self, oids: list[Oid]) -> list[Varbind]:
        from pysnmp.hlapi.v3arch import asyncio as hl

        transport = await self._open()
        objects = [hl.ObjectType(hl.ObjectIdentity(o)) for o in oids]
        try:
            result = await hl.get_cmd(
                self.engine, self._auth, transport, hl.ContextData(), *objects, lookupMib=False
            )
        except Exception as exc:  # pysnmp raises its own errors for answers it cannot use
            raise _pysnmp_failure(exc) from None
        return self._result(result)

    async def bulk(self, oids: list[Oid], max_repetitions: int) -> list[Varbind]:
        from pysnmp.hlapi.v3arch import asyncio as hl

        transport = await self._open()
        objects = [hl.ObjectType(hl.ObjectIdentity(o)) for o in oids]
        try:
            result = await hl.bulk_cmd(
                self.engine,
                self._auth,
                transport,
                hl.ContextData(),
                0,
                max_repetitions,
                *objects,
                lookupMib=False,
            )
        except Exception as exc:  # pysnmp raises its own errors for answers it cannot use
            raise _pysnmp_failure(exc) from None
        return self._result(result)


class _NoMibCompiler:
    """Stands in for pysmi's compiler: the poller names objects by OID only, so pysnmp never needs to
    compile a MIB, yet it builds pysmi's parser (about 7 s of CPU) for every engine unless one is set."""

    def compile(self, *names: str, **options: Any) -> dict[str, str]:
        return dict.fromkeys(names, "failed")


_VIEW: Any = None


def new_engine() -> Any:
    """A pysnmp engine sharing one MIB view (numeric OIDs only) with every other engine made here."""
    global _VIEW
    from pysnmp.hlapi.v3arch import asyncio as hl

    if _VIEW is None:
        import os

        import pysnmp.smi.mibs
        from pysnmp.smi import builder, view

        mib_builder = builder.MibBuilder()
        mib_builder.set_mib_compiler(_NoMibCompiler(), os.path.dirname(pysnmp.smi.mibs.__file__))
        _VIEW = view.MibViewController(mib_builder)
    engine = hl.SnmpEngine()
    engine.cache["mibViewController"] = _VIEW
    return engine


def open_session(
    target: Any, *, engine: Any = None, timeout: float = 2.0, retries: int = 1, fast: bool = True
) -> Session:
    """The session for a target: the fast path for v1/v2c (unless ``fast`` is off), pysnmp otherwise."""
    if target.version in ("v1", "v2c") and fast:
        return FastSession(
            target.host,
            target.port,
            target.community or "",
            timeout=timeout,
            retries=retries,
            v1=target.version == "v1",
        )
    return PysnmpSession(engine or new_engine(), target, timeout=timeout, retries=retries)


def close_quietly(session: Session) -> None:
    with contextlib.suppress(Exception):
        session.close()
