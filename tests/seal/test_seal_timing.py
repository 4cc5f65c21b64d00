"""The validation-time model on its own: which time judges, and what expiry and revocation mean."""

from __future__ import annotations

import datetime as dt

import pytest

from govnet.pki.seal.timing import Timing, from_time_stamp
from govnet.verdict import CheckResult, Status

T = dt.datetime(2021, 6, 1, 8, 0, tzinfo=dt.UTC)  # signed
START, END = T - dt.timedelta(days=365), T + dt.timedelta(days=365)
NOW = T + dt.timedelta(days=3 * 365)
STAMP = T + dt.timedelta(minutes=1)


def _stamp_check(status: Status = Status.PASSED, when: dt.datetime = STAMP) -> CheckResult:
    return CheckResult("time_stamp", status, "", {"time_stamp": when.isoformat(), "tsa": "CN=TSA"})


def test_a_passed_time_stamp_is_proof_and_moves_the_judgement_time() -> None:
    timing = from_time_stamp(NOW, T, _stamp_check())
    assert timing.proof == STAMP and timing.judged_at == STAMP and timing.proof_by == "CN=TSA"
    assert timing.evidence()["basis"] == "time-stamp"


@pytest.mark.parametrize(
    "stamp",
    [
        None,
        _stamp_check(Status.INDETERMINATE),
        _stamp_check(Status.FAILED),
        _stamp_check(when=NOW + dt.timedelta(1)),
    ],
)
def test_no_proof_from_a_missing_untrusted_failed_or_future_time_stamp(stamp: CheckResult | None) -> None:
    timing = from_time_stamp(NOW, T, stamp)
    assert timing.proof is None and timing.judged_at == NOW


@pytest.mark.parametrize(
    ("timing", "status", "words"),
    [
        (Timing(NOW, T), Status.INDETERMINATE, "no time-stamp proves"),
        (Timing(NOW, T, STAMP), Status.PASSED, "judged at the time-stamp's time"),
        (Timing(NOW, T, END + dt.timedelta(days=1)), Status.INDETERMINATE, "is later"),
        (Timing(NOW, END + dt.timedelta(days=1)), Status.FAILED, "before the signing time it claims"),
        (Timing(NOW, alone=True), Status.INDETERMINATE, "nothing signed after that"),
        (Timing(NOW), Status.INDETERMINATE, "no time-stamp proves"),  # a signature that claims no time
        (Timing(START - dt.timedelta(days=1), T), Status.FAILED, "not valid before"),
        (Timing(T + dt.timedelta(days=1), T), Status.PASSED, "valid until"),
    ],
)
def test_validity_by_time(timing: Timing, status: Status, words: str) -> None:
    check = timing.validity("seal_validity", "the seal", START, END)
    assert check.status is status and words in check.reason, check.reason
    assert check.evidence["judged_at"] == timing.judged_at.isoformat()


def _revoked(when: dt.datetime, reason: str) -> CheckResult:
    return CheckResult.failed(
        "revocation[leaf: CN=x]", "revoked on …", revoked_at=when.isoformat(), revocation_reason=reason
    )


@pytest.mark.parametrize(
    ("timing", "revoked", "reason", "status"),
    [
        (Timing(NOW, T, STAMP), STAMP + dt.timedelta(days=1), "superseded", Status.PASSED),
        (Timing(NOW, T, STAMP), STAMP - dt.timedelta(days=1), "superseded", Status.FAILED),
        (Timing(NOW, T, STAMP), STAMP + dt.timedelta(days=1), "keyCompromise", Status.FAILED),
        (Timing(NOW, T, STAMP), STAMP + dt.timedelta(days=1), "cACompromise", Status.FAILED),
        (Timing(NOW, T), T + dt.timedelta(days=1), "affiliationChanged", Status.INDETERMINATE),
        (Timing(NOW, T), T - dt.timedelta(days=1), "affiliationChanged", Status.FAILED),
        (Timing(NOW, T), T + dt.timedelta(days=1), "keyCompromise", Status.FAILED),
    ],
)
def test_revocation_by_time(timing: Timing, revoked: dt.datetime, reason: str, status: Status) -> None:
    assert timing.rejudge_revocation(_revoked(revoked, reason)).status is status


def test_checks_without_dates_are_left_alone() -> None:
    timing = Timing(NOW, T, STAMP)
    undated = CheckResult.failed("revocation[leaf: CN=x]", "REVOKED")
    assert timing.rejudge_revocation(undated) is undated
    passed = CheckResult.passed("validity[leaf: CN=x]", "fine")
    assert timing.rejudge_validity(passed, "the leaf certificate") is passed
