"""Signing-service benchmark: seal signatures and verifications per second over HTTP, at 1 and 2
workers, beside the in-process rate of the same code path measured in the same run.

The service (`govnet serve --workers N`, uvicorn, on a store of its own) runs in its own processes;
this process drives it over loopback HTTP with ``CONCURRENCY`` requests in flight on keep-alive
connections (httpx, asyncio), as an e-seal portal would. Each phase runs for a fixed time:

- **sign**: ``POST /v1/seals/{id}/sign?hash=…`` -- bearer token checked, grant and certificate
  checked, a GB/T 38540 SES_Signature made with the escrowed key, an audit record appended and
  committed -- per second, with p50 and p99 latency;
- **verify**: ``POST /v1/verify/seal-signature`` of one of those signatures with its document hash
  (both signatures, both chains with CRLs, an audit record) per second, p50 and p99;
- **in-process**: the same calls without HTTP (``SigningService.authenticate`` then ``sign_hash`` /
  ``verify_seal_signature`` on the same store), pinned to one CPU, from ``CONCURRENCY`` threads as a
  worker runs them (so that the audit commit's fsync of one call overlaps the work of others), and
  from one thread (shown for reference: a single caller waits for every commit).
- **ratio** = HTTP rate per worker / threaded in-process rate (the aim is >= 0.6): what HTTP, the
  event loop and the thread hand-off cost. Workers are not pinned: at 1 worker, the store's and
  libcrypto's work outside the GIL runs on the second core, so the ratio can pass 1. The load
  generator shares the machine's cores with the workers, so at 2 workers on 2 cores the ratio also
  shows that competition (and on a shared, loaded machine, the other processes).

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
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from benchkit import pin_to_one_cpu

from govnet.pki.keysource import KeyInput
from govnet.pki.seal.picture import round_seal_png
from govnet.pki.seal.service import MakeSealRequest, SealService
from govnet.pki.service import IssueRequest, PkiService
from govnet.pki.sm3 import sm3
from govnet.settings import Settings, load_settings
from govnet.signing.access import Principal
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

        def sign() -> None:
            caller = service.authenticate(setup.token)
            service.sign_hash(caller, SEAL, sm3(b"%d" % next(counter)), pin=PIN if pin else None)

        def verify() -> None:
            caller = service.authenticate(setup.token)
            assert service.verify_seal_signature(caller, signature, digest).ok

        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        figures = {
            "sign_per_s": _rate(sign, seconds, CONCURRENCY),
            "verify_per_s": _rate(verify, seconds, CONCURRENCY),
            "serial_sign_per_s": _rate(sign, seconds, 1),
            "serial_verify_per_s": _rate(verify, seconds, 1),
        }
        if profiler:
            profiler.disable()
            print("\nwhere in-process signing and verifying spend their time (cumulative, top 25):")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return figures


def _rate(operation: Callable[[], object], seconds: float, threads: int) -> float:
    """Calls per second of ``operation`` from ``threads`` threads calling it back to back."""
    operation()
    stop = time.perf_counter() + seconds

    def loop() -> int:
        count = 0
        while time.perf_counter() < stop:
            operation()
            count += 1
        return count

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(lambda _: loop(), range(threads)))
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


async def _drive(request: Callable[[int], Awaitable[httpx.Response]], seconds: float) -> Load:
    """``CONCURRENCY`` loops sending requests back to back until ``seconds`` are up."""
    latencies: list[float] = []
    counter = iter(range(10**9))
    stop = time.perf_counter() + seconds

    async def loop() -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await request(next(counter))
            if response.status_code != 200:
                raise SystemExit(f"the service answered {response.status_code}: {response.text[:300]}")
            latencies.append(time.perf_counter() - started)

    start = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    return Load(len(latencies) / elapsed, q[49] * 1000, q[98] * 1000, len(latencies))


async def over_http(base: str, setup: Setup, seconds: float, pin: bool) -> dict[str, Load]:
    headers = {"Authorization": f"Bearer {setup.token}"} | ({"X-Seal-PIN": PIN} if pin else {})
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:

        async def sign(i: int) -> httpx.Response:
            return await client.post(f"/v1/seals/{SEAL}/sign", params={"hash": sm3(b"http %d" % i).hex()})

        # warm-up: every worker decrypts its keys on its first signature
        await asyncio.gather(*(sign(-1 - i) for i in range(4 * CONCURRENCY)))
        sample = (await sign(-(10**6))).json()
        body = {"signature": sample["signature"], "document_hash": sample["document_hash"]}

        async def verify(_i: int) -> httpx.Response:
            return await client.post("/v1/verify/seal-signature", json=body)

        await asyncio.gather(*(verify(i) for i in range(CONCURRENCY)))
        return {"sign": await _drive(sign, seconds), "verify": await _drive(verify, seconds)}


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
            results[workers] = asyncio.run(over_http(base, setup, seconds, args.pin))
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
            f"{serial:7.1f}/s from one"
        )
        for workers, loads in results.items():
            load = loads[kind]
            print(
                f"    HTTP, {workers} worker(s)  {load.per_s:7.1f}/s   p50 {load.p50_ms:6.1f} ms   "
                f"p99 {load.p99_ms:6.1f} ms   per worker / in-process  ratio {load.per_s / workers / ref:.2f}"
            )


if __name__ == "__main__":
    main()
