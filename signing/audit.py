"""The append-only audit log: every sign, verify and administrative action, chained with SM3.

Each record holds who, what operation, which seal and certificate, the document's SM3, the result and
the time, plus the previous record's hash; its own hash is SM3 over a canonical encoding of all of
that (``canonical``: JSON with sorted keys, no spaces, UTF-8). A one-row chain head holds the newest
(seq, hash). Appends are serialised across processes -- SQLite ``BEGIN IMMEDIATE``, PostgreSQL a
transaction-scoped advisory lock -- so two workers never fork the chain; the caller appends (and so
commits) before it hands a signature out. Every ``sign_every``-th record, and on request, the head is
signed with the service's SM2 key, so that rewriting the whole chain after a record is caught too.

``verify_chain(store) -> Verdict`` says where a record was changed, removed, inserted or reordered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

from sqlalchemy import Connection, func, select

from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.sm3 import sm3_hex
from govnet.signing.schema import signing_audit, signing_chain_head, signing_head_signatures
from govnet.store import Store, StoreError
from govnet.verdict import CheckResult, Verdict

log = logging.getLogger(__name__)

CHAIN = "audit"
GENESIS = "0" * 64  # the "previous hash" of record 1
HEAD_CONTEXT = "govnet-signing-audit-head"
_ADVISORY_KEY = 7405284  # one lock for the chain; govnet.store uses 7405283 for migrations
_MAX_REPORTED = 50  # problems listed one by one; beyond that, counted


@dataclass(frozen=True)
class AuditEvent:
    """What happened; secrets (tokens, PINs, keys) never go in here, only their owners' names."""

    actor: str
    operation: str
    result: str  # ok | invalid | refused | error
    es_id: str | None = None
    serial: str | None = None
    document_hash: str | None = None  # SM3 hex
    detail: str = ""


def canonical(fields: dict[str, object]) -> bytes:
    """The bytes a record's hash covers: the fields as JSON, keys sorted, no whitespace, UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _hashed_fields(seq: int, at: str, event: AuditEvent, prev_hash: str) -> dict[str, object]:
    return {"seq": seq, "at": at, **asdict(event), "prev_hash": prev_hash}


def record_hash(fields: dict[str, object]) -> str:
    return sm3_hex(canonical(fields))


def head_message(seq: int, head_hash: str, at: str) -> bytes:
    return canonical({"context": HEAD_CONTEXT, "seq": seq, "record_hash": head_hash, "at": at})


class HeadSigner(Protocol):
    """Signs chain heads: the service key's certificate serial and an SM2 key (``keys.KeyBackend``)."""

    @property
    def serial(self) -> str: ...

    def key(self) -> SM2PrivateKey: ...


@contextmanager
def _chain_locked(store: Store) -> Iterator[Connection]:
    """A transaction that alone may append: SQLite BEGIN IMMEDIATE (the write lock up front, so no
    two transactions read the same head), PostgreSQL an advisory lock held until commit."""
    if store.dialect == "sqlite":
        with store.connect() as conn:
            raw = conn.connection.driver_connection
            previous = raw.isolation_level  # type: ignore[union-attr]
            raw.isolation_level = None  # type: ignore[union-attr]  # we say BEGIN and COMMIT ourselves
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.exec_driver_sql("ROLLBACK")
                    raise
                conn.exec_driver_sql("COMMIT")
            finally:
                raw.isolation_level = previous  # type: ignore[union-attr]
        return
    with store.begin() as conn:
        conn.execute(select(func.pg_advisory_xact_lock(_ADVISORY_KEY)))
        yield conn


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass
class _Pending:
    """One queued append: filled in by the leader that commits it."""

    event: AuditEvent
    at: str
    seq: int = 0
    error: BaseException | None = None
    done: bool = False


class AuditLog:
    def __init__(self, store: Store, *, signer: HeadSigner | None = None, sign_every: int = 500) -> None:
        self.store = store
        self.signer = signer
        self.sign_every = max(1, sign_every)
        # Group commit: appends from this process's threads queue here holding no connection; one of
        # them (the leader) takes every queued record, writes them in one transaction under the
        # chain's cross-process lock and commits once (one fsync for the lot), then wakes the rest.
        # Waiting on the store's lock instead, each would hold a pooled connection, and SQLite's
        # busy handler polls with growing sleeps, which starved some requests for seconds under load.
        self._queue: list[_Pending] = []
        self._leading = False
        self._changed = threading.Condition()

    def append(self, event: AuditEvent) -> int:
        """Append and commit one record; its position. StoreError when it could not be written (the
        caller then hands nothing out). Returns only once the record is committed."""
        mine = _Pending(event, _now_text())
        with self._changed:
            self._queue.append(mine)
            while not mine.done and self._leading:
                self._changed.wait()
            if not mine.done:  # no leader: this thread commits what is queued (its own record too)
                self._leading = True
                batch, self._queue = self._queue, []
        if not mine.done:
            try:
                self._commit(batch)
            finally:
                with self._changed:
                    self._leading = False
                    self._changed.notify_all()
            self._sign_head_if_due(batch[0].seq, batch[-1].seq)
        if mine.error is not None:
            raise mine.error
        return mine.seq

    def _commit(self, batch: list[_Pending]) -> None:
        """Write ``batch`` in one transaction; every entry ends done, with its seq or the error."""
        try:
            with _chain_locked(self.store) as conn:
                head = conn.execute(
                    select(signing_chain_head).where(signing_chain_head.c.chain == CHAIN)
                ).first()
                seq, prev = (head.seq, head.record_hash) if head is not None else (0, GENESIS)
                rows = []
                for pending in batch:
                    seq += 1
                    digest = record_hash(_hashed_fields(seq, pending.at, pending.event, prev))
                    rows.append(
                        {"seq": seq, "at": pending.at, **asdict(pending.event), "prev_hash": prev,
                         "record_hash": digest}
                    )  # fmt: skip
                    pending.seq, prev = seq, digest
                conn.execute(signing_audit.insert(), rows)
                if head is None:
                    conn.execute(signing_chain_head.insert().values(chain=CHAIN, seq=seq, record_hash=prev))
                else:
                    conn.execute(
                        signing_chain_head.update()
                        .where(signing_chain_head.c.chain == CHAIN)
                        .values(seq=seq, record_hash=prev)
                    )
        except BaseException as exc:
            # every caller in the batch hands nothing out; an interrupt stays the leader's own
            shared = exc if isinstance(exc, Exception) else StoreError("the audit append was interrupted")
            for pending in batch:
                pending.seq, pending.error, pending.done = 0, shared, True
            if not isinstance(exc, Exception):
                raise
            return
        for pending in batch:
            pending.done = True

    def _sign_head_if_due(self, first: int, last: int) -> None:
        """Sign the head when records ``first..last`` (0: none committed) passed a multiple of
        ``sign_every``."""
        if self.signer is None or not last or last // self.sign_every == (first - 1) // self.sign_every:
            return
        try:
            self.sign_head()
        except Exception as exc:  # the records are committed; a missed head signature is logged only
            log.warning("audit: signing the chain head at %d failed: %s", last, type(exc).__name__)

    def sign_head(self) -> int | None:
        """Sign the current head with the service key; its seq (None: an empty chain or no signer)."""
        if self.signer is None:
            return None
        with self.store.connect() as conn:
            head = conn.execute(select(signing_chain_head).where(signing_chain_head.c.chain == CHAIN)).first()
            if head is None:
                return None
            done = conn.execute(
                select(signing_head_signatures.c.seq).where(signing_head_signatures.c.seq == head.seq)
            ).first()
        if done is not None:
            return int(head.seq)
        at = _now_text()
        signature = self.signer.key().sign(head_message(head.seq, head.record_hash, at))
        try:
            with self.store.begin() as conn:
                conn.execute(
                    signing_head_signatures.insert().values(
                        seq=head.seq,
                        record_hash=head.record_hash,
                        at=at,
                        signer_serial=self.signer.serial,
                        signature=signature,
                    )
                )
        except StoreError:  # another worker signed this head a moment ago
            pass
        return int(head.seq)

    def records(self, *, after: int = 0, limit: int = 100) -> list[dict[str, object]]:
        with self.store.connect() as conn:
            rows = conn.execute(
                select(signing_audit)
                .where(signing_audit.c.seq > after)
                .order_by(signing_audit.c.seq)
                .limit(limit)
            ).all()
        return [dict(r._mapping) for r in rows]


def _event(row: object) -> AuditEvent:
    m = row._mapping  # type: ignore[attr-defined]
    return AuditEvent(**{f.name: m[f.name] for f in fields(AuditEvent)})


def verify_chain(store: Store) -> Verdict:
    """Check every record's hash, every link, the sequence, the head and the signed heads. A FAILED
    check names the record (``record[17]`` changed, ``link[18]`` something before it removed,
    inserted or reordered, ``sequence[…]`` a gap, ``head`` records cut from the end)."""
    problems: list[CheckResult] = []
    count = 0
    expected_seq, prev_hash = 1, GENESIS
    hashes: dict[int, str] = {}

    def report(check: CheckResult) -> None:
        problems.append(check)

    with store.connect() as conn:
        signed = {
            r.seq: r
            for r in conn.execute(select(signing_head_signatures).order_by(signing_head_signatures.c.seq))
        }
        head = conn.execute(select(signing_chain_head).where(signing_chain_head.c.chain == CHAIN)).first()
        rows = conn.execution_options(yield_per=2000).execute(
            select(signing_audit).order_by(signing_audit.c.seq)
        )
        for row in rows:
            count += 1
            seq = int(row.seq)
            if seq != expected_seq:
                report(
                    CheckResult.failed(
                        f"sequence[{seq}]",
                        f"records {expected_seq}..{seq - 1} are missing"
                        if seq > expected_seq
                        else f"record {seq} appears out of order after {expected_seq - 1}",
                        expected=expected_seq,
                        found=seq,
                    )
                )
            computed = record_hash(_hashed_fields(seq, row.at, _event(row), row.prev_hash))
            if computed != row.record_hash:
                report(
                    CheckResult.failed(
                        f"record[{seq}]",
                        f"record {seq} was changed: its content does not hash to its record hash",
                        stored=row.record_hash,
                        computed=computed,
                    )
                )
            if row.prev_hash != prev_hash:
                report(
                    CheckResult.failed(
                        f"link[{seq}]",
                        f"record {seq} does not follow the record before it: a record before {seq} "
                        "was changed, removed, inserted or reordered",
                        prev_hash=row.prev_hash,
                        previous_record_hash=prev_hash,
                    )
                )
            if seq in signed:
                hashes[seq] = row.record_hash
            prev_hash, expected_seq = row.record_hash, seq + 1
    last_seq = expected_seq - 1
    if head is None:
        if count:
            report(CheckResult.failed("head", "records exist but the chain head is missing", records=count))
    elif int(head.seq) != last_seq or head.record_hash != prev_hash:
        report(
            CheckResult.failed(
                "head",
                f"the chain head names record {head.seq} but the chain ends at {last_seq}: "
                + (
                    "records at the end were removed"
                    if head.seq > last_seq
                    else "the chain or its head was changed"
                ),
                head_seq=int(head.seq),
                last_seq=last_seq,
            )
        )
    checks: list[CheckResult] = [*problems[:_MAX_REPORTED]]
    if len(problems) > _MAX_REPORTED:
        checks.append(
            CheckResult.failed("more", f"{len(problems) - _MAX_REPORTED} further problems not listed")
        )
    checks += _head_signature_checks(store, signed, hashes)
    if not problems:
        checks.insert(
            0,
            CheckResult.passed(
                "chain",
                f"{count} records, each hashing to its record hash and linked to the one before",
                records=count,
            ),
        )
    return Verdict("signing audit chain", tuple(checks))


def _head_signature_checks(store: Store, signed: dict[int, Any], hashes: dict[int, str]) -> list[CheckResult]:
    from govnet.errors import GovnetError, InvalidSignature
    from govnet.pki import ca, x509

    checks: list[CheckResult] = []
    keys: dict[str, object] = {}
    for seq, row in signed.items():
        m = row._mapping
        name = f"head_signature[{seq}]"
        try:
            if m["signer_serial"] not in keys:
                keys[m["signer_serial"]] = x509.certificate_public_key(
                    ca.get_certificate(store, m["signer_serial"]).certificate
                )
            key = keys[m["signer_serial"]]
            key.verify(bytes(m["signature"]), head_message(seq, m["record_hash"], m["at"]))  # type: ignore[attr-defined]
        except InvalidSignature:
            checks.append(CheckResult.failed(name, f"the signature over the head at {seq} does not verify"))
            continue
        except GovnetError as exc:
            checks.append(CheckResult.indeterminate(name, f"cannot check the head signature at {seq}: {exc}"))
            continue
        if hashes.get(seq) != m["record_hash"]:
            checks.append(
                CheckResult.failed(
                    name,
                    f"the head signed at {m['at']} says record {seq} hashed to {m['record_hash'][:16]}…; "
                    "the chain no longer has that record: it was rewritten after the head was signed",
                    signed=m["record_hash"],
                    found=hashes.get(seq),
                )
            )
    if signed and not checks:
        last = max(signed)
        checks.append(
            CheckResult.passed(
                "head_signatures",
                f"{len(signed)} signed heads verify and match the chain (newest at record {last})",
                signed_heads=len(signed),
            )
        )
    return checks
