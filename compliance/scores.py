"""Scores per control family and overall, and the difference between two scans.

Score = pass / (pass + fail): not-applicable, manual and error findings neither help nor hurt (an
``error`` is listed separately so that an unreadable device cannot raise a score).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from govnet.compliance.model import Finding, Outcome


@dataclass(frozen=True)
class Score:
    counts: dict[str, int]  # outcome value -> count

    @property
    def score(self) -> float | None:
        judged = self.counts.get("pass", 0) + self.counts.get("fail", 0)
        return round(self.counts.get("pass", 0) / judged, 4) if judged else None

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, **{o.value: self.counts.get(o.value, 0) for o in Outcome}}


def score(findings: Iterable[Finding]) -> Score:
    return Score(dict(Counter(f.outcome.value for f in findings)))


def family_scores(findings: Iterable[Finding], families: Iterable[str]) -> dict[str, Score]:
    listed = list(findings)
    return {fam: score(f for f in listed if f.family == fam) for fam in families}


@dataclass(frozen=True)
class Diff:
    new_failures: tuple[Finding, ...]  # fail now; passed, was absent, or errored before
    fixed: tuple[Finding, ...]  # failed before, passes now (the current finding)
    still_failing: tuple[Finding, ...]
    gone: tuple[str, ...]  # keys of failures whose asset/check is no longer scanned

    def to_dict(self) -> dict[str, Any]:
        return {
            "new_failures": [f.to_dict() for f in self.new_failures],
            "fixed": [f.to_dict() for f in self.fixed],
            "still_failing": len(self.still_failing),
            "gone": list(self.gone),
        }


def diff(previous: Iterable[Finding], current: Iterable[Finding]) -> Diff:
    before = {f.key: f for f in previous}
    now = {f.key: f for f in current}
    new: list[Finding] = []
    fixed: list[Finding] = []
    still: list[Finding] = []
    for key, f in now.items():
        old = before.get(key)
        was_fail = old is not None and old.outcome is Outcome.FAIL
        if f.outcome is Outcome.FAIL:
            (still if was_fail else new).append(f)
        elif was_fail and f.outcome is Outcome.PASS:
            fixed.append(f)
    gone = tuple(k for k, f in before.items() if f.outcome is Outcome.FAIL and k not in now)
    return Diff(tuple(new), tuple(fixed), tuple(still), gone)
