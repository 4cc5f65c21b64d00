"""SM2 through OpenSSL's libcrypto, called with ctypes: the fast, constant-time backend.

We load the very libcrypto that Python's ``ssl`` module already has in the process (found in
/proc/self/maps after importing ``_ssl``, else via ``ctypes.util.find_library``) and check that its
version is the one ``ssl.OPENSSL_VERSION_NUMBER`` reports, so there is exactly one OpenSSL in play.

Key objects are parsed once into an ``EVP_PKEY`` (from DER we build: PKCS#8 for private keys,
SubjectPublicKeyInfo for public keys; both paths work on OpenSSL 1.1.1 and 3.x) and shared read-only
between threads.

Signing is split the way GB/T 32918.2 defines it: Z = SM3(ENTL || ID || a || b || G || P) depends only
on the key and the ID, so it is computed once per (key, ID) and kept; each signature then hashes
e = SM3(Z || M) (hashlib's SM3, on the same libcrypto, continuing from a state that has absorbed Z)
and has libcrypto sign e with EVP_PKEY_sign (its constant-time SM2 code, the same
that EVP_DigestSign ends in). Each thread keeps its own EVP_PKEY_CTX per key, initialised once, so a
signature costs two foreign calls -- less per call than the EVP_DigestSignInit + EVP_DigestSign loop
of ``openssl speed sm2``. The Z computation is checked against libcrypto's own (EVP_DigestSign with
EVP_PKEY_CTX_set1_id, which ``openssl pkeyutl -pkeyopt distid:`` uses) by the interop tests.
ctypes drops the GIL during these calls.

Errors are translated into govnet's own and never carry key bytes; the OpenSSL error queue is
drained after every failure so that stale entries do not leak into unrelated calls.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import ssl
import threading
from collections.abc import Callable
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_size_t, c_ulong, c_void_p
from functools import cache
from typing import Any

from asn1crypto import keys as asn1_keys

from govnet.errors import InputError, UnsupportedAlgorithm
from govnet.pki.sm2_base import SCALAR_LENGTH, N, encode_signature, z_value_input
from govnet.pki.sm3 import sm3

_CFunc = Callable[..., Any]  # a ctypes foreign function with restype/argtypes set

EVP_PKEY_EC = 408
EVP_PKEY_SM2 = 1172

# DER prefixes for the structures we hand to d2i_*; the variable part (scalar or point) follows.
# PrivateKeyInfo { 0, { id-ecPublicKey, sm2 }, OCTET STRING ECPrivateKey { 1, OCTET STRING d } }
# (no public key inside: libcrypto derives it).
_PKCS8_PREFIX = bytes.fromhex("3041020100301306072a8648ce3d020106082a811ccf5501822d042730250201010420")
# SubjectPublicKeyInfo { { id-ecPublicKey, sm2 }, BIT STRING 04||x||y }
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")


class _Lib:
    """libcrypto's functions with their C signatures, plus the version-dependent bits."""

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        self.path = path
        self.version_num = _fn(lib, "OpenSSL_version_num", c_ulong, [])()
        self.ERR_clear_error = _fn(lib, "ERR_clear_error", None, [])
        self.EVP_PKEY_free = _fn(lib, "EVP_PKEY_free", None, [c_void_p])
        self.d2i_AutoPrivateKey = _fn(
            lib, "d2i_AutoPrivateKey", c_void_p, [c_void_p, POINTER(c_char_p), c_long]
        )
        self.d2i_PUBKEY = _fn(lib, "d2i_PUBKEY", c_void_p, [c_void_p, POINTER(c_char_p), c_long])
        self.i2d_PrivateKey = _fn(lib, "i2d_PrivateKey", c_int, [c_void_p, POINTER(c_void_p)])
        self.i2d_PUBKEY = _fn(lib, "i2d_PUBKEY", c_int, [c_void_p, POINTER(c_void_p)])
        self.CRYPTO_free = _fn(lib, "CRYPTO_free", None, [c_void_p, c_char_p, c_int])
        self.OPENSSL_cleanse = _fn(lib, "OPENSSL_cleanse", None, [c_void_p, c_size_t])
        self.EVP_PKEY_CTX_new = _fn(lib, "EVP_PKEY_CTX_new", c_void_p, [c_void_p, c_void_p])
        self.EVP_PKEY_CTX_free = _fn(lib, "EVP_PKEY_CTX_free", None, [c_void_p])
        self.EVP_sm3 = _fn(lib, "EVP_sm3", c_void_p, [])
        self.EVP_PKEY_sign_init = _fn(lib, "EVP_PKEY_sign_init", c_int, [c_void_p])
        self.EVP_PKEY_sign = _fn(
            lib, "EVP_PKEY_sign", c_int, [c_void_p, c_char_p, POINTER(c_size_t), c_char_p, c_size_t]
        )
        self.EVP_PKEY_verify_init = _fn(lib, "EVP_PKEY_verify_init", c_int, [c_void_p])
        self.EVP_PKEY_verify = _fn(
            lib, "EVP_PKEY_verify", c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t]
        )
        # OpenSSL 3 exports EVP_PKEY_is_a; 1.1.1 has EVP_PKEY_id, and EVP_PKEY_set_alias_type to turn
        # an EC key on the SM2 curve into an SM2 one.
        self.EVP_PKEY_is_a = (
            _fn(lib, "EVP_PKEY_is_a", c_int, [c_void_p, c_char_p]) if hasattr(lib, "EVP_PKEY_is_a") else None
        )
        get_id_name = "EVP_PKEY_get_id" if hasattr(lib, "EVP_PKEY_get_id") else "EVP_PKEY_id"
        self.EVP_PKEY_get_id = _fn(lib, get_id_name, c_int, [c_void_p])
        self.EVP_PKEY_set_alias_type = (
            _fn(lib, "EVP_PKEY_set_alias_type", c_int, [c_void_p, c_int])
            if hasattr(lib, "EVP_PKEY_set_alias_type")
            else None
        )
        self.EVP_PKEY_CTX_new_from_name = (
            _fn(lib, "EVP_PKEY_CTX_new_from_name", c_void_p, [c_void_p, c_char_p, c_char_p])
            if hasattr(lib, "EVP_PKEY_CTX_new_from_name")
            else None
        )
        self.EVP_PKEY_keygen_init = _fn(lib, "EVP_PKEY_keygen_init", c_int, [c_void_p])
        self.EVP_PKEY_keygen = _fn(lib, "EVP_PKEY_keygen", c_int, [c_void_p, POINTER(c_void_p)])
        self.sm3 = self.EVP_sm3()


def _fn(lib: ctypes.CDLL, name: str, restype: object, argtypes: list[object]) -> _CFunc:
    func = getattr(lib, name)
    func.restype = restype
    func.argtypes = argtypes
    return func


# The system's own file name. Wheels that bundle OpenSSL (psycopg-binary, for one) rename their copy
# (libcrypto-3a0647ea.so.3) and may be mapped into the process too: those are not what _ssl uses.
_SYSTEM_LIBCRYPTO = re.compile(r"libcrypto\.so(\.\d+)*$")


def _loaded_libcrypto_paths() -> list[str]:
    """The system libcrypto(s) mapped into this process once Python's _ssl extension is loaded."""
    import _ssl  # noqa: F401  (loads libssl and libcrypto into the process)

    found: list[str] = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rsplit(" ", 1)[-1].strip()
                if _SYSTEM_LIBCRYPTO.search(os.path.basename(path)) and path not in found:
                    found.append(path)
    except OSError:  # no /proc (not Linux): find_library below
        pass
    return found


@cache
def _load() -> _Lib:
    """Load libcrypto once; UnsupportedAlgorithm when it is missing or not the one ssl uses."""
    candidates = [*_loaded_libcrypto_paths(), *filter(None, [ctypes.util.find_library("crypto")])]
    problems: list[str] = []
    for path in candidates:
        try:
            lib = _Lib(path)
        except (OSError, AttributeError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        # Compare major.minor.fix (the top 20 bits); the patch/status nibbles may differ in builds.
        if lib.version_num >> 12 != ssl.OPENSSL_VERSION_NUMBER >> 12:
            problems.append(f"{path}: version {lib.version_num:#x} is not ssl's {ssl.OPENSSL_VERSION}")
            continue
        if not lib.sm3:
            problems.append(f"{path}: built without SM3")
            continue
        return lib
    raise UnsupportedAlgorithm("no usable libcrypto for SM2: " + ("; ".join(problems) or "none found"))


class _Pkey:
    """Owns one EVP_PKEY* and frees it when collected."""

    __slots__ = ("_lib", "ptr")

    def __init__(self, lib: _Lib, ptr: int) -> None:
        self._lib = lib
        self.ptr = ptr

    def __del__(self) -> None:
        if self.ptr:
            self._lib.EVP_PKEY_free(self.ptr)
            self.ptr = 0


def _as_sm2(lib: _Lib, ptr: int, what: str) -> _Pkey:
    pkey = _Pkey(lib, ptr)
    if lib.EVP_PKEY_is_a is not None:  # OpenSSL 3: keys from providers have no legacy type id
        if lib.EVP_PKEY_is_a(ptr, b"SM2") != 1:
            raise UnsupportedAlgorithm(f"libcrypto did not load the {what} as an SM2 key")
        return pkey
    key_type = lib.EVP_PKEY_get_id(ptr)
    if key_type == EVP_PKEY_EC and lib.EVP_PKEY_set_alias_type is not None:  # OpenSSL 1.1.1
        if lib.EVP_PKEY_set_alias_type(ptr, EVP_PKEY_SM2) != 1:
            lib.ERR_clear_error()
            raise UnsupportedAlgorithm(f"libcrypto cannot use an {what} as SM2")
        key_type = EVP_PKEY_SM2
    if key_type != EVP_PKEY_SM2:
        raise UnsupportedAlgorithm(f"libcrypto loaded the {what} as key type {key_type}, not SM2")
    return pkey


def _i2d(lib: _Lib, func: _CFunc, ptr: int) -> bytes:
    out = c_void_p()
    length = func(ptr, byref(out))
    if length <= 0 or not out.value:
        lib.ERR_clear_error()
        raise UnsupportedAlgorithm("libcrypto could not encode an SM2 key")
    try:
        return ctypes.string_at(out.value, length)
    finally:
        lib.OPENSSL_cleanse(out.value, length)
        lib.CRYPTO_free(out.value, None, 0)


# Distinct IDs whose Z a key remembers; more are recomputed (IDs can come from untrusted input).
_Z_CACHE_SIZE = 16


def _sm3_hasher() -> Any:
    """hashlib's SM3: the same libcrypto (Python's _hashlib links it), and the cheapest per call."""
    try:
        return hashlib.new("sm3")
    except ValueError:
        raise UnsupportedAlgorithm("Python's hashlib (libcrypto) has no SM3") from None


class _Operation:
    """One thread's EVP_PKEY_CTX for one key, initialised once for signing or verifying.
    Freed when its key object or its thread goes away."""

    __slots__ = ("lib", "pctx")

    def __init__(self, lib: _Lib, pkey: _Pkey, init: _CFunc) -> None:
        self.lib = lib
        self.pctx = lib.EVP_PKEY_CTX_new(pkey.ptr, None) or 0
        if not self.pctx or init(self.pctx) != 1:
            lib.ERR_clear_error()
            raise UnsupportedAlgorithm("libcrypto could not set up an SM2 operation")

    def __del__(self) -> None:
        if self.pctx:
            self.lib.EVP_PKEY_CTX_free(self.pctx)
        self.pctx = 0


class _KeyBase:
    """What private and public keys share: the EVP_PKEY, per-thread operations, the Z cache."""

    __slots__ = ("_lib", "_local", "_pkey", "_point", "_z")
    _init_name = ""

    def __init__(self, lib: _Lib, pkey: _Pkey, point: bytes) -> None:
        self._lib = lib
        self._pkey = pkey
        self._point = point
        self._local = threading.local()
        self._z: dict[bytes, Any] = {}

    def _operation(self) -> _Operation:
        operation: _Operation | None = getattr(self._local, "operation", None)
        if operation is None:
            operation = _Operation(self._lib, self._pkey, getattr(self._lib, self._init_name))
            self._local.operation = operation
        return operation

    def _e(self, id: bytes, data: bytes) -> bytes:
        """e = SM3(Z || M), from an SM3 state that has absorbed Z (kept per ID)."""
        prefix = self._z.get(id)
        if prefix is None:
            prefix = _sm3_hasher()
            prefix.update(sm3(z_value_input(id, self._point)))
            if len(self._z) >= _Z_CACHE_SIZE:
                self._z.clear()
            self._z[id] = prefix
        state = prefix.copy()
        state.update(data)
        return state.digest()

    def _failed(self, what: str) -> UnsupportedAlgorithm:
        self._lib.ERR_clear_error()
        self._local.operation = None  # do not reuse a context in an unknown state
        return UnsupportedAlgorithm(f"libcrypto failed to {what}")


class OpensslPrivateKey(_KeyBase):
    # Shared read-only between threads: the EVP_PKEY is never modified after it is built.
    __slots__ = ()
    _init_name = "EVP_PKEY_sign_init"

    def __init__(self, lib: _Lib, pkey: _Pkey) -> None:
        spki = _i2d(lib, lib.i2d_PUBKEY, pkey.ptr)
        super().__init__(lib, pkey, bytes(asn1_keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]))

    def __repr__(self) -> str:
        return "<OpensslPrivateKey>"

    def public_point(self) -> bytes:
        return self._point

    def secret_scalar(self) -> int:
        # i2d_PrivateKey writes SEC1 ECPrivateKey for EC/SM2 keys.
        sec1 = _i2d(self._lib, self._lib.i2d_PrivateKey, self._pkey.ptr)
        return int(asn1_keys.ECPrivateKey.load(sec1)["private_key"].native)

    def sign(self, data: bytes, id: bytes) -> bytes:
        return self.sign_hash(self._e(id, data))

    def sign_hash(self, e: bytes) -> bytes:
        """DER signature over a precomputed 32-byte e = SM3(Z || M)."""
        operation = self._operation()
        signature = ctypes.create_string_buffer(80)  # DER of two 256-bit integers is at most 72 bytes
        length = c_size_t(len(signature))
        if self._lib.EVP_PKEY_sign(operation.pctx, signature, byref(length), e, 32) != 1:
            raise self._failed("make an SM2 signature")
        return signature.raw[: length.value]


class OpensslPublicKey(_KeyBase):
    __slots__ = ()
    _init_name = "EVP_PKEY_verify_init"

    def verify(self, signature_der: bytes, data: bytes, id: bytes) -> bool:
        return self.verify_hash(signature_der, self._e(id, data))

    def verify_hash(self, signature_der: bytes, e: bytes) -> bool:
        operation = self._operation()
        result = self._lib.EVP_PKEY_verify(operation.pctx, signature_der, len(signature_der), e, 32)
        if result == 1:
            return True
        # 0 is a bad signature; a negative value is an error (malformed DER ends up here too).
        self._lib.ERR_clear_error()
        return False


class OpensslBackend:
    name = "openssl"

    def __init__(self) -> None:
        self._lib = _load()

    @property
    def library_path(self) -> str:
        return self._lib.path

    def _private_from_der(self, der: bytes) -> OpensslPrivateKey:
        lib = self._lib
        cursor = c_char_p(der)
        ptr = lib.d2i_AutoPrivateKey(None, byref(cursor), len(der))
        if not ptr:
            lib.ERR_clear_error()
            raise UnsupportedAlgorithm("libcrypto rejected an SM2 private key (is SM2 compiled in?)")
        return OpensslPrivateKey(lib, _as_sm2(lib, ptr, "SM2 private key"))

    def private_key(self, d: int) -> OpensslPrivateKey:
        if not 1 <= d <= N - 2:
            raise InputError("SM2 secret scalar out of range")
        # Python cannot wipe its ints and bytes; after this the key lives in libcrypto's memory.
        return self._private_from_der(_PKCS8_PREFIX + d.to_bytes(SCALAR_LENGTH, "big"))

    def generate(self) -> OpensslPrivateKey:
        lib = self._lib
        if lib.EVP_PKEY_CTX_new_from_name is None:  # OpenSSL 1.1.1: a uniform scalar from the OS
            import secrets

            return self.private_key(secrets.randbelow(N - 2) + 1)
        ctx = lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
        out = c_void_p()
        try:
            ok = (
                bool(ctx) and lib.EVP_PKEY_keygen_init(ctx) == 1 and lib.EVP_PKEY_keygen(ctx, byref(out)) == 1
            )
        finally:
            lib.EVP_PKEY_CTX_free(ctx)
        if not ok or not out.value:
            lib.ERR_clear_error()
            raise UnsupportedAlgorithm("libcrypto failed to generate an SM2 key")
        return OpensslPrivateKey(lib, _as_sm2(lib, out.value, "SM2 private key"))

    def public_key(self, point: bytes) -> OpensslPublicKey:
        lib = self._lib
        der = _SPKI_PREFIX + point
        cursor = c_char_p(der)
        ptr = lib.d2i_PUBKEY(None, byref(cursor), len(der))
        if not ptr:
            lib.ERR_clear_error()
            raise InputError("libcrypto rejected an SM2 public key")
        return OpensslPublicKey(lib, _as_sm2(lib, ptr, "SM2 public key"), point)


_probe_lock = threading.Lock()


# GB/T 32918.2's example (private key, message, ID and the signature its fixed k gives).
_VECTOR_D = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
_VECTOR_SIGNATURE = encode_signature(
    0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3,
    0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA,
)


@cache
def _probe() -> str | None:
    """None when libcrypto signs and verifies SM2 correctly; else why not. Runs the standard's vector
    (which checks our Z as well as libcrypto's arithmetic) and a fresh sign/verify round."""
    message, id = b"message digest", b"1234567812345678"
    try:
        backend = OpensslBackend()
        key = backend.private_key(_VECTOR_D)
        public = backend.public_key(key.public_point())
        if not public.verify(_VECTOR_SIGNATURE, message, id):
            return "the GB/T 32918 example signature does not verify through libcrypto"
        signature = key.sign(message, id)
        if not public.verify(signature, message, id) or public.verify(signature, message + b"!", id):
            return "libcrypto's SM2 sign/verify round trip is wrong"
    except (UnsupportedAlgorithm, InputError) as exc:
        return str(exc)
    return None


def libcrypto_sm2_problem() -> str | None:
    with _probe_lock:
        return _probe()


def libcrypto_has_sm2() -> bool:
    """Whether libcrypto implements SM2 with SM3 and IDs (checked once, with a real sign and verify)."""
    return libcrypto_sm2_problem() is None
