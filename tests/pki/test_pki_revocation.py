"""Revocation the CA knows is seen by verify at once: the store's record, before any CRL lists it."""

from __future__ import annotations

import datetime as dt

import pytest
from pki_chains import NOW, ChainFactory

from govnet.pki import x509
from govnet.pki.profiles import PROFILES, parse_subject
from govnet.pki.service import IssueRequest, PkiService, VerifyRequest
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.verify import verify_path
from govnet.settings import Settings
from govnet.store import Store
from govnet.verdict import Status


@pytest.fixture
def service(store: Store, pki_settings: Settings, cheap_kdf: None) -> PkiService:
    pki = PkiService(store, pki_settings)
    pki.init(name="CN=Root", intermediate=True, crl_url="http://crl.gov.example/root.crl")
    return pki


def _checks(verdict):  # type: ignore[no-untyped-def]
    return {c.name: c for c in verdict.checks}


def test_verify_says_revoked_as_soon_as_the_store_knows(service: PkiService) -> None:
    leaf = service.issue(IssueRequest(profile="device", subject="CN=r1")).record
    for authority in service.authorities():  # CRLs published before the revocation: they list nothing
        service.publish_crl(ca_serial=authority.record.serial)
    before = service.verify(VerifyRequest(leaf.der, "r1"))
    assert before.status is Status.PASSED, before.failures
    assert _checks(before)["revocation_record[leaf: r1]"].status is Status.PASSED

    service.revoke(leaf.serial, "keyCompromise")
    after = service.verify(VerifyRequest(leaf.der, "r1"))
    assert after.status is Status.FAILED
    record = _checks(after)["revocation_record[leaf: r1]"]
    assert record.status is Status.FAILED and record.reason.startswith("REVOKED on ")
    assert "keyCompromise" in record.reason
    assert record.evidence["source"] == "store" and record.evidence["serial"] == leaf.serial
    assert record.evidence["revocation_reason"] == "keyCompromise"
    # The CRL published earlier still says "not revoked": the store's record is what decides.
    assert _checks(after)["revocation[leaf: r1]"].status is Status.PASSED


def test_a_revoked_intermediate_fails_its_leaves_at_once(service: PkiService) -> None:
    leaf = service.issue(IssueRequest(profile="device", subject="CN=r2")).record
    intermediate = next(a.record for a in service.authorities() if a.role == "intermediate")
    service.revoke(intermediate.serial, "cACompromise")
    verdict = service.verify(VerifyRequest(leaf.der, "r2"))
    failed = [c.name for c in verdict.failures]
    assert any(name.startswith("revocation_record[intermediate") for name in failed), failed


def test_a_foreign_certificate_with_a_known_serial_is_not_judged_by_the_store(
    service: PkiService, chain: ChainFactory
) -> None:
    leaf = service.issue(IssueRequest(profile="device", subject="CN=r3")).record
    service.revoke(leaf.serial, "superseded")
    # Another CA's certificate that happens to carry the same serial.
    key = SM2PrivateKey.generate()
    foreign = x509.build_certificate(
        profile=PROFILES["device"],
        serial=int(leaf.serial, 16),
        subject=x509.build_name(parse_subject("CN=r3")),
        public_key=key.public_key(),
        issuer=chain.inter.issuer,
        not_before=NOW - dt.timedelta(minutes=5),
        not_after=NOW + dt.timedelta(days=30),
    )
    verdict = verify_path(
        foreign, intermediates=[chain.inter.cert], roots=[chain.root.cert],
        records=service._revocation_record,
    )  # fmt: skip
    assert not any(c.name.startswith("revocation_record") for c in verdict.checks)
