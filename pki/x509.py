"""X.509 for SM2/SM3 (GM/T 0015-2012): build and sign certificates, CSRs and CRLs; parse and check them.

asn1crypto holds the ASN.1 structures; SM2 comes from ``govnet.pki.sm2``. The SM object identifiers
are registered with asn1crypto here, once, at import. Signatures are checked over the exact bytes
received (asn1crypto keeps the original encoding), never over a re-encoding.

SM2 signatures depend on the signer's ID (GM/T 0009). Certificates and CRLs in the field are signed
with the default ID ``1234567812345678``; OpenSSL 3.0's command line signs with an EMPTY ID unless
given ``-sigopt distid:...``. ``verify_signature`` tries the default ID first, then the empty one,
and reports which one verified, so callers can accept or refuse the latter by policy.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from asn1crypto import algos, core, csr, keys, pem
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509

from govnet.errors import InputError, InvalidSignature
from govnet.pki.oids import describe
from govnet.pki.profiles import AltName, Profile, Subject, parse_san
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey, SM2PublicKey

SM2_CURVE_OID = "1.2.156.10197.1.301"
SM3_OID = "1.2.156.10197.1.401"
SM2_SM3_OID = "1.2.156.10197.1.501"


def _register_oids() -> None:
    def add(cls: Any, oid: str, name: str) -> None:
        cls._map.setdefault(oid, name)
        if cls._reverse_map is not None:
            cls._reverse_map.setdefault(cls._map[oid], oid)

    if SM2_CURVE_OID not in keys.NamedCurve._map:
        keys.NamedCurve.register("sm2p256v1", SM2_CURVE_OID, 32)
    add(algos.SignedDigestAlgorithmId, SM2_SM3_OID, "sm2_sm3")
    add(algos.DigestAlgorithmId, SM3_OID, "sm3")
    add(asn1_x509.KeyPurposeId, "1.3.6.1.5.5.7.3.36", "document_signing")


_register_oids()

# Serial numbers: 20 octets at most (RFC 5280); ours are 159 random bits with the top one set, so
# every serial is exactly 20 octets and far above the 64-bit floor GM/T 0015 and CAB rules ask for.
SERIAL_BITS = 159


def random_serial() -> int:
    return secrets.randbits(SERIAL_BITS) | (1 << (SERIAL_BITS - 1))


def serial_hex(serial: int) -> str:
    return format(serial, "x")


def parse_serial(text: str) -> int:
    """Accept hex with or without ``0x`` and colons, as ``openssl x509 -serial`` prints it."""
    cleaned = text.strip().lower().removeprefix("0x").replace(":", "")
    try:
        value = int(cleaned, 16)
    except ValueError:
        raise InputError(f"serial {text!r} is not a hexadecimal number") from None
    if value <= 0:
        raise InputError(f"serial {text!r} must be positive")
    return value


# RFC 5280 reason names as operators type them -> asn1crypto CRLReason names. certificateHold and
# removeFromCRL are left out: govnet revokes for good, it does not suspend.
REASONS = {
    "unspecified": "unspecified",
    "keyCompromise": "key_compromise",
    "cACompromise": "ca_compromise",
    "affiliationChanged": "affiliation_changed",
    "superseded": "superseded",
    "cessationOfOperation": "cessation_of_operation",
    "privilegeWithdrawn": "privilege_withdrawn",
    "aACompromise": "aa_compromise",
}


def reason_label(asn1_name: str) -> str:
    return next((label for label, name in REASONS.items() if name == asn1_name), asn1_name)


class SignerId(StrEnum):
    DEFAULT = "default"  # 1234567812345678 (GM/T 0009)
    EMPTY = "empty"  # OpenSSL 3.0 command-line default


@dataclass(frozen=True)
class SignatureCheck:
    """Which SM2 ID verified a signature, or None when neither did."""

    signer_id: SignerId | None
    algorithm: str

    @property
    def valid(self) -> bool:
        return self.signer_id is not None


def verify_signature(
    public_key: SM2PublicKey, algorithm: str, signature: bytes, data: bytes
) -> SignatureCheck:
    if algorithm != SM2_SM3_OID:
        return SignatureCheck(None, algorithm)
    for signer_id, id_bytes in ((SignerId.DEFAULT, DEFAULT_ID), (SignerId.EMPTY, b"")):
        try:
            public_key.verify(signature, data, id=id_bytes)
            return SignatureCheck(signer_id, algorithm)
        except (InvalidSignature, InputError):
            continue
    return SignatureCheck(None, algorithm)


# --- keys ---------------------------------------------------------------------------------------


def spki(public_key: SM2PublicKey) -> keys.PublicKeyInfo:
    return keys.PublicKeyInfo(
        {
            "algorithm": {
                "algorithm": "ec",
                "parameters": keys.ECDomainParameters(name="named", value=SM2_CURVE_OID),
            },
            "public_key": public_key.point(),
        }
    )


def public_key_from_spki(info: keys.PublicKeyInfo, source: str) -> SM2PublicKey:
    try:
        algorithm = info["algorithm"]["algorithm"].dotted
        params = info["algorithm"]["parameters"]
        curve = params.chosen.dotted if algorithm == "1.2.840.10045.2.1" and params.name == "named" else None
        point = info["public_key"].native
    except (ValueError, TypeError, KeyError):
        raise InputError(f"{source}: unreadable public key") from None
    if curve != SM2_CURVE_OID:
        what = (
            f"an EC key on {describe(curve)}"
            if algorithm == "1.2.840.10045.2.1"
            else f"a {describe(algorithm)} key"
        )
        raise InputError(f"{source}: the public key is {what}, not SM2")
    return SM2PublicKey.from_point(point)


def key_identifier(public_key: SM2PublicKey) -> bytes:
    # RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits, as `openssl ... hash` makes it.
    return hashlib.sha1(public_key.point(), usedforsecurity=False).digest()


# --- PEM / DER ----------------------------------------------------------------------------------

PEM_CERTIFICATE = "CERTIFICATE"
PEM_CSR = "CERTIFICATE REQUEST"
PEM_CRL = "X509 CRL"


def to_pem(kind: str, der: bytes) -> bytes:
    return pem.armor(kind, der)


_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


def _der_blocks(data: bytes, kinds: tuple[str, ...], source: str) -> Iterator[tuple[bytes, str]]:
    """(DER, where) for every PEM block of one of ``kinds`` — where names the file and the block's
    first line — or the whole of ``data`` as DER."""
    if not pem.detect(data):
        yield data, source
        return
    text = data.decode("utf-8", errors="replace")
    label: str | None = None
    start, found = 0, False
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if label is None:
            match = _PEM_BEGIN.fullmatch(stripped)
            if match:
                label, start, body = match.group(1), number, []
            continue
        if stripped == f"-----END {label}-----":
            if label in kinds:
                found = True
                try:
                    der = base64.b64decode("".join(b for b in body if ":" not in b), validate=True)
                except (binascii.Error, ValueError):
                    raise InputError(
                        f"{source}: line {start}: the {label} block is not valid base64"
                    ) from None
                yield der, f"{source}: line {start}"
            label = None
            continue
        body.append(stripped)
    if label is not None:
        raise InputError(f"{source}: line {start}: the {label} block has no END line")
    if not found:
        raise InputError(f"{source}: no PEM block of type {' or '.join(kinds)}")


def _load(spec: Any, der: bytes, source: str, what: str) -> Any:
    try:
        value = spec.load(der, strict=True)
        value.native  # noqa: B018 - parse every field now, so a bad file fails here and not later
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise InputError(f"{source}: not a valid {what}: {_der_problem(der)}") from None
    return value


def _der_problem(der: bytes) -> str:
    """What is wrong with bytes that should be one DER structure, said for a person (asn1crypto's
    own texts — "Insufficient data - 101 bytes requested" — name neither file nor expectation)."""
    expected = "expected DER (a SEQUENCE) or PEM"
    if not der:
        return f"the data is empty; {expected}"
    if der[0] != 0x30:
        return f"{expected}, but the data does not start like either"
    length = _declared_length(der)
    if length is None:
        return f"{expected}, but its length field is malformed"
    if length > len(der):
        return f"truncated: the structure declares {length} bytes, the data holds {len(der)}"
    if length < len(der):
        return f"{len(der) - length} bytes of trailing data after the structure"
    return "the structure inside does not match (a field is missing, of the wrong type, or malformed)"


def _declared_length(der: bytes) -> int | None:
    """The total length (header included) a DER SEQUENCE at the start of ``der`` declares."""
    if len(der) < 2:
        return None
    first = der[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(der) < 2 + count:
        return None
    return 2 + count + int.from_bytes(der[2 : 2 + count], "big")


def load_certificates(data: bytes, source: str) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM bundle, or the one DER certificate."""
    return [
        _load(asn1_x509.Certificate, der, where, "X.509 certificate")
        for der, where in _der_blocks(
            data, (PEM_CERTIFICATE, "X509 CERTIFICATE", "TRUSTED CERTIFICATE"), source
        )
    ]


def load_certificate(data: bytes, source: str) -> asn1_x509.Certificate:
    certs = load_certificates(data, source)
    if len(certs) != 1:
        raise InputError(f"{source}: expected one certificate, found {len(certs)}")
    return certs[0]


def load_csr(data: bytes, source: str) -> csr.CertificationRequest:
    blocks = list(_der_blocks(data, (PEM_CSR, "NEW CERTIFICATE REQUEST"), source))
    if len(blocks) != 1:
        raise InputError(f"{source}: expected one certificate request, found {len(blocks)}")
    return _load(csr.CertificationRequest, *blocks[0], "PKCS#10 certificate request")


def load_crl(data: bytes, source: str) -> asn1_crl.CertificateList:
    blocks = list(_der_blocks(data, (PEM_CRL,), source))
    if len(blocks) != 1:
        raise InputError(f"{source}: expected one CRL, found {len(blocks)}")
    return _load(asn1_crl.CertificateList, *blocks[0], "CRL")


# --- names --------------------------------------------------------------------------------------

_SHORT = {
    "common_name": "CN",
    "organization_name": "O",
    "organizational_unit_name": "OU",
    "country_name": "C",
    "state_or_province_name": "ST",
    "locality_name": "L",
    "serial_number": "serialNumber",
    "email_address": "emailAddress",
}


def build_name(subject: Subject) -> asn1_x509.Name:
    rdns = []
    for attribute, value in subject.ordered():
        if attribute in ("country_name", "serial_number"):
            encoded: core.Asn1Value = core.PrintableString(value)
        elif attribute == "email_address":
            encoded = asn1_x509.EmailAddress(value)
        else:
            encoded = asn1_x509.DirectoryString(name="utf8_string", value=value)
        rdns.append(
            asn1_x509.RelativeDistinguishedName(
                [asn1_x509.NameTypeAndValue({"type": attribute, "value": encoded})]
            )
        )
    return asn1_x509.Name(name="", value=asn1_x509.RDNSequence(rdns))


def name_text(name: asn1_x509.Name) -> str:
    """``CN=..., O=..., C=CN`` — most specific first, as people read a DN."""
    parts = []
    for rdn in reversed(list(name.chosen)):
        for atv in rdn:
            label = _SHORT.get(atv["type"].native, atv["type"].dotted)
            value = atv["value"].native
            parts.append(f"{label}={value}")
    return ", ".join(parts)


def common_name(name: asn1_x509.Name) -> str:
    for rdn in name.chosen:
        for atv in rdn:
            if atv["type"].native == "common_name":
                return str(atv["value"].native)
    return name_text(name)


# --- building and signing ------------------------------------------------------------------------


def _time(value: dt.datetime) -> asn1_x509.Time:
    # RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
    value = value.astimezone(dt.UTC).replace(microsecond=0)
    return asn1_x509.Time(name="utc_time" if value.year < 2050 else "general_time", value=value)


@dataclass(frozen=True)
class Issuer:
    """Who signs: the issuing CA's name, key identifier and private key (self for a root)."""

    name: asn1_x509.Name
    key_identifier: bytes
    private_key: SM2PrivateKey


def build_extensions(
    profile: Profile,
    subject_key: SM2PublicKey,
    authority_key_id: bytes,
    alt_names: Iterable[AltName],
    crl_url: str | None,
    ocsp_url: str | None = None,
) -> list[dict[str, Any]]:
    extensions: list[dict[str, Any]] = [
        {
            "extn_id": "basic_constraints",
            "critical": True,
            "extn_value": {"ca": profile.is_ca, "path_len_constraint": profile.path_length}
            if profile.is_ca
            else {"ca": False},
        },
        {"extn_id": "key_usage", "critical": True, "extn_value": set(profile.key_usage)},
        {"extn_id": "key_identifier", "critical": False, "extn_value": key_identifier(subject_key)},
        {
            "extn_id": "authority_key_identifier",
            "critical": False,
            "extn_value": {"key_identifier": authority_key_id},
        },
    ]
    if profile.extended_key_usage:
        extensions.append(
            {
                "extn_id": "extended_key_usage",
                "critical": profile.critical_eku,
                "extn_value": list(profile.extended_key_usage),
            }
        )
    names = [asn1_x509.GeneralName(name=a.kind, value=a.value) for a in alt_names]
    if names:
        extensions.append({"extn_id": "subject_alt_name", "critical": False, "extn_value": names})
    if crl_url:
        extensions.append(
            {
                "extn_id": "crl_distribution_points",
                "critical": False,
                "extn_value": [
                    {
                        "distribution_point": asn1_x509.DistributionPointName(
                            name="full_name",
                            value=[asn1_x509.GeneralName(name="uniform_resource_identifier", value=crl_url)],
                        )
                    }
                ],
            }
        )
    if ocsp_url:
        extensions.append(
            {
                "extn_id": "authority_information_access",
                "critical": False,
                "extn_value": [
                    {
                        "access_method": "ocsp",
                        "access_location": asn1_x509.GeneralName(
                            name="uniform_resource_identifier", value=ocsp_url
                        ),
                    }
                ],
            }
        )
    if profile.ocsp_no_check:
        extensions.append({"extn_id": "ocsp_no_check", "critical": False, "extn_value": core.Null()})
    return extensions


def build_certificate(
    *,
    profile: Profile,
    serial: int,
    subject: asn1_x509.Name,
    public_key: SM2PublicKey,
    issuer: Issuer,
    not_before: dt.datetime,
    not_after: dt.datetime,
    alt_names: Iterable[AltName] = (),
    crl_url: str | None = None,
    ocsp_url: str | None = None,
    sm2_id: bytes = DEFAULT_ID,
) -> asn1_x509.Certificate:
    """Sign with the issuer's key and ``sm2_id`` (keep the default: the empty ID is only for tests)."""
    tbs = asn1_x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial,
            "signature": {"algorithm": SM2_SM3_OID},
            "issuer": issuer.name,
            "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
            "subject": subject,
            "subject_public_key_info": spki(public_key),
            "extensions": build_extensions(
                profile, public_key, issuer.key_identifier, alt_names, crl_url, ocsp_url
            ),
        }
    )
    signature = issuer.private_key.sign(tbs.dump(), id=sm2_id)
    return asn1_x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": SM2_SM3_OID},
            "signature_value": signature,
        }
    )


def build_csr(subject: Subject, private_key: SM2PrivateKey) -> csr.CertificationRequest:
    info = csr.CertificationRequestInfo(
        {
            "version": "v1",
            "subject": build_name(subject),
            "subject_pk_info": spki(private_key.public_key()),
            "attributes": [],
        }
    )
    signature = private_key.sign(info.dump(), id=DEFAULT_ID)
    return csr.CertificationRequest(
        {
            "certification_request_info": info,
            "signature_algorithm": {"algorithm": SM2_SM3_OID},
            "signature": signature,
        }
    )


@dataclass(frozen=True)
class RevokedEntry:
    serial: int
    revoked_at: dt.datetime
    reason: str  # asn1crypto CRLReason name, e.g. "key_compromise"


def build_crl(
    *,
    issuer: Issuer,
    number: int,
    this_update: dt.datetime,
    next_update: dt.datetime,
    revoked: Iterable[RevokedEntry],
) -> asn1_crl.CertificateList:
    entries = []
    for entry in revoked:
        item: dict[str, Any] = {"user_certificate": entry.serial, "revocation_date": _time(entry.revoked_at)}
        if entry.reason != "unspecified":  # RFC 5280 5.3.1: omit rather than say unspecified
            item["crl_entry_extensions"] = [
                {"extn_id": "crl_reason", "critical": False, "extn_value": entry.reason}
            ]
        entries.append(item)
    tbs = asn1_crl.TbsCertList(
        {
            "version": "v2",
            "signature": {"algorithm": SM2_SM3_OID},
            "issuer": issuer.name,
            "this_update": _time(this_update),
            "next_update": _time(next_update),
            "revoked_certificates": entries or None,
            "crl_extensions": [
                {"extn_id": "crl_number", "critical": False, "extn_value": number},
                {
                    "extn_id": "authority_key_identifier",
                    "critical": False,
                    "extn_value": {"key_identifier": issuer.key_identifier},
                },
            ],
        }
    )
    signature = issuer.private_key.sign(tbs.dump(), id=DEFAULT_ID)
    return asn1_crl.CertificateList(
        {"tbs_cert_list": tbs, "signature_algorithm": {"algorithm": SM2_SM3_OID}, "signature": signature}
    )


# --- reading facts out of parsed structures ------------------------------------------------------


def certificate_public_key(cert: asn1_x509.Certificate, source: str = "certificate") -> SM2PublicKey:
    return public_key_from_spki(cert["tbs_certificate"]["subject_public_key_info"], source)


def check_certificate_signature(cert: asn1_x509.Certificate, issuer_key: SM2PublicKey) -> SignatureCheck:
    return verify_signature(
        issuer_key,
        cert["signature_algorithm"]["algorithm"].dotted,
        cert["signature_value"].native,
        cert["tbs_certificate"].dump(),
    )


def check_csr_signature(
    request: csr.CertificationRequest, source: str
) -> tuple[SM2PublicKey, SignatureCheck]:
    key = public_key_from_spki(request["certification_request_info"]["subject_pk_info"], source)
    check = verify_signature(
        key,
        request["signature_algorithm"]["algorithm"].dotted,
        request["signature"].native,
        request["certification_request_info"].dump(),
    )
    return key, check


def check_crl_signature(crl: asn1_crl.CertificateList, issuer_key: SM2PublicKey) -> SignatureCheck:
    return verify_signature(
        issuer_key,
        crl["signature_algorithm"]["algorithm"].dotted,
        crl["signature"].native,
        crl["tbs_cert_list"].dump(),
    )


def csr_alt_names(request: csr.CertificationRequest, source: str = "CSR") -> tuple[AltName, ...]:
    """subjectAltName entries the CSR asks for (extensionRequest attribute), DNS/IP/e-mail only,
    each checked as if the operator had typed it."""
    found: list[AltName] = []
    for attribute in request["certification_request_info"]["attributes"]:
        if attribute["type"].native != "extension_request":
            continue
        for extensions in attribute["values"]:
            for ext in extensions:
                if ext["extn_id"].native == "subject_alt_name":
                    for general in ext["extn_value"].parsed:
                        prefix = {"dns_name": "DNS", "ip_address": "IP", "rfc822_name": "email"}.get(
                            general.name
                        )
                        if prefix is None:
                            continue
                        value = str(general.native).split("/")[0] if prefix == "IP" else str(general.native)
                        try:
                            found.append(parse_san(f"{prefix}:{value}"))
                        except InputError as exc:
                            raise InputError(f"{source}: requested {exc}") from None
    return tuple(found)


def subject_from_name(name: asn1_x509.Name, source: str = "CSR") -> Subject:
    """A CSR's subject as our Subject (attributes we know; others are refused, not silently dropped)."""
    pairs = []
    for rdn in name.chosen:
        for atv in rdn:
            attribute = atv["type"].native
            if attribute not in _SHORT:
                raise InputError(f"{source}: subject attribute {atv['type'].dotted} is not supported")
            pairs.append((attribute, str(atv["value"].native)))
    return Subject(tuple(pairs))


def validity(cert: asn1_x509.Certificate) -> tuple[dt.datetime, dt.datetime]:
    v = cert["tbs_certificate"]["validity"]
    return v["not_before"].native, v["not_after"].native


def extension(cert: asn1_x509.Certificate, name: str) -> Any:
    """The parsed value of the named extension, or None."""
    for ext in cert["tbs_certificate"]["extensions"]:
        if ext["extn_id"].native == name:
            return ext["extn_value"].parsed
    return None


def fingerprint_sm3(der: bytes) -> str:
    from govnet.pki.sm3 import sm3

    return sm3(der).hex()
