"""Algorithm OIDs as people name them: "RSA (1.2.840.113549.1.1.1)", not the number alone.

Errors about keys and signatures that are not SM2 say what they are instead; the OID stays beside
the name for anyone who searches for it.
"""

from __future__ import annotations

from asn1crypto import algos, keys

_OWN = {
    "1.2.156.10197.1.301": "SM2",
    "1.2.156.10197.1.401": "SM3",
    "1.2.156.10197.1.501": "SM2-with-SM3",
    "1.2.840.10045.2.1": "EC",
}
_KEY_NAMES = {
    "rsa": "RSA",
    "rsaes_oaep": "RSA-OAEP",
    "rsassa_pss": "RSA-PSS",
    "dsa": "DSA",
    "ec": "EC",
    "dh": "Diffie-Hellman",
    "x25519": "X25519",
    "x448": "X448",
    "ed25519": "Ed25519",
    "ed448": "Ed448",
}


def algorithm_name(oid: str) -> str | None:
    """A human name for a key, curve or signature algorithm OID, or None when unknown."""
    if oid in _OWN:
        return _OWN[oid]
    key = keys.PublicKeyAlgorithmId._map.get(oid)
    if key is not None:
        return _KEY_NAMES.get(key, key)
    curve = keys.NamedCurve._map.get(oid)
    if curve is not None:
        return str(curve)
    signature = algos.SignedDigestAlgorithmId._map.get(oid)
    if signature is not None:
        digest, _, scheme = str(signature).rpartition("_")
        return (
            f"{digest.upper().replace('_', '-')} with {scheme.upper()}"
            if scheme
            else _KEY_NAMES.get(digest, digest)
        )
    return None


def describe(oid: str | None) -> str:
    """``"RSA (1.2.840.113549.1.1.1)"``; the bare OID when it has no name here; "unknown" for none."""
    if not oid:
        return "unknown"
    name = algorithm_name(oid)
    return f"{name} ({oid})" if name else oid
