"""The signing service's refusals: each carries a stable ``code`` and an HTTP status, so the API maps
them once and clients can branch on the code. Messages never hold a token, PIN or key."""

from __future__ import annotations

from govnet.errors import GovnetError


class ServiceError(GovnetError):
    """A refusal with a stable code; ``http_status`` is what the API answers."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class Unauthenticated(ServiceError):
    """No credential, an unknown or revoked one, or a revoked client."""

    code = "unauthenticated"
    http_status = 401


class Forbidden(ServiceError):
    """Authenticated, but not allowed: no grant, another client's seal, an admin operation."""

    code = "forbidden"
    http_status = 403


class PinRefused(Forbidden):
    """A missing or wrong PIN (code ``pin_required`` / ``pin_invalid``), or a lock (``pin_locked``)."""

    code = "pin_invalid"


class TooLarge(ServiceError):
    code = "too_large"
    http_status = 413


class Unavailable(ServiceError):
    """The service cannot do it now (the store, the audit log, a key): nothing was handed out."""

    code = "unavailable"
    http_status = 503
