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
    tally = Tally()
    tally.add(findings)
    return {fam: tally.family(fam) for fam in families}


class Tally:
    """Running counters over a scan's findings as they stream past, overall and per control
    family: memory never grows with the findings (the per-asset rollup is the store's job)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.families: dict[str, Counter[str]] = {}

    def add(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            outcome = f.outcome.value
            self.counts[outcome] += 1
            self.families.setdefault(f.family, Counter())[outcome] += 1

    def total(self) -> Score:
        return Score(dict(self.counts))

    def family(self, key: str) -> Score:
        return Score(dict(self.families.get(key, {})))


DIFF_LISTED = 1_000  # changes listed per kind; the totals count them all


@dataclass(frozen=True)
class Diff:
    new_failures: tuple[Finding, ...]  # fail now; passed, was absent, or errored before (first DIFF_LISTED)
    fixed: tuple[Finding, ...]  # failed before, passes now: the current finding (first DIFF_LISTED)
    still_failing: int  # failed before and now
    gone: tuple[str, ...]  # keys of failures whose asset/check is no longer scanned
    new_total: int = -1  # every new failure (-1: as listed)
    fixed_total: int = -1

    def to_dict(self) -> dict[str, Any]:
        return {
            "new_failures": [f.to_dict() for f in self.new_failures],
            "fixed": [f.to_dict() for f in self.fixed],
            "still_failing": self.still_failing,
            "gone": list(self.gone),
            "new_failures_total": self.new_total if self.new_total >= 0 else len(self.new_failures),
            "fixed_total": self.fixed_total if self.fixed_total >= 0 else len(self.fixed),
        }


class DiffTracker:
    """The difference from an earlier scan, computed as the new scan's findings stream past: only
    the earlier scan's failing keys are held, the changes' counts, and the first DIFF_LISTED
    changes of each kind (a fleet-wide regression must not hold a finding per device)."""

    def __init__(self, failed_before: Iterable[str]) -> None:
        self.before = set(failed_before)
        self.seen: set[str] = set()  # earlier failures met again, whatever their outcome now
        self.new: list[Finding] = []
        self.fixed: list[Finding] = []
        self.counts = Counter[str]()

    def add(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            key = f.key
            was_fail = key in self.before
            if was_fail:
                self.seen.add(key)
            if f.outcome is Outcome.FAIL:
                self._count("still" if was_fail else "new", f)
            elif was_fail and f.outcome is Outcome.PASS:
                self._count("fixed", f)

    def _count(self, kind: str, f: Finding) -> None:
        self.counts[kind] += 1
        listed = self.new if kind == "new" else self.fixed if kind == "fixed" else None
        if listed is not None and len(listed) < DIFF_LISTED:
            listed.append(f)

    def result(self) -> Diff:
        gone = tuple(sorted(self.before - self.seen))
        c = self.counts
        return Diff(tuple(self.new), tuple(self.fixed), c["still"], gone, c["new"], c["fixed"])


def diff(previous: Iterable[Finding], current: Iterable[Finding]) -> Diff:
    tracker = DiffTracker(f.key for f in previous if f.outcome is Outcome.FAIL)
    tracker.add(current)
    return tracker.result()
