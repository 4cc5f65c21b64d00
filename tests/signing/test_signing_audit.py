"""The audit chain says where it was tampered with: a changed record, a removed one, two swapped, the
end cut off, or the whole tail rewritten after a signed head; and concurrent appends from many
threads never fork it: those queued while a transaction commits share the next one (group commit),
and when that one fails, every append in it fails and none is written."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from signing_kit import World
from sqlalchemy import Connection, delete, select, update

from govnet.signing.audit import AuditEvent, AuditLog, _hashed_fields, record_hash, verify_chain
from govnet.signing.schema import signing_audit, signing_chain_head
from govnet.store import Store, StoreError
from govnet.verdict import Status


def _fill(world: World, n: int = 6) -> AuditLog:
    log = world.service.audit
    for i in range(n):
        log.append(AuditEvent("tax", "sign", "ok", es_id=world.seal_a, document_hash=f"{i:064x}"))
    return log


def _failed(world: World) -> list[str]:
    verdict = verify_chain(world.service.store)
    assert verdict.status is Status.FAILED, verdict.summary()
    return [c.name for c in verdict.failures]


def test_an_untouched_chain_passes_with_its_signed_heads(world: World) -> None:
    log = _fill(world)
    assert log.sign_head() is not None
    verdict = verify_chain(world.service.store)
    assert verdict.ok, verdict.summary()
    assert {c.name for c in verdict.checks} == {"chain", "head_signatures"}


def test_a_changed_record_is_named(world: World) -> None:
    _fill(world)
    with world.service.store.begin() as conn:
        conn.execute(update(signing_audit).where(signing_audit.c.seq == 3).values(result="refused"))
    assert _failed(world) == ["record[3]"]


def test_a_removed_record_is_named(world: World) -> None:
    _fill(world)
    with world.service.store.begin() as conn:
        conn.execute(delete(signing_audit).where(signing_audit.c.seq == 4))
    assert _failed(world) == ["sequence[5]", "link[5]"]


def test_swapped_records_are_caught(world: World) -> None:
    _fill(world)
    with world.service.store.begin() as conn:
        conn.execute(update(signing_audit).where(signing_audit.c.seq == 2).values(seq=-2))
        conn.execute(update(signing_audit).where(signing_audit.c.seq == 3).values(seq=2))
        conn.execute(update(signing_audit).where(signing_audit.c.seq == -2).values(seq=3))
    assert set(_failed(world)) >= {"record[2]", "record[3]"}


def test_records_cut_from_the_end_are_caught_by_the_head(world: World) -> None:
    _fill(world)
    with world.service.store.begin() as conn:
        conn.execute(delete(signing_audit).where(signing_audit.c.seq >= 5))
    assert _failed(world) == ["head"]


def test_a_tail_rewritten_after_a_signed_head_is_caught_by_the_signature(world: World) -> None:
    log = _fill(world)
    signed_at = log.sign_head()
    store = world.service.store
    # rewrite record 2 and every hash after it, and the head: the chain itself is consistent again
    with store.begin() as conn:
        rows = list(conn.execute(select(signing_audit).order_by(signing_audit.c.seq)))
        prev = rows[0].record_hash
        for row in rows[1:]:
            event = AuditEvent(row.actor, row.operation, "refused" if row.seq == 2 else row.result,
                               row.es_id, row.serial, row.document_hash, row.detail)  # fmt: skip
            digest = record_hash(_hashed_fields(row.seq, row.at, event, prev))
            conn.execute(
                update(signing_audit)
                .where(signing_audit.c.seq == row.seq)
                .values(result=event.result, prev_hash=prev, record_hash=digest)
            )
            prev = digest
        conn.execute(update(signing_chain_head).values(record_hash=prev))
    assert _failed(world) == [f"head_signature[{signed_at}]"]


def test_concurrent_appends_make_one_line(world: World) -> None:
    log = world.service.audit
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                log.append(AuditEvent(f"w{n}", "sign", "ok", document_hash=f"{n:032x}{i:032x}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    verdict = verify_chain(world.service.store)
    assert verdict.ok, verdict.summary()
    assert verdict.checks[0].evidence["records"] >= 60


def _append_behind_the_first(log: AuditLog, events: list[AuditEvent]) -> list[object]:
    """One thread per event appending it, the rest started once the first leads a commit; each seq
    (or exception) in the order they ended."""
    results: list[object] = []

    def one(event: AuditEvent) -> None:
        try:
            results.append(log.append(event))
        except BaseException as exc:
            results.append(exc)

    threads = [threading.Thread(target=one, args=(e,)) for e in events]
    threads[0].start()
    while not log._leading:
        time.sleep(0.001)
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join()
    return results


def _hold_first_commit(
    monkeypatch: pytest.MonkeyPatch, log: AuditLog, queued: int, fail: bool = False
) -> list[int]:
    """Make the first transaction wait until ``queued`` further appends are queued behind it (so they
    must share the next one); count the transactions. ``fail``: the second transaction fails."""
    from govnet.signing import audit

    real = audit._chain_locked
    transactions: list[int] = []

    @contextmanager
    def held(store: Store) -> Iterator[Connection]:
        transactions.append(1)
        if len(transactions) == 1:
            deadline = time.monotonic() + 30
            while len(log._queue) < queued and time.monotonic() < deadline:
                time.sleep(0.01)
        with real(store) as conn:
            yield conn
            if fail and len(transactions) == 2:
                raise StoreError("the disk is full")

    monkeypatch.setattr(audit, "_chain_locked", held)
    return transactions


def test_appends_queued_during_a_commit_share_the_next_transaction(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = world.service.audit
    events = [AuditEvent(f"c{n}", "sign", "ok", document_hash=f"{n:064x}") for n in range(9)]
    transactions = _hold_first_commit(monkeypatch, log, queued=8)
    results = _append_behind_the_first(log, events)
    assert sorted(results) == list(range(1, 10))  # type: ignore[type-var]
    assert len(transactions) == 2  # one for the first record, one for the eight queued behind it
    verdict = verify_chain(world.service.store)
    assert verdict.ok and verdict.checks[0].evidence["records"] == 9, verdict.summary()
    actors = [r["actor"] for r in log.records()]
    assert actors[0] == "c0" and sorted(actors) == sorted(e.actor for e in events)


def test_a_failed_group_commit_fails_every_append_in_it_and_writes_none(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = world.service.audit
    events = [AuditEvent(f"c{n}", "sign", "ok") for n in range(5)]
    _hold_first_commit(monkeypatch, log, queued=4, fail=True)
    results = _append_behind_the_first(log, events)
    assert 1 in results
    failed = [r for r in results if isinstance(r, StoreError)]
    assert len(failed) == 4, results  # the caller of each hands nothing out
    assert [r["actor"] for r in log.records()] == ["c0"]
    assert log.append(AuditEvent("after", "sign", "ok")) == 2  # the log goes on, one line
    assert verify_chain(world.service.store).ok
