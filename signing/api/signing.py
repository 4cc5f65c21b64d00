"""Signing, verification and reading routes: parse the request, call ``SigningService``, render."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from govnet.errors import GovnetError, InputError
from govnet.monitor.signing import Outcome
from govnet.pki import x509
from govnet.pki.cms.raw import Encoding
from govnet.pki.cms.signeddata import Style
from govnet.pki.ofd.sign import Placement
from govnet.signing.access import BearerToken, Principal
from govnet.signing.api.app import Bearer, Caller, credentials
from govnet.signing.api.errors import status_and_code
from govnet.signing.api.uploads import hash_body, read_body, spool_body
from govnet.signing.errors import ServiceError
from govnet.signing.service import SigningService
from govnet.verdict import Verdict

router = APIRouter()

PinHeader = Annotated[
    str | None, Header(alias="X-Seal-PIN", description="the grant's PIN, when it has one", max_length=64)
]
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def _service(request: Request) -> SigningService:
    return request.app.state.service


@contextmanager
def measured(request: Request, operation: str) -> Iterator[Outcome]:
    """Count the request in /metrics: ok unless the block sets otherwise or raises."""
    with request.app.state.metrics.time(operation) as outcome:
        try:
            yield outcome
        except ServiceError as exc:
            outcome.result = "error" if exc.http_status >= 500 else "refused"
            raise
        except GovnetError as exc:
            outcome.result = "error" if status_and_code(exc)[0] >= 500 else "invalid"
            raise
        if outcome.result == "error":
            outcome.result = "ok"


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{field}: not valid base64") from None


def _hex32(value: str, field: str) -> bytes:
    if not _HEX64.fullmatch(value):
        raise InputError(f"{field}: must be 64 hex digits (an SM3 hash)")
    return bytes.fromhex(value)


class Signature(BaseModel):
    signature: str = Field(description="base64 DER")
    es_id: str
    signer_serial: str
    document_hash: str | None = Field(None, description="SM3 hex of what was signed")
    audit_seq: int


class CheckOut(BaseModel):
    name: str
    status: str
    reason: str
    evidence: dict[str, Any]


class VerdictOut(BaseModel):
    subject: str
    status: Literal["PASSED", "INDETERMINATE", "FAILED"]
    checks: list[CheckOut]


def _verdict(verdict: Verdict) -> dict[str, Any]:
    return verdict.summary()


# --- seals ------------------------------------------------------------------------------------------


@router.post("/v1/seals/{es_id}/sign", tags=["sign"], response_model=Signature)
async def sign(
    es_id: str,
    request: Request,
    bearer: Bearer,
    pin: PinHeader = None,
    hash: Annotated[
        str | None, Query(description="SM3 of the document, hex; else the body is the document")
    ] = None,
    property_info: Annotated[str, Query(max_length=256)] = "",
    timestamp: Annotated[
        bool, Query(description="add an RFC 3161 time-stamp of the signature value")
    ] = False,
) -> Response:
    """A GB/T 38540 seal signature (SES_Signature v4) over the document streamed as the body, or
    over ``?hash=``."""
    service = _service(request)
    token, cert_sha256 = credentials(request, bearer)
    with measured(request, "sign"):
        who: Principal | BearerToken
        if token is not None and cert_sha256 is None and hash is not None and _HEX64.fullmatch(hash):
            # the hot path: authenticated in the signing call's own thread hop and store read
            who, digest = BearerToken(token), bytes.fromhex(hash)
        else:  # before the body is read: nobody unauthenticated streams a document in
            who = await run_in_threadpool(service.authenticate, token, cert_sha256)
            if hash is not None:
                digest = _hex32(hash, "hash")
            else:
                digest, size = await hash_body(request, service.settings.service.max_upload_bytes)
                if size == 0:
                    raise InputError("send the document as the body, or its SM3 as ?hash=")
        out = await run_in_threadpool(
            service.sign_hash, who, es_id, digest, pin=pin, property_info=property_info, time_stamp=timestamp
        )
    # rendered here, not through response_model: the dict is ours, so validating it again is waste
    return JSONResponse(
        {
            "signature": base64.b64encode(out.data).decode(),
            "es_id": out.es_id,
            "signer_serial": out.signer_serial,
            "document_hash": digest.hex(),
            "audit_seq": out.audit_seq,
        }
    )


@router.post(
    "/v1/seals/{es_id}/sign-ofd",
    tags=["sign"],
    response_class=Response,
    responses={200: {"content": {"application/ofd": {}}, "description": "the sealed OFD"}},
)
async def sign_ofd(
    es_id: str,
    request: Request,
    who: Caller,
    pin: PinHeader = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    x: Annotated[float, Query(ge=0, le=10_000)] = 130.0,
    y: Annotated[float, Query(ge=0, le=10_000)] = 60.0,
) -> Response:
    """Seal an OFD (the body) on ``page`` with the stamp's top-left corner at ``x``,``y`` mm."""
    service = _service(request)
    folder: Path = request.app.state.upload_folder
    with measured(request, "sign"):
        source = await spool_body(request, service.settings.service.max_upload_bytes, folder, ".ofd")
        output = source.with_name(source.name + ".sealed.ofd")
        try:
            result, seq = await run_in_threadpool(
                service.sign_ofd, who, es_id, source, output, pin=pin, placement=Placement(page, x, y)
            )
            data = output.read_bytes()
        finally:
            source.unlink(missing_ok=True)
            output.unlink(missing_ok=True)
    return Response(
        data,
        media_type="application/ofd",
        headers={"X-Audit-Seq": str(seq), "X-Signature-Id": str(result.signature_id)},
    )


class SealOut(BaseModel):
    es_id: str
    name: str
    kind: str | int
    vendor_id: str
    maker_serial: str
    valid_start: str
    valid_end: str
    status: str
    revoked_at: str | None
    reason: str | None
    operations: list[str] | None = Field(None, description="what the caller may do with it")
    der: str | None = Field(None, description="base64 SES_Seal (only when one seal is read)")


def _seal_out(record: Any, grant: Any, *, der: bool = False) -> dict[str, Any]:
    out = record.to_dict()
    out["operations"] = list(grant.operations) if grant is not None else None
    out["der"] = base64.b64encode(record.der).decode() if der else None
    return out


@router.get("/v1/seals", tags=["read"], response_model=list[SealOut])
def seals(request: Request, who: Caller) -> list[dict[str, Any]]:
    """The seals the caller holds grants for (an administrator: every seal)."""
    return [_seal_out(r, g) for r, g in _service(request).visible_seals(who)]


@router.get("/v1/seals/{es_id}", tags=["read"], response_model=SealOut)
def seal(es_id: str, request: Request, who: Caller) -> dict[str, Any]:
    record, grant = _service(request).seal(who, es_id)
    return _seal_out(record, grant, der=True)


@router.get("/v1/certificates/{serial}", tags=["read"])
def certificate(serial: str, request: Request, who: Caller) -> dict[str, Any]:
    """A certificate of this PKI by serial (hex), with its PEM."""
    record = _service(request).certificate(serial)
    out = record.to_dict()
    out["pem"] = record.pem.decode()
    return out


# --- verification ---------------------------------------------------------------------------------------


class SealSignatureIn(BaseModel):
    signature: str = Field(description="base64 SES_Signature (v4 or v1)", max_length=24 << 20)
    document_hash: str | None = Field(None, description="SM3 hex of the document; without it, INDETERMINATE")


@router.post("/v1/verify/seal-signature", tags=["verify"], response_model=VerdictOut)
def verify_seal_signature(body: SealSignatureIn, request: Request, who: Caller) -> dict[str, Any]:
    """Every check of a seal signature: structure, the seal maker's and signer's signatures,
    validity, chains, revocation, the document hash."""
    with measured(request, "verify") as outcome:
        digest = _hex32(body.document_hash, "document_hash") if body.document_hash else None
        verdict = _service(request).verify_seal_signature(who, _b64(body.signature, "signature"), digest)
        outcome.result = "ok" if verdict.ok else "invalid"
    return _verdict(verdict)


@router.post("/v1/verify/ofd", tags=["verify"])
async def verify_ofd(request: Request, who: Caller) -> dict[str, Any]:
    """Verify every signature in the OFD streamed as the body, reference by reference."""
    service = _service(request)
    with measured(request, "verify") as outcome:
        source = await spool_body(
            request, service.settings.service.max_upload_bytes, request.app.state.upload_folder, ".ofd"
        )
        try:
            report = await run_in_threadpool(service.verify_ofd, who, source)
        finally:
            source.unlink(missing_ok=True)
        outcome.result = "ok" if report.ok else "invalid"
    summary = report.summary()
    summary["source"] = "request body"
    return summary


# --- SM2 and SignedData ----------------------------------------------------------------------------------


class Sm2SignIn(BaseModel):
    es_id: str = Field(description="the grant whose signer's key signs")
    data: str | None = Field(
        None, description="base64 data (e = SM3(Z || data) computed here)", max_length=24 << 20
    )
    e: str | None = Field(None, description="hex e = SM3(Z || M), computed by the caller")
    encoding: Encoding = Encoding.DER


@router.post("/v1/sm2/sign", tags=["sign"], response_model=Signature)
def sm2_sign(body: Sm2SignIn, request: Request, who: Caller, pin: PinHeader = None) -> dict[str, Any]:
    """A raw SM2 signature (GM/T 0029 SignData) over data or over e."""
    with measured(request, "sign"):
        data = _b64(body.data, "data") if body.data is not None else None
        e = _hex32(body.e, "e") if body.e is not None else None
        if (data is None) == (e is None):
            raise InputError("give either data or e")
        out = _service(request).sm2_sign(who, body.es_id, data=data, e=e, pin=pin, encoding=body.encoding)
    return {
        "signature": base64.b64encode(out.data).decode(),
        "es_id": out.es_id,
        "signer_serial": out.signer_serial,
        "document_hash": None,
        "audit_seq": out.audit_seq,
    }


class Sm2VerifyIn(BaseModel):
    signature: str = Field(description="base64, DER or 64-byte r||s")
    serial: str | None = Field(None, description="a certificate of this PKI")
    certificate: str | None = Field(None, description="PEM, or base64 DER", max_length=1 << 20)
    data: str | None = Field(None, description="base64 data", max_length=24 << 20)
    e: str | None = Field(None, description="hex e")


@router.post("/v1/sm2/verify", tags=["verify"], response_model=VerdictOut)
def sm2_verify(body: Sm2VerifyIn, request: Request, who: Caller) -> dict[str, Any]:
    with measured(request, "verify") as outcome:
        cert = None
        if body.certificate is not None:
            text = body.certificate.strip()
            cert = text.encode() if text.startswith("-----BEGIN") else _b64(text, "certificate")
            x509.load_certificate(cert, "certificate")
        data = _b64(body.data, "data") if body.data is not None else None
        e = _hex32(body.e, "e") if body.e is not None else None
        if (data is None) == (e is None):
            raise InputError("give either data or e")
        verdict = _service(request).sm2_verify(
            who, _b64(body.signature, "signature"), certificate=cert, serial=body.serial, data=data, e=e
        )
        outcome.result = "ok" if verdict.ok else "invalid"
    return _verdict(verdict)


@router.post(
    "/v1/p7/sign",
    tags=["sign"],
    response_class=Response,
    responses={200: {"content": {"application/pkcs7-mime": {}}, "description": "DER SignedData"}},
)
async def p7_sign(
    request: Request,
    who: Caller,
    es_id: Annotated[str, Query(description="the grant whose signer's key signs")],
    pin: PinHeader = None,
    detached: bool = False,
    style: Style = Style.GM,
) -> Response:
    """GM/T 0010 SignedData over the body (attached, or detached)."""
    service = _service(request)
    with measured(request, "sign"):
        content = await read_body(request, service.settings.service.max_upload_bytes)
        out = await run_in_threadpool(
            service.p7_sign, who, es_id, content, pin=pin, detached=detached, style=style
        )
    return Response(
        out.data, media_type="application/pkcs7-mime", headers={"X-Audit-Seq": str(out.audit_seq)}
    )


class P7VerifyIn(BaseModel):
    signed_data: str = Field(description="base64 DER (or PEM text) SignedData", max_length=48 << 20)
    content: str | None = Field(
        None, description="base64 content of a detached signature", max_length=24 << 20
    )


@router.post("/v1/p7/verify", tags=["verify"], response_model=VerdictOut)
def p7_verify(body: P7VerifyIn, request: Request, who: Caller) -> dict[str, Any]:
    with measured(request, "verify") as outcome:
        text = body.signed_data.strip()
        der = text.encode() if text.startswith("-----BEGIN") else _b64(text, "signed_data")
        content = _b64(body.content, "content") if body.content is not None else None
        verdict = _service(request).p7_verify(who, der, content)
        outcome.result = "ok" if verdict.ok else "invalid"
    return _verdict(verdict)
