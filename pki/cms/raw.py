"""Raw SM2 signatures over data or over a hash: GM/T 0029's SignData / VerifySignedData operations.

Over data, the signer computes e = SM3(Z || M) with Z from the signer's ID and public key (GM/T 0009).
Over a hash, the caller gives e itself -- usually because it hashed a large document locally and sends
only 32 bytes to the signing server; it must have hashed Z || M, not M alone, or no verifier that
takes the data will accept the signature. ``hash_to_sign`` computes e for a caller.

Signatures come out as DER SEQUENCE{r, s} (GM/T 0009) or, on request, as 64-byte r||s; both are read.
The SM2 arithmetic is ``govnet.pki.sm2``'s.
"""

from __future__ import annotations

from enum import StrEnum

from govnet.errors import InputError, InvalidSignature
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey, SM2PublicKey
from govnet.pki.sm2_base import decode_signature
from govnet.verdict import CheckResult, Verdict


class Encoding(StrEnum):
    DER = "der"
    RAW = "raw"  # 64 bytes r||s, what some signing servers and cipher cards return


def _encode(der: bytes, encoding: Encoding) -> bytes:
    if Encoding(encoding) is Encoding.DER:
        return der
    r, s = decode_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign(
    key: SM2PrivateKey,
    *,
    data: bytes | None = None,
    e: bytes | None = None,
    id: bytes = DEFAULT_ID,
    encoding: Encoding = Encoding.DER,
) -> bytes:
    """Sign ``data`` (e computed with ``id``) or a caller-computed ``e`` -- exactly one of them."""
    if (data is None) == (e is None):
        raise InputError("give either the data or the hash e to sign, not both or neither")
    der = key.sign(data, id=id) if data is not None else key.sign_hash(e or b"")
    return _encode(der, encoding)


def hash_to_sign(public_key: SM2PublicKey, data: bytes, *, id: bytes = DEFAULT_ID) -> bytes:
    """e = SM3(Z || data) for the signer's public key and ID."""
    return public_key.hash_to_sign(data, id=id)


def verify(
    public_key: SM2PublicKey,
    signature: bytes,
    *,
    data: bytes | None = None,
    e: bytes | None = None,
    id: bytes = DEFAULT_ID,
    subject: str = "SM2 signature",
) -> Verdict:
    """A Verdict with ``encoding`` and ``signature`` checks; never raises on a bad signature."""
    if (data is None) == (e is None):
        raise InputError("give either the data or the hash e that was signed, not both or neither")
    checks: list[CheckResult] = []
    try:
        decode_signature(signature)
    except InvalidSignature as exc:
        return Verdict(subject, (CheckResult.failed("encoding", str(exc), length=len(signature)),))
    form = "64-byte r||s" if len(signature) == 64 and signature[0] != 0x30 else "DER SEQUENCE{r, s}"
    checks.append(CheckResult.passed("encoding", form))
    over = "the data" if data is not None else "the given hash e"
    try:
        if data is not None:
            public_key.verify(signature, data, id=id)
        else:
            public_key.verify_hash(signature, e or b"")
    except (InvalidSignature, InputError) as exc:
        checks.append(CheckResult.failed("signature", f"does not verify over {over}: {exc}"))
    else:
        evidence = {"sm2_id": id.decode("latin-1")} if data is not None else {"e": (e or b"").hex()}
        checks.append(CheckResult.passed("signature", f"verifies over {over}", **evidence))
    return Verdict(subject, tuple(checks))
