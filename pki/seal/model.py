"""What a seal and a seal signature say, version-independent: frozen facts read out of the ASN.1.

``reader.py`` fills these from either structure version; verification, inspection and the store
work on them and never on the ASN.1 objects, so the two versions differ in one place only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

from asn1crypto import x509 as asn1_x509

from govnet.pki import x509

# The structures' own algorithm identifiers (GM/T 0006).
SM2_SM3 = x509.SM2_SM3_OID
SM2_SIGN = "1.2.156.10197.1.301.1"  # "SM2 signature" without naming the hash: seen in the field

HEADER_ID = "ES"
GOVNET_VENDOR = "govnet"

SEAL_KINDS = {1: "organisation", 2: "person"}


class SealKind(IntEnum):
    """SES_ESPropertyInfo.type: 1 单位印章 (an organisation's seal), 2 个人印章 (a person's)."""

    ORGANISATION = 1
    PERSON = 2

    @classmethod
    def parse(cls, text: str) -> SealKind:
        from govnet.errors import InputError

        for kind in cls:
            if text.strip().lower() in (kind.name.lower(), str(kind.value)):
                return kind
        raise InputError(f"seal type {text!r}: choose organisation or person")


def kind_label(value: int) -> str:
    return SEAL_KINDS.get(value, f"vendor-specific ({value})")


@dataclass(frozen=True)
class Quirk:
    """A deviation from the standard found in a file, accepted on purpose and reported by name."""

    name: str  # stable id: raw-signature, utc-time, algorithm-identifier, ...
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "detail": self.detail}


@dataclass(frozen=True)
class Picture:
    declared_type: str  # what the file says: PNG, GIF, JPG, ...
    detected_type: str | None  # from the magic bytes: png, gif, jpeg, or None when unknown
    data: bytes
    width_mm: int
    height_mm: int


@dataclass(frozen=True)
class Extension:
    oid: str
    critical: bool
    value: bytes


@dataclass(frozen=True)
class CertEntry:
    """One entry of the seal's certificate list: a whole certificate, or a digest of one."""

    certificate: asn1_x509.Certificate | None = None
    digest_type: str | None = None
    digest: bytes | None = None


@dataclass(frozen=True)
class Seal:
    version: int  # 4 (GB/T 38540) or 1 (GM/T 0031)
    header_id: str
    header_version: int
    vendor_id: str
    es_id: str
    kind: int
    name: str
    cert_list_type: int  # 1: certificates, 2: certificate digests (v1 always lists certificates)
    cert_list: tuple[CertEntry, ...]
    created: dt.datetime
    valid_start: dt.datetime
    valid_end: dt.datetime
    picture: Picture
    extensions: tuple[Extension, ...]
    maker_certificate: asn1_x509.Certificate
    algorithm: str
    signature: bytes  # as carried: DER SEQUENCE{r, s} or raw r||s
    signed_bytes: bytes  # exactly what the seal maker signed
    der: bytes  # the seal's DER as it appears in the file
    quirks: tuple[Quirk, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SealSignature:
    version: int
    seal: Seal
    sign_time: dt.datetime
    data_hash: bytes
    property_info: str
    extensions: tuple[Extension, ...]
    signer_certificate: asn1_x509.Certificate
    algorithm: str
    signature: bytes
    signed_bytes: bytes  # the DER of TBS_Sign as it appears in the file
    time_stamp: bytes | None
    der: bytes
    quirks: tuple[Quirk, ...] = field(default_factory=tuple)
