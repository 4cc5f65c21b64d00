"""What is wrong with an inventory: problems with a severity, a place, an entity and a rule."""

from __future__ import annotations

import difflib
import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from govnet.verdict import CheckResult, Verdict


class Severity(StrEnum):
    ERROR = "error"  # the inventory cannot be trusted: validate fails, plan refuses
    WARNING = "warning"  # worth a look; does not fail validation


@dataclass(frozen=True)
class Problem:
    severity: Severity
    file: str
    line: int
    column: int
    entity: str  # "site sg-city", "device sg-core-1", "link sg-l0001", "file", "pool public", ...
    rule: str  # a stable name, e.g. "site.dangling-parent", "tier.below-policy"
    message: str

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.entity}: {self.message} [{self.rule}]"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["severity"] = self.severity.value
        return out


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file and position, so that output is stable from run to run."""
    return sorted(
        problems, key=lambda p: (p.severity is not Severity.ERROR, p.file, p.line, p.column, p.rule)
    )


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def as_verdict(subject: str, problems: list[Problem], rules_checked: list[str]) -> Verdict:
    """One CheckResult per rule: FAILED if any error broke it, else PASSED (warnings as evidence)."""
    by_rule: dict[str, list[Problem]] = {}
    for p in problems:
        by_rule.setdefault(p.rule, []).append(p)
    checks = []
    for rule in sorted(set(rules_checked) | set(by_rule)):
        found = by_rule.get(rule, [])
        errs = [p for p in found if p.severity is Severity.ERROR]
        evidence = {"problems": [str(p) for p in found[:20]], "count": len(found)}
        if errs:
            checks.append(CheckResult.failed(rule, errs[0].message, **evidence))
        else:
            checks.append(CheckResult.passed(rule, f"{len(found)} warning(s)" if found else "", **evidence))
    return Verdict(subject, tuple(checks))


def _folded(text: str) -> str:
    return text.casefold().replace("-", "_")


class Suggester:
    """Finds the known name a misspelt one was probably meant to be, quickly even among 100,000
    IDs: a trigram index ranks the names sharing most pieces (then nearest in length), and
    difflib judges only the best few. Built lazily, so a clean inventory never pays for it;
    answers are remembered, and a huge set stops hinting after ``BUDGET`` distinct names."""

    SMALL = 300  # up to this many choices, difflib looks at all of them
    CANDIDATES = 25
    BUDGET = 200

    def __init__(self, choices: Iterable[str]) -> None:
        self.choices = list(dict.fromkeys(choices))
        self._by_folded: dict[str, str] | None = None
        self._grams: dict[str, list[int]] | None = None
        self._answers: dict[str, str | None] = {}

    def closest(self, value: object) -> str | None:
        """Case and ``-``/``_`` slips first (``100m``, ``redundancy-group``), then spelling
        (``parnet``, ``qy-qingchen``) by difflib's similarity ratio (at least 0.6)."""
        if not isinstance(value, str) or not value:
            return None
        if value not in self._answers:
            if len(self._answers) >= self.BUDGET and len(self.choices) > self.SMALL:
                return None
            self._answers[value] = self._find(value)
        return self._answers[value]

    def _find(self, value: str) -> str | None:
        if self._by_folded is None:
            self._by_folded = {}
            for choice in self.choices:
                self._by_folded.setdefault(_folded(choice), choice)
        same = self._by_folded.get(_folded(value))
        if same is not None:
            return same if same != value else None
        pool = self.choices if len(self.choices) <= self.SMALL else self._candidates(value)
        close = difflib.get_close_matches(value, pool, n=1, cutoff=0.6)
        return close[0] if close else None

    def _candidates(self, value: str) -> list[str]:
        if self._grams is None:
            self._grams = {}
            for index, choice in enumerate(self.choices):
                for gram in _trigrams(choice):
                    self._grams.setdefault(gram, []).append(index)
        hits: Counter[int] = Counter()
        for gram in _trigrams(value):
            hits.update(self._grams.get(gram, ()))

        def rank(hit: tuple[int, int]) -> tuple[int, int]:  # most shared pieces, then nearest length
            return -hit[1], abs(len(self.choices[hit[0]]) - len(value))

        best = heapq.nsmallest(self.CANDIDATES, hits.items(), key=rank)
        return [self.choices[index] for index, _ in best]


def _trigrams(text: str) -> set[str]:
    padded = f"  {_folded(text)} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def closest(value: object, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` that ``value`` was probably meant to be, if any (see Suggester)."""
    return Suggester(choices).closest(value)


def did_you_mean(value: object, choices: Iterable[str] | Suggester) -> str:
    """`` (did you mean 'x'?)`` to append to a message when one is close, else ``""``."""
    finder = choices if isinstance(choices, Suggester) else Suggester(choices)
    return meant_hint(finder.closest(value))


def meant_hint(match: str | None) -> str:
    return f" (did you mean {match!r}?)" if match is not None else ""
