"""Poll many targets at once: bounded concurrency, per-target timeout and retries, failures kept
with their target (a device that answers garbage or nothing never stops the others).

One poll of a device: a GET of the system scalars (and ifNumber, which sizes the walks), then
GETBULK walks of column groups in lockstep (several columns per request, as many repetitions as the
table has rows): IF-MIB ifTable/ifXTable, IP-MIB addresses, LLDP-MIB, the vendor's health objects.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from govnet import snmp_ber as ber
from govnet import snmp_oids as o
from govnet.collectors.snmp import parse
from govnet.collectors.snmp.models import DevicePoll, ErrorKind, PollError, PollTarget
from govnet.collectors.snmp.session import (
    PollFailure,
    Session,
    TooBig,
    close_quietly,
    new_engine,
    open_session,
)

log = logging.getLogger(__name__)

Oid = tuple[int, ...]
IF_NUMBER = (1, 3, 6, 1, 2, 1, 2, 1, 0)
SYSTEM_OIDS = [(*o.SYS_DESCR, 0), (*o.SYS_OBJECT_ID, 0), (*o.SYS_UPTIME, 0), (*o.SYS_NAME, 0), IF_NUMBER]
MAX_VARBINDS = 480  # per GETBULK answer: well inside one datagram for these columns


@dataclass(frozen=True)
class PollOptions:
    timeout: float = 2.0  # per request attempt
    retries: int = 1
    concurrency: int = 64  # devices polled at once
    max_repetitions: int = 50
    device_deadline: float = 60.0  # a whole device's poll, whatever happens
    fast: bool = True  # v1/v2c through govnet's BER codec rather than pysnmp


async def walk_columns(
    session: Session,
    columns: list[Oid],
    repetitions: int,
    first: int | None = None,
    notes: list[str] | None = None,
) -> tuple[parse.Columns, int]:
    """Walk several columns in lockstep with GETBULK; return rows per column and the values kept.

    The first request asks ``first`` repetitions (a guess at the table's rows), later ones twice as
    many up to ``repetitions``: a table that ends early wastes few varbinds (agents are slow).
    Real agents are met halfway: one answering tooBig is asked again for half the rows; a column
    whose OIDs go backwards (a broken agent table) ends there, with a note, and the poll goes on;
    agents that return fewer or more rows than asked, or exceptions mid-column, are read as they are."""
    out: parse.Columns = {c: [] for c in columns}
    last: dict[Oid, Oid] = {c: c for c in columns}
    values = 0
    asked = first or repetitions
    ceiling = MAX_VARBINDS
    lockstep = True  # False once one row of every column at once was too big: a column at a time
    while last:
        batch = list(last) if lockstep else list(last)[:1]
        reps = max(1, min(asked, repetitions, ceiling // len(batch)))
        try:
            answer = await session.bulk([last[c] for c in batch], reps)
        except TooBig:
            if reps == 1 and not lockstep:
                raise
            if reps == 1:
                lockstep = False
            ceiling, asked = max(1, reps * len(batch) // 2), max(1, reps // 2)
            continue
        asked = reps * 2
        if not answer:
            raise PollFailure(ErrorKind.MALFORMED, "empty GETBULK answer")
        n = len(batch)
        finished: set[Oid] = set()
        progressed = False
        for i, (oid, tag, value) in enumerate(answer):
            column = batch[i % n]
            if column in finished:
                continue
            if tag == ber.END_OF_MIB_VIEW or oid[: len(column)] != column:
                finished.add(column)
                continue
            if oid <= last[column]:
                finished.add(column)
                if notes is not None:
                    notes.append(
                        f"column {'.'.join(map(str, column))}: OID not increasing after "
                        f"{'.'.join(map(str, last[column]))}; walk of that column stopped there"
                    )
                continue
            out[column].append((oid[len(column) :], tag, value))
            last[column] = oid
            values += 1
            progressed = True
        for column in finished:
            del last[column]
        if not progressed and not finished:
            raise PollFailure(ErrorKind.MALFORMED, "GETBULK answer without a usable varbind")
    return out, values


def _system(varbinds: list[ber.Varbind]) -> dict[str, Any]:
    if len(varbinds) != len(SYSTEM_OIDS):
        raise PollFailure(ErrorKind.MALFORMED, f"{len(varbinds)} varbinds for {len(SYSTEM_OIDS)} requested")
    found = {oid: (tag, value) for oid, tag, value in varbinds}
    missing = [
        n
        for n, oid in zip(("sysDescr", "sysObjectID", "sysUpTime", "sysName"), SYSTEM_OIDS, strict=False)
        if found.get(oid, (ber.NO_SUCH_OBJECT, None))[0] in ber.EXCEPTION_TAGS
    ]
    if "sysUpTime" in missing:
        raise PollFailure(
            ErrorKind.NO_SUCH_OBJECT, "sysUpTime.0 (SNMPv2-MIB): " + ", ".join(missing) + " missing"
        )
    uptime = found[SYSTEM_OIDS[2]]
    if uptime[0] != ber.TIMETICKS or not isinstance(uptime[1], int):
        raise PollFailure(ErrorKind.MALFORMED, f"sysUpTime.0 has BER tag 0x{uptime[0]:02x}, not TimeTicks")

    def text(oid: Oid) -> str:
        _tag, value = found.get(oid, (0, None))
        return parse.text(value) if isinstance(value, bytes) else ""

    object_id = found.get(SYSTEM_OIDS[1], (0, None))[1]
    if_number = found.get(IF_NUMBER, (0, None))[1]
    return {
        "sys_descr": text(SYSTEM_OIDS[0]),
        "sys_object_id": ".".join(map(str, object_id)) if isinstance(object_id, tuple) else "",
        "object_id": object_id if isinstance(object_id, tuple) else (),
        "uptime": uptime[1],
        "sys_name": text(SYSTEM_OIDS[3]),
        "if_number": if_number if isinstance(if_number, int) and 0 < if_number < 100_000 else 32,
    }


def column_groups(vendor: str | None) -> list[list[Oid]]:
    """The columns a poll walks, one lockstep walk per group of tables."""
    cols = parse.columns_for(vendor)
    if_cols = list(parse.IF_COLUMNS.values())
    ip_cols = parse.address_columns(vendor)
    lldp_cols = [c for c in cols if c[: len(o.LLDP_LOCAL) - 1] == o.LLDP_LOCAL[:-1]]
    rest = [c for c in cols if c not in if_cols and c not in ip_cols and c not in lldp_cols]
    return [g for g in (if_cols, ip_cols, lldp_cols, rest) if g]


async def poll_device(target: PollTarget, options: PollOptions, engine: Any = None) -> DevicePoll:
    """One device, start to finish; a failure comes back as ``DevicePoll.error``, never raised."""
    session: Session | None = None
    try:
        session = open_session(
            target.target, engine=engine, timeout=options.timeout, retries=options.retries, fast=options.fast
        )
        system = _system(await session.get(SYSTEM_OIDS))
        vendor = getattr(target.target, "vendor", None) or parse.vendor_from_system(
            system["object_id"], system["sys_descr"]
        )
        columns: parse.Columns = {}
        walk_notes: list[str] = []
        values = len(SYSTEM_OIDS)
        rows = system["if_number"] + 1  # a row per interface, and one more to see the table end
        read_at = time.time()
        for i, group in enumerate(column_groups(vendor)):
            # the interface tables have ifNumber rows; addresses, LLDP and health usually fewer
            started = time.time()
            walked, n = await walk_columns(
                session, group, options.max_repetitions, rows if i == 0 else 4, walk_notes
            )
            if i == 0:  # when the counters were read: rates divide by the time between two such reads
                read_at = (started + time.time()) / 2
            columns.update(walked)
            values += n
        parsed = parse.parse_columns(columns, vendor)
        return DevicePoll(
            device=target.name,
            address=target.address,
            at=read_at,
            sys_name=system["sys_name"],
            sys_descr=system["sys_descr"],
            sys_object_id=system["sys_object_id"],
            uptime_ticks=system["uptime"],
            interfaces=tuple(parsed.interfaces),
            lldp=tuple(parsed.lldp),
            health=parsed.health,
            values=values,
            notes=(*walk_notes, *parsed.notes),
        )
    except PollFailure as failure:
        return DevicePoll(target.name, target.address, time.time(), error=failure.error)
    except (ber.BerError, ValueError, TypeError, KeyError, IndexError) as exc:
        # Whatever an agent sends must not stop the run: an answer we cannot make sense of is named.
        log.debug("%s: unusable answer", target.name, exc_info=True)
        return DevicePoll(
            target.name,
            target.address,
            time.time(),
            error=PollError(ErrorKind.MALFORMED, f"{type(exc).__name__}: {exc}"),
        )
    finally:
        if session is not None:
            close_quietly(session)


def _credentials(target: Any) -> tuple[Any, ...]:
    key = getattr(target, "credentials_key", None)
    if callable(key):
        return tuple(key())
    return tuple(
        getattr(target, a, None)
        for a in ("version", "community", "user", "auth_protocol", "auth_key", "priv_protocol", "priv_key")
    )


async def poll_all(targets: Iterable[PollTarget], options: PollOptions | None = None) -> list[DevicePoll]:
    """Poll every target, at most ``options.concurrency`` at once; results in the targets' order."""
    options = options or PollOptions()
    chosen = list(targets)
    semaphore = asyncio.Semaphore(max(1, options.concurrency))
    engines: dict[tuple[Any, ...], Any] = {}  # one pysnmp engine per set of v3 credentials

    def engine_for(target: Any) -> Any:
        if target.version in ("v1", "v2c") and options.fast:
            return None
        key = _credentials(target)
        if key not in engines:
            engines[key] = new_engine()
        return engines[key]

    async def one(target: PollTarget) -> DevicePoll:
        async with semaphore:
            try:
                return await asyncio.wait_for(
                    poll_device(target, options, engine_for(target.target)), options.device_deadline
                )
            except TimeoutError:
                return DevicePoll(
                    target.name,
                    target.address,
                    time.time(),
                    error=PollError(ErrorKind.TIMEOUT, f"poll not done in {options.device_deadline:g} s"),
                )
            except PollFailure as failure:
                return DevicePoll(target.name, target.address, time.time(), error=failure.error)

    results = await asyncio.gather(*(one(t) for t in chosen))
    for engine in engines.values():
        dispatcher = getattr(engine, "close_dispatcher", None) or getattr(engine, "closeDispatcher", None)
        if dispatcher is not None:
            try:
                dispatcher()
            except Exception:  # closing is best effort
                log.debug("closing a pysnmp engine failed", exc_info=True)
    return list(results)
