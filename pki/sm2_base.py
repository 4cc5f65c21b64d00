"""What every SM2 backend shares: curve parameters, the Z value, signature encoding, the Protocol.

Pure logic, no I/O and no backend imports, so both backends (``sm2_openssl``, ``sm2_gmssl``) and the
public facade (``sm2``) can depend on it without cycles. Nothing here touches a private scalar except
``scalar_in_range``, which only compares it.

References: GB/T 32918.1/.2-2016 (curve, signature), GB/T 32918.5 (recommended curve parameters),
GM/T 0009-2012 (user ID and the Z value, signature encoding as DER ``SEQUENCE { r INTEGER, s INTEGER }``).
"""

from __future__ import annotations

from typing import Protocol

from govnet.errors import InputError, InvalidSignature

# The recommended 256-bit curve (GB/T 32918.5-2017), y^2 = x^3 + ax + b over GF(p).
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

# GM/T 0009-2012's default user ID.
DEFAULT_ID = b"1234567812345678"

# ENTL is a 16-bit count of *bits*, so an ID can be at most 8191 bytes long.
MAX_ID_LENGTH = 0xFFFF // 8

POINT_LENGTH = 65  # 04 || x || y
SCALAR_LENGTH = 32


def scalar_in_range(d: int) -> bool:
    # d = n-1 is excluded too: signing divides by (1 + d) mod n.
    return 1 <= d <= N - 2


def check_id(id: bytes) -> bytes:
    if not isinstance(id, bytes | bytearray):
        raise InputError("SM2 user ID must be bytes")
    if len(id) > MAX_ID_LENGTH:
        raise InputError(f"SM2 user ID is {len(id)} bytes; at most {MAX_ID_LENGTH} fit in ENTL")
    return bytes(id)


def _int32(value: int) -> bytes:
    return value.to_bytes(32, "big")


def z_value_input(id: bytes, point: bytes) -> bytes:
    """ENTL || ID || a || b || xG || yG || xA || yA: what is hashed into Z (GM/T 0009, GB/T 32918.2)."""
    return (len(id) * 8).to_bytes(2, "big") + id + _int32(A) + _int32(B) + _int32(GX) + _int32(GY) + point[1:]


def is_on_curve(x: int, y: int) -> bool:
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def normalize_point(point: bytes) -> bytes:
    """Return the 65-byte uncompressed form of an SM2 public point, or raise InputError.

    Accepts 04||x||y and the compressed 02/03||x forms; rejects points off the curve and the point at
    infinity (a public key there would make every signature check meaningless).
    """
    point = bytes(point)
    if len(point) == POINT_LENGTH and point[0] == 4:
        x = int.from_bytes(point[1:33], "big")
        y = int.from_bytes(point[33:], "big")
    elif len(point) == 33 and point[0] in (2, 3):
        x = int.from_bytes(point[1:], "big")
        if x >= P:
            raise InputError("SM2 public key: x coordinate out of range")
        y = pow((x * x * x + A * x + B) % P, (P + 1) // 4, P)  # p = 3 mod 4
        if (y & 1) != (point[0] & 1):
            y = P - y
    else:
        raise InputError(
            f"SM2 public key must be 65 bytes 04||x||y or 33 bytes compressed, got {len(point)} bytes"
        )
    if not is_on_curve(x, y):
        raise InputError("SM2 public key: point is not on the SM2 curve")
    return b"\x04" + _int32(x) + _int32(y)


# --- signatures: DER SEQUENCE { r INTEGER, s INTEGER }, raw r||s accepted on input -----------------


def _der_integer(value: int) -> bytes:
    body = value.to_bytes((value.bit_length() + 8) // 8, "big")  # +8: room for a 0 sign byte
    return b"\x02" + bytes([len(body)]) + body


def encode_signature(r: int, s: int) -> bytes:
    body = _der_integer(r) + _der_integer(s)
    return b"\x30" + bytes([len(body)]) + body


def _parse_der_integer(data: bytes, pos: int) -> tuple[int, int] | None:
    if pos + 2 > len(data) or data[pos] != 0x02:
        return None
    length = data[pos + 1]
    start, end = pos + 2, pos + 2 + length
    if length == 0 or length > 33 or end > len(data):
        return None
    body = data[start:end]
    if body[0] & 0x80:  # negative
        return None
    if length > 1 and body[0] == 0 and not body[1] & 0x80:  # not minimal
        return None
    return int.from_bytes(body, "big"), end


def _parse_der_signature(sig: bytes) -> tuple[int, int] | None:
    # Strict DER: r and s are below 2^256, so every length fits the short form.
    if len(sig) < 8 or sig[0] != 0x30 or sig[1] != len(sig) - 2:
        return None
    first = _parse_der_integer(sig, 2)
    if first is None:
        return None
    r, pos = first
    second = _parse_der_integer(sig, pos)
    if second is None:
        return None
    s, end = second
    if end != len(sig):
        return None
    return r, s


def decode_signature(sig: bytes) -> tuple[int, int]:
    """(r, s) from strict DER or raw 64-byte r||s; InvalidSignature when neither, or out of range."""
    sig = bytes(sig)
    parsed = _parse_der_signature(sig)
    if parsed is None and len(sig) == 64:
        parsed = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if parsed is None:
        raise InvalidSignature("SM2 signature is neither DER SEQUENCE{r, s} nor 64-byte r||s")
    r, s = parsed
    if not (1 <= r < N and 1 <= s < N):
        raise InvalidSignature("SM2 signature values out of range")
    return r, s


def canonical_signature(sig: bytes) -> bytes:
    """The DER form of ``sig`` (DER or raw r||s), range-checked."""
    return encode_signature(*decode_signature(sig))


# --- the backend contract ----------------------------------------------------------------------


class BackendPrivateKey(Protocol):
    def public_point(self) -> bytes:
        """65-byte uncompressed public point."""
        ...

    def secret_scalar(self) -> int: ...

    def sign(self, data: bytes, id: bytes) -> bytes:
        """DER signature over SM3(Z(id, P) || data)."""
        ...

    def sign_hash(self, e: bytes) -> bytes:
        """DER signature over a precomputed 32-byte e (GM/T 0029's sign-a-hash operation)."""
        ...


class BackendPublicKey(Protocol):
    def verify(self, signature_der: bytes, data: bytes, id: bytes) -> bool: ...

    def verify_hash(self, signature_der: bytes, e: bytes) -> bool: ...


class Sm2Backend(Protocol):
    """An SM2 implementation. Inputs are validated by the facade (``govnet.pki.sm2``) before they get here:
    scalars are in [1, n-2], points are on the curve and uncompressed, signatures are canonical DER."""

    name: str

    def generate(self) -> BackendPrivateKey: ...

    def private_key(self, d: int) -> BackendPrivateKey: ...

    def public_key(self, point: bytes) -> BackendPublicKey: ...
