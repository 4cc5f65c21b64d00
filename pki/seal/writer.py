"""Build GB/T 38540 version 4 structures: a seal signed by its maker, and seal signatures.

Pure functions of their inputs (keys, certificates, times, bytes); the store and files are the
service's business. What is written follows the standard exactly: GeneralizedTime, bare OIDs,
certificates inside OCTET STRINGs, DER signatures.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from asn1crypto import core
from asn1crypto import x509 as asn1_x509

from govnet.errors import InputError
from govnet.pki import x509
from govnet.pki.seal import asn1
from govnet.pki.seal.model import GOVNET_VENDOR, HEADER_ID, SM2_SM3, Extension, Seal, SealKind
from govnet.pki.seal.picture import picture_type
from govnet.pki.seal.reader import read_seal
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey
from govnet.pki.sm3 import DIGEST_SIZE, sm3

# CertDigestObj.type is "custom" in the standard; we write the hash's name, and read any.
DIGEST_TYPE = "SM3"

PICTURE_TYPES = {"png": "PNG", "gif": "GIF", "jpeg": "JPG"}
MAX_PICTURE_BYTES = 4 << 20
MAX_PICTURE_MM = 1000


@dataclass(frozen=True)
class SealRequest:
    """Everything a seal says, before the maker signs it."""

    es_id: str
    kind: SealKind
    name: str
    certificates: tuple[asn1_x509.Certificate, ...]  # the certificates allowed to sign with the seal
    valid_start: dt.datetime
    valid_end: dt.datetime
    picture: bytes
    width_mm: int
    height_mm: int
    as_digests: bool = False  # list SM3 digests of the certificates instead of the certificates
    vendor_id: str = GOVNET_VENDOR
    extensions: tuple[Extension, ...] = ()
    created: dt.datetime | None = None


def _ia5(value: str, what: str) -> core.IA5String:
    if not value.isascii() or any(ord(c) < 0x20 for c in value):
        raise InputError(f"{what} must be printable ASCII (IA5String), got {value!r}")
    return core.IA5String(value)


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise InputError("times must carry a time zone")
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _extensions(extensions: Sequence[Extension]) -> asn1.ExtensionDatas:
    return asn1.ExtensionDatas(
        [{"extn_id": e.oid, "critical": e.critical, "extn_value": e.value} for e in extensions]
    )


def check_picture(data: bytes, width_mm: int, height_mm: int) -> str:
    """The picture's type name for SES_ESPictrueInfo (PNG, GIF or JPG), from its magic bytes."""
    detected = picture_type(data)
    if detected is None:
        raise InputError("the seal picture must be PNG, GIF or JPEG (told from its first bytes)")
    if len(data) > MAX_PICTURE_BYTES:
        raise InputError(f"the seal picture is {len(data)} bytes; at most {MAX_PICTURE_BYTES}")
    for what, size in (("width", width_mm), ("height", height_mm)):
        if not 1 <= size <= MAX_PICTURE_MM:
            raise InputError(f"the seal picture's {what} must be 1-{MAX_PICTURE_MM} mm, got {size}")
    return PICTURE_TYPES[detected]


def build_seal(request: SealRequest, maker_key: SM2PrivateKey, maker_cert: asn1_x509.Certificate) -> bytes:
    """The DER of a SES_Seal (v4) signed by the seal maker over SES_SealInfo's DER."""
    if not request.certificates:
        raise InputError("a seal must list at least one signer's certificate")
    if not request.name.strip():
        raise InputError("the seal needs a name")
    start, end = _utc(request.valid_start), _utc(request.valid_end)
    if end <= start:
        raise InputError("the seal's validity must end after it starts")
    _check_key(maker_key, maker_cert, "the seal maker's")
    picture_kind = check_picture(request.picture, request.width_mm, request.height_mm)
    if request.as_digests:
        cert_list = asn1.CertDigestList(
            [{"type": DIGEST_TYPE, "value": sm3(c.dump())} for c in request.certificates]
        )
    else:
        cert_list = asn1.CertInfoList(
            [asn1.CertificateField(name="octets", value=c.dump()) for c in request.certificates]
        )
    info = asn1.SealInfoV4(
        {
            "header": {"id": HEADER_ID, "version": 4, "vid": _ia5(request.vendor_id, "the vendor id")},
            "es_id": _ia5(request.es_id, "the seal id"),
            "property": {
                "type": int(request.kind),
                "name": request.name,
                "cert_list_type": 2 if request.as_digests else 1,
                "cert_list": asn1.AnySequence.load(cert_list.dump()),
                "create_date": asn1.Time(name="generalized", value=_utc(request.created or start)),
                "valid_start": asn1.Time(name="generalized", value=start),
                "valid_end": asn1.Time(name="generalized", value=end),
            },
            "picture": {
                "type": picture_kind,
                "data": request.picture,
                "width": request.width_mm,
                "height": request.height_mm,
            },
            "ext_datas": _extensions(request.extensions) if request.extensions else None,
        }
    )
    info_der = info.dump()
    seal = asn1.SealV4(
        {
            "seal_info": asn1.SealInfoV4.load(info_der),
            "cert": asn1.CertificateField(name="octets", value=maker_cert.dump()),
            "sign_alg": asn1.Algorithm(name="oid", value=SM2_SM3),
            "signed_value": maker_key.sign(info_der, id=DEFAULT_ID),
        }
    )
    return seal.dump()


def _check_key(key: SM2PrivateKey, cert: asn1_x509.Certificate, whose: str) -> None:
    if key.public_key().point() != x509.certificate_public_key(cert).point():
        raise InputError(f"{whose} private key does not belong to its certificate")


def listed(seal: Seal, cert: asn1_x509.Certificate) -> bool:
    """Whether the seal's certificate list names ``cert``, as a certificate or by its digest."""
    der = cert.dump()
    for entry in seal.cert_list:
        if entry.certificate is not None and entry.certificate.dump() == der:
            return True
        if entry.digest is not None and hmac.compare_digest(
            entry.digest, cert_digest(der, entry.digest_type)
        ):
            return True
    return False


def cert_digest(der: bytes, digest_type: str | None) -> bytes:
    """The digest a CertDigestObj of ``digest_type`` holds for a certificate (SM3 unless it names SHA)."""
    import hashlib

    kind = (digest_type or "").lower().replace("-", "")
    if kind in ("sha1", "sha256"):
        return hashlib.new(kind, der).digest()
    return sm3(der)


@dataclass(frozen=True)
class PreparedSeal:
    """A version 4 seal parsed once, to sign with many times: a service keeps one per seal (and
    checks the seal's status in its store at every use; this holds only what the DER says)."""

    seal: Seal
    der: bytes


def prepare_seal(seal_der: bytes) -> PreparedSeal:
    seal = read_seal(seal_der, "the seal")
    if seal.version != 4:
        raise InputError("govnet signs with version 4 (GB/T 38540) seals only; this seal is version 1")
    return PreparedSeal(seal, seal.der)


@dataclass(frozen=True)
class PreparedSigner:
    """A signer's key and certificate checked once against each other and a seal that lists the
    certificate; ``sign_prepared`` then signs without parsing or checking again."""

    seal: PreparedSeal
    key: SM2PrivateKey = field(repr=False)
    certificate: asn1_x509.Certificate
    certificate_der: bytes


def prepare_signer(
    seal: PreparedSeal, signer_key: SM2PrivateKey, signer_cert: bytes | asn1_x509.Certificate
) -> PreparedSigner:
    cert = (
        signer_cert
        if isinstance(signer_cert, asn1_x509.Certificate)
        else x509.load_certificate(signer_cert, "the signer's certificate")
    )
    _check_key(signer_key, cert, "the signer's")
    if not listed(seal.seal, cert):
        raise InputError(
            f"the seal {seal.seal.es_id!r} does not list the certificate of {x509.name_text(cert.subject)}: "
            "it cannot sign with this seal"
        )
    return PreparedSigner(seal, signer_key, cert, cert.dump())


def sign_digest(
    seal_der: bytes,
    signer_key: SM2PrivateKey,
    signer_cert: bytes | asn1_x509.Certificate,
    data_hash: bytes,
    *,
    property_info: str = "",
    sign_time: dt.datetime | None = None,
    extensions: Sequence[Extension] = (),
    time_stamper: Callable[[bytes], bytes] | None = None,
) -> bytes:
    """A SES_Signature (v4) over ``data_hash`` (SM3, 32 bytes) with a seal that lists the signer.

    ``time_stamper(signature_value) -> token`` fills the optional ``timeStamp`` field: GB/T 38540
    time-stamps the signature value, so the token's imprint is the SM3 of the signature BIT STRING's
    bytes (``govnet.pki.tsa.TimeStampAuthority.stamp`` over that hash). Signing many times with one
    seal: ``prepare_signer(prepare_seal(der), key, cert)`` once, then ``sign_prepared``."""
    seal = prepare_seal(seal_der)
    cert = (
        signer_cert
        if isinstance(signer_cert, asn1_x509.Certificate)
        else x509.load_certificate(signer_cert, "the signer's certificate")
    )
    _check_hash(data_hash)
    return sign_prepared(
        prepare_signer(seal, signer_key, cert),
        data_hash,
        property_info=property_info,
        sign_time=sign_time,
        extensions=extensions,
        time_stamper=time_stamper,
    )


def _check_hash(data_hash: bytes) -> None:
    if len(data_hash) != DIGEST_SIZE:
        raise InputError(f"the document hash must be {DIGEST_SIZE} bytes (SM3), got {len(data_hash)}")


def sign_prepared(
    signer: PreparedSigner,
    data_hash: bytes,
    *,
    property_info: str = "",
    sign_time: dt.datetime | None = None,
    extensions: Sequence[Extension] = (),
    time_stamper: Callable[[bytes], bytes] | None = None,
) -> bytes:
    """``sign_digest`` with a seal, key and certificate prepared (parsed and checked) beforehand."""
    _check_hash(data_hash)
    when = _utc(sign_time or dt.datetime.now(dt.UTC))
    tbs = asn1.TbsSignV4(
        {
            "version": 4,
            # loaded from DER (lazily parsed, and dumped as the very bytes) rather than rebuilt
            "eseal": asn1.SealV4.load(signer.seal.der),
            "time_info": asn1.Time(name="generalized", value=when),
            "data_hash": asn1.HashField(name="bits", value=bytes(data_hash)),
            "property_info": _ia5(property_info, "the property info"),
            "ext_datas": _extensions(extensions) if extensions else None,
        }
    )
    tbs_der = tbs.dump()
    value = signer.key.sign(tbs_der, id=DEFAULT_ID)
    signature = asn1.SignatureV4(
        {
            "to_sign": asn1.TbsSignV4.load(tbs_der),
            "cert": asn1.CertificateField(name="octets", value=signer.certificate_der),
            "signature_alg": asn1.Algorithm(name="oid", value=SM2_SM3),
            "signature": value,
            "time_stamp": time_stamper(value) if time_stamper is not None else None,
        }
    )
    return signature.dump()
