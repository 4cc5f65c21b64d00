"""When a seal signature's checks are judged, and what an expiry or a revocation means then.

Pure logic, in the manner of ETSI EN 319 102-1's past signature validation:

- The validation time ``at`` is now, or what the caller asks for (``--at``).
- A time-stamp over the signature value, verified and from a trusted TSA, is proof of existence: the
  signature existed at its genTime, so certificates, the seal's validity and revocation are judged at
  that time instead (``Timing.judged_at``).
- The signer's own signTime is a claim, never proof. Without proof, a certificate or seal that has
  expired since is INDETERMINATE (ETSI: OUT_OF_BOUNDS_NO_POE), not FAILED: nothing is wrong with the
  signature, it only cannot be shown to predate the expiry.
- A revocation dated after the proof does not touch the signature; one dated before it does; without
  proof, one dated after the claimed signTime is INDETERMINATE (REVOKED_NO_POE). A revocation for a
  compromise (keyCompromise, cACompromise, aACompromise) fails whatever the dates: its date records
  when the compromise was reported, not when the key was lost, so no time proves a signature sound.
- A seal or certificate judged on its own (no signature) that has expired is INDETERMINATE too: it is
  no longer valid, yet nothing about it is forged, and FAILED must keep meaning broken.
- Tampering, a bad signature, an unlisted signer or a hash mismatch do not depend on time: they stay
  FAILED, and nothing here touches them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from govnet.verdict import CheckResult, Status

COMPROMISE = frozenset(
    {"keyCompromise", "cACompromise", "aACompromise", "key_compromise", "ca_compromise", "aa_compromise"}
)

NO_PROOF = "no time-stamp proves the signature existed before that"


def validation_time(at: dt.datetime | None) -> dt.datetime:
    """``at``, or now: in UTC and whole seconds, as certificates, CRLs and seals state their times."""
    return (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def rejudge(checks: Sequence[CheckResult], timing: Timing) -> list[CheckResult]:
    """A path's (or a SignedData's) checks with their validity and revocation judged by ``timing``."""
    return [
        timing.rejudge_validity(c, "the certificate")
        if "validity[" in c.name
        else timing.rejudge_revocation(c)
        if "revocation[" in c.name
        else c
        for c in checks
    ]


def _stamp(when: dt.datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M:%S}Z"


@dataclass(frozen=True)
class Timing:
    """The times one signature is judged by."""

    at: dt.datetime  # the validation time: now, or the caller's --at
    sign_time: dt.datetime | None = None  # the signer's claim (None: the signature claims none)
    proof: dt.datetime | None = None  # genTime of a verified time-stamp from a trusted TSA
    proof_by: str = ""  # who gave the proof (the time-stamp's subject)
    alone: bool = False  # a seal or certificate judged on its own: there is no signature to date

    @property
    def judged_at(self) -> dt.datetime:
        return self.proof or self.at

    @property
    def basis(self) -> str:
        return "time-stamp" if self.proof else "validation time"

    def evidence(self) -> dict[str, Any]:
        """What every time-dependent check carries, so a reader sees which time judged it."""
        return {
            "judged_at": self.judged_at.isoformat(),
            "basis": self.basis,
            "validation_time": self.at.isoformat(),
            "proof_of_existence": self.proof.isoformat() if self.proof else None,
        }

    def note(self) -> str:
        """How the time was chosen, for a check's reason."""
        if self.proof:
            return (
                f"judged at the time-stamp's time {_stamp(self.proof)}, when the signature is proven to exist"
            )
        return f"judged at {_stamp(self.at)}"

    # --- validity periods -------------------------------------------------------------------------

    def validity(self, name: str, what: str, start: dt.datetime, end: dt.datetime) -> CheckResult:
        """``what`` (a certificate, the seal) valid from ``start`` to ``end``, judged at this time."""
        evidence = {"valid_start": start.isoformat(), "valid_end": end.isoformat(), **self.evidence()}
        when = self.judged_at
        if end < start:
            return CheckResult.failed(name, f"{what}'s validity ends before it starts", **evidence)
        if when < start:
            return CheckResult.failed(
                name, f"{what} is not valid before {_stamp(start)}; {self.note()}", **evidence
            )
        if when <= end:
            if self.at > end:  # held at the proven time, expired by now
                return CheckResult.passed(
                    name,
                    f"{what} was valid then (until {_stamp(end)}, expired since); {self.note()}",
                    **evidence,
                )
            return CheckResult.passed(name, f"{what} is valid until {_stamp(end)}; {self.note()}", **evidence)
        return self._expired(name, what, end, evidence)

    def _expired(self, name: str, what: str, end: dt.datetime, evidence: dict[str, Any]) -> CheckResult:
        if self.alone:  # a seal on its own: no longer valid, but not broken either
            return CheckResult.indeterminate(
                name, f"{what} expired on {_stamp(end)}: nothing signed after that is valid", **evidence
            )
        if self.sign_time is not None and self.sign_time > end:  # the signer's own claim: after the expiry
            return CheckResult.failed(
                name,
                f"{what} expired on {_stamp(end)}, "
                f"before the signing time it claims ({_stamp(self.sign_time)})",
                **evidence,
            )
        if self.proof:
            return CheckResult.indeterminate(
                name,
                f"{what} expired on {_stamp(end)}; the time-stamp ({_stamp(self.proof)}) is later, "
                "so nothing proves the signature existed before the expiry",
                **evidence,
            )
        return CheckResult.indeterminate(name, f"{what} expired on {_stamp(end)}; {NO_PROOF}", **evidence)

    def rejudge_validity(self, check: CheckResult, what: str) -> CheckResult:
        """A path check ``validity[...]`` (evidence not_before/not_after) judged by this timing."""
        before, after = check.evidence.get("not_before"), check.evidence.get("not_after")
        if not (isinstance(before, str) and isinstance(after, str)):
            return check
        judged = self.validity(
            check.name, what, dt.datetime.fromisoformat(before), dt.datetime.fromisoformat(after)
        )
        return CheckResult(judged.name, judged.status, judged.reason, {**check.evidence, **self.evidence()})

    # --- revocation ------------------------------------------------------------------------------

    def rejudge_revocation(self, check: CheckResult) -> CheckResult:
        """A FAILED revocation check that names its date (evidence revoked_at) judged by this timing."""
        when = check.evidence.get("revoked_at")
        if check.status is not Status.FAILED or not isinstance(when, str):
            return check
        revoked_at = dt.datetime.fromisoformat(when)
        reason = str(check.evidence.get("revocation_reason") or "")
        evidence = {**check.evidence, **self.evidence()}
        if reason in COMPROMISE:
            return CheckResult.failed(
                check.name,
                f"{check.reason}: a compromised key's signatures fail whenever they were made",
                **evidence,
            )
        if self.proof:
            if revoked_at > self.proof:
                return CheckResult.passed(
                    check.name,
                    f"{check.reason}, after the time-stamp ({_stamp(self.proof)}): "
                    "the signature existed while the certificate was good",
                    **evidence,
                )
            return CheckResult.failed(
                check.name, f"{check.reason}, before the time-stamp ({_stamp(self.proof)})", **evidence
            )
        if self.sign_time is not None and self.sign_time < revoked_at:
            return CheckResult.indeterminate(
                check.name,
                f"{check.reason}, after the claimed signing time ({_stamp(self.sign_time)}); "
                "no time-stamp proves the signature existed before the revocation",
                **evidence,
            )
        return CheckResult(check.name, check.status, check.reason, evidence)


def from_time_stamp(at: dt.datetime, sign_time: dt.datetime | None, stamp: CheckResult | None) -> Timing:
    """The timing for a signature whose (optional) ``time_stamp`` check came out as ``stamp``: a
    PASSED stamp (verified, trusted TSA) whose genTime is not after the validation time is proof."""
    if stamp is None or stamp.status is not Status.PASSED:
        return Timing(at, sign_time)
    when = stamp.evidence.get("time_stamp")
    if not isinstance(when, str):
        return Timing(at, sign_time)
    gen_time = dt.datetime.fromisoformat(when)
    if gen_time > at:
        return Timing(at, sign_time)  # a stamp from after the validation time proves nothing then
    return Timing(at, sign_time, gen_time, str(stamp.evidence.get("tsa") or ""))
