"""E-seals and seal signatures: GB/T 38540-2020 (structure version 4) and GM/T 0031-2014 (version 1).

Make a seal (SES_Seal v4, signed by a seal maker), sign with it (SES_Signature v4 over an SM3 digest),
verify either version with one named check per fact, and inspect any seal or signature.

Library API -- the names other areas (``govnet.pki.ofd``, the signing service) build on:

    from govnet.pki.seal import SealPolicy, Trust, sign_digest, trust_from_store, verify_signature

    der = sign_digest(seal_der, signer_key, signer_cert, data_hash,
                      property_info="/Doc_0/Signs/Sign_0/Signature.xml", sign_time=None)
        seal_der       bytes: the SES_Seal (v4) DER, as kept in the store or read from a file
        signer_key     govnet.pki.sm2.SM2PrivateKey
        signer_cert    DER bytes or asn1crypto.x509.Certificate; the seal must list it (cert or digest)
        data_hash      32 bytes: SM3 of the signed bytes (for an OFD: of Signature.xml's bytes)
        property_info  str: TBS_Sign.propertyInfo (IA5String); "" allowed
        sign_time      aware datetime, or None for now
      -> DER of SES_Signature v4. InputError when the seal is unreadable, the certificate is not listed
         in it, or the hash is not 32 bytes.

    signer = prepare_signer(prepare_seal(seal_der), signer_key, signer_cert)   # parse + check once
    der = sign_prepared(signer, data_hash, property_info=..., sign_time=..., time_stamper=...)
        what sign_digest does, for a caller that signs many times with one seal (the signing
        service keeps one PreparedSigner per seal, signer and key in each worker)

    verdict = verify_signature(der, data_hash=digest, trust=trust, policy=SealPolicy(), source="file")
        der        bytes: SES_Signature v4 or v1 (field quirks accepted or refused deliberately, each
                   reported as a check named ``quirk[...]``)
        data_hash  32 bytes the caller computed over the signed bytes, or None (document check
                   INDETERMINATE: nothing to compare with)
        trust      Trust(roots, intermediates, crls) of asn1crypto objects; trust_from_store(store)
                   builds it from govnet's own CA (roots, every CA certificate, newest CRLs)
        policy     SealPolicy(allow_empty_sm2_id=False, at=None)
      -> govnet.verdict.Verdict. Never raises on hostile bytes: "structure" FAILED instead.

    read_seal(der, source) / read_signature(der, source) / read_any(der, source) -> the facts
    (``model.Seal`` / ``model.SealSignature``, either version) for inspection; InputError naming the
    source and the field on malformed input. check_signature(parsed, data_hash=, trust=, policy=)
    verifies an already parsed signature.

The names above are importable from this package (lazily: ``govnet --help`` stays fast) and from
their modules: reader, writer, verify, service (the store-backed ``SealService``), cli, demo.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "read_seal": "reader",
    "read_signature": "reader",
    "read_any": "reader",
    "sign_digest": "writer",
    "sign_prepared": "writer",
    "prepare_seal": "writer",
    "prepare_signer": "writer",
    "PreparedSeal": "writer",
    "PreparedSigner": "writer",
    "build_seal": "writer",
    "SealRequest": "writer",
    "Trust": "verify",
    "SealPolicy": "verify",
    "verify_signature": "verify",
    "verify_seal": "verify",
    "check_signature": "verify",
    "trust_from_store": "service",
    "SealService": "service",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
