"""Every failure as JSON ``{"error": {"code", "message"}}`` with a 4xx status (503 when the store or
audit log cannot be reached): govnet's errors, FastAPI's validation errors, unknown routes and
methods. A bug still answers JSON (500, code ``internal``) and never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from govnet.errors import GovnetError, InputError, NotFoundError, SecretError
from govnet.signing.errors import ServiceError
from govnet.store import StoreError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    411: "length_required",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="govnet"'} if status == 401 else None
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def status_and_code(exc: GovnetError) -> tuple[int, str]:
    if isinstance(exc, ServiceError):
        return exc.http_status, exc.code
    if isinstance(exc, NotFoundError):
        return 404, "not_found"
    if isinstance(exc, StoreError | SecretError):
        return 503, "unavailable"  # the service's own state, not the caller's input
    if isinstance(exc, InputError):
        return 400, "bad_request"
    return 422, "failed"


def _validation_message(exc: RequestValidationError) -> str:
    problems = []
    for error in exc.errors()[:5]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(problems) or "the request is not valid"


def install(app: FastAPI) -> None:
    @app.exception_handler(GovnetError)
    async def govnet_error(_request: Request, exc: GovnetError) -> JSONResponse:
        status, code = status_and_code(exc)
        if status >= 500:
            log.error("signing service: %s: %s", type(exc).__name__, exc)
            message = "the service cannot complete this now (see its log)"
        else:
            message = str(exc)
        return error_response(status, code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, ServiceError):  # FastAPI wraps what reading a JSON body raised
            return error_response(exc.__cause__.http_status, exc.__cause__.code, str(exc.__cause__))
        code = _HTTP_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, exc: Exception) -> JSONResponse:
        log.error("signing service: internal error %s", type(exc).__name__, exc_info=exc)
        return error_response(500, "internal", "internal error (logged by the service)")
