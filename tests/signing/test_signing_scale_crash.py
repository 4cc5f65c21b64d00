"""Crash safety: `govnet serve` (two workers) is killed with SIGKILL while hundreds of sign requests
are in flight. Every signature a client did receive has its audit record (found by its document
hash, at the position the response named), the chain verifies as the crash left it, and after a
restart the service signs on and `govnet audit verify` passes -- on SQLite (WAL) and PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
from govnet_cli import RunGovnet
from scale_kit import (
    Deployment,
    Outcome,
    assert_each_audited,
    assert_each_verifies,
    deploy,
    digests,
    received,
    record_count,
    sign_concurrently,
)
from served import Server, start_server
from signing_kit import World

from govnet.signing.audit import verify_chain

FIRST_WAVE = 100  # signed before the kill: the client reads at least one of them first
SECOND_WAVE = 500  # sent once a signature is back; the kill comes while these are in the server
KILL_INTO_SECOND_WAVE = 20  # records of the second wave committed when the kill comes


def _kill_once_the_second_wave_commits(server: Server, d: Deployment, done: threading.Event) -> None:
    """SIGKILL once the store holds records of the second wave. Judged on the server's side, since
    a fast server may answer everything before the client has read its answers: only the second
    wave's own records can reach this count, and hundreds of its requests are still in flight."""
    threshold = d.setup_records + FIRST_WAVE + KILL_INTO_SECOND_WAVE
    while not done.is_set() and server.process.poll() is None:
        if record_count(d.store) >= threshold:
            server.kill()
            return
        time.sleep(0.005)


async def _sign_until_killed(server: Server, d: Deployment) -> list[Outcome]:
    first_received = asyncio.Event()

    async def note_signature(response: httpx.Response) -> None:
        if response.status_code == 200:
            first_received.set()

    done = threading.Event()
    watcher = threading.Thread(target=_kill_once_the_second_wave_commits, args=(server, d, done))
    watcher.start()
    try:
        first = asyncio.create_task(
            sign_concurrently(
                [server.base], d.token, d.seal, digests(FIRST_WAVE, "crash 1"), on_response=note_signature
            )
        )
        while not (first_received.is_set() or first.done()):  # done: none came back, the test says so
            await asyncio.sleep(0.001)
        second = await sign_concurrently([server.base], d.token, d.seal, digests(SECOND_WAVE, "crash 2"))
        return [*await first, *second]
    finally:
        done.set()
        watcher.join()


def test_sigkill_under_load_leaves_every_received_signature_audited_and_the_chain_whole(
    world: World, run_govnet: RunGovnet
) -> None:
    d = deploy(world, sign_every=25)
    server = start_server("--workers", "2", env=d.env)
    try:
        outcomes = asyncio.run(_sign_until_killed(server, d))
    finally:
        server.stop()
    assert server.process.returncode is not None and server.process.returncode < 0  # killed, not exited

    refused = [
        (o.status_code, o.text[:200])
        for o in outcomes
        if isinstance(o, httpx.Response) and o.status_code != 200
    ]
    assert not refused, refused[:3]
    signed = received(outcomes)
    cut_off = [o for o in outcomes if isinstance(o, Exception)]
    assert signed and cut_off, "the kill must come while requests are in flight"
    assert_each_verifies(world, signed)
    assert_each_audited(d.store, signed)
    # a record may exist for a signature the crash kept from its client, never the other way round
    assert record_count(d.store) >= d.setup_records + len(signed)
    as_left = verify_chain(d.store)
    assert as_left.ok, as_left.summary()

    after_crash = record_count(d.store)
    restarted = start_server(env=d.env)
    try:
        again = asyncio.run(
            sign_concurrently([restarted.base], d.token, d.seal, digests(20, "after restart"))
        )
    finally:
        restarted.stop()
    signed_again = received(again)
    assert len(signed_again) == 20, [getattr(o, "text", o) for o in again][:3]
    assert sorted(s["audit_seq"] for s in signed_again) == list(range(after_crash + 1, after_crash + 21))
    assert_each_audited(d.store, signed_again)

    done = run_govnet("audit", "verify", env=d.env)
    assert done.returncode == 0, done.stdout + done.stderr
