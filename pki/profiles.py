"""Certificate profiles (GM/T 0015-2012): what each kind of certificate carries. Pure data and checks.

A profile fixes the key usage, the extended key usage, the basic constraints and what the subject
must contain; ``x509.py`` turns a profile, a subject and a public key into a TBS certificate.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from govnet.errors import InputError
from govnet.pki.errors import FieldError
from govnet.pki.uscc import validate_credit_code

# RFC 9336 id-kp-documentSigning: signing documents (seals and e-signatures), not e-mail or code.
DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36"


class SubjectKind(StrEnum):
    AUTHORITY = "authority"
    ORGANISATION = "organisation"
    PERSON_OR_ORGANISATION = "person-or-organisation"
    SERVER = "server"
    DEVICE = "device"


@dataclass(frozen=True)
class Profile:
    name: str
    title: str  # what the operator calls it
    is_ca: bool
    path_length: int | None  # basic constraints pathLenConstraint (CAs only)
    key_usage: frozenset[str]  # asn1crypto KeyUsage bit names
    extended_key_usage: tuple[str, ...]  # asn1crypto names or dotted OIDs
    subject: SubjectKind
    requires_san: bool
    default_days: int
    # RFC 3161 2.3: a TSA's certificate has exactly one EKU, timeStamping, and marks it critical.
    critical_eku: bool = False
    # RFC 6960 4.2.2.2.1: a delegated OCSP responder's certificate is not itself checked for revocation.
    ocsp_no_check: bool = False

    @property
    def end_entity(self) -> bool:
        return not self.is_ca

    @property
    def non_repudiation(self) -> bool:
        """Its signatures bind the holder (seals, e-signatures): the key must be the holder's alone."""
        return "non_repudiation" in self.key_usage


_CA_USAGE = frozenset({"key_cert_sign", "crl_sign"})
_SIGNING_USAGE = frozenset({"digital_signature", "non_repudiation"})

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("root", "root CA (根CA)", True, None, _CA_USAGE, (), SubjectKind.AUTHORITY, False, 20 * 365),
        Profile(
            "intermediate",
            "issuing CA (二级CA)",
            True,
            0,
            _CA_USAGE,
            (),
            SubjectKind.AUTHORITY,
            False,
            10 * 365,
        ),
        Profile(
            "seal-maker",
            "seal maker (制章人)",
            False,
            None,
            _SIGNING_USAGE,
            (DOCUMENT_SIGNING,),
            SubjectKind.ORGANISATION,
            False,
            3 * 365,
        ),
        Profile(
            "signer",
            "seal holder / signer (签章人)",
            False,
            None,
            _SIGNING_USAGE,
            (DOCUMENT_SIGNING,),
            SubjectKind.PERSON_OR_ORGANISATION,
            False,
            2 * 365,
        ),
        Profile(
            "tls-server",
            "TLS server",
            False,
            None,
            frozenset({"digital_signature"}),
            ("server_auth",),
            SubjectKind.SERVER,
            True,
            398,
        ),
        Profile(
            "device",
            "network device",
            False,
            None,
            frozenset({"digital_signature"}),
            ("client_auth", "ipsec_ike"),
            SubjectKind.DEVICE,
            False,
            3 * 365,
        ),
        Profile(
            "tsa",
            "time-stamp authority (RFC 3161)",
            False,
            None,
            frozenset({"digital_signature"}),
            ("time_stamping",),
            SubjectKind.SERVER,
            False,
            5 * 365,
            critical_eku=True,
        ),
        Profile(
            "ocsp",
            "OCSP responder (RFC 6960, delegated by the issuing CA)",
            False,
            None,
            frozenset({"digital_signature"}),
            ("ocsp_signing",),
            SubjectKind.SERVER,
            False,
            365,
            ocsp_no_check=True,
        ),
    )
}
END_ENTITY_PROFILES = tuple(name for name, p in PROFILES.items() if p.end_entity)


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise InputError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}") from None


# --- subjects ----------------------------------------------------------------------------------

# DN attribute keywords accepted on the command line -> asn1crypto NameType names.
DN_KEYWORDS = {
    "CN": "common_name",
    "O": "organization_name",
    "OU": "organizational_unit_name",
    "C": "country_name",
    "ST": "state_or_province_name",
    "L": "locality_name",
    "SERIALNUMBER": "serial_number",
    "EMAILADDRESS": "email_address",
}
# Order of attributes in the encoded name, most general first (as GM/T 0015 examples show).
_DN_ORDER = [
    "country_name",
    "state_or_province_name",
    "locality_name",
    "organization_name",
    "organizational_unit_name",
    "common_name",
    "serial_number",
    "email_address",
]


@dataclass(frozen=True)
class Subject:
    """A distinguished name as ordered (attribute, value) pairs, plus the credit code if any."""

    attributes: tuple[tuple[str, str], ...]

    def get(self, attribute: str) -> str | None:
        return next((v for a, v in self.attributes if a == attribute), None)

    @property
    def common_name(self) -> str | None:
        return self.get("common_name")

    @property
    def credit_code(self) -> str | None:
        return self.get("serial_number")

    def ordered(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.attributes, key=lambda av: _DN_ORDER.index(av[0])))


# What the attributes' ASN.1 string types can carry: IA5String (ASCII) for e-mail addresses,
# PrintableString for serialNumber (X.680 41.4).
_EMAIL = re.compile(r"[\x21-\x7e]+@[A-Za-z0-9.-]+")
_PRINTABLE = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]+")


def parse_subject(text: str, *, credit_code: str | None = None, organisation: str | None = None) -> Subject:
    """``"CN=Zhang San,O=某市政务服务局,C=CN"`` or a bare common name; commas inside values as ``\\,``."""
    text = text.strip()
    if not text:
        raise InputError("subject is empty")
    pairs: list[tuple[str, str]] = []
    if "=" not in text:
        pairs.append(("common_name", text))
    else:
        for part in re.split(r"(?<!\\),", text):
            keyword, sep, value = part.partition("=")
            keyword, value = keyword.strip().upper(), value.strip().replace("\\,", ",")
            if not sep or not value:
                raise InputError(f"subject {text!r}: {part.strip()!r} is not KEYWORD=value")
            if keyword not in DN_KEYWORDS:
                raise InputError(
                    f"subject {text!r}: unknown attribute {keyword!r}; use {', '.join(DN_KEYWORDS)}"
                )
            pairs.append((DN_KEYWORDS[keyword], value))
    if organisation:
        pairs = [p for p in pairs if p[0] != "organization_name"] + [("organization_name", organisation)]
    if credit_code:
        pairs = [p for p in pairs if p[0] != "serial_number"] + [("serial_number", credit_code)]
    check_subject_values(pairs, f"subject {text!r}")
    if not any(attribute == "country_name" for attribute, _ in pairs):
        pairs.append(("country_name", "CN"))
    return Subject(tuple(pairs))


def subject_text(subject: Subject) -> str:
    """The subject as ``parse_subject`` reads it back: ``CN=...,O=...`` with commas escaped."""
    keyword = {attribute: word for word, attribute in DN_KEYWORDS.items()}
    return ",".join(f"{keyword[a]}={v.replace(',', chr(92) + ',')}" for a, v in subject.attributes)


# How a root's common name becomes its issuing CA's (docs/pki.md, "The issuing CA's name").
_ISSUING_CN_RULES = (
    (re.compile(r"根\s*CA", re.IGNORECASE), "二级CA"),
    (re.compile(r"\bRoot\s+CA\b", re.IGNORECASE), "Issuing CA"),
    (re.compile(r"\bRoot$", re.IGNORECASE), "Issuing CA"),
    (re.compile(r"\bRoot\b", re.IGNORECASE), "Issuing"),
)
_CJK = re.compile(r"[\u3400-\u9fff]")


def issuing_ca_common_name(root_cn: str) -> str:
    """The issuing CA's common name derived from the root's (docs/pki.md).

    "某市电子政务根CA" → "某市电子政务二级CA", "Example Root CA" → "Example Issuing CA",
    "Example Root" → "Example Issuing CA"; otherwise "二级" goes before a final "CA" of a Chinese
    name ("二级CA" is appended when there is none), and "Issuing" before an English one
    ("Lab CA" → "Lab Issuing CA"; " Issuing CA" appended when there is none).
    """
    for pattern, replacement in _ISSUING_CN_RULES:
        matches = list(pattern.finditer(root_cn))  # the last one: "Root Services Root CA"
        if matches:
            last = matches[-1]
            return root_cn[: last.start()] + replacement + root_cn[last.end() :]
    chinese = bool(_CJK.search(root_cn))
    if re.search(r"CA$", root_cn, re.IGNORECASE):
        return root_cn[:-2] + ("二级CA" if chinese else "Issuing CA")
    return root_cn + ("二级CA" if chinese else " Issuing CA")


def issuing_ca_subject(root: Subject) -> Subject:
    """The default issuing CA's subject: the root's, organisation, credit code and every other
    attribute kept, with its common name derived by ``issuing_ca_common_name``."""
    return Subject(
        tuple((a, issuing_ca_common_name(v) if a == "common_name" else v) for a, v in root.attributes)
    )


def check_subject_values(
    pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...], context: str, *, unique: bool = True
) -> None:
    """Each attribute once, and each value one its ASN.1 string type can carry; no control characters
    (they would reach every terminal and log that shows the certificate). Typed subjects and CSRs alike."""
    seen: set[str] = set()
    for attribute, value in pairs:
        if unique and attribute in seen:
            raise InputError(f"{context}: {attribute} given more than once")
        seen.add(attribute)
        if attribute == "country_name" and not re.fullmatch(r"[A-Z]{2}", value):
            raise InputError(f"{context}: country must be two capital letters (C=CN), got {value!r}")
        if len(value) > 256:
            raise InputError(f"{context}: {attribute} is longer than 256 characters")
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            raise InputError(f"{context}: {attribute} holds control characters")
        if attribute == "email_address" and not _EMAIL.fullmatch(value):
            raise InputError(f"{context}: emailAddress {value!r} is not an e-mail address")
        if attribute == "serial_number" and not _PRINTABLE.fullmatch(value):
            raise InputError(f"{context}: serialNumber may hold only letters, digits, spaces and '()+,-./:=?")


# --- subject alternative names -----------------------------------------------------------------

_DNS_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


@dataclass(frozen=True)
class AltName:
    kind: str  # asn1crypto GeneralName alternative: dns_name | ip_address | rfc822_name
    value: str


def parse_san(text: str) -> AltName:
    """``DNS:host.example``, ``IP:10.1.2.3``, ``IP:2001:db8::1``, ``email:a@b``, or a bare name/address."""
    kind, sep, value = text.strip().partition(":")
    if sep and kind.upper() in ("DNS", "IP", "EMAIL"):
        kind = kind.upper()
    else:
        value = text.strip()
        try:
            ipaddress.ip_address(value)
            kind = "IP"
        except ValueError:
            kind = "DNS"
    if kind == "IP":
        try:
            return AltName("ip_address", str(ipaddress.ip_address(value)))
        except ValueError:
            raise InputError(f"subjectAltName {text!r}: not an IPv4 or IPv6 address") from None
    if kind == "EMAIL":
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise InputError(f"subjectAltName {text!r}: not an e-mail address")
        return AltName("rfc822_name", value)
    labels = value.rstrip(".").split(".")
    if labels and labels[0] == "*":
        labels = labels[1:]
    if not value or len(value) > 253 or not labels or not all(_DNS_LABEL.fullmatch(lb) for lb in labels):
        raise InputError(f"subjectAltName {text!r}: not a valid DNS name")
    return AltName("dns_name", value.rstrip(".").lower())


@dataclass(frozen=True)
class Request:
    """What the operator asked for, checked against the profile."""

    profile: Profile
    subject: Subject
    alt_names: tuple[AltName, ...] = field(default_factory=tuple)


def check_request(profile: Profile, subject: Subject, alt_names: tuple[AltName, ...]) -> Request:
    """Raise InputError when the subject or SANs do not fit the profile; validate the credit code."""
    where = f"profile {profile.name}"
    if subject.credit_code is not None:
        code = validate_credit_code(subject.credit_code)
        subject = Subject(tuple((a, code if a == "serial_number" else v) for a, v in subject.attributes))
    if not subject.common_name:
        raise InputError(f"{where}: the subject needs a common name (CN=...)")
    if profile.subject is SubjectKind.ORGANISATION:
        if not subject.get("organization_name"):
            raise FieldError("organisation", f"{where}: the subject must name the organisation (O=...)")
        if not subject.credit_code:
            raise FieldError(
                "credit_code", f"{where}: the organisation's unified social credit code is required"
            )
    if (
        profile.subject is SubjectKind.PERSON_OR_ORGANISATION
        and subject.get("organization_name")
        and not subject.credit_code
    ):
        raise FieldError(
            "credit_code",
            f"{where}: a signer acting for an organisation needs its unified social credit code",
        )
    if profile.requires_san and not any(a.kind in ("dns_name", "ip_address") for a in alt_names):
        raise FieldError("san", f"{where}: at least one DNS name or IP address is required")
    if profile.is_ca and alt_names:
        raise InputError(f"{where}: a CA certificate takes no subjectAltName")
    return Request(profile, subject, alt_names)
