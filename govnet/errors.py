"""govnet's own exceptions: a small, flat set that every layer raises and the CLI/API render.

Backends (OpenSSL, gmssl, SQLAlchemy, netmiko, pysnmp) translate their library's errors into
these, so callers never have to know which library sits underneath. Messages must never contain
secrets (keys, passphrases, passwords): they end up in logs, terminals and HTTP responses.
"""

from __future__ import annotations


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
