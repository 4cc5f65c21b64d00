"""The compliance gate: before a push, the intended configuration is judged by compliance's device
checks at its site's graded-protection level (GB/T 22239-2019, 等保 level 2 or 3). A configuration
that fails is refused, unless forced; a forced push records what it overrode.

Pure: configuration text in, a plain dict out (safe to keep: rendered configs hold placeholders,
never secret values).
"""

from __future__ import annotations

from typing import Any

from govnet.compliance.service import check_config
from govnet.verdict import Status

# A site the inventory gives no level is judged at the stricter one.
DEFAULT_LEVEL = 3


def level_of(host: dict[str, Any]) -> int:
    try:
        return int(host.get("govnet_protection_level") or DEFAULT_LEVEL)
    except (TypeError, ValueError):
        return DEFAULT_LEVEL


def judge(intended: str, vendor: str, level: int, hostname: str, *, force: bool = False) -> dict[str, Any]:
    """``{"level", "status", "passed", "forced", "failing": [{"check", "status", "reason", "lines"}]}``.

    Anything short of PASSED (a failed check, or one that could not judge) does not pass: the gate
    lets through what it has shown to comply, nothing else. ``forced`` is true only when ``force``
    actually overrode a failing verdict.
    """
    verdict = check_config(intended, vendor=vendor, level=level, name=hostname)
    failing = [
        {
            "check": c.name,
            "status": c.status.value,
            "reason": c.reason,
            "lines": [f"{line['number']}: {line['text']}" for line in c.evidence.get("lines", [])],
        }
        for c in verdict.checks
        if c.status is not Status.PASSED
    ]
    passed = verdict.status is Status.PASSED
    return {
        "level": level,
        "status": verdict.status.value,
        "passed": passed,
        "forced": force and not passed,
        "failing": _unique(failing),
    }


def _unique(failing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per check and clause (a check serving several items is listed once per clause)."""
    seen: set[str] = set()
    out = []
    for f in failing:
        if f["check"] not in seen:
            seen.add(f["check"])
            out.append(f)
    return out


FORCE_NOTE = " (--force pushes it anyway and records the override)"


def refusal(hostname: str, gate: dict[str, Any]) -> str:
    """The summary line of a refused device: the level and each failing check with its reason and
    the clauses it fails (a check serves several clauses)."""
    by_check: dict[str, tuple[list[str], str]] = {}
    for f in gate["failing"]:
        clause, _, check = f["check"].rpartition(" ")
        by_check.setdefault(check, ([], f["reason"]))[0].append(clause)
    items = "; ".join(f"{check} ({', '.join(c)}): {why}" for check, (c, why) in by_check.items())
    level = gate["level"]
    return f"{hostname}: refused by the compliance gate (GB/T 22239-2019 level {level}): {items}{FORCE_NOTE}"
