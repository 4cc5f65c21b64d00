"""What the scale tests share: a world with one API client (its token, its grant of seal A) ready to
be served by `govnet serve` subprocesses, many sign requests sent at once over HTTP, and the checks
that every signature a client received verifies and has its own audit record."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx
from signing_kit import ADMIN, World
from sqlalchemy import func, select

from govnet.pki.seal.verify import verify_signature
from govnet.pki.sm3 import sm3
from govnet.signing.schema import signing_audit
from govnet.store import Store

CLIENT = "load-client"


@dataclass
class Deployment:
    world: World
    token: str
    env: dict[str, str]  # what `govnet serve` and `govnet audit verify` need besides the test's own
    setup_records: int  # audit records the set-up itself appended

    @property
    def store(self) -> Store:
        return self.world.service.store

    @property
    def seal(self) -> str:
        return self.world.seal_a


def deploy(
    world: World, *, pin: str | None = None, sign_every: int = 100, operations: Sequence[str] = ("sign",)
) -> Deployment:
    """A client granted seal A (signing with the first signer's key) for ``operations``, its token, and
    the service's environment: this store, head signatures every ``sign_every`` records."""
    service = world.service
    service.add_client(ADMIN, CLIENT, description="load")
    token = service.issue_token(ADMIN, CLIENT).token
    service.add_grant(ADMIN, CLIENT, world.seal_a, world.signer, operations, pin=pin)
    env = {
        "GOVNET_STORE_URL": service.store.engine.url.render_as_string(hide_password=False),
        "GOVNET_SERVICE__AUDIT_SIGNER": world.audit_signer,
        "GOVNET_SERVICE__AUDIT_SIGN_EVERY": str(sign_every),
    }
    return Deployment(world, token, env, record_count(service.store))


def digests(count: int, tag: str) -> list[bytes]:
    """``count`` distinct document hashes: each signature can be told apart by what it signs."""
    return [sm3(f"{tag} document {i}".encode()) for i in range(count)]


Outcome = httpx.Response | Exception


async def sign_concurrently(
    bases: Sequence[str],
    token: str,
    seal: str,
    hashes: Sequence[bytes],
    *,
    pin: str | None = None,
    on_response: Callable[[httpx.Response], Awaitable[None]] | None = None,
) -> list[Outcome]:
    """Send every sign request at once (request i to server i mod len(bases)), each on its own
    connection; the responses, or the exception a request ended with, in request order."""
    headers = {"Authorization": f"Bearer {token}"} | ({"X-Seal-PIN": pin} if pin else {})
    limits = httpx.Limits(max_connections=len(hashes), max_keepalive_connections=0)
    timeout = httpx.Timeout(300, connect=60)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, headers=headers) as client:

        async def one(i: int, digest: bytes) -> httpx.Response:
            base = bases[i % len(bases)]
            response = await client.post(f"{base}/v1/seals/{seal}/sign", params={"hash": digest.hex()})
            if on_response is not None:
                await on_response(response)
            return response

        results = await asyncio.gather(*(one(i, d) for i, d in enumerate(hashes)), return_exceptions=True)
    return [r if isinstance(r, httpx.Response | Exception) else Exception(repr(r)) for r in results]


def received(outcomes: Sequence[Outcome]) -> list[dict[str, object]]:
    """The signatures a client got back (200 and a body)."""
    return [o.json() for o in outcomes if isinstance(o, httpx.Response) and o.status_code == 200]


def assert_each_verifies(world: World, signed: Sequence[dict[str, object]]) -> None:
    """Every signature is distinct and passes every check against the document hash it names."""
    seals = world.service.seals
    trust, policy = seals.trust(), seals.policy(None)
    assert len({s["signature"] for s in signed}) == len(signed), "a signature was handed out twice"
    for s in signed:
        verdict = verify_signature(
            base64.b64decode(str(s["signature"])),
            data_hash=bytes.fromhex(str(s["document_hash"])),
            trust=trust,
            policy=policy,
            source=f"signature of {s['document_hash']}",
        )
        assert verdict.ok, verdict.summary()


def sign_records(store: Store) -> dict[str, list[tuple[int, str]]]:
    """The audit's sign records: document hash -> [(seq, result)]."""
    out: dict[str, list[tuple[int, str]]] = {}
    with store.connect() as conn:
        rows = conn.execute(
            select(signing_audit.c.seq, signing_audit.c.document_hash, signing_audit.c.result).where(
                signing_audit.c.operation == "sign"
            )
        )
        for seq, digest, result in rows:
            out.setdefault(digest, []).append((int(seq), result))
    return out


def assert_each_audited(store: Store, signed: Sequence[dict[str, object]]) -> None:
    """Every signature handed out has exactly one audit record: ``ok``, for its document hash, at the
    position the response named."""
    records = sign_records(store)
    missing = [s["document_hash"] for s in signed if s["document_hash"] not in records]
    assert not missing, f"{len(missing)} signatures handed out without an audit record: {missing[:3]}"
    for s in signed:
        assert records[str(s["document_hash"])] == [(s["audit_seq"], "ok")], s


def record_count(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(signing_audit)).scalar_one())
