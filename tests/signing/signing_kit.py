"""One signing-service world for the tests: a CA with an intermediate, a seal maker (its own key),
two signers (escrowed keys), a tls-server certificate whose held key signs the audit heads, two
seals, CRLs, and the service over it -- on any store."""

from __future__ import annotations

from dataclasses import dataclass

from govnet.pki.keysource import KeyInput
from govnet.pki.seal.picture import round_seal_png
from govnet.pki.seal.service import MakeSealRequest, SealService
from govnet.pki.service import IssueRequest, PkiService
from govnet.settings import Settings
from govnet.signing.access import Principal
from govnet.signing.service import SigningService
from govnet.store import Store

PASSPHRASE = "correct horse battery staple"
HOLDER = "the holder's own passphrase"
ADMIN = Principal("root-admin", "admin")


@dataclass
class World:
    service: SigningService
    signer: str  # serial of the signer of seal A
    other_signer: str  # serial of the signer of seal B
    seal_a: str
    seal_b: str
    audit_signer: str


def build_world(store: Store, settings: Settings) -> World:
    pki = PkiService(store, settings)
    pki.init(name="CN=Test Root CA", intermediate=True)
    maker = pki.issue(
        IssueRequest(
            profile="seal-maker",
            subject="CN=制章中心",
            organisation="示例局",
            credit_code="11440200007156789D",
            key_passphrase=HOLDER,
        )
    )
    signers = [
        pki.issue(IssueRequest(profile="signer", subject=f"CN={name}", key_passphrase=HOLDER, escrow=True))
        for name in ("王小明", "李四")
    ]
    server = pki.issue(
        IssueRequest(profile="tls-server", subject="CN=signing.example", san=("DNS:signing.example",))
    )
    pki.publish_all_crls()
    seals = SealService(store, settings)
    maker_key = KeyInput(maker.key_file or b"", "maker.key", HOLDER)
    for es_id, signer in (("SEAL-A", signers[0]), ("SEAL-B", signers[1])):
        seals.make(
            MakeSealRequest(
                name=f"示例局公章 {es_id}",
                picture=round_seal_png(),
                signer_serials=(signer.record.serial,),
                maker_serial=maker.record.serial,
                es_id=es_id,
            ),
            maker_key,
        )
    settings.service.audit_signer = server.record.serial
    service = SigningService(store, settings)
    return World(
        service, signers[0].record.serial, signers[1].record.serial, "SEAL-A", "SEAL-B", server.record.serial
    )
