"""ASN.1 models of GB/T 38540-2020 (seal structure version 4) and GM/T 0031-2014 (version 1).

Field orders and tags follow the standards' module definitions (cross-checked against ofdrw's readers):

    SES_Seal (v4)      ::= SEQUENCE { eSealInfo SES_SealInfo, cert OCTET STRING,
                                      signAlgID OBJECT IDENTIFIER, signedValue BIT STRING }
    SES_SealInfo       ::= SEQUENCE { header SES_Header, esID IA5String, property SES_ESPropertyInfo,
                                      picture SES_ESPictrueInfo, extDatas ExtensionDatas OPTIONAL }
    SES_Header         ::= SEQUENCE { id IA5String ("ES"), version INTEGER, vid IA5String }
    SES_ESPropertyInfo (v4) ::= SEQUENCE { type INTEGER, name UTF8String, certListType INTEGER,
                                      certList SES_CertList, createDate GeneralizedTime,
                                      validStart GeneralizedTime, validEnd GeneralizedTime }
    SES_CertList       ::= CHOICE { certs SEQUENCE OF OCTET STRING,            -- certListType 1
                                    certDigestList SEQUENCE OF CertDigestObj }  -- certListType 2
    CertDigestObj      ::= SEQUENCE { type PrintableString, value OCTET STRING }
    SES_ESPictrueInfo  ::= SEQUENCE { type IA5String, data OCTET STRING, width INTEGER, height INTEGER }
    ExtensionDatas     ::= SEQUENCE OF ExtData
    ExtData            ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE,
                                      extnValue OCTET STRING }
    TBS_Sign (v4)      ::= SEQUENCE { version INTEGER, eseal SES_Seal, timeInfo GeneralizedTime,
                                      dataHash BIT STRING, propertyInfo IA5String,
                                      extDatas [0] EXPLICIT ExtensionDatas OPTIONAL }
    SES_Signature (v4) ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING,
                                      signatureAlgID OBJECT IDENTIFIER, signature BIT STRING,
                                      timeStamp [0] EXPLICIT BIT STRING OPTIONAL }

    SESeal (v1)        ::= SEQUENCE { esealInfo SES_SealInfo (v1 property info), signInfo SES_SignInfo }
    SES_ESPropertyInfo (v1) ::= SEQUENCE { type INTEGER, name UTF8String,
                                      certList SEQUENCE OF OCTET STRING, createDate UTCTime,
                                      validStart UTCTime, validEnd UTCTime }
    SES_SignInfo       ::= SEQUENCE { cert OCTET STRING, signatureAlgorithm OBJECT IDENTIFIER,
                                      signData BIT STRING }
    TBS_Sign (v1)      ::= SEQUENCE { version INTEGER, eseal SESeal, timeInfo BIT STRING,
                                      dataHash BIT STRING, propertyInfo IA5String,
                                      cert OCTET STRING, signatureAlgorithm OBJECT IDENTIFIER }
    SES_Signature (v1) ::= SEQUENCE { toSign TBS_Sign, signature BIT STRING }

The *reading* specs are deliberately wider than the standards where vendors' files differ (a time in
either encoding, an algorithm as a bare OID or an AlgorithmIdentifier, a certificate as an OCTET STRING
or a bare Certificate): ``reader.py`` accepts these and names each as a quirk. The *writing* code uses
only the standard's own alternative.
"""

# asn1crypto declares structures as class-level lists (_fields, _alternatives): that is its API.
# ruff: noqa: RUF012

from __future__ import annotations

from asn1crypto import core
from asn1crypto import x509 as asn1_x509


class AnySequence(core.SequenceOf):
    """A SEQUENCE read element by element without a schema: how the version of a file is told."""

    _child_spec = core.Any


class AlgorithmIdentifier(core.Sequence):
    _fields = [("algorithm", core.ObjectIdentifier), ("parameters", core.Any, {"optional": True})]


class Algorithm(core.Choice):
    """The standards say OBJECT IDENTIFIER; some vendors write an X.509 AlgorithmIdentifier."""

    _alternatives = [("oid", core.ObjectIdentifier), ("identifier", AlgorithmIdentifier)]


class Time(core.Choice):
    """v4 says GeneralizedTime and v1 UTCTime; files from the field use either in either version."""

    _alternatives = [("generalized", core.GeneralizedTime), ("utc", core.UTCTime)]


class CertificateField(core.Choice):
    """The standards carry a certificate's DER inside an OCTET STRING; some vendors put it bare."""

    _alternatives = [("octets", core.OctetString), ("certificate", asn1_x509.Certificate)]


class HashField(core.Choice):
    """dataHash is a BIT STRING; some GM/T 0031 files carry an OCTET STRING."""

    _alternatives = [("bits", core.OctetBitString), ("octets", core.OctetString)]


class SignTime(core.Choice):
    """v1 timeInfo: a BIT STRING holding a time as text (or a timestamp), in the field also a bare time."""

    _alternatives = [
        ("bits", core.OctetBitString),
        ("octets", core.OctetString),
        ("generalized", core.GeneralizedTime),
        ("utc", core.UTCTime),
    ]


class Header(core.Sequence):
    _fields = [("id", core.IA5String), ("version", core.Integer), ("vid", core.IA5String)]


class CertDigest(core.Sequence):
    _fields = [("type", core.PrintableString), ("value", core.OctetString)]


class CertInfoList(core.SequenceOf):
    _child_spec = CertificateField


class CertDigestList(core.SequenceOf):
    _child_spec = CertDigest


class PropertyInfoV4(core.Sequence):
    _fields = [
        ("type", core.Integer),
        ("name", core.UTF8String),
        ("cert_list_type", core.Integer),
        ("cert_list", AnySequence),  # CertInfoList or CertDigestList, as cert_list_type says
        ("create_date", Time),
        ("valid_start", Time),
        ("valid_end", Time),
    ]


class PropertyInfoV1(core.Sequence):
    _fields = [
        ("type", core.Integer),
        ("name", core.UTF8String),
        ("cert_list", CertInfoList),
        ("create_date", Time),
        ("valid_start", Time),
        ("valid_end", Time),
    ]


class PictureInfo(core.Sequence):
    _fields = [
        ("type", core.IA5String),
        ("data", core.OctetString),
        ("width", core.Integer),
        ("height", core.Integer),
    ]


class ExtData(core.Sequence):
    _fields = [
        ("extn_id", core.ObjectIdentifier),
        ("critical", core.Boolean, {"default": False}),
        ("extn_value", core.OctetString),
    ]


class ExtensionDatas(core.SequenceOf):
    _child_spec = ExtData


class SealInfoV4(core.Sequence):
    _fields = [
        ("header", Header),
        ("es_id", core.IA5String),
        ("property", PropertyInfoV4),
        ("picture", PictureInfo),
        ("ext_datas", ExtensionDatas, {"optional": True}),
    ]


class SealInfoV1(core.Sequence):
    _fields = [
        ("header", Header),
        ("es_id", core.IA5String),
        ("property", PropertyInfoV1),
        ("picture", PictureInfo),
        ("ext_datas", ExtensionDatas, {"optional": True}),
    ]


class SealV4(core.Sequence):
    _fields = [
        ("seal_info", SealInfoV4),
        ("cert", CertificateField),
        ("sign_alg", Algorithm),
        ("signed_value", core.OctetBitString),
    ]


class SignInfoV1(core.Sequence):
    _fields = [
        ("cert", CertificateField),
        ("signature_algorithm", Algorithm),
        ("sign_data", core.OctetBitString),
    ]


class SealV1(core.Sequence):
    _fields = [("seal_info", SealInfoV1), ("sign_info", SignInfoV1)]


class TbsSignV4(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", SealV4),
        ("time_info", Time),
        ("data_hash", HashField),
        ("property_info", core.IA5String),
        ("ext_datas", ExtensionDatas, {"explicit": 0, "optional": True}),
    ]


class SignatureV4(core.Sequence):
    _fields = [
        ("to_sign", TbsSignV4),
        ("cert", CertificateField),
        ("signature_alg", Algorithm),
        ("signature", core.OctetBitString),
        ("time_stamp", core.OctetBitString, {"explicit": 0, "optional": True}),
    ]


class TbsSignV1(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", SealV1),
        ("time_info", SignTime),
        ("data_hash", HashField),
        ("property_info", core.IA5String),
        ("cert", CertificateField),
        ("signature_algorithm", Algorithm),
    ]


class SignatureV1(core.Sequence):
    _fields = [("to_sign", TbsSignV1), ("signature", core.OctetBitString)]
