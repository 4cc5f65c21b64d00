"""Administration under /v1/admin: clients, tokens, grants, seal revocation, the audit chain.
Only callers with the admin role; every action is audited (refusals too)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from govnet.signing.access import OPERATIONS
from govnet.signing.api.app import Caller
from govnet.signing.errors import Forbidden
from govnet.signing.service import SigningService

router = APIRouter(prefix="/v1/admin", tags=["admin"])


def _service(request: Request) -> SigningService:
    return request.app.state.service


class ClientIn(BaseModel):
    id: str = Field(max_length=64)
    role: str = Field("client", pattern="^(client|admin)$")
    description: str = Field("", max_length=500)
    cert_sha256: str | None = Field(None, description="SHA-256 hex of the client's TLS certificate (DER)")


@router.post("/clients", status_code=201)
def add_client(body: ClientIn, request: Request, who: Caller) -> dict[str, Any]:
    client = _service(request).add_client(
        who, body.id, role=body.role, description=body.description, cert_sha256=body.cert_sha256
    )
    return client.to_dict()


@router.get("/clients")
def clients(request: Request, who: Caller) -> list[dict[str, Any]]:
    return [c.to_dict() for c in _service(request).clients(who)]


@router.post("/clients/{client_id}/revoke")
def revoke_client(client_id: str, request: Request, who: Caller) -> dict[str, Any]:
    """The client and every token of it stop working at once."""
    return _service(request).revoke_client(who, client_id).to_dict()


@router.post("/clients/{client_id}/tokens", status_code=201)
def issue_token(client_id: str, request: Request, who: Caller) -> dict[str, str]:
    """A new API token; it is shown in this answer only (the service keeps its hash)."""
    issued = _service(request).issue_token(who, client_id)
    return {"id": issued.id, "client_id": issued.client_id, "token": issued.token}


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: str, request: Request, who: Caller) -> dict[str, str]:
    _service(request).revoke_token(who, token_id)
    return {"id": token_id, "status": "revoked"}


class GrantIn(BaseModel):
    client_id: str = Field(max_length=64)
    es_id: str = Field(max_length=128)
    signer_serial: str = Field(max_length=42)
    operations: list[str] = Field(default_factory=lambda: list(OPERATIONS), description=", ".join(OPERATIONS))
    pin: str | None = Field(None, min_length=4, max_length=64, description="asked at every use when set")


@router.post("/grants", status_code=201)
def add_grant(body: GrantIn, request: Request, who: Caller) -> dict[str, Any]:
    grant = _service(request).add_grant(
        who, body.client_id, body.es_id, body.signer_serial, body.operations, pin=body.pin
    )
    return grant.to_dict()


@router.get("/grants")
def grants(
    request: Request, who: Caller, client_id: Annotated[str | None, Query(max_length=64)] = None
) -> list[dict[str, Any]]:
    return [g.to_dict() for g in _service(request).grants(who, client_id)]


class GrantRef(BaseModel):
    client_id: str = Field(max_length=64)
    es_id: str = Field(max_length=128)


@router.post("/grants/revoke")
def revoke_grant(body: GrantRef, request: Request, who: Caller) -> dict[str, Any]:
    return _service(request).revoke_grant(who, body.client_id, body.es_id).to_dict()


class SealRevokeIn(BaseModel):
    reason: str = Field("unspecified", max_length=200)


@router.post("/seals/{es_id}/revoke")
def revoke_seal(es_id: str, body: SealRevokeIn, request: Request, who: Caller) -> dict[str, Any]:
    return _service(request).revoke_seal(who, es_id, body.reason).to_dict()


@router.get("/audit/verify")
def audit_verify(request: Request, who: Caller) -> dict[str, Any]:
    """The whole audit chain checked: where a record was changed, removed or reordered."""
    if not who.is_admin:
        raise Forbidden("checking the audit chain is an administrator's operation", code="admin_only")
    return _service(request).verify_audit().summary()


@router.get("/audit/records")
def audit_records(
    request: Request,
    who: Caller,
    # seq is a 32-bit INTEGER on PostgreSQL (SQLite: 64-bit): a larger number is the caller's error, not a 500
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    if not who.is_admin:
        raise Forbidden("reading the audit log is an administrator's operation", code="admin_only")
    return _service(request).audit.records(after=after, limit=limit)
