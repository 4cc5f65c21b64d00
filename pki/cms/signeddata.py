"""GM/T 0010-2012 SM2 SignedData: make it (attached or detached) and verify it to a Verdict.

Made: ContentInfo{GM/T 0010 signedData, SignedData v1{SM3, data, certificates, one SignerInfo identified
by issuer and serial number, SM3 digest, signed attributes contentType + signingTime + messageDigest,
the SM2 signature (default ID 1234567812345678) over the DER SET of those attributes}}. The PKCS#7 OIDs
(``style="pkcs7"``) give what OpenSSL writes. Without signed attributes the signature covers the content
itself, as GB/T 35275 signatures in OFD files do.

Verified: any of those shapes, with one named check per fact -- ``structure``, ``content``,
``signer_certificate``, ``digest_algorithm``, ``digest`` (messageDigest against SM3 of the content),
``signature`` (and which SM2 ID verified it), ``signing_time``, then the signer's certificate path
(``chain:`` checks from ``govnet.pki.verify``, revocation included). Never raises on hostile bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from asn1crypto import cms, core
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509

from govnet.errors import InputError
from govnet.pki import x509
from govnet.pki.cms import asn1
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey
from govnet.pki.sm3 import sm3
from govnet.pki.verify import EMPTY_ID_REFUSED, Policy, verify_path
from govnet.verdict import CheckResult, Status, Verdict

_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


class Style(StrEnum):
    GM = "gm"  # GM/T 0010 OIDs 1.2.156.10197.6.1.4.2.x, SM2 signature algorithm 1.2.156.10197.1.301.1
    PKCS7 = "pkcs7"  # PKCS#7 OIDs 1.2.840.113549.1.7.x, SM2-with-SM3 1.2.156.10197.1.501 (OpenSSL's)


_STYLE_OIDS = {
    Style.GM: (asn1.GM_SIGNED_DATA, asn1.GM_DATA, asn1.SM2_SIGN),
    Style.PKCS7: (asn1.PKCS7_SIGNED_DATA, asn1.PKCS7_DATA, asn1.SM2_WITH_SM3),
}
_SIGNED_DATA_TYPES = {asn1.GM_SIGNED_DATA: Style.GM, asn1.PKCS7_SIGNED_DATA: Style.PKCS7}
_DATA_TYPES = {asn1.GM_DATA, asn1.PKCS7_DATA}


@dataclass(frozen=True)
class CmsTrust:
    """Trusted roots, further CA certificates and CRLs (asn1crypto objects). Any object with these
    three attributes will do (``govnet.pki.seal.verify.Trust`` has them)."""

    roots: Sequence[asn1_x509.Certificate] = ()
    intermediates: Sequence[asn1_x509.Certificate] = ()
    crls: Sequence[asn1_crl.CertificateList] = ()


class TrustLike(Protocol):
    @property
    def roots(self) -> Sequence[asn1_x509.Certificate]: ...

    @property
    def intermediates(self) -> Sequence[asn1_x509.Certificate]: ...

    @property
    def crls(self) -> Sequence[asn1_crl.CertificateList]: ...


# --- making ---------------------------------------------------------------------------------------


def _attribute(oid: str, value: core.Asn1Value) -> asn1.PlainAttribute:
    return asn1.PlainAttribute({"type": oid, "values": [core.Any.load(value.dump())]})


def _time(value: dt.datetime) -> cms.Time:
    value = value.astimezone(dt.UTC).replace(microsecond=0)
    return cms.Time(name="utc_time" if 1950 <= value.year < 2050 else "generalized_time", value=value)


def _set_der(attributes: Sequence[asn1.PlainAttribute]) -> tuple[list[asn1.PlainAttribute], bytes]:
    """The attributes in DER SET OF order and the bytes the signature covers (tag 0x31, RFC 5652 5.4)."""
    ordered = sorted(attributes, key=lambda a: a.dump())
    body = b"".join(a.dump() for a in ordered)
    return ordered, _tlv(0x31, body)


def _tlv(tag: int, body: bytes) -> bytes:
    length = len(body)
    if length < 0x80:
        return bytes([tag, length]) + body
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets + body


def sign_data(
    content: bytes,
    key: SM2PrivateKey,
    certificate: asn1_x509.Certificate,
    *,
    detached: bool = False,
    chain: Sequence[asn1_x509.Certificate] = (),
    style: Style = Style.GM,
    signed_attributes: bool = True,
    signing_time: dt.datetime | None = None,
    sm2_id: bytes = DEFAULT_ID,
    content_type: str | None = None,
    extra_attributes: Sequence[tuple[str, core.Asn1Value]] = (),
    include_certificates: bool = True,
) -> bytes:
    """DER of a ContentInfo holding SignedData over ``content``, signed by ``key`` for ``certificate``.

    ``content_type`` replaces the style's data type as eContentType (an RFC 3161 token carries
    id-ct-TSTInfo; SignedData is then version 3, RFC 5652 5.1); ``extra_attributes`` are further
    signed attributes (OID, value); ``include_certificates=False`` leaves the certificates out."""
    # The points compared, not keys: parsing a point into a key costs as much as a signature.
    if (
        certificate["tbs_certificate"]["subject_public_key_info"]["public_key"].native
        != key.public_key().point()
    ):
        raise InputError("the private key does not belong to the signer certificate")
    signed_type, data_type, signature_oid = _STYLE_OIDS[Style(style)]
    version = 1 if content_type in (None, data_type) else 3
    data_type = content_type or data_type
    if signed_attributes:
        when = signing_time or dt.datetime.now(dt.UTC)
        _, to_sign = _set_der(
            [
                _attribute(asn1.CONTENT_TYPE_ATTR, core.ObjectIdentifier(data_type)),
                _attribute(asn1.SIGNING_TIME_ATTR, _time(when)),
                _attribute(asn1.MESSAGE_DIGEST_ATTR, core.OctetString(sm3(content))),
                *(_attribute(oid, value) for oid, value in extra_attributes),
            ]
        )
        signed_part = b"\xa0" + to_sign[1:]  # [0] IMPLICIT: the same SET with its tag replaced
    elif extra_attributes:
        raise InputError("extra signed attributes need signed attributes")
    else:
        to_sign, signed_part = content, b""
    certificates = (
        [certificate, *(c for c in chain if c.dump() != certificate.dump())] if include_certificates else []
    )
    # Built by hand: asn1crypto drops the [0] EXPLICIT tag when an Any field is given a value object.
    content_info = _content_info(data_type, None if detached else core.OctetString(content).dump())
    # SignerInfo and SignedData assembled by hand from DER parts: asn1crypto re-encodes every
    # certificate and name put into a new structure, which costs several times the signature (a
    # time-stamp authority signs for every request).
    sid = _tlv(0x30, certificate.issuer.dump() + core.Integer(certificate.serial_number).dump())
    signer = _tlv(
        0x30,
        core.Integer(1).dump()
        + sid
        + asn1.AlgorithmIdentifier({"algorithm": asn1.SM3}).dump()
        + signed_part
        + asn1.AlgorithmIdentifier({"algorithm": signature_oid}).dump()
        + core.OctetString(key.sign(to_sign, id=sm2_id)).dump(),
    )
    body = (
        core.Integer(version).dump()
        + asn1.DigestAlgorithms([{"algorithm": asn1.SM3}]).dump()
        + content_info
        + (_tlv(0xA0, b"".join(c.dump() for c in certificates)) if certificates else b"")
        + _tlv(0x31, signer)
    )
    return _content_info(signed_type, _tlv(0x30, body))


def _content_info(content_type: str, explicit_content: bytes | None) -> bytes:
    body = core.ObjectIdentifier(content_type).dump()
    if explicit_content is not None:
        body += _tlv(0xA0, explicit_content)
    return _tlv(0x30, body)


# --- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    issuer: asn1_x509.Name | None
    serial: int | None
    key_identifier: bytes | None
    digest_algorithm: str
    signature_algorithm: str
    signature: bytes
    signed_attributes: bytes | None  # DER with the SET tag: what the signature covers, when present
    attributes: dict[str, list[bytes]]  # attribute OID -> DER of each value


@dataclass(frozen=True)
class ParsedSignedData:
    style: Style
    content_type: str
    content: bytes | None
    certificates: tuple[asn1_x509.Certificate, ...]
    signers: tuple[Signer, ...]


def _content_bytes(value: core.Asn1Value) -> bytes:
    """The encapsulated content: an OCTET STRING's octets (also constructed BER), else the raw value."""
    if isinstance(value, core.OctetString):
        return bytes(value.native or b"")
    # PKCS#7 v1.5 allows any type here; its digest covers the value's contents octets (RFC 2315 9.3).
    return bytes(value.contents or b"")


def parse_signed_data(der: bytes, source: str = "SignedData") -> ParsedSignedData:
    """Parse a ContentInfo{signedData} (GM/T 0010 or PKCS#7 OIDs, DER or PEM ``PKCS7``/``CMS``)."""
    data = _unarmour(bytes(der), source)
    try:
        info = asn1.ContentInfo.load(data, strict=True)
        content_type = info["content_type"].dotted
        style = _SIGNED_DATA_TYPES.get(content_type)
        if style is None:
            raise InputError(f"{source}: content type {content_type} is not signedData (GM/T 0010 or PKCS#7)")
        if not info["content"].contents:
            raise InputError(f"{source}: signedData without content")
        signed = info["content"].parse(asn1.SignedData)
        signed.native  # noqa: B018 - parse everything now, so damage shows here
        encap = signed["content_info"]
        inner = encap["content"]
        content = None if isinstance(inner, core.Void) else _content_bytes(inner.parse())
        certificates = tuple(
            choice.chosen
            for choice in (signed["certificates"] if signed["certificates"].native is not None else [])
            if choice.name == "certificate"
        )
        signers = tuple(_signer(s) for s in signed["signer_infos"])
    except InputError:
        raise
    except _ASN1_ERRORS as exc:
        raise InputError(f"{source}: not a readable SignedData ({_first_line(exc)})") from None
    if not signers:
        raise InputError(f"{source}: SignedData has no signer")
    return ParsedSignedData(style, encap["content_type"].dotted, content, certificates, signers)


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _unarmour(data: bytes, source: str) -> bytes:
    from asn1crypto import pem

    if pem.detect(data):
        try:
            kind, _, der = pem.unarmor(data)
        except ValueError as exc:
            raise InputError(f"{source}: unreadable PEM ({exc})") from None
        if kind not in ("PKCS7", "CMS", "PKCS #7 SIGNED DATA"):
            raise InputError(f"{source}: PEM block {kind!r} is not PKCS7/CMS")
        return bytes(der)
    return data


def _signer(info: asn1.SignerInfo) -> Signer:
    sid = info["sid"]
    issuer = serial = key_id = None
    if sid.name == "issuer_and_serial_number":
        issuer = sid.chosen["issuer"]
        serial = sid.chosen["serial_number"].native
    else:
        key_id = sid.chosen.native
    attrs = info["authenticated_attributes"]
    signed_der = None
    attributes: dict[str, list[bytes]] = {}
    if attrs.contents is not None and not isinstance(attrs, core.Void):
        signed_der = _tlv(0x31, attrs.contents)
        for attribute in attrs:
            attributes.setdefault(attribute["type"].dotted, []).extend(v.dump() for v in attribute["values"])
    return Signer(
        issuer,
        serial,
        key_id,
        info["digest_algorithm"]["algorithm"].dotted,
        info["digest_encryption_algorithm"]["algorithm"].dotted,
        bytes(info["encrypted_digest"].native),
        signed_der,
        attributes,
    )


# --- verifying ------------------------------------------------------------------------------------


def _find_certificate(signer: Signer, pool: Sequence[asn1_x509.Certificate]) -> asn1_x509.Certificate | None:
    for cert in pool:
        if signer.serial is not None and signer.issuer is not None:
            if cert.serial_number == signer.serial and cert.issuer.hashable == signer.issuer.hashable:
                return cert
        elif signer.key_identifier is not None and cert.key_identifier == signer.key_identifier:
            return cert
    return None


def _signer_label(signer: Signer) -> str:
    if signer.issuer is not None:
        return f"issuer '{x509.name_text(signer.issuer)}', serial {x509.serial_hex(signer.serial or 0)}"
    return f"subject key identifier {(signer.key_identifier or b'').hex()}"


def verify_signed_data(
    der: bytes | ParsedSignedData,
    *,
    content: bytes | None = None,
    trust: TrustLike = CmsTrust(),
    allow_empty_sm2_id: bool = False,
    at: dt.datetime | None = None,
    source: str = "SignedData",
) -> Verdict:
    """Verify SignedData ``der`` (or SignedData parsed already, by a caller that reads its content
    too: parsing costs more than the signature); ``content`` is required when it is detached, and
    when both are present they must agree. Every signer is checked (checks suffixed ``#n`` when
    there are several)."""
    if isinstance(der, ParsedSignedData):
        parsed = der
    else:
        try:
            parsed = parse_signed_data(der, source)
        except InputError as exc:
            return Verdict(source, (CheckResult.failed("structure", str(exc)),))
    checks = [
        CheckResult.passed(
            "structure",
            f"{'GM/T 0010' if parsed.style is Style.GM else 'PKCS#7'} SignedData, "
            f"{len(parsed.signers)} signer(s), "
            f"{'attached' if parsed.content is not None else 'detached'} content",
            style=parsed.style.value,
            content_type=parsed.content_type,
        )
    ]
    data = _content_check(parsed, content, checks)
    policy = Policy(allow_empty_sm2_id=allow_empty_sm2_id, at=at)
    subject = source
    for index, signer in enumerate(parsed.signers):
        suffix = f"#{index + 1}" if len(parsed.signers) > 1 else ""
        cert = _find_certificate(signer, [*parsed.certificates, *trust.intermediates, *trust.roots])
        if cert is None:
            checks.append(
                CheckResult.failed(
                    f"signer_certificate{suffix}",
                    f"no certificate for the signer ({_signer_label(signer)}) "
                    "in the message or the given chain",
                )
            )
            continue
        if index == 0:
            subject = f"{x509.name_text(cert.subject)} (serial {x509.serial_hex(cert.serial_number)})"
        checks.append(
            CheckResult.passed(
                f"signer_certificate{suffix}", _signer_label(signer), subject=x509.name_text(cert.subject)
            )
        )
        checks += _signer_checks(signer, cert, data, parsed.content_type, suffix, policy)
        checks += path_checks(cert, trust, policy, extra=parsed.certificates, prefix=f"chain{suffix}")
    return Verdict(subject, tuple(checks))


def path_checks(
    cert: asn1_x509.Certificate,
    trust: TrustLike,
    policy: Policy,
    *,
    extra: Sequence[asn1_x509.Certificate] = (),
    prefix: str = "chain",
) -> list[CheckResult]:
    """The certificate's path checks (``govnet.pki.verify``), named ``prefix:...``. A chain that does
    not reach a trusted root says nothing against the signature: it is untrusted (INDETERMINATE), as
    the seal verifier reports it, not a bad signature."""
    verdict = verify_path(
        cert,
        intermediates=[*extra, *trust.intermediates],
        roots=list(trust.roots),
        crls=list(trust.crls),
        policy=policy,
    )
    checks = []
    for check in verdict.checks:
        if check.name == "chain" and check.status is Status.FAILED:
            checks.append(
                CheckResult.indeterminate(f"{prefix}:chain", f"untrusted: {check.reason}", **check.evidence)
            )
        else:
            checks.append(CheckResult(f"{prefix}:{check.name}", check.status, check.reason, check.evidence))
    return checks


def _content_check(parsed: ParsedSignedData, given: bytes | None, checks: list[CheckResult]) -> bytes | None:
    if parsed.content is None and given is None:
        checks.append(CheckResult.failed("content", "the signature is detached: give the signed content"))
        return None
    if parsed.content is not None and given is not None and parsed.content != given:
        checks.append(
            CheckResult.failed("content", "the content carried in the message differs from the one given")
        )
        return given
    data = parsed.content if parsed.content is not None else given
    assert data is not None
    checks.append(CheckResult.passed("content", f"{len(data)} bytes", sm3=sm3(data).hex()))
    return data


def _signer_checks(
    signer: Signer,
    cert: asn1_x509.Certificate,
    data: bytes | None,
    content_type: str,
    suffix: str,
    policy: Policy,
) -> list[CheckResult]:
    checks: list[CheckResult] = []
    if signer.digest_algorithm != asn1.SM3:
        checks.append(
            CheckResult.failed(
                f"digest_algorithm{suffix}", f"digest algorithm {signer.digest_algorithm} is not SM3"
            )
        )
        return checks
    checks.append(CheckResult.passed(f"digest_algorithm{suffix}", "SM3"))
    if signer.signature_algorithm not in asn1.SIGNATURE_ALGORITHMS:
        checks.append(
            CheckResult.failed(
                f"signature{suffix}", f"signature algorithm {signer.signature_algorithm} is not SM2"
            )
        )
        return checks
    if data is None:
        checks.append(CheckResult.indeterminate(f"digest{suffix}", "no content to compare with"))
        return checks
    if signer.signed_attributes is None:
        checks.append(
            CheckResult.passed(
                f"digest{suffix}", "no signed attributes: the signature covers the content itself"
            )
        )
        covered = data
    else:
        checks += _attribute_checks(signer, data, content_type, suffix, cert)
        covered = signer.signed_attributes
    try:
        key = x509.certificate_public_key(cert, "signer certificate")
    except InputError as exc:
        checks.append(CheckResult.failed(f"signature{suffix}", str(exc)))
        return checks
    result = x509.verify_signature(key, x509.SM2_SM3_OID, signer.signature, covered)
    algorithm = asn1.SIGNATURE_ALGORITHMS[signer.signature_algorithm]
    if not result.valid:
        checks.append(
            CheckResult.failed(
                f"signature{suffix}", "the SM2 signature does not verify with the signer's key"
            )
        )
    elif result.signer_id is x509.SignerId.EMPTY and not policy.allow_empty_sm2_id:
        checks.append(CheckResult.failed(f"signature{suffix}", EMPTY_ID_REFUSED, sm2_id="empty"))
    elif result.signer_id is x509.SignerId.EMPTY:
        checks.append(
            CheckResult.passed(
                f"signature{suffix}", f"{algorithm}, EMPTY SM2 ID (allowed by policy)", sm2_id="empty"
            )
        )
    else:
        checks.append(
            CheckResult.passed(
                f"signature{suffix}", f"{algorithm}, SM2 ID 1234567812345678", sm2_id="default"
            )
        )
    return checks


def _attribute_checks(
    signer: Signer, data: bytes, content_type: str, suffix: str, cert: asn1_x509.Certificate
) -> list[CheckResult]:
    checks = []
    digests = signer.attributes.get(asn1.MESSAGE_DIGEST_ATTR, [])
    types = signer.attributes.get(asn1.CONTENT_TYPE_ATTR, [])
    try:
        digest_values = [bytes(core.OctetString.load(v).native) for v in digests]
        type_values = [core.ObjectIdentifier.load(v).dotted for v in types]
    except _ASN1_ERRORS:
        return [
            CheckResult.failed(f"digest{suffix}", "the messageDigest or contentType attribute is unreadable")
        ]
    if len(digest_values) != 1 or len(type_values) != 1:
        return [
            CheckResult.failed(
                f"digest{suffix}", "signed attributes must hold exactly one contentType and one messageDigest"
            )
        ]
    if type_values[0] != content_type:
        checks.append(
            CheckResult.failed(
                f"content_type{suffix}",
                f"the signed contentType {type_values[0]} differs from the content's {content_type}",
            )
        )
    actual = sm3(data)
    if digest_values[0] != actual:
        checks.append(
            CheckResult.failed(
                f"digest{suffix}",
                "the content was changed: its SM3 differs from the signed messageDigest",
                expected=digest_values[0].hex(),
                actual=actual.hex(),
            )
        )
    else:
        checks.append(
            CheckResult.passed(f"digest{suffix}", "SM3 of the content matches the signed messageDigest")
        )
    times = signer.attributes.get(asn1.SIGNING_TIME_ATTR, [])
    if times:
        checks.append(_signing_time(times[0], suffix, cert))
    return checks


def _signing_time(value: bytes, suffix: str, cert: asn1_x509.Certificate) -> CheckResult:
    name = f"signing_time{suffix}"
    try:
        when = cms.Time.load(value).native
    except _ASN1_ERRORS:
        return CheckResult.failed(name, "the signingTime attribute is unreadable")
    not_before, not_after = x509.validity(cert)
    if not not_before <= when <= not_after:
        return CheckResult.failed(
            name,
            f"signed at {when:%Y-%m-%d %H:%M:%S}Z, outside the certificate's validity "
            f"({not_before:%Y-%m-%d} to {not_after:%Y-%m-%d})",
            signing_time=when.isoformat(),
        )
    return CheckResult.passed(
        name,
        f"signed at {when:%Y-%m-%d %H:%M:%S}Z, within the certificate's validity",
        signing_time=when.isoformat(),
    )
