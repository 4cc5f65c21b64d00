"""Two `govnet serve` processes on one real PostgreSQL take 1,000 sign requests sent at once between
them: every request gets its own signature, each verifies, each has exactly one audit record, and the
audit chain stays one line -- as many records as requests, no fork, no gap (`govnet audit verify`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from govnet_cli import RunGovnet
from postgres import PostgresServer
from scale_kit import (
    Deployment,
    assert_each_audited,
    assert_each_verifies,
    deploy,
    digests,
    received,
    record_count,
    sign_concurrently,
)
from served import start_server
from signing_kit import build_world

from govnet.settings import load_settings
from govnet.store import Store

REQUESTS = 1000


@pytest.fixture
def on_postgres(
    postgres_server: PostgresServer, fast_kdf: None, isolated_govnet_home: Path
) -> Iterator[Deployment]:
    with Store.open(postgres_server.create_database()) as store:
        yield deploy(build_world(store, load_settings(home=isolated_govnet_home)), sign_every=100)


def test_two_servers_on_postgres_sign_1000_concurrent_requests_on_one_audit_chain(
    on_postgres: Deployment, run_govnet: RunGovnet
) -> None:
    d = on_postgres
    hashes = digests(REQUESTS, "scale")
    with ExitStack() as stack:
        servers = [start_server(env=d.env) for _ in range(2)]
        for server in servers:
            stack.callback(server.stop)
        outcomes = asyncio.run(sign_concurrently([s.base for s in servers], d.token, d.seal, hashes))
        failed = [
            o if isinstance(o, Exception) else (o.status_code, o.text[:300])
            for o in outcomes
            if not (isinstance(o, httpx.Response) and o.status_code == 200)
        ]
        assert not failed, f"{len(failed)} of {REQUESTS} requests failed: {failed[:3]}\n{servers[0].log()}"

    signed = received(outcomes)
    assert sorted(s["document_hash"] for s in signed) == sorted(h.hex() for h in hashes)
    assert_each_verifies(d.world, signed)
    assert_each_audited(d.store, signed)
    # one line: positions setup+1 .. setup+1000, each taken once, and nothing else appended
    assert sorted(s["audit_seq"] for s in signed) == list(
        range(d.setup_records + 1, d.setup_records + REQUESTS + 1)
    )
    assert record_count(d.store) == d.setup_records + REQUESTS

    done = run_govnet("audit", "verify", "--json", env=d.env)
    assert done.returncode == 0, done.stdout + done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["chain"]["evidence"]["records"] == d.setup_records + REQUESTS
    # heads were signed along the way by both servers (every 100th record) and all verify
    assert checks["head_signatures"]["status"] == "PASSED"
    assert checks["head_signatures"]["evidence"]["signed_heads"] >= REQUESTS // 100 - 1
