"""GM/T 0029 signing-server operations with govnet's store: certificates by serial, their keys from a
key source (``govnet.pki.keysource``: the holder's key file or an escrowed key), the store's trust for
verification. The CLI calls these; the HTTP signing service will too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509

from govnet.errors import InputError
from govnet.pki import x509
from govnet.pki.cms import raw
from govnet.pki.cms.signeddata import Style, TrustLike, path_checks, sign_data, verify_signed_data
from govnet.pki.keysource import KeySource, signing_key
from govnet.pki.service import PkiService
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey
from govnet.verdict import Verdict


@dataclass(frozen=True)
class Signer:
    key: SM2PrivateKey
    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]


def signer(pki: PkiService, serial: str, key: KeySource) -> Signer:
    """The key (from ``key``) and certificate of a valid certificate, with its CA chain."""
    record = pki.certificate(serial)
    if record.status != "valid":
        raise InputError(f"certificate {record.serial} is {record.status}: it cannot sign")
    chain = tuple(r.certificate for r in pki.chain(record.serial) if r.serial != record.serial)
    return Signer(signing_key(pki, record, key), record.certificate, chain)


def sign_p7(
    pki: PkiService,
    serial: str,
    content: bytes,
    *,
    key: KeySource,
    detached: bool = False,
    style: Style = Style.GM,
    signed_attributes: bool = True,
) -> bytes:
    who = signer(pki, serial, key)
    return sign_data(
        content,
        who.key,
        who.certificate,
        detached=detached,
        chain=who.chain,
        style=style,
        signed_attributes=signed_attributes,
    )


def trust(
    pki: PkiService,
    *,
    trusted: Sequence[tuple[bytes, str]] = (),
    intermediates: Sequence[tuple[bytes, str]] = (),
    crls: Sequence[tuple[bytes, str]] = (),
) -> TrustLike:
    """The store's roots, CA certificates and newest CRLs plus what is given: the seal service's
    trust (one way to gather it), used as is."""
    from govnet.pki.seal.service import SealService

    return SealService(pki.store, pki.settings).trust(trusted=trusted, intermediates=intermediates, crls=crls)


def verify_p7(
    pki: PkiService,
    der: bytes,
    *,
    content: bytes | None,
    source: str,
    trust_given: TrustLike,
    at: dt.datetime | None = None,
) -> Verdict:
    return verify_signed_data(
        der,
        content=content,
        trust=trust_given,
        allow_empty_sm2_id=pki.settings.pki.allow_empty_sm2_id,
        at=at,
        source=source,
    )


def verify_sm2(
    certificate: asn1_x509.Certificate,
    signature: bytes,
    *,
    data: bytes | None,
    e: bytes | None,
    id: bytes = DEFAULT_ID,
    chain_trust: TrustLike | None = None,
    allow_empty_sm2_id: bool = False,
) -> Verdict:
    """A raw SM2 signature checked with a certificate's key, and the certificate's path when asked."""
    from govnet.pki.verify import Policy

    subject = f"{x509.name_text(certificate.subject)} (serial {x509.serial_hex(certificate.serial_number)})"
    verdict = raw.verify(
        x509.certificate_public_key(certificate, "certificate"),
        signature,
        data=data,
        e=e,
        id=id,
        subject=subject,
    )
    if chain_trust is None:
        return verdict
    checks = path_checks(certificate, chain_trust, Policy(allow_empty_sm2_id=allow_empty_sm2_id))
    return Verdict(subject, (*verdict.checks, *checks))
