"""Signing-service benchmark: seal signatures and verifications per second over HTTP, at 1 and 2
workers, beside the in-process rate of the same code path measured in the same run.

The service (`govnet serve --workers N`, uvicorn, on a store of its own) runs in its own processes;
this process drives it over loopback HTTP with ``CONCURRENCY`` requests in flight on keep-alive
connections, as an e-seal portal would. The load generator is a few lines of HTTP/1.1 over asyncio
protocols on uvloop (``_Connection``), one request at a time per connection, every answer's status
and JSON checked (a signature in each sign answer, PASSED in each verify answer): httpx, used before,
spent about 5 ms of CPU per request -- as much as the worker it measured -- on the same two cores,
so it measured mostly itself; this one spends about 0.2 ms. The requests, the service's checks and
its audit commits are the same. Each phase runs for a fixed time:

- **sign**: ``POST /v1/seals/{id}/sign?hash=…`` -- bearer token checked, grant and certificate
  checked, a GB/T 38540 SES_Signature made with the escrowed key, an audit record appended and
  committed -- per second, with p50 and p99 latency;
- **verify**: ``POST /v1/verify/seal-signature`` of one of those signatures with its document hash
  (both signatures, both chains with CRLs, an audit record) per second, p50 and p99;
- **in-process**: the same calls without HTTP (``sign_hash`` with the bearer token, as the API
  calls it; ``authenticate`` then ``verify_seal_signature``) on the same store, pinned to one CPU,
  from ``CONCURRENCY`` threads as a worker runs them (so that the audit commit's fsync of one call
  overlaps the work of others), and from one thread (shown for reference: a single caller waits for
  every commit).
- **ratio** = HTTP rate per worker / threaded in-process rate (the aim is >= 0.6): what HTTP, the
  event loop and the thread hand-off cost. Workers are not pinned: at 1 worker, the store's and
  libcrypto's work outside the GIL runs on the second core, so the ratio can pass 1. The load
  generator shares the machine's cores with the workers, so at 2 workers on 2 cores the ratio also
  shows that competition (and on a shared, loaded machine, the other processes).
- **CPU ms per request** of the service's processes (every thread, from /proc), of the generator, and
  of the in-process calls; their **CPU ratio** (in-process / service) is what HTTP costs in CPU, which
  other processes' load distorts far less than the rates (a pinned in-process run on a loaded core
  loses throughput the unpinned workers do not).

Run: ``.venv/bin/python bench/bench_service.py [--quick] [--json] [--pin] [--profile]
[--store-url URL]`` (default: SQLite in a temporary home; give a PostgreSQL URL to bench on it).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from benchkit import pin_to_one_cpu

from govnet.pki.keysource import KeyInput
from govnet.pki.seal.picture import round_seal_png
from govnet.pki.seal.service import MakeSealRequest, SealService
from govnet.pki.service import IssueRequest, PkiService
from govnet.pki.sm3 import sm3
from govnet.settings import Settings, load_settings
from govnet.signing.access import BearerToken, Principal
from govnet.signing.service import SigningService
from govnet.store import Store

PASSPHRASE = "benchmark passphrase, not a secret"
PIN = "246810"
SEAL = "BENCH-SEAL-1"
CONCURRENCY = 16


@dataclass
class Setup:
    settings: Settings
    store_url: str
    token: str
    env: dict[str, str]


def prepare(work: Path, store_url: str | None, pin: bool) -> Setup:
    """A CA with an intermediate, a seal maker, a signer whose key the store escrows, one seal, the
    service's audit-head key, and a client granted the seal: what `govnet serve admin` sets up."""
    os.environ["GOVNET_PKI_PASSPHRASE"] = PASSPHRASE
    settings = load_settings(home=work)
    url = store_url or settings.effective_store_url
    with Store.open(url) as store:
        pki = PkiService(store, settings)
        pki.init(name="CN=Bench Root", intermediate=True)
        maker = pki.issue(IssueRequest(profile="seal-maker", subject="CN=Bench Seal Maker",
                                       organisation="Bench", credit_code="914403001922038216",
                                       key_passphrase="maker"))  # fmt: skip
        signer = pki.issue(IssueRequest(profile="signer", subject="CN=Bench Signer", key_passphrase="holder",
                                        escrow=True)).record  # fmt: skip
        audit = pki.issue(IssueRequest(profile="tls-server", subject="CN=bench.example",
                                       san=("DNS:bench.example",))).record  # fmt: skip
        pki.publish_all_crls()
        SealService(store, settings).make(
            MakeSealRequest(name="基准测试公章", picture=round_seal_png(), signer_serials=(signer.serial,),
                            maker_serial=maker.record.serial, es_id=SEAL),
            KeyInput(maker.key_file or b"", "maker.key", "maker"),
        )  # fmt: skip
        settings.service.audit_signer = audit.serial
        service = SigningService(store, settings)
        admin = Principal("bench-admin", "admin")
        service.add_client(admin, "bench-client")
        service.add_grant(admin, "bench-client", SEAL, signer.serial, ["sign"], pin=PIN if pin else None)
        token = service.issue_token(admin, "bench-client").token
    env = {
        "GOVNET_HOME": str(work),
        "GOVNET_STORE_URL": url,
        "GOVNET_PKI_PASSPHRASE": PASSPHRASE,
        "GOVNET_SERVICE__AUDIT_SIGNER": audit.serial,
    }
    os.environ.update(env)
    return Setup(load_settings(home=work), url, token, env)


# --- in process ----------------------------------------------------------------------------------


def in_process(setup: Setup, seconds: float, pin: bool, profile: bool) -> dict[str, float]:
    """Signatures and verifications per second through ``SigningService`` alone, on one CPU."""
    with Store.open(setup.store_url) as store:
        service = SigningService(store, setup.settings)
        digest = sm3(b"warm-up")
        who = service.authenticate(setup.token)
        signature = service.sign_hash(who, SEAL, digest, pin=PIN if pin else None).data  # keys decrypted

        counter = itertools.count()  # next() on it is atomic under the GIL

        def sign() -> None:  # as the API calls it: the token authenticated in the signing call's read
            service.sign_hash(
                BearerToken(setup.token), SEAL, sm3(b"%d" % next(counter)), pin=PIN if pin else None
            )

        def verify() -> None:
            caller = service.authenticate(setup.token)
            assert service.verify_seal_signature(caller, signature, digest).ok

        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        cpu: dict[str, float] = {}
        figures = {
            "sign_per_s": _rate(sign, seconds, CONCURRENCY, cpu, "sign_cpu_ms"),
            "verify_per_s": _rate(verify, seconds, CONCURRENCY, cpu, "verify_cpu_ms"),
            "serial_sign_per_s": _rate(sign, seconds, 1, cpu, "serial_sign_cpu_ms"),
            "serial_verify_per_s": _rate(verify, seconds, 1, cpu, "serial_verify_cpu_ms"),
        }
        figures |= cpu
        if profiler:
            profiler.disable()
            print("\nwhere in-process signing and verifying spend their time (cumulative, top 25):")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return figures


def _rate(
    operation: Callable[[], object], seconds: float, threads: int, cpu: dict[str, float], name: str
) -> float:
    """Calls per second of ``operation`` from ``threads`` threads calling it back to back; its CPU
    milliseconds per call go into ``cpu[name]`` (what other processes' load does not distort)."""
    operation()
    stop = time.perf_counter() + seconds
    cpu0 = time.process_time()

    def loop() -> int:
        count = 0
        while time.perf_counter() < stop:
            operation()
            count += 1
        return count

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(lambda _: loop(), range(threads)))
    cpu[name] = 1000 * (time.process_time() - cpu0) / total
    return total / (time.perf_counter() - start)


# --- over HTTP -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(setup: Setup, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "govnet.cli", "serve", "--listen", f"127.0.0.1:{port}",
             "--workers", str(workers)],
            env={**os.environ, **setup.env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise SystemExit(f"govnet serve exited {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("govnet serve did not answer /healthz within 120 s")
        time.sleep(0.2)


@dataclass
class Load:
    per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    client_cpu_ms: float  # the load generator's CPU time per request
    server_cpu_ms: float  # the service's processes' CPU time per request (every thread, every worker)


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, one request at a time, answers framed by Content-Length
    (as uvicorn frames every answer of these routes). A few lines of parsing instead of httpx's
    layers: httpx spent about as much CPU per request as the worker it was measuring, on the same
    two cores."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None:
            return
        head = bytes(self.buffer[:end]).lower()
        found = head.find(b"\r\ncontent-length:")
        if found < 0:
            self.waiter.set_exception(RuntimeError(f"an answer without Content-Length: {head[:200]!r}"))
            self.waiter = None
            return
        value_end = head.find(b"\r\n", found + 2)
        length = int(head[found + 17 : value_end if value_end > 0 else len(head)])
        if len(self.buffer) < end + 4 + length:
            return
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        self.waiter.set_result((int(head[9:12]), body))
        self.waiter = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"the service closed the connection: {exc}"))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        assert self.transport is not None and self.waiter is None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter


def _request(method: str, target: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: bench", *(f"{k}: {v}" for k, v in headers.items())]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _cpu_seconds(pids: list[int]) -> float:
    """User+system CPU of processes (every thread), from /proc; 0 where there is none."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _service_pids(process: subprocess.Popen[bytes]) -> list[int]:
    """``govnet serve`` and its worker processes (uvicorn's children at 2 workers)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    found = children.read_text().split() if children.exists() else []
    return [process.pid, *(int(pid) for pid in found)]


async def _drive(
    connections: list[_Connection],
    request: Callable[[int], bytes],
    check: Callable[[int, bytes], None],
    seconds: float,
    server: list[int],
) -> Load:
    """One loop per connection sending requests back to back until ``seconds`` are up; every answer
    is checked."""
    latencies: list[float] = []
    counter = itertools.count()
    stop = time.perf_counter() + seconds

    async def loop(connection: _Connection) -> None:
        while time.perf_counter() < stop:
            i = next(counter)
            started = time.perf_counter()
            status, body = await connection.send(request(i))
            latencies.append(time.perf_counter() - started)
            check(status, body)

    client0, server0 = time.process_time(), _cpu_seconds(server)
    start = time.perf_counter()
    await asyncio.gather(*(loop(c) for c in connections))
    elapsed = time.perf_counter() - start
    client_cpu, server_cpu = time.process_time() - client0, _cpu_seconds(server) - server0
    q = statistics.quantiles(latencies, n=100)
    n = len(latencies)
    return Load(n / elapsed, q[49] * 1000, q[98] * 1000, n, 1000 * client_cpu / n, 1000 * server_cpu / n)


def _answer(status: int, body: bytes) -> dict[str, Any]:
    if status != 200:
        raise SystemExit(f"the service answered {status}: {body[:300]!r}")
    answer: dict[str, Any] = json.loads(body)
    return answer


async def over_http(base: str, setup: Setup, seconds: float, pin: bool, server: list[int]) -> dict[str, Load]:
    """Sign and verify phases on ``CONCURRENCY`` keep-alive connections."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    headers = {"Authorization": f"Bearer {setup.token}"} | ({"X-Seal-PIN": PIN} if pin else {})
    loop = asyncio.get_running_loop()
    connections = [
        (await loop.create_connection(_Connection, host, int(port)))[1] for _ in range(CONCURRENCY)
    ]

    def sign(i: int) -> bytes:
        return _request("POST", f"/v1/seals/{SEAL}/sign?hash={sm3(b'http %d' % i).hex()}", headers)

    def signed(status: int, body: bytes) -> None:
        if not _answer(status, body).get("signature"):
            raise SystemExit(f"the service answered no signature: {body[:300]!r}")

    async def all_at_once(request: bytes) -> list[tuple[int, bytes]]:
        return await asyncio.gather(*(c.send(request) for c in connections))

    # warm-up: every worker decrypts its keys on its first signature
    for round_ in range(4):
        for status, body in await all_at_once(sign(-1 - round_)):
            signed(status, body)
    sample = _answer(*(await connections[0].send(sign(-(10**6)))))
    body = json.dumps({"signature": sample["signature"], "document_hash": sample["document_hash"]}).encode()
    verify_request = _request(
        "POST", "/v1/verify/seal-signature", headers | {"Content-Type": "application/json"}, body
    )

    def verified(status: int, body: bytes) -> None:
        if _answer(status, body).get("status") != "PASSED":
            raise SystemExit(f"the signature did not verify: {body[:300]!r}")

    for status, answer in await all_at_once(verify_request):
        verified(status, answer)
    try:
        return {
            "sign": await _drive(connections, sign, signed, seconds, server),
            "verify": await _drive(connections, lambda _i: verify_request, verified, seconds, server),
        }
    finally:
        for connection in connections:
            if connection.transport is not None:
                connection.transport.close()


def _run(work: Coroutine[Any, Any, dict[str, Load]]) -> dict[str, Load]:
    """On uvloop when it is installed (uvicorn's own loop here): the generator's loop costs less."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about a minute)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--pin", action="store_true", help="the grant asks for a PIN (Argon2id per request)")
    parser.add_argument("--profile", action="store_true", help="profile the in-process path")
    parser.add_argument("--store-url", help="a store to bench on (default: SQLite in a temporary home)")
    args = parser.parse_args()
    seconds = 3.0 if args.quick else 10.0
    work = Path(tempfile.mkdtemp(prefix="govnet-bench-service-"))
    setup = prepare(work, args.store_url, args.pin)

    everything = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    cpu = pin_to_one_cpu()
    reference = in_process(setup, seconds, args.pin, args.profile)
    if everything is not None:
        os.sched_setaffinity(0, everything)  # the servers and the load generator use every core

    results: dict[int, dict[str, Load]] = {}
    for workers in (1, 2):
        process, base = start_service(setup, workers, work / f"serve-{workers}.log")
        try:
            results[workers] = _run(over_http(base, setup, seconds, args.pin, _service_pids(process)))
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()

    store = "PostgreSQL" if setup.store_url.startswith("postgresql") else "SQLite"
    figures: dict[str, object] = {
        "store": store,
        "pin": args.pin,
        "cores": len(everything) if everything else None,
        "in_process_cpu": cpu,
        **{f"in_process_{k}": round(v, 1) for k, v in reference.items()},
    }
    for workers, loads in results.items():
        for kind, load in loads.items():
            per_worker = load.per_s / workers
            figures[f"w{workers}_{kind}_per_s"] = round(load.per_s, 1)
            figures[f"w{workers}_{kind}_p50_ms"] = round(load.p50_ms, 1)
            figures[f"w{workers}_{kind}_p99_ms"] = round(load.p99_ms, 1)
            figures[f"w{workers}_{kind}_ratio_per_worker"] = round(per_worker / reference[f"{kind}_per_s"], 2)
            figures[f"w{workers}_{kind}_service_cpu_ms"] = round(load.server_cpu_ms, 2)
            figures[f"w{workers}_{kind}_generator_cpu_ms"] = round(load.client_cpu_ms, 2)
            figures[f"w{workers}_{kind}_cpu_ratio"] = round(
                reference[f"{kind}_cpu_ms"] / load.server_cpu_ms, 2
            )
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"Signing service benchmark ({store}; {figures['cores']} cores; {CONCURRENCY} requests in flight; "
        f"{'PIN' if args.pin else 'no PIN'}; {'quick' if args.quick else 'full'} run)"
    )
    for kind in ("sign", "verify"):
        ref = reference[f"{kind}_per_s"]
        serial = reference[f"serial_{kind}_per_s"]
        print(
            f"  {kind}: in-process (one CPU) {ref:7.1f}/s from {CONCURRENCY} threads, "
            f"{serial:7.1f}/s from one; CPU ms/request {reference[f'{kind}_cpu_ms']:.2f}"
        )
        for workers, loads in results.items():
            load = loads[kind]
            print(
                f"    HTTP, {workers} worker(s)  {load.per_s:7.1f}/s   p50 {load.p50_ms:6.1f} ms   "
                f"p99 {load.p99_ms:6.1f} ms   per worker / in-process  ratio {load.per_s / workers / ref:.2f}"
                "\n"
                f"      CPU ms/request: service {load.server_cpu_ms:.2f}, generator {load.client_cpu_ms:.2f};"
                f" in-process / service CPU ratio {reference[f'{kind}_cpu_ms'] / load.server_cpu_ms:.2f}"
            )


if __name__ == "__main__":
    main()
