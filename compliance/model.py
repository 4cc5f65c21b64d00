"""The results of a compliance scan, as frozen data (no I/O).

A ``Finding`` is one check on one asset for one baseline item. Its ``Outcome`` has five values
(GB/T 28448 assessors write 符合 / 不符合 / 不适用, plus what a machine cannot judge): ``manual``
for items an assessor must look at, ``error`` when the asset could not be read. ``to_check_result``
maps a finding onto govnet's shared ``CheckResult`` (pass -> PASSED, fail -> FAILED, the rest
INDETERMINATE, not applicable -> PASSED with its reason) for code that speaks ``Verdict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from govnet.verdict import CheckResult, Status


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    MANUAL = "manual"
    ERROR = "error"


@dataclass(frozen=True)
class Evidence:
    """What justifies a finding: config lines (1-based numbers, text as read) and/or a metric."""

    file: str = ""
    lines: tuple[tuple[int, str], ...] = ()
    metric: str = ""
    value: Any = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "lines": [{"number": n, "text": t} for n, t in self.lines],
            "metric": self.metric,
            "value": self.value,
            "note": self.note,
        }


@dataclass(frozen=True)
class Judgement:
    """What a check function returns; the scanner adds the item, asset and remedy."""

    outcome: Outcome
    reason: str
    evidence: Evidence = field(default_factory=Evidence)


def passed(reason: str, evidence: Evidence | None = None) -> Judgement:
    return Judgement(Outcome.PASS, reason, evidence or Evidence())


def failed(reason: str, evidence: Evidence | None = None) -> Judgement:
    return Judgement(Outcome.FAIL, reason, evidence or Evidence())


def not_applicable(reason: str, evidence: Evidence | None = None) -> Judgement:
    return Judgement(Outcome.NOT_APPLICABLE, reason, evidence or Evidence())


def error(reason: str, evidence: Evidence | None = None) -> Judgement:
    return Judgement(Outcome.ERROR, reason, evidence or Evidence())


@dataclass(frozen=True)
class Finding:
    item: str  # baseline item id ("net.vty-remote-access")
    clause: str  # clause and letter at the scanned level ("8.1.4.1 d")
    family: str  # control family key ("computing_environment")
    check: str  # check id, or "manual"
    asset: str  # asset name (device hostname, file name, host root)
    asset_type: str  # device | host | pki | design
    outcome: Outcome
    reason: str
    severity: str
    evidence: Evidence = field(default_factory=Evidence)
    remedy: str = ""

    @property
    def key(self) -> str:
        """Stable identity across scans (for diffs): asset, item and check."""
        return f"{self.asset}|{self.item}|{self.check}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "clause": self.clause,
            "family": self.family,
            "check": self.check,
            "asset": self.asset,
            "asset_type": self.asset_type,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "severity": self.severity,
            "evidence": self.evidence.to_dict(),
            "remedy": self.remedy,
        }

    def to_check_result(self) -> CheckResult:
        status = {Outcome.PASS: Status.PASSED, Outcome.FAIL: Status.FAILED}.get(
            self.outcome, Status.PASSED if self.outcome is Outcome.NOT_APPLICABLE else Status.INDETERMINATE
        )
        return CheckResult(f"{self.clause} {self.check}", status, self.reason, self.to_dict()["evidence"])
