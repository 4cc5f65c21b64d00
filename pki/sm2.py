"""SM2 signatures (GB/T 32918.2-2016) with GM/T 0009 user IDs: govnet's public API.

    key = SM2PrivateKey.generate()
    signature = key.sign(b"document")                 # DER SEQUENCE{r, s}, ID 1234567812345678
    key.public_key().verify(signature, b"document")   # None, or raises InvalidSignature

The signer's ID enters the Z value, so a verifier must use the signer's ID: the GM/T 0009 default
(``DEFAULT_ID``) for certificates and signatures from the field, the EMPTY ID (``id=b""``) for what
OpenSSL 3.0's command line signs unless told otherwise.

Two backends sit behind this facade, chosen once from ``PkiSettings.sm2_backend``:
- ``openssl``: the process's libcrypto through ctypes -- fast and constant-time;
- ``gmssl``: pure Python -- slow and NOT constant-time (timing can leak key bits to an attacker who can
  time many signatures); used as the tests' independent reference, and as the fallback (with a warning)
  where libcrypto was built without SM2.
``auto`` (the default) takes openssl when it works, else gmssl. Keys remember the backend that made them.

Key objects parse their key material once and are immutable, so they can be shared between threads.
Their repr never shows secret material, and they refuse to be pickled.
"""

from __future__ import annotations

import logging
import threading
import warnings
from typing import Any

from govnet.errors import InputError, InvalidSignature, UnsupportedAlgorithm
from govnet.pki.sm2_base import (
    DEFAULT_ID,
    SCALAR_LENGTH,
    BackendPrivateKey,
    BackendPublicKey,
    N,
    Sm2Backend,
    canonical_signature,
    check_id,
    normalize_point,
    z_value_input,
)
from govnet.pki.sm3 import sm3

__all__ = [
    "DEFAULT_ID",
    "SM2PrivateKey",
    "SM2PublicKey",
    "backend_name",
    "get_backend",
    "libcrypto_has_sm2",
    "set_backend",
]

log = logging.getLogger(__name__)

BACKEND_NAMES = ("openssl", "gmssl")


class Sm2FallbackWarning(UserWarning):
    """libcrypto lacks SM2, so govnet signs with the slow, non-constant-time gmssl backend."""


def get_backend(name: str) -> Sm2Backend:
    """A backend by name ("openssl" or "gmssl"); UnsupportedAlgorithm when it cannot work here."""
    if name == "openssl":
        from govnet.pki.sm2_openssl import OpensslBackend, libcrypto_sm2_problem

        problem = libcrypto_sm2_problem()
        if problem is not None:
            raise UnsupportedAlgorithm(f"the openssl SM2 backend is unavailable: {problem}")
        return OpensslBackend()
    if name == "gmssl":
        from govnet.pki.sm2_gmssl import GmsslBackend

        return GmsslBackend()
    raise InputError(f"unknown SM2 backend {name!r}; choose one of: auto, {', '.join(BACKEND_NAMES)}")


def _select(choice: str) -> Sm2Backend:
    if choice != "auto":
        return get_backend(choice)
    from govnet.pki.sm2_openssl import libcrypto_sm2_problem

    problem = libcrypto_sm2_problem()
    if problem is None:
        return get_backend("openssl")
    message = (
        f"libcrypto cannot do SM2 ({problem}); falling back to gmssl, which is slow and NOT constant-time"
    )
    log.warning(message)
    warnings.warn(message, Sm2FallbackWarning, stacklevel=3)
    return get_backend("gmssl")


_lock = threading.Lock()
_current: Sm2Backend | None = None


def _backend() -> Sm2Backend:
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                from govnet.settings import load_settings

                _current = _select(load_settings().pki.sm2_backend)
    return _current


def set_backend(name: str | None) -> None:
    """Use backend ``name`` ("auto", "openssl", "gmssl") for keys made from now on; None: back to settings."""
    global _current
    with _lock:
        _current = None if name is None else _select(name)


def backend_name() -> str:
    """The name of the backend new keys get: "openssl" or "gmssl"."""
    return _backend().name


def _check_e(e: bytes) -> bytes:
    if not isinstance(e, bytes | bytearray) or len(e) != 32:
        raise InputError("an SM2 hash to sign (e = SM3(Z || M)) must be 32 bytes")
    return bytes(e)


def _scalar_from(d: bytes | int) -> int:
    if isinstance(d, bytes | bytearray):
        if len(d) != SCALAR_LENGTH:
            raise InputError(f"SM2 secret scalar must be {SCALAR_LENGTH} bytes, got {len(d)}")
        value = int.from_bytes(d, "big")
    elif isinstance(d, int) and not isinstance(d, bool):
        value = d
    else:
        raise InputError("SM2 secret scalar must be 32 bytes or an int")
    if not 1 <= value <= N - 2:
        raise InputError("SM2 secret scalar out of range [1, n-2]")
    return value


class SM2PublicKey:
    """An SM2 public key (a point on the curve), parsed once."""

    __slots__ = ("_impl", "_point")

    def __init__(self, point: bytes, impl: BackendPublicKey) -> None:
        # Use from_point(); this constructor trusts that ``point`` is validated and matches ``impl``.
        self._point = point
        self._impl = impl

    @classmethod
    def from_point(cls, point: bytes) -> SM2PublicKey:
        """From 65-byte 04||x||y or 33-byte compressed 02/03||x; InputError when not on the curve."""
        canonical = normalize_point(point)
        return cls(canonical, _backend().public_key(canonical))

    def point(self) -> bytes:
        """65 bytes, uncompressed: 04 || x || y."""
        return self._point

    def fingerprint(self) -> str:
        """SM3 of the uncompressed point, hex: a short, stable name for logs and tables."""
        return sm3(self._point).hex()

    def verify(self, signature: bytes, data: bytes, *, id: bytes = DEFAULT_ID) -> None:
        """Return None when ``signature`` (DER or raw 64-byte r||s) is valid for ``data`` and ``id``;
        raise InvalidSignature otherwise."""
        der = canonical_signature(signature)
        if not self._impl.verify(der, bytes(data), check_id(id)):
            raise InvalidSignature("SM2 signature does not verify")

    def z_value(self, id: bytes = DEFAULT_ID) -> bytes:
        """Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GM/T 0009): what binds ID and key."""
        return sm3(z_value_input(check_id(id), self._point))

    def hash_to_sign(self, data: bytes, *, id: bytes = DEFAULT_ID) -> bytes:
        """e = SM3(Z || data): what a signing server signs when a client sends a hash instead of data."""
        return sm3(self.z_value(id) + bytes(data))

    def verify_hash(self, signature: bytes, e: bytes) -> None:
        """Like ``verify``, for a caller-computed e = SM3(Z || M) (32 bytes); raise InvalidSignature."""
        der = canonical_signature(signature)
        if not self._impl.verify_hash(der, _check_e(e)):
            raise InvalidSignature("SM2 signature does not verify")

    def is_valid(self, signature: bytes, data: bytes, *, id: bytes = DEFAULT_ID) -> bool:
        try:
            self.verify(signature, data, id=id)
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SM2PublicKey) and other._point == self._point

    def __hash__(self) -> int:
        return hash(self._point)

    def __repr__(self) -> str:
        return f"<SM2PublicKey sm3:{self.fingerprint()[:16]}>"


class SM2PrivateKey:
    """An SM2 private key, parsed once into its backend. Never shows its secret in repr or pickles."""

    __slots__ = ("_impl", "_public")

    def __init__(self, impl: BackendPrivateKey, backend: Sm2Backend) -> None:
        # Use generate() or from_secret_scalar().
        point = impl.public_point()
        self._impl = impl
        self._public = SM2PublicKey(point, backend.public_key(point))

    @classmethod
    def generate(cls) -> SM2PrivateKey:
        backend = _backend()
        return cls(backend.generate(), backend)

    @classmethod
    def from_secret_scalar(cls, d: bytes | int) -> SM2PrivateKey:
        """From the 32-byte big-endian scalar or an int in [1, n-2]."""
        backend = _backend()
        return cls(backend.private_key(_scalar_from(d)), backend)

    def secret_scalar_bytes(self) -> bytes:
        """The 32-byte scalar d. Only for serialization (``keys``, ``keystore``): never log it."""
        return self._impl.secret_scalar().to_bytes(SCALAR_LENGTH, "big")

    def public_key(self) -> SM2PublicKey:
        return self._public

    def sign(self, data: bytes, *, id: bytes = DEFAULT_ID) -> bytes:
        """DER SEQUENCE{r, s} over e = SM3(Z || data), Z from ``id`` and the public key."""
        return self._impl.sign(bytes(data), check_id(id))

    def sign_hash(self, e: bytes) -> bytes:
        """DER SEQUENCE{r, s} over a caller-computed e = SM3(Z || M) (32 bytes): the signer trusts the
        caller to have hashed the right Z and message (``SM2PublicKey.hash_to_sign`` computes it)."""
        return self._impl.sign_hash(_check_e(e))

    def __eq__(self, other: object) -> bool:
        # The public point determines the scalar, so compare that (and no secret-dependent timing).
        return isinstance(other, SM2PrivateKey) and other._public == self._public

    def __hash__(self) -> int:
        return hash(self._public)

    def __repr__(self) -> str:
        return f"<SM2PrivateKey public=sm3:{self._public.fingerprint()[:16]}>"

    def __reduce__(self) -> Any:
        raise TypeError("SM2PrivateKey cannot be pickled; serialize it with govnet.pki.keystore")

    def __copy__(self) -> SM2PrivateKey:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> SM2PrivateKey:
        return self


def libcrypto_has_sm2() -> bool:
    """Whether the process's libcrypto can do SM2 (checked once with a real sign and verify)."""
    from govnet.pki.sm2_openssl import libcrypto_has_sm2 as has_sm2

    return has_sm2()
