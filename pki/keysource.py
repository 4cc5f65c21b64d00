"""Where a signing key comes from, for the seal system, OFD signing and the signing service.

These are key custodians by design (a signing service keeps its keys server-side), but the CA keeps
no seal maker's or signer's key it was not asked to (docs/pki.md, "Key custody"). So a key to sign
with is either

- the holder's own key file (``KeyInput``: a govnet key file, or PKCS#8 / SEC1, with its passphrase),
  checked against the certificate it signs for; or
- ``ESCROWED``: the key the PKI store keeps for the certificate -- for a seal maker or a signer only
  one the operator escrowed on issue, for a device or server its held key.

Errors state the problem; the edges say how to give a key file (``KeyNotAvailable``).
"""

from __future__ import annotations

from dataclasses import dataclass

from govnet.errors import InputError
from govnet.pki import ca, x509
from govnet.pki.ca import CertificateRecord
from govnet.pki.keystore import load_private_key
from govnet.pki.profiles import get_profile
from govnet.pki.schema import CUSTODY_ESCROW
from govnet.pki.service import KeyInput, PkiService
from govnet.pki.sm2 import SM2PrivateKey

__all__ = ["ESCROWED", "Escrowed", "KeyInput", "KeyNotAvailable", "KeySource", "signing_key"]


@dataclass(frozen=True)
class Escrowed:
    """The key the PKI store keeps for the certificate (escrowed on issue, or a held operational key)."""


ESCROWED = Escrowed()
KeySource = KeyInput | Escrowed


class KeyNotAvailable(InputError):
    """The store keeps no key it may sign with for this certificate: the holder's key file is needed."""


def load_key(source: KeyInput) -> SM2PrivateKey:
    """The key in a holder's key file (decrypted with the passphrase given with it)."""
    return load_private_key(source.data, source.passphrase, source=source.source)


def matching(key: SM2PrivateKey, record: CertificateRecord, source: str) -> SM2PrivateKey:
    """``key`` if it is the private key of ``record``'s certificate; else an error naming both."""
    if key.public_key().point() != x509.certificate_public_key(record.certificate).point():
        raise InputError(f"{source}: not the private key of certificate {record.serial} ({record.subject})")
    return key


def escrowed_key(pki: PkiService, record: CertificateRecord) -> SM2PrivateKey:
    """The key the store keeps for ``record``, if it keeps one it may sign with."""
    not_escrowed = get_profile(record.profile).non_repudiation and record.key_custody != CUSTODY_ESCROW
    if record.key_id is None or not_escrowed:
        raise KeyNotAvailable(
            f"certificate {record.serial} ({record.subject}) is a {record.profile} certificate issued "
            "without key escrow: the store keeps no key of it to sign with; sign with the key file "
            "its holder has (or issue the certificate with escrow)"
        )
    return ca.private_key_of(pki.store, pki.settings, record.serial)


def signing_key(pki: PkiService, record: CertificateRecord, source: KeySource) -> SM2PrivateKey:
    """The private key of ``record``'s certificate from ``source``."""
    if isinstance(source, KeyInput):
        return matching(load_key(source), record, source.source)
    return escrowed_key(pki, record)
