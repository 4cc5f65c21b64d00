"""OFD signing and verification with govnet's store: stored seals, the signer's key from a key source
(``govnet.pki.keysource``: the holder's key file or an escrowed key), the store's trust.

The CLI, the demo and (later) the signing service call these; ``sign_ofd``/``verify_ofd`` stay usable
without a store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govnet.errors import InputError
from govnet.pki.keysource import KeySource, signing_key
from govnet.pki.ofd.sign import Placement, PlainSigner, SignResult, sign_ofd
from govnet.pki.ofd.verify import OfdReport, VerifyOptions, verify_ofd
from govnet.pki.seal.service import SealService


@dataclass(frozen=True)
class StoreSealSigner:
    """Signs with a stored, active seal and the key of a valid certificate the seal lists."""

    service: SealService
    es_id: str
    signer_serial: str
    key: KeySource
    type: str = "Seal"

    @property
    def seal(self) -> bytes:
        return self.service.get(self.es_id).der

    def signed_value(self, digest: bytes, property_info: str, when: dt.datetime) -> bytes:
        return self.service.sign(
            self.es_id, self.signer_serial, digest, key=self.key, property_info=property_info, sign_time=when
        )


def plain_signer(service: SealService, signer_serial: str, key: KeySource) -> PlainSigner:
    record = service.pki.certificate(signer_serial)
    if record.status != "valid":
        raise InputError(f"the signer's certificate {record.serial} is {record.status}: it cannot sign")
    return PlainSigner(signing_key(service.pki, record, key), record.certificate)


def sign_file(
    service: SealService,
    source: Path,
    output: Path,
    *,
    signer_serial: str,
    signer_key: KeySource,
    es_id: str | None = None,
    placement: Placement | None = None,
    protect_signature_list: bool = False,
) -> SignResult:
    """Sign ``source`` into ``output`` with seal ``es_id`` (or, without one, a plain signature)."""
    signer = (
        StoreSealSigner(service, es_id, signer_serial, signer_key)
        if es_id is not None
        else plain_signer(service, signer_serial, signer_key)
    )
    return sign_ofd(
        source, output, signer, placement=placement, protect_signature_list=protect_signature_list
    )


def verify_file(
    service: SealService,
    source: Path,
    *,
    trusted: Sequence[tuple[bytes, str]] = (),
    intermediates: Sequence[tuple[bytes, str]] = (),
    crls: Sequence[tuple[bytes, str]] = (),
    at: dt.datetime | None = None,
) -> OfdReport:
    """Verify every signature in ``source`` against the store's trust plus what is given."""
    trust = service.trust(trusted=trusted, intermediates=intermediates, crls=crls)
    policy = service.policy(at)
    return verify_ofd(source, VerifyOptions(trust=trust, allow_empty_sm2_id=policy.allow_empty_sm2_id, at=at))
