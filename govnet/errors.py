"""govnet's own exceptions: a small, flat set that every layer raises and the CLI/API render.

Backends (OpenSSL, gmssl, SQLAlchemy, netmiko, pysnmp) translate their library's errors into
these, so callers never have to know which library sits underneath. Messages must never contain
secrets (keys, passphrases, passwords): they end up in logs, terminals and HTTP responses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class GovnetError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with when this escapes a command."""

    exit_code = 1


class InputError(GovnetError):
    """The user's input (a file, an argument, a request body) is malformed or inconsistent."""

    exit_code = 2


class ConfigError(InputError):
    """Settings are missing or invalid (a config file, an environment variable)."""


class NotFoundError(GovnetError):
    """A named thing (a site, a certificate serial, a seal) does not exist."""

    exit_code = 2


class InvalidSignature(GovnetError):
    """A signature does not verify. Carries no detail about keys."""


class UnsupportedAlgorithm(GovnetError):
    """A backend cannot do what was asked (for example libcrypto built without SM2)."""


class SecretError(GovnetError):
    """A secret (passphrase, key file, credential) is missing, unreadable or too widely readable."""

    exit_code = 2


class DeviceError(GovnetError):
    """A network device (real or simulated) failed or answered something unexpected."""


@contextmanager
def hint(kind: type[GovnetError], advice: str) -> Iterator[None]:
    """Add the CLI's advice to a service's error of ``kind``.

    Services do not know which command or flag a user would type (a library caller has none), so
    their messages state the problem; the CLI wraps the call and appends how to fix it there.
    """
    try:
        yield
    except kind as exc:
        raise type(exc)(f"{exc}; {advice}") from None
