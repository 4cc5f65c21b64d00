"""Old signatures from the field, judged today: expired since signing is INDETERMINATE (no proof it
came first), a trusted time-stamp from inside the validity makes it PASSED, revocations are judged
against the time-stamp, and tampering stays FAILED whatever the time."""

from __future__ import annotations

import datetime as dt

import pytest
from past_kit import EXPIRED, SIGNED, SINCE, STAMPED, TSA_POLICY, PastKit
from pki_chains import ChainFactory
from seal_kit import DOCUMENT, forge_v4

from govnet.pki.seal.verify import SealPolicy, Trust, verify_signature
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import TimeStampAuthority
from govnet.verdict import CheckResult, Status, Verdict


@pytest.fixture(scope="module")
def past() -> PastKit:
    return PastKit.create()


def _verify(der: bytes, trust: Trust, document: bytes = DOCUMENT, **policy: object) -> Verdict:
    return verify_signature(der, data_hash=sm3(document), trust=trust, policy=SealPolicy(**policy))  # type: ignore[arg-type]


def _check(verdict: Verdict, name: str) -> CheckResult:
    return next(c for c in verdict.checks if c.name == name)


def test_an_expired_signature_without_a_time_stamp_is_indeterminate_and_says_why(past: PastKit) -> None:
    verdict = _verify(past.signature(), past.trust())
    assert verdict.status is Status.INDETERMINATE and not verdict.failures
    for name in ("chain[signer]", "chain[seal maker]", "seal_validity"):
        check = _check(verdict, name)
        assert check.status is Status.INDETERMINATE, check
        assert f"expired on {EXPIRED:%Y-%m-%d}" in check.reason
        assert "no time-stamp proves the signature existed before that" in check.reason
        assert check.evidence["basis"] == "validation time" and check.evidence["proof_of_existence"] is None
    assert _check(verdict, "signing_time").status is Status.PASSED
    assert "a claim only" in _check(verdict, "signing_time").reason


def test_a_time_stamp_from_inside_the_validity_passes_judged_at_its_time(past: PastKit) -> None:
    verdict = _verify(past.signature(stamped=True), past.trust())
    assert verdict.status is Status.PASSED, [c for c in verdict.checks if c.status is not Status.PASSED]
    stamp = _check(verdict, "time_stamp")
    assert stamp.evidence["time_stamp"] == STAMPED.isoformat() and "proof" in stamp.reason
    for name in ("chain[signer]", "chain[seal maker]", "seal_validity", "revocation[signer]", "signing_time"):
        check = _check(verdict, name)
        assert check.evidence["judged_at"] == STAMPED.isoformat(), name
        assert check.evidence["basis"] == "time-stamp"
    assert "judged at the time-stamp's time" in _check(verdict, "chain[signer]").reason
    validity = _check(verdict, "seal_validity").reason  # the expiry is said, not held against it
    assert f"was valid then (until {EXPIRED:%Y-%m-%d}" in validity and "expired since" in validity


def test_validation_at_a_time_inside_the_validity_passes_without_a_time_stamp(past: PastKit) -> None:
    verdict = _verify(past.signature(), past.trust(), at=SIGNED + dt.timedelta(days=1))
    assert verdict.status is Status.PASSED, verdict.failures
    assert (
        _check(verdict, "chain[signer]").evidence["judged_at"] == (SIGNED + dt.timedelta(days=1)).isoformat()
    )


def test_a_revocation_after_the_time_stamp_passes_and_is_named(past: PastKit) -> None:
    later = SIGNED + dt.timedelta(days=100)
    trust = past.trust(revoked=((past.kit.signer, later, "superseded"),))
    verdict = _verify(past.signature(stamped=True), trust)
    assert verdict.status is Status.PASSED, verdict.failures
    revocation = _check(verdict, "revocation[signer]")
    assert f"revoked on {later:%Y-%m-%d}" in revocation.reason and "after the time-stamp" in revocation.reason


def test_a_revocation_before_the_time_stamp_fails(past: PastKit) -> None:
    earlier = SIGNED - dt.timedelta(days=10)
    trust = past.trust(revoked=((past.kit.signer, earlier, "cessation_of_operation"),))
    verdict = _verify(past.signature(stamped=True), trust)
    assert {c.name for c in verdict.failures} == {"revocation[signer]"}
    assert "before the time-stamp" in _check(verdict, "revocation[signer]").reason


def test_a_key_compromise_fails_even_when_revoked_after_the_time_stamp(past: PastKit) -> None:
    trust = past.trust(revoked=((past.kit.signer, SIGNED + dt.timedelta(days=100), "key_compromise"),))
    verdict = _verify(past.signature(stamped=True), trust)
    assert {c.name for c in verdict.failures} == {"revocation[signer]"}
    assert "compromised key" in _check(verdict, "revocation[signer]").reason


def test_a_revocation_after_the_claimed_signing_time_without_a_time_stamp_is_indeterminate(
    past: PastKit,
) -> None:
    trust = past.trust(revoked=((past.kit.signer, SIGNED + dt.timedelta(days=100), "superseded"),))
    verdict = _verify(past.signature(), trust)
    assert verdict.status is Status.INDETERMINATE and not verdict.failures
    assert "no time-stamp proves" in _check(verdict, "revocation[signer]").reason


def test_a_tampered_old_document_fails_with_or_without_a_time_stamp(past: PastKit) -> None:
    for stamped in (False, True):
        verdict = _verify(past.signature(stamped=stamped), past.trust(), document=DOCUMENT + b"!")
        assert verdict.status is Status.FAILED and "document_hash" in {c.name for c in verdict.failures}
    tampered = bytearray(past.signature(stamped=True))
    at = bytes(tampered).index(sm3(DOCUMENT))  # the signed dataHash itself
    tampered[at] ^= 1
    verdict = _verify(bytes(tampered), past.trust(), document=DOCUMENT)
    assert {"signer_signature", "document_hash"} <= {c.name for c in verdict.failures}


@pytest.mark.parametrize("vendor, raw", [("GOMAIN", False), ("koal", True), ("HebeiGede", False)])
def test_an_untrusted_expired_vendor_seal_with_intact_crypto_is_indeterminate(
    past: PastKit, vendor: str, raw: bool
) -> None:
    _seal, der = forge_v4(past.kit, vendor=vendor, raw=raw, sign_time=SIGNED, valid=(SIGNED, EXPIRED))
    verdict = _verify(der, past.trust(roots=False))
    assert verdict.status is Status.INDETERMINATE, verdict.failures
    reason = _check(verdict, "chain[signer]").reason
    assert reason.startswith("untrusted:") and "expired on" in reason
    tampered = _verify(der, past.trust(roots=False), document=b"another document")
    assert tampered.status is Status.FAILED


def test_a_signing_time_claimed_after_its_own_time_stamp_fails(past: PastKit) -> None:
    der = past.kit.signature(
        past.seal(), sign_time=SIGNED + dt.timedelta(days=2), time_stamper=past.stamper()
    )
    verdict = _verify(der, past.trust())
    assert {c.name for c in verdict.failures} == {"signing_time"}
    assert "after its own time-stamp" in _check(verdict, "signing_time").reason


def test_a_time_stamp_from_after_the_expiry_proves_nothing_then(past: PastKit) -> None:
    der = past.kit.signature(
        past.seal(), sign_time=SIGNED, time_stamper=past.stamper(EXPIRED + dt.timedelta(days=1))
    )
    verdict = _verify(der, past.trust())
    assert verdict.status is Status.INDETERMINATE and not verdict.failures
    assert "the time-stamp" in _check(verdict, "chain[signer]").reason
    assert "is later" in _check(verdict, "chain[signer]").reason


def test_an_untrusted_tsa_gives_no_proof(past: PastKit) -> None:
    other = ChainFactory()  # a TSA chaining to a root nobody here trusts
    tsa = other.make("tsa", "CN=别处时间戳服务", other.inter, not_before=SINCE, days=3650)
    authority = TimeStampAuthority(tsa.key, tsa.cert, (other.inter.cert,), TSA_POLICY, clock=lambda: STAMPED)
    der = past.kit.signature(
        past.seal(), sign_time=SIGNED, time_stamper=lambda value: authority.stamp(sm3(value))
    )
    verdict = _verify(der, past.trust())
    assert _check(verdict, "time_stamp").status is Status.INDETERMINATE
    assert verdict.status is Status.INDETERMINATE and not verdict.failures
    assert _check(verdict, "chain[signer]").evidence["basis"] == "validation time"


def test_a_tsa_whose_certificate_expired_since_gives_no_proof_and_no_failure() -> None:
    past = PastKit.create(tsa_days=2 * 365)
    verdict = _verify(past.signature(stamped=True), past.trust())
    stamp = _check(verdict, "time_stamp")
    assert stamp.status is Status.INDETERMINATE and "expired on" in stamp.reason
    assert verdict.status is Status.INDETERMINATE and not verdict.failures


def test_an_old_seal_on_its_own_is_indeterminate_not_failed(past: PastKit) -> None:
    from govnet.pki.seal.verify import verify_seal

    verdict = verify_seal(past.seal(), trust=past.trust())
    assert verdict.status is Status.INDETERMINATE and not verdict.failures
    assert "nothing signed after that is valid" in _check(verdict, "seal_validity").reason
    early = verify_seal(past.seal(), trust=past.trust(), policy=SealPolicy(at=SINCE - dt.timedelta(days=1)))
    assert "seal_validity" in {c.name for c in early.failures}  # not yet valid: FAILED
