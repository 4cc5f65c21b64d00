"""The signing service's demo step: start the service on a loopback port, make a client with one
granted seal (its signer's key escrowed, a PIN asked at every use), sign a document and an OFD
through the HTTP API, verify both through it, show a refused request for a seal the client lacks, and
end with the audit chain's verification (`govnet audit verify`). Runs after the seal step, whose seal
maker makes the service's seal and whose own seal is the one the client is refused.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from govnet.errors import GovnetError, NotFoundError
from govnet.pki.seal.picture import round_seal_png
from govnet.pki.seal.service import MakeSealRequest, SealService
from govnet.pki.service import IssueRequest, PkiService
from govnet.pki.sm3 import sm3
from govnet.signing.access import Principal
from govnet.signing.service import SigningService
from govnet.store import Store

if TYPE_CHECKING:
    from fastapi import FastAPI

    from govnet.demo import DemoContext

SERVICE_SEAL = "44030000000002"
CLIENT = "demo-portal"
NOTICE = "关于开展 2026 年度政务服务事项梳理工作的通知\n示例市政务服务数据管理局\n".encode()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """uvicorn serving ``app`` on a free loopback port in a thread; its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="signing-demo", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise GovnetError("the signing service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def run(ctx: DemoContext) -> None:
    ctx.section("Signing service: an HTTP API that lets each client sign only with its own seals")
    pki_state, seal_state = ctx.state.get("pki"), ctx.state.get("seal")
    if not pki_state or not seal_state:
        ctx.failures.append("service: the PKI and seal steps left no seal maker or seal")
        return
    settings = pki_state["settings"]
    try:
        with Store.open(settings.effective_store_url) as store:
            service = SigningService(store, settings)
            _prepare(ctx, service, pki_state)
            from govnet.signing.api import create_app

            with running(create_app(service)) as base:
                ctx.console.print(f"service        listening on {base} (OpenAPI at {base}/docs)")
                _calls(ctx, service, base, str(seal_state["es_id"]))
            verdict = service.verify_audit()
            from govnet.output import render_verdict

            ctx.console.print("\n[bold]govnet audit verify[/] (expected PASSED)")
            render_verdict(ctx.console, verdict)
            if not verdict.ok:
                ctx.failures.append(f"service: the audit chain is {verdict.status.value}")
    except GovnetError as exc:
        ctx.failures.append(f"service: {exc}")


def _prepare(ctx: DemoContext, service: SigningService, pki_state: dict[str, object]) -> None:
    """The service's seal (its signer's key escrowed: the service signs server-side), a client, its
    token and its grant with a PIN -- what `govnet serve admin` does."""
    from govnet.pki.seal.demo import _holder_key

    pki = PkiService(service.store, service.settings)
    seals = SealService(service.store, service.settings)
    try:
        seal = seals.get(SERVICE_SEAL)  # an earlier run in this workdir
    except NotFoundError:
        seal = None
    admin = Principal("demo-admin", "admin")
    if seal is None:
        signer = pki.issue(
            IssueRequest(
                profile="signer",
                subject="CN=示例市政务服务数据管理局签章服务",
                key_passphrase=secrets.token_urlsafe(16),  # the holder's copy is not needed here
                escrow=True,
            )
        ).record
        seal = seals.make(
            MakeSealRequest(
                name="示例市政务服务数据管理局电子公章",
                picture=round_seal_png(),
                width_mm=42,
                height_mm=42,
                signer_serials=(signer.serial,),
                maker_serial=str(pki_state["seal_maker_serial"]),
                es_id=SERVICE_SEAL,
            ),
            _holder_key(pki_state, "seal_maker"),
        )
        signer_serial = signer.serial
        ctx.console.print(f"made seal      {seal.name} ({seal.es_id}); signer {signer_serial} escrowed")
    else:
        signer_serial = next(g.signer_serial for g in service.access.grants() if g.es_id == SERVICE_SEAL)
    pin = secrets.token_hex(3)
    if service.access.grant(CLIENT, SERVICE_SEAL) is None:
        service.add_client(admin, CLIENT, description="the city's government-services portal")
        service.add_grant(admin, CLIENT, SERVICE_SEAL, signer_serial, pin=pin)
    else:
        service.revoke_grant(admin, CLIENT, SERVICE_SEAL)
        service.add_grant(admin, CLIENT, SERVICE_SEAL, signer_serial, pin=pin)
    token = service.issue_token(admin, CLIENT)
    ctx.console.print(
        f"client         {CLIENT}: token {token.id} (shown once, stored as SHA-256), granted seal "
        f"{SERVICE_SEAL} with a PIN (stored as Argon2id)"
    )
    ctx.state["service"] = {"token": token.token, "pin": pin}


def _calls(ctx: DemoContext, service: SigningService, base: str, other_seal: str) -> None:
    import httpx

    from govnet.pki.ofd.demo import LINES
    from govnet.pki.ofd.sample import build_sample_ofd

    state = ctx.state["service"]
    headers = {"Authorization": f"Bearer {state['token']}", "X-Seal-PIN": state["pin"]}
    out = ctx.workdir / "service"
    out.mkdir(parents=True, exist_ok=True)
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        signed = client.post(f"/v1/seals/{SERVICE_SEAL}/sign", content=NOTICE)
        _expect(ctx, "sign a document", signed.status_code, 200)
        if signed.status_code != 200:
            return
        body = signed.json()
        ctx.console.print(
            f"POST /v1/seals/{SERVICE_SEAL}/sign  -> 200, SES_Signature for SM3 "
            f"{body['document_hash'][:16]}…, "
            f"audit record {body['audit_seq']}"
        )
        check = client.post(
            "/v1/verify/seal-signature",
            json={"signature": body["signature"], "document_hash": sm3(NOTICE).hex()},
        ).json()
        ctx.console.print(f"POST /v1/verify/seal-signature   -> {check['status']}")
        _expect(ctx, "verify the signature", check["status"], "PASSED")

        ofd = build_sample_ofd([LINES], title="营业执照")
        sealed = client.post(f"/v1/seals/{SERVICE_SEAL}/sign-ofd?page=1&x=130&y=60", content=ofd)
        _expect(ctx, "seal an OFD", sealed.status_code, 200)
        if sealed.status_code == 200:
            (out / "licence-sealed-by-service.ofd").write_bytes(sealed.content)
            report = client.post("/v1/verify/ofd", content=sealed.content).json()
            ctx.console.print(
                f"POST /v1/seals/{SERVICE_SEAL}/sign-ofd -> 200, {len(sealed.content)} bytes; "
                f"POST /v1/verify/ofd -> {report['status']}"
            )
            _expect(ctx, "verify the sealed OFD", report["status"], "PASSED")

        refused = client.post(f"/v1/seals/{other_seal}/sign", content=NOTICE)
        error = refused.json().get("error", {})
        ctx.console.print(
            f"POST /v1/seals/{other_seal}/sign  -> {refused.status_code} {error.get('code')}: "
            f"{error.get('message')} (a seal this client was not granted)"
        )
        _expect(ctx, "a seal the client lacks", refused.status_code, 403)


def _expect(ctx: DemoContext, what: str, got: object, expected: object) -> None:
    if got != expected:
        ctx.failures.append(f"service: {what}: got {got}, expected {expected}")
