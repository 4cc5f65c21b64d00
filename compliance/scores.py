"""Scores per control family and overall, and the difference between two scans.

Score = pass / (pass + fail): not-applicable, manual and error findings neither help nor hurt (an
``error`` is listed separately so that an unreadable device cannot raise a score).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

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
    """Like with like: the earlier scan is one at the same level over the same asset kinds, and
    only assets judged in both scans are compared. An asset the new scan did not judge is neither
    fixed nor newly failing: it is listed as ``not_scanned``."""

    new_failures: tuple[Finding, ...]  # fail now; passed, was absent, or errored before (first DIFF_LISTED)
    fixed: tuple[Finding, ...]  # failed before, passes now: the current finding (first DIFF_LISTED)
    still_failing: int  # failed before and now
    gone: tuple[str, ...]  # keys of failures whose check no longer runs on an asset still scanned
    new_total: int = -1  # every new failure (-1: as listed)
    fixed_total: int = -1
    not_scanned: tuple[str, ...] = ()  # assets of the earlier scan absent from this one (first DIFF_LISTED)
    not_scanned_total: int = -1
    against: int | None = None  # the earlier stored scan's id

    def to_dict(self) -> dict[str, Any]:
        return {
            "against": self.against,
            "new_failures": [f.to_dict() for f in self.new_failures],
            "fixed": [f.to_dict() for f in self.fixed],
            "still_failing": self.still_failing,
            "gone": list(self.gone),
            "not_scanned": list(self.not_scanned),
            "new_failures_total": self.new_total if self.new_total >= 0 else len(self.new_failures),
            "fixed_total": self.fixed_total if self.fixed_total >= 0 else len(self.fixed),
            "not_scanned_total": (
                self.not_scanned_total if self.not_scanned_total >= 0 else len(self.not_scanned)
            ),
        }


class Keyed(Protocol):
    """What a diff needs of a finding (a ``Finding``, or a light row read back from the store)."""

    @property
    def key(self) -> str: ...
    @property
    def asset(self) -> str: ...
    @property
    def outcome(self) -> Outcome: ...


K = TypeVar("K", bound=Keyed)


class DiffTracker(Generic[K]):
    """The difference from an earlier scan, computed as the later scan's findings stream past:
    only the earlier scan's assets and failing keys are held, the changes' counts, and the first
    DIFF_LISTED changes of each kind (a fleet-wide regression must not hold a finding per device).
    Findings of assets the earlier scan did not judge are skipped: new assets are not news."""

    def __init__(self, failed_before: Iterable[str], assets_before: Iterable[str]) -> None:
        self.before = set(failed_before)
        self.assets_before = set(assets_before)
        self.assets: set[str] = set()  # assets of the later scan also in the earlier one
        self.seen: set[str] = set()  # earlier failures met again, whatever their outcome now
        self.new: list[K] = []
        self.fixed: list[K] = []
        self.counts = Counter[str]()

    def add(self, findings: Iterable[K]) -> None:
        for f in findings:
            if f.asset not in self.assets_before:
                continue
            self.assets.add(f.asset)
            key = f.key
            was_fail = key in self.before
            if was_fail:
                self.seen.add(key)
            if f.outcome is Outcome.FAIL:
                self._count("still" if was_fail else "new", f)
            elif was_fail and f.outcome is Outcome.PASS:
                self._count("fixed", f)

    def _count(self, kind: str, f: K) -> None:
        self.counts[kind] += 1
        listed = self.new if kind == "new" else self.fixed if kind == "fixed" else None
        if listed is not None and len(listed) < DIFF_LISTED:
            listed.append(f)

    def changes(self) -> tuple[list[K], list[K]]:
        """The listed new failures and fixes, as fed."""
        return self.new, self.fixed

    def result(self, new: Iterable[Finding], fixed: Iterable[Finding], against: int | None = None) -> Diff:
        """The diff, with the listed changes as Findings (``changes()``, materialised by the caller
        when it fed light rows)."""
        gone = tuple(sorted(k for k in self.before - self.seen if k.rsplit("|", 2)[0] in self.assets))
        absent = sorted(self.assets_before - self.assets)
        c = self.counts
        return Diff(
            tuple(new),
            tuple(fixed),
            c["still"],
            gone,
            c["new"],
            c["fixed"],
            tuple(absent[:DIFF_LISTED]),
            len(absent),
            against,
        )


def diff(previous: Iterable[Finding], current: Iterable[Finding]) -> Diff:
    """Two scans in memory (JSON reports), compared like with like: only the assets both judged.
    The caller makes sure they are at one level (``comply diff`` refuses otherwise)."""
    earlier = list(previous)
    tracker = DiffTracker[Finding](
        (f.key for f in earlier if f.outcome is Outcome.FAIL), {f.asset for f in earlier}
    )
    tracker.add(current)
    return tracker.result(*tracker.changes())
