"""One verdict shape for every kind of check govnet makes.

Certificate validation, seal verification, inventory validation and compliance scans all report a
``Verdict``: a subject and the list of ``CheckResult`` that ran. The overall status is derived, so
no code path can claim PASSED while a check failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASSED = "PASSED"
    INDETERMINATE = "INDETERMINATE"
    FAILED = "FAILED"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one named check, with the facts that justify it."""

    name: str
    status: Status
    reason: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def passed(cls, name: str, reason: str = "", **evidence: Any) -> CheckResult:
        return cls(name, Status.PASSED, reason, evidence)

    @classmethod
    def failed(cls, name: str, reason: str, **evidence: Any) -> CheckResult:
        return cls(name, Status.FAILED, reason, evidence)

    @classmethod
    def indeterminate(cls, name: str, reason: str, **evidence: Any) -> CheckResult:
        return cls(name, Status.INDETERMINATE, reason, evidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "reason": self.reason,
            "evidence": self.evidence,
        }


def combine(statuses: Iterable[Status]) -> Status:
    """Any FAILED makes FAILED; else any INDETERMINATE makes INDETERMINATE; else PASSED."""
    seen = set(statuses)
    if Status.FAILED in seen:
        return Status.FAILED
    if Status.INDETERMINATE in seen:
        return Status.INDETERMINATE
    return Status.PASSED


@dataclass(frozen=True)
class Verdict:
    subject: str
    checks: tuple[CheckResult, ...]

    @property
    def status(self) -> Status:
        return combine(c.status for c in self.checks)

    @property
    def ok(self) -> bool:
        return self.status is Status.PASSED

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.status is Status.FAILED)

    def summary(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "status": self.status.value,
            "checks": [c.to_dict() for c in self.checks],
        }
