"""The FastAPI application: one ``SigningService`` per worker process, over the configured store.

``create_app(service)`` builds it (tests pass their own service); ``app_from_settings()`` is the
factory ``govnet serve`` gives uvicorn, so that every worker opens its own store connection pool.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text

from govnet import __version__
from govnet.errors import NotFoundError
from govnet.monitor.signing import SigningMetrics
from govnet.pki.service import crl_file_for
from govnet.signing.access import Principal
from govnet.signing.api import errors
from govnet.signing.api.uploads import BodyLimit, read_body
from govnet.signing.errors import Unauthenticated, Unavailable
from govnet.signing.service import SigningService

log = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False, description="An API token from `govnet serve admin token issue`")

DESCRIPTION = """govnet's signing service (GM/T 0029-style operations over HTTP): seal signatures
(GB/T 38540), sealed OFD documents, raw SM2 and GM/T 0010 SignedData, verification, seals,
certificates and CRLs. Each client signs only with the seals granted to it; every action is recorded
in an SM3-chained audit log. Errors: `{"error": {"code", "message"}}`."""


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def credentials(
    request: Request, bearer: HTTPAuthorizationCredentials | None
) -> tuple[str | None, str | None]:
    """The bearer token and the verified TLS client certificate's SHA-256 (either may be None),
    not checked yet."""
    if request.headers.get("authorization") is not None and bearer is None:
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    tls = request.scope.get("extensions", {}).get("tls", {})
    cert_sha256 = tls.get("client_cert_sha256") if isinstance(tls, dict) else None
    return (bearer.credentials if bearer else None), cert_sha256


def principal(request: Request, bearer: Bearer) -> Principal:
    """The caller, from ``Authorization: Bearer <token>`` and/or a verified TLS client certificate."""
    service: SigningService = request.app.state.service
    return service.authenticate(*credentials(request, bearer))


Caller = Annotated[Principal, Depends(principal)]


def create_app(service: SigningService, *, upload_folder: Path | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # a worker that stops signs the chain's head, so the newest records are covered too
        try:
            await run_in_threadpool(service.audit.sign_head)
        except Exception as exc:
            log.warning("audit: signing the chain head at shutdown failed: %s", type(exc).__name__)

    app = FastAPI(
        lifespan=lifespan,
        title="govnet signing service",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "sign", "description": "signing with granted seals"},
            {"name": "verify", "description": "verification, open to every client"},
            {"name": "read", "description": "seals, certificates, CRLs"},
            {"name": "admin", "description": "clients, tokens, grants: administrators only"},
            {"name": "service", "description": "health and metrics"},
        ],
    )
    app.state.service = service
    app.state.registry = CollectorRegistry()
    app.state.metrics = SigningMetrics(app.state.registry)
    folder = upload_folder or service.settings.home / "signing" / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    app.state.upload_folder = folder
    errors.install(app)
    # JSON bodies carry base64 (4/3 of the bytes) of at most an upload, plus a little
    limit = service.settings.service.max_upload_bytes
    app.add_middleware(BodyLimit, limit=limit * 4 // 3 + (1 << 20))

    from govnet.signing.api import admin, signing

    app.include_router(signing.router)
    app.include_router(admin.router)
    _service_routes(app, service)
    _pki_routes(app, service)
    return app


def _service_routes(app: FastAPI, service: SigningService) -> None:
    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, Any]:
        """Ready when the store answers."""
        try:
            with service.store.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            raise Unavailable("the store does not answer") from None
        return {
            "status": "ok",
            "version": __version__,
            "store": service.store.dialect,
            "keys": service.keys.name,
        }

    @app.get("/metrics", tags=["service"], response_class=Response)
    def metrics() -> Response:
        """Prometheus exposition of this worker's request counters and latencies."""
        return Response(generate_latest(app.state.registry), media_type=CONTENT_TYPE_LATEST)


def _pki_routes(app: FastAPI, service: SigningService) -> None:
    crl_folder = service.settings.home / "pki" / "crl"

    @app.get("/crl/{name}", tags=["read"], response_class=Response)
    def crl(name: str, request: Request) -> Response:
        """A CRL as published by `govnet pki crl`, at the URL its certificates name."""
        path = crl_file_for(str(request.url.replace(query="")), crl_folder)
        if path is None or path.parent != crl_folder or not path.name.endswith(".crl") or not path.is_file():
            raise NotFoundError(f"no CRL {name!r} is published here")
        return Response(path.read_bytes(), media_type="application/pkix-crl")

    _tsa_routes(app, service)


def _tsa_routes(app: FastAPI, service: SigningService) -> None:
    @app.post("/tsa", tags=["read"], response_class=Response)
    async def tsa(request: Request) -> Response:
        """RFC 3161: a DER TimeStampReq in, a DER TimeStampResp out (a bad request, or a PKI without a
        TSA certificate, gets a rejection)."""
        body = await read_body(request, 64 << 10)
        answer = await run_in_threadpool(lambda: service.time_stamp_response(body))
        return Response(answer, media_type="application/timestamp-reply")

    @app.post("/ocsp", tags=["read"], response_class=Response)
    async def ocsp_post(request: Request) -> Response:
        """RFC 6960: a DER OCSPRequest in, a DER OCSPResponse out (malformed: malformedRequest)."""
        body = await read_body(request, 64 << 10)
        answer = await run_in_threadpool(lambda: service.ocsp_responder().respond(body))
        return Response(answer, media_type="application/ocsp-response")

    @app.get("/ocsp/{encoded:path}", tags=["read"], response_class=Response)
    def ocsp_get(encoded: str) -> Response:
        """RFC 6960 GET: the request DER, base64 and URL-encoded, in the path."""
        try:
            body = base64.b64decode(unquote(encoded), validate=False)
        except ValueError:
            body = b""  # answered as malformedRequest
        return Response(service.ocsp_responder().respond(body), media_type="application/ocsp-response")


def app_from_settings() -> FastAPI:
    """uvicorn's factory (``--factory``): each worker opens the configured store itself."""
    from govnet.settings import load_settings
    from govnet.store import Store

    settings = load_settings()
    store = Store.open(settings.effective_store_url)
    return create_app(SigningService(store, settings))
