"""SM2 through OpenSSL's libcrypto, called with ctypes: the fast, constant-time backend.

We load the very libcrypto that Python's ``ssl`` module already has in the process (found in
/proc/self/maps after importing ``_ssl``, else via ``ctypes.util.find_library``) and check that its
version is the one ``ssl.OPENSSL_VERSION_NUMBER`` reports, so there is exactly one OpenSSL in play.

Key objects are parsed once into an ``EVP_PKEY`` (from DER we build: PKCS#8 for private keys,
SubjectPublicKeyInfo for public keys; both paths work on OpenSSL 1.1.1 and 3.x) and shared read-only
between threads. Each sign/verify call creates its own EVP_MD_CTX and EVP_PKEY_CTX, sets the ID with
EVP_PKEY_CTX_set1_id (GM/T 0009's Z value is computed by libcrypto) and calls EVP_DigestSign/Verify
with SM3 -- the recipe of OpenSSL's SM2(7) manual page. ctypes drops the GIL during these calls.

Errors are translated into govnet's own and never carry key bytes; the OpenSSL error queue is
drained after every failure so that stale entries do not leak into unrelated calls.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import ssl
import threading
from collections.abc import Callable
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_size_t, c_ulong, c_void_p
from functools import cache
from typing import Any

from asn1crypto import keys as asn1_keys
from govnet.pki.sm2_base import SCALAR_LENGTH, N

from govnet.errors import InputError, UnsupportedAlgorithm

_CFunc = Callable[..., Any]  # a ctypes foreign function with restype/argtypes set

EVP_PKEY_EC = 408
EVP_PKEY_SM2 = 1172
_EVP_PKEY_CTRL_SET1_ID = 0x1000 + 11  # EVP_PKEY_ALG_CTRL + 11: what the 1.1.1 macro expands to

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
        self.EVP_MD_CTX_new = _fn(lib, "EVP_MD_CTX_new", c_void_p, [])
        self.EVP_MD_CTX_free = _fn(lib, "EVP_MD_CTX_free", None, [c_void_p])
        self.EVP_MD_CTX_set_pkey_ctx = _fn(lib, "EVP_MD_CTX_set_pkey_ctx", None, [c_void_p, c_void_p])
        self.EVP_sm3 = _fn(lib, "EVP_sm3", c_void_p, [])
        self.EVP_DigestSignInit = _fn(
            lib, "EVP_DigestSignInit", c_int, [c_void_p, c_void_p, c_void_p, c_void_p, c_void_p]
        )
        self.EVP_DigestSign = _fn(
            lib, "EVP_DigestSign", c_int, [c_void_p, c_char_p, POINTER(c_size_t), c_char_p, c_size_t]
        )
        self.EVP_DigestVerifyInit = _fn(
            lib, "EVP_DigestVerifyInit", c_int, [c_void_p, c_void_p, c_void_p, c_void_p, c_void_p]
        )
        self.EVP_DigestVerify = _fn(
            lib, "EVP_DigestVerify", c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t]
        )
        # OpenSSL 3 exports these as functions; 1.1.1 has macros over EVP_PKEY_CTX_ctrl and
        # EVP_PKEY_id, plus EVP_PKEY_set_alias_type to turn an EC key into an SM2 one.
        if hasattr(lib, "EVP_PKEY_CTX_set1_id"):
            set1_id = _fn(lib, "EVP_PKEY_CTX_set1_id", c_int, [c_void_p, c_char_p, c_int])
            self.set1_id = lambda ctx, id: set1_id(ctx, id, len(id))
        else:
            ctrl = _fn(lib, "EVP_PKEY_CTX_ctrl", c_int, [c_void_p, c_int, c_int, c_int, c_int, c_char_p])
            self.set1_id = lambda ctx, id: ctrl(ctx, -1, -1, _EVP_PKEY_CTRL_SET1_ID, len(id), id)
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


def _loaded_libcrypto_path() -> str | None:
    """The libcrypto that Python's _ssl extension pulled into this process, if we can see it."""
    import _ssl  # noqa: F401  (loads libssl and libcrypto into the process)

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rsplit(" ", 1)[-1].strip()
                if "libcrypto" in os.path.basename(path) and os.path.exists(path):
                    return path
    except OSError:
        pass
    return None


@cache
def _load() -> _Lib:
    """Load libcrypto once; UnsupportedAlgorithm when it is missing or not the one ssl uses."""
    candidates = [p for p in (_loaded_libcrypto_path(), ctypes.util.find_library("crypto")) if p]
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


class _DigestContext:
    """EVP_MD_CTX ready for EVP_DigestSign/Verify with SM3 and the given ID; freed on exit.

    Entering yields the EVP_MD_CTX pointer, or 0 when any setup step failed.
    """

    __slots__ = ("_id", "_init", "_lib", "_mctx", "_pctx", "_pkey")

    def __init__(self, lib: _Lib, pkey: _Pkey, id: bytes, init: _CFunc) -> None:
        self._lib, self._pkey, self._id, self._init = lib, pkey, id, init
        self._mctx = self._pctx = 0

    def __enter__(self) -> int:
        lib = self._lib
        self._mctx = lib.EVP_MD_CTX_new() or 0
        self._pctx = lib.EVP_PKEY_CTX_new(self._pkey.ptr, None) or 0
        if not (self._mctx and self._pctx and lib.set1_id(self._pctx, self._id) > 0):
            return 0
        lib.EVP_MD_CTX_set_pkey_ctx(self._mctx, self._pctx)
        if self._init(self._mctx, None, lib.sm3, None, self._pkey.ptr) != 1:
            return 0
        return self._mctx

    def __exit__(self, *exc: object) -> None:
        # EVP_MD_CTX_set_pkey_ctx leaves ownership of the EVP_PKEY_CTX with us: free both.
        self._lib.EVP_MD_CTX_free(self._mctx or None)
        self._lib.EVP_PKEY_CTX_free(self._pctx or None)


class OpensslPrivateKey:
    __slots__ = ("_lib", "_pkey", "_point")

    def __init__(self, lib: _Lib, pkey: _Pkey) -> None:
        self._lib = lib
        self._pkey = pkey
        spki = _i2d(lib, lib.i2d_PUBKEY, pkey.ptr)
        self._point = bytes(asn1_keys.PublicKeyInfo.load(spki)["public_key"].contents[1:])

    def __repr__(self) -> str:
        return "<OpensslPrivateKey>"

    def public_point(self) -> bytes:
        return self._point

    def secret_scalar(self) -> int:
        # i2d_PrivateKey writes SEC1 ECPrivateKey for EC/SM2 keys.
        sec1 = _i2d(self._lib, self._lib.i2d_PrivateKey, self._pkey.ptr)
        return int(asn1_keys.ECPrivateKey.load(sec1)["private_key"].native)

    def sign(self, data: bytes, id: bytes) -> bytes:
        lib = self._lib
        signature = ctypes.create_string_buffer(80)  # DER of two 256-bit integers is at most 72 bytes
        length = c_size_t(len(signature))
        with _DigestContext(lib, self._pkey, id, lib.EVP_DigestSignInit) as mctx:
            ok = mctx and lib.EVP_DigestSign(mctx, signature, byref(length), data, len(data)) == 1
        if not ok:
            lib.ERR_clear_error()
            raise UnsupportedAlgorithm("libcrypto failed to make an SM2 signature")
        return signature.raw[: length.value]


class OpensslPublicKey:
    __slots__ = ("_lib", "_pkey")

    def __init__(self, lib: _Lib, pkey: _Pkey) -> None:
        self._lib = lib
        self._pkey = pkey

    def verify(self, signature_der: bytes, data: bytes, id: bytes) -> bool:
        lib = self._lib
        result = -1
        with _DigestContext(lib, self._pkey, id, lib.EVP_DigestVerifyInit) as mctx:
            if mctx:
                result = lib.EVP_DigestVerify(mctx, signature_der, len(signature_der), data, len(data))
        if result != 1:
            lib.ERR_clear_error()  # a bad signature leaves entries in the queue too
        if result < 0:
            raise UnsupportedAlgorithm("libcrypto failed to check an SM2 signature")
        return result == 1


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
        return OpensslPublicKey(lib, _as_sm2(lib, ptr, "SM2 public key"))


_probe_lock = threading.Lock()


@cache
def _probe() -> str | None:
    """None when libcrypto signs and verifies SM2 correctly; else why not."""
    try:
        backend = OpensslBackend()
        key = backend.private_key(0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8)
        public = backend.public_key(key.public_point())
        signature = key.sign(b"message digest", b"1234567812345678")
        if not public.verify(signature, b"message digest", b"1234567812345678"):
            return "libcrypto's SM2 signature did not verify"
        if public.verify(signature, b"message digesT", b"1234567812345678"):
            return "libcrypto's SM2 verified a wrong message"
    except (UnsupportedAlgorithm, InputError) as exc:
        return str(exc)
    return None


def libcrypto_sm2_problem() -> str | None:
    with _probe_lock:
        return _probe()


def libcrypto_has_sm2() -> bool:
    """Whether libcrypto implements SM2 with SM3 and IDs (checked once, with a real sign and verify)."""
    return libcrypto_sm2_problem() is None
