"""Password hashes of local users in a ``DeviceConfig`` (a plain password is never kept).

Format: ``$<tag>$<salt hex>$<pbkdf2-sha256 hex>``; the tag is the vendor's (``1c`` for VRP's
irreversible-cipher, ``h`` for Comware's hashed, ``8`` for IOS type 8), the hash is the same.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

_ITERATIONS = 2000  # a simulator: enough to keep hashes honest, cheap enough for 10,000 devices
_FORMAT = re.compile(r"^\$(?P<tag>[0-9a-z]{1,2})\$(?P<salt>[0-9a-f]{16})\$(?P<digest>[0-9a-f]{64})$")


def hash_password(password: str, tag: str = "1c", salt: bytes | None = None) -> str:
    salt = salt or os.urandom(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"${tag}${salt.hex()}${digest.hex()}"


def is_hash(text: str) -> bool:
    return _FORMAT.match(text) is not None


def retag(stored: str, tag: str) -> str:
    """The same hash shown with another vendor's tag."""
    m = _FORMAT.match(stored)
    return f"${tag}${m['salt']}${m['digest']}" if m else stored


def verify_password(password: str, stored: str) -> bool:
    m = _FORMAT.match(stored)
    if m is None:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(m["salt"]), _ITERATIONS)
    return hmac.compare_digest(digest.hex(), m["digest"])


def as_hash(text: str) -> str:
    """A config argument that is either a hash already or a plain password, as the stored hash.

    Stored hashes carry one tag (``1c``) whatever vendor wrote them; each dialect shows its own.
    """
    return retag(text, "1c") if is_hash(text) else hash_password(text, "1c")


def obscure(secret: str, prefix: str = "%^%#", suffix: str = "%^%#") -> str:
    """Reversible 'cipher' form for keys a device must be able to use (SNMP keys, communities).

    Real devices store these reversibly too; the lab's saved configs are written mode 0600.
    """
    import base64

    return prefix + base64.b64encode(secret.encode()).decode().rstrip("=") + suffix


def reveal(text: str, prefix: str = "%^%#", suffix: str = "%^%#") -> str:
    import base64
    import binascii

    if text.startswith(prefix) and text.endswith(suffix) and len(text) > len(prefix) + len(suffix):
        body = text[len(prefix) : len(text) - len(suffix)]
        try:
            return base64.b64decode(body + "=" * (-len(body) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError):
            return text
    return text
