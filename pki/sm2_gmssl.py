"""SM2 through the pure-Python ``gmssl`` package: the independent reference and the fallback backend.

NOT constant-time (Python big integers, a double-and-add ladder that branches on key bits) and slow
(tens of signatures a second). govnet uses it to cross-check the OpenSSL backend in tests, to run the
GB/T 32918 vector with a fixed k (libcrypto takes no k), and where libcrypto was built without SM2.

What gmssl does not do, this module does:
- the Z value for any ID (gmssl's ``sign_with_sm3`` hard-codes the default ID) is computed here;
- the nonce k comes from ``secrets`` (gmssl's own ``random_hex`` uses the non-cryptographic ``random``);
- r and s are range-checked by the facade before ``verify``; gmssl does not check them;
- the public key is set on the object directly: gmssl's constructor ``lstrip("04")``s the hex, which
  corrupts any key whose x coordinate starts with the digits 0 or 4.
"""

from __future__ import annotations

import secrets

from gmssl.sm2 import CryptSM2

from govnet.errors import InputError
from govnet.pki.sm2_base import N, decode_signature, encode_signature, z_value_input
from govnet.pki.sm3 import sm3


def _engine(private_hex: str, public_hex: str) -> CryptSM2:
    engine = CryptSM2(private_key=private_hex, public_key="")
    engine.public_key = public_hex  # 128 hex digits x||y, no 04 prefix (see module docstring)
    return engine


def digest_to_sign(point: bytes, data: bytes, id: bytes) -> bytes:
    """e = SM3(Z || M) with Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA)."""
    return sm3(sm3(z_value_input(id, point)) + data)


class GmsslPrivateKey:
    __slots__ = ("_d", "_engine", "_point")

    def __init__(self, d: int) -> None:
        self._d = d
        engine = _engine(f"{d:064x}", "")
        public_hex = engine._kg(d, engine.ecc_table["g"])
        self._point = b"\x04" + bytes.fromhex(public_hex)
        engine.public_key = public_hex
        self._engine = engine

    def __repr__(self) -> str:
        return "<GmsslPrivateKey>"

    def public_point(self) -> bytes:
        return self._point

    def secret_scalar(self) -> int:
        return self._d

    def sign_digest(self, e: bytes, k: int) -> bytes | None:
        """Sign a precomputed e with a given nonce (test vectors); None when k is unusable."""
        raw = self._engine.sign(e, f"{k:064x}")
        if raw is None:
            return None
        return encode_signature(int(raw[:64], 16), int(raw[64:], 16))

    def sign(self, data: bytes, id: bytes) -> bytes:
        return self.sign_hash(digest_to_sign(self._point, data, id))

    def sign_hash(self, e: bytes) -> bytes:
        while True:  # gmssl returns None for the (vanishingly rare) k giving r = 0, r + k = n or s = 0
            signature = self.sign_digest(e, secrets.randbelow(N - 1) + 1)
            if signature is not None:
                return signature


class GmsslPublicKey:
    __slots__ = ("_engine", "_point")

    def __init__(self, point: bytes) -> None:
        self._point = point
        self._engine = _engine("", point[1:].hex())

    def verify(self, signature_der: bytes, data: bytes, id: bytes) -> bool:
        return self.verify_hash(signature_der, digest_to_sign(self._point, data, id))

    def verify_hash(self, signature_der: bytes, e: bytes) -> bool:
        r, s = decode_signature(signature_der)
        try:
            return bool(self._engine.verify(f"{r:064x}{s:064x}", e))
        except (TypeError, ValueError):  # gmssl trips over the point at infinity in s*G + t*P
            return False


class GmsslBackend:
    name = "gmssl"

    def generate(self) -> GmsslPrivateKey:
        return GmsslPrivateKey(secrets.randbelow(N - 2) + 1)  # uniform in [1, n-2]

    def private_key(self, d: int) -> GmsslPrivateKey:
        if not 1 <= d <= N - 2:
            raise InputError("SM2 secret scalar out of range")
        return GmsslPrivateKey(d)

    def public_key(self, point: bytes) -> GmsslPublicKey:
        return GmsslPublicKey(point)
