"""ASN.1 of GM/T 0010-2012 SignedData (PKCS#7 v1.5 shape with SM2/SM3 identifiers).

Defined here rather than taken from asn1crypto's ``cms`` module, whose ContentInfo only knows the
PKCS#7 content-type OIDs and whose algorithm classes validate parameters GM/T 0010 writers leave out.
Everything is read leniently (unknown algorithm OIDs stay dotted strings) and judged in ``signeddata``.
"""

from __future__ import annotations

from asn1crypto import cms, core

# ruff: noqa: RUF012  (asn1crypto reads these class attributes; they are never mutated)

# GM/T 0010-2012 clause 6: the SM2 cryptographic message types.
GM_DATA = "1.2.156.10197.6.1.4.2.1"
GM_SIGNED_DATA = "1.2.156.10197.6.1.4.2.2"
GM_ENVELOPED_DATA = "1.2.156.10197.6.1.4.2.3"
# PKCS#7 (RFC 2315), what OpenSSL writes even for SM2.
PKCS7_DATA = "1.2.840.113549.1.7.1"
PKCS7_SIGNED_DATA = "1.2.840.113549.1.7.2"

SM3 = "1.2.156.10197.1.401"
SM2_SIGN = "1.2.156.10197.1.301.1"  # GM/T 0010's "SM2-1" signature algorithm
SM2_CURVE = "1.2.156.10197.1.301"  # the SM2 key OID, written as a signature algorithm by some tools
SM2_WITH_SM3 = "1.2.156.10197.1.501"
EC_PUBLIC_KEY = "1.2.840.10045.2.1"  # what some PKCS#7 writers put for any EC signature

SIGNATURE_ALGORITHMS = {
    SM2_SIGN: "SM2 (GM/T 0010 sm2-1)",
    SM2_WITH_SM3: "SM2 with SM3",
    SM2_CURVE: "SM2 (key OID)",
    EC_PUBLIC_KEY: "id-ecPublicKey (SM2 key)",
}

# Attribute OIDs (PKCS#9), used by GM/T 0010 unchanged.
CONTENT_TYPE_ATTR = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST_ATTR = "1.2.840.113549.1.9.4"
SIGNING_TIME_ATTR = "1.2.840.113549.1.9.5"


class AlgorithmIdentifier(core.Sequence):
    _fields = [
        ("algorithm", core.ObjectIdentifier),
        ("parameters", core.Any, {"optional": True}),
    ]


class DigestAlgorithms(core.SetOf):
    _child_spec = AlgorithmIdentifier


class ContentInfo(core.Sequence):
    _fields = [
        ("content_type", core.ObjectIdentifier),
        ("content", core.Any, {"explicit": 0, "optional": True}),
    ]


class AnyValues(core.SetOf):
    _child_spec = core.Any


class PlainAttribute(core.Sequence):
    _fields = [
        ("type", core.ObjectIdentifier),
        ("values", AnyValues),
    ]


class Attributes(core.SetOf):
    _child_spec = PlainAttribute


class SignerInfo(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("sid", cms.SignerIdentifier),
        ("digest_algorithm", AlgorithmIdentifier),
        ("authenticated_attributes", Attributes, {"implicit": 0, "optional": True}),
        ("digest_encryption_algorithm", AlgorithmIdentifier),
        ("encrypted_digest", core.OctetString),
        ("unauthenticated_attributes", Attributes, {"implicit": 1, "optional": True}),
    ]


class SignerInfos(core.SetOf):
    _child_spec = SignerInfo


class SignedData(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("digest_algorithms", DigestAlgorithms),
        ("content_info", ContentInfo),
        ("certificates", cms.CertificateSet, {"implicit": 0, "optional": True}),
        ("crls", AnyValues, {"implicit": 1, "optional": True}),
        ("signer_infos", SignerInfos),
    ]
