"""The PKI's own refinements of govnet's errors, for the edges to say in their own terms."""

from __future__ import annotations

from govnet.errors import InputError


class FieldError(InputError):
    """A request field's value is refused (or missing). The message states the problem without naming
    any edge's syntax; ``field`` names the field as the service's parameter does, so the CLI can add
    its option ("… (--days)") and an HTTP API its JSON field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
