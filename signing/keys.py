"""Where the service's signing keys live, behind one interface.

``KeyBackend.key_for(record)`` gives the SM2 key of a certificate as a ``govnet.pki.sm2.SM2PrivateKey``
-- itself a facade over an engine (``pki/sm2_base.py``), so a GM/T 0018 SDF cipher card or a PKCS#11
token becomes another engine whose key objects sign inside the device, and another ``KeyBackend``
here that maps certificates to the device's key handles. Nothing else in the service touches keys.

``StoreKeyBackend`` uses the keys the PKI store keeps in escrow (``govnet.pki.keysource``): each is
decrypted once per process with the PKI passphrase and kept in memory only; the key, and the
passphrase, are never logged. Whether a certificate may still sign (revoked, expired) is checked
by the caller on every request, from the store.
"""

from __future__ import annotations

import threading
from typing import Protocol

from govnet.pki.ca import CertificateRecord
from govnet.pki.keysource import escrowed_key
from govnet.pki.service import PkiService
from govnet.pki.sm2 import SM2PrivateKey


class KeyBackend(Protocol):
    @property
    def name(self) -> str:
        """Shown in /healthz and the logs: "store", "sdf", "pkcs11"."""
        ...

    def key_for(self, record: CertificateRecord) -> SM2PrivateKey:
        """The private key of ``record``'s certificate; ``KeyNotAvailable`` when this backend has none."""
        ...


class StoreKeyBackend:
    """Keys escrowed in the PKI store, decrypted once per process (the KDF is deliberately slow)."""

    name = "store"

    def __init__(self, pki: PkiService) -> None:
        self._pki = pki
        self._keys: dict[str, SM2PrivateKey] = {}
        self._lock = threading.Lock()

    def key_for(self, record: CertificateRecord) -> SM2PrivateKey:
        key = self._keys.get(record.serial)
        if key is not None:
            return key
        with self._lock:  # one decryption per key, even when requests for it arrive together
            key = self._keys.get(record.serial)
            if key is None:
                key = escrowed_key(self._pki, record)
                self._keys[record.serial] = key
        return key

    def __repr__(self) -> str:
        return f"StoreKeyBackend({len(self._keys)} keys loaded)"


class ServiceHeadSigner:
    """The audit chain's head signer (``audit.HeadSigner``): a certificate's key from a backend."""

    def __init__(self, pki: PkiService, backend: KeyBackend, serial: str) -> None:
        self._pki = pki
        self._backend = backend
        self.serial = serial

    def key(self) -> SM2PrivateKey:
        return self._backend.key_for(self._pki.certificate(self.serial))
