"""SNMPv3 User-based Security Model crypto (RFC 3414, RFC 3826, RFC 7860): keys, digests, privacy.

Passwords become keys with the RFC 3414 A.2 algorithm (one megabyte of password hashed), then are
localised to each device's snmpEngineID. The megabyte hash is cached per (password, hash) because
a lab of a thousand devices usually shares a handful of passwords; localisation is one more hash.

Supported: authentication MD5, SHA-1, SHA-224/256/384/512 (HMAC-MD5-96, HMAC-SHA-96, RFC 7860);
privacy DES (CBC), AES-128 (CFB, RFC 3826), AES-192/256 with either key extension found in the
field (Blumenthal draft, used by Net-SNMP; Reeder draft, used by Cisco).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from govnet.errors import InputError

HashFactory = Callable[..., Any]


@dataclass(frozen=True)
class AuthProtocol:
    name: str
    hash: HashFactory
    mac_length: int  # bytes of the HMAC sent in msgAuthenticationParameters


AUTH_PROTOCOLS: dict[str, AuthProtocol] = {
    "md5": AuthProtocol("md5", hashlib.md5, 12),
    "sha": AuthProtocol("sha", hashlib.sha1, 12),
    "sha1": AuthProtocol("sha", hashlib.sha1, 12),
    "sha224": AuthProtocol("sha224", hashlib.sha224, 16),
    "sha256": AuthProtocol("sha256", hashlib.sha256, 24),
    "sha384": AuthProtocol("sha384", hashlib.sha384, 32),
    "sha512": AuthProtocol("sha512", hashlib.sha512, 48),
}

# priv name -> (cipher, key bytes, key extension)
PRIV_PROTOCOLS: dict[str, tuple[str, int, str]] = {
    "des": ("des", 16, ""),  # 8 key bytes + 8 pre-IV bytes
    "aes": ("aes", 16, ""),
    "aes128": ("aes", 16, ""),
    "aes192": ("aes", 24, "blumenthal"),
    "aes256": ("aes", 32, "blumenthal"),
    "aes192c": ("aes", 24, "reeder"),
    "aes256c": ("aes", 32, "reeder"),
}

PASSWORD_EXPANSION = 1_048_576  # RFC 3414 A.2: the password is repeated to one megabyte


class UsmError(Exception):
    """A USM check failed; ``counter`` names the usmStats counter the agent reports."""

    def __init__(self, counter: str) -> None:
        super().__init__(counter)
        self.counter = counter


def auth_protocol(name: str) -> AuthProtocol:
    try:
        return AUTH_PROTOCOLS[name.lower()]
    except KeyError:
        raise InputError(
            f"unknown SNMPv3 auth protocol {name!r}; supported: {', '.join(sorted(AUTH_PROTOCOLS))}"
        ) from None


def priv_protocol(name: str) -> tuple[str, int, str]:
    try:
        return PRIV_PROTOCOLS[name.lower()]
    except KeyError:
        raise InputError(
            f"unknown SNMPv3 privacy protocol {name!r}; supported: {', '.join(sorted(PRIV_PROTOCOLS))}"
        ) from None


@lru_cache(maxsize=256)
def password_to_key(password: str, hash_name: str) -> bytes:
    """RFC 3414 A.2: hash the password repeated to one megabyte (Ku)."""
    if not password:
        raise InputError("an SNMPv3 password must not be empty")
    return password_to_key_bytes(password.encode(), hash_name)


def localize(ku: bytes, engine_id: bytes, hash_factory: HashFactory) -> bytes:
    return hash_factory(ku + engine_id + ku).digest()


@dataclass(frozen=True)
class LocalizedUser:
    """One USM user's keys localised to one engine: what the agent needs per request."""

    name: bytes
    auth: AuthProtocol | None
    auth_key: bytes
    priv_cipher: str  # "" (no privacy), "des" or "aes"
    priv_key: bytes

    @property
    def level(self) -> int:
        """0 noAuthNoPriv, 1 authNoPriv, 3 authPriv (the msgFlags bits)."""
        return (1 if self.auth else 0) | (2 if self.priv_cipher else 0)


def localize_user(
    name: str,
    auth_name: str | None,
    auth_password: str | None,
    priv_name: str | None,
    priv_password: str | None,
    engine_id: bytes,
) -> LocalizedUser:
    if not auth_name:
        return LocalizedUser(name.encode(), None, b"", "", b"")
    auth = auth_protocol(auth_name)
    if not auth_password:
        raise InputError(f"SNMPv3 user {name!r}: an auth protocol needs an auth password")
    auth_key = localize(password_to_key(auth_password, auth.name), engine_id, auth.hash)
    if not priv_name:
        return LocalizedUser(name.encode(), auth, auth_key, "", b"")
    cipher, size, extension = priv_protocol(priv_name)
    if not priv_password:
        raise InputError(f"SNMPv3 user {name!r}: a privacy protocol needs a privacy password")
    ku = password_to_key(priv_password, auth.name)
    key = localize(ku, engine_id, auth.hash)
    while len(key) < size:
        if extension == "reeder":  # repeat the whole password-to-key step on the key so far
            key += localize(password_to_key_bytes(key, auth.name), engine_id, auth.hash)
        else:  # Blumenthal: append the hash of the key so far
            key += auth.hash(key).digest()
    return LocalizedUser(name.encode(), auth, auth_key, cipher, key[:size])


def password_to_key_bytes(raw: bytes, hash_name: str) -> bytes:
    expanded = (raw * (PASSWORD_EXPANSION // len(raw) + 1))[:PASSWORD_EXPANSION]
    return AUTH_PROTOCOLS[hash_name].hash(expanded).digest()


# ---------------------------------------------------------------- digests


def sign(user: LocalizedUser, whole_message: bytes) -> bytes:
    """The truncated HMAC over a message whose auth parameters are zero-filled placeholders."""
    assert user.auth is not None
    return hmac.new(user.auth_key, whole_message, user.auth.hash).digest()[: user.auth.mac_length]


def verify(user: LocalizedUser, message: bytes, mac_start: int, mac_end: int) -> None:
    assert user.auth is not None
    if mac_end - mac_start != user.auth.mac_length:
        raise UsmError("usmStatsWrongDigests")
    received = message[mac_start:mac_end]
    zeroed = message[:mac_start] + bytes(mac_end - mac_start) + message[mac_end:]
    if not hmac.compare_digest(sign(user, zeroed), received):
        raise UsmError("usmStatsWrongDigests")


# ---------------------------------------------------------------- privacy


def decrypt(user: LocalizedUser, boots: int, time: int, salt: bytes, data: bytes) -> bytes:
    if user.priv_cipher == "aes":
        if len(salt) != 8:
            raise UsmError("usmStatsDecryptionErrors")
        iv = boots.to_bytes(4, "big") + time.to_bytes(4, "big") + salt
        d = Cipher(algorithms.AES(user.priv_key), CFB(iv)).decryptor()
        return d.update(data) + d.finalize()
    if len(salt) != 8 or len(data) % 8:
        raise UsmError("usmStatsDecryptionErrors")
    iv = bytes(a ^ b for a, b in zip(user.priv_key[8:16], salt, strict=True))
    d = Cipher(TripleDES(user.priv_key[:8] * 3), modes.CBC(iv)).decryptor()
    return d.update(data) + d.finalize()


def encrypt(
    user: LocalizedUser, boots: int, time: int, salt_counter: int, data: bytes
) -> tuple[bytes, bytes]:
    """Return (ciphertext, msgPrivacyParameters) for a response."""
    if user.priv_cipher == "aes":
        salt = (salt_counter % 2**64).to_bytes(8, "big")
        iv = boots.to_bytes(4, "big") + time.to_bytes(4, "big") + salt
        e = Cipher(algorithms.AES(user.priv_key), CFB(iv)).encryptor()
        return e.update(data) + e.finalize(), salt
    salt = boots.to_bytes(4, "big") + (salt_counter % 2**32).to_bytes(4, "big")
    iv = bytes(a ^ b for a, b in zip(user.priv_key[8:16], salt, strict=True))
    padded = data + bytes(-len(data) % 8)
    e = Cipher(TripleDES(user.priv_key[:8] * 3), modes.CBC(iv)).encryptor()
    return e.update(padded) + e.finalize(), salt
