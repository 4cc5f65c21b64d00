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

IN_FLIGHT = 600
KILL_AFTER = 40  # signatures received by the client, or records committed by the server


def _kill_when_the_server_has_committed(
    server: Server, d: Deployment, first_received: threading.Event, done: threading.Event
) -> None:
    """Kill from the server's side too: on a fast machine the server may answer every request
    before the client has read its 40th response, and then nothing would be in flight. It waits
    for the client's first signature as well, so that the kill never comes before any was received."""
    while not done.is_set() and server.process.poll() is None:
        if first_received.is_set() and record_count(d.store) >= d.setup_records + KILL_AFTER:
            server.kill()
            return
        time.sleep(0.005)


async def _sign_until_killed(server: Server, d: Deployment) -> list[Outcome]:
    received_so_far = 0
    first_received, done = threading.Event(), threading.Event()

    async def kill_once_enough(response: httpx.Response) -> None:
        nonlocal received_so_far
        if response.status_code == 200:
            received_so_far += 1
            first_received.set()
            if received_so_far == KILL_AFTER:
                server.kill()

    watcher = threading.Thread(
        target=_kill_when_the_server_has_committed, args=(server, d, first_received, done)
    )
    watcher.start()
    try:
        return await sign_concurrently(
            [server.base], d.token, d.seal, digests(IN_FLIGHT, "crash"), on_response=kill_once_enough
        )
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
