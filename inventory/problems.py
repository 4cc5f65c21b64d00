"""What is wrong with an inventory: problems with a severity, a place, an entity and a rule."""

from __future__ import annotations

import difflib
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


def closest(value: object, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` that ``value`` was probably meant to be, if any.

    Case and ``-``/``_`` slips first (``100m``, ``redundancy-group``), then spelling (``parnet``,
    ``qy-qingchen``) by difflib's similarity ratio.
    """
    if not isinstance(value, str) or not value:
        return None
    options = [c for c in dict.fromkeys(choices) if c != value]

    def folded(text: str) -> str:
        return text.casefold().replace("-", "_")

    same = [c for c in options if folded(c) == folded(value)]
    close = same or difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` to append to a message when ``closest`` finds one, else ``""``."""
    match = closest(value, choices)
    return f" (did you mean {match!r}?)" if match is not None else ""
