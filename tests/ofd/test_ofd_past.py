"""An OFD licence sealed years ago, verified today: the seal signature inside is judged by the seal
verifier's validation-time model (INDETERMINATE when expired without a time-stamp, PASSED with one
from inside the validity), and a changed page stays FAILED whatever the time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from ofd_zip import parts_of, zip_of
from past_kit import SIGNED, STAMPED, PastKit

from govnet.pki.ofd import Placement, VerifyOptions, sign_ofd, verify_ofd
from govnet.pki.seal.writer import sign_digest
from govnet.verdict import Status

PAGE0 = "Doc_0/Pages/Page_0/Content.xml"


@dataclass(frozen=True)
class StampedSealSigner:
    """``SealSigner`` whose signature value is time-stamped (the OFD writer's ValueSigner protocol)."""

    past: PastKit
    seal: bytes
    type: str = "Seal"

    def signed_value(self, digest: bytes, property_info: str, when: dt.datetime) -> bytes:
        signer = self.past.kit.signer
        return sign_digest(
            self.seal,
            signer.key,
            signer.cert,
            digest,
            property_info=property_info,
            sign_time=when,
            time_stamper=self.past.stamper(),
        )


@pytest.fixture(scope="module")
def past() -> PastKit:
    return PastKit.create()


def _sign(past: PastKit, source: Path, out: Path, *, stamped: bool) -> Path:
    from govnet.pki.ofd import SealSigner

    seal = past.seal()
    signer = (
        StampedSealSigner(past, seal)
        if stamped
        else SealSigner(past.kit.signer.key, past.kit.signer.cert, seal)
    )
    sign_ofd(source, out, signer, placement=Placement(1, 120, 200), sign_time=SIGNED)
    return out


def _ses(report, name: str):  # type: ignore[no-untyped-def]
    [signature] = report.signatures
    return next(c for c in signature.verdict.checks if c.name == f"ses:{name}")


def test_an_old_sealed_ofd_is_indeterminate_without_a_time_stamp(past, sample_path, tmp_path):
    report = verify_ofd(
        _sign(past, sample_path, tmp_path / "old.ofd", stamped=False), VerifyOptions(trust=past.trust())
    )
    assert report.status is Status.INDETERMINATE
    [signature] = report.signatures
    assert not signature.verdict.failures
    assert "no time-stamp proves" in _ses(report, "chain[signer]").reason


def test_an_old_sealed_ofd_with_a_time_stamp_passes_and_a_changed_page_fails(past, sample_path, tmp_path):
    signed = _sign(past, sample_path, tmp_path / "old.ofd", stamped=True)
    report = verify_ofd(signed, VerifyOptions(trust=past.trust()))
    assert report.status is Status.PASSED, report.summary()
    assert _ses(report, "chain[signer]").evidence["judged_at"] == STAMPED.isoformat()
    parts = parts_of(signed)
    parts[PAGE0] = parts[PAGE0] + b" "
    tampered = tmp_path / "tampered.ofd"
    tampered.write_bytes(zip_of(parts))
    report = verify_ofd(tampered, VerifyOptions(trust=past.trust()))
    assert report.status is Status.FAILED
    [signature] = report.signatures
    assert [c.name for c in signature.verdict.failures] == [f"reference[/{PAGE0}]"]


def test_an_old_sealed_ofd_under_an_untrusted_root_is_indeterminate(past, sample_path, tmp_path):
    signed = _sign(past, sample_path, tmp_path / "old.ofd", stamped=False)
    report = verify_ofd(signed, VerifyOptions(trust=past.trust(roots=False)))
    assert report.status is Status.INDETERMINATE
    assert _ses(report, "chain[signer]").reason.startswith("untrusted:")


def test_an_old_plain_signature_is_indeterminate_and_a_changed_page_fails(past, sample_path, tmp_path):
    from govnet.pki.ofd import PlainSigner

    signed = tmp_path / "plain.ofd"
    sign_ofd(sample_path, signed, PlainSigner(past.kit.signer.key, past.kit.signer.cert), sign_time=SIGNED)
    report = verify_ofd(signed, VerifyOptions(trust=past.trust()))
    assert report.status is Status.INDETERMINATE, report.summary()
    [signature] = report.signatures
    validity = next(c for c in signature.verdict.checks if c.name == "cms:chain:validity[leaf: 王小明]")
    assert validity.status is Status.INDETERMINATE and "no time-stamp proves" in validity.reason
    passed_then = verify_ofd(signed, VerifyOptions(trust=past.trust(), at=SIGNED + dt.timedelta(days=1)))
    assert passed_then.status is Status.PASSED, passed_then.summary()
    parts = parts_of(signed)
    parts[PAGE0] = parts[PAGE0] + b" "
    tampered = tmp_path / "tampered.ofd"
    tampered.write_bytes(zip_of(parts))
    assert verify_ofd(tampered, VerifyOptions(trust=past.trust())).status is Status.FAILED
