"""Run a baseline at a level over assets: every applicable item, every check, every asset.

One bad asset or one failing check never stops a scan: an unreadable asset gives ``error``
findings naming why, a check that raises gives ``error`` with the exception, and a check that
*fails* on a truncated configuration gives ``error`` (the missing setting may be in the lost part).
Items no machine checks appear as ``manual`` findings with what the assessor looks at, so that a
report covers the whole standard.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from govnet.compliance.baseline import Baseline, Item, load_baseline
from govnet.compliance.checks import CHECKS
from govnet.compliance.design import DesignAsset
from govnet.compliance.hosts import HostAsset
from govnet.compliance.model import Evidence, Finding, Judgement, Outcome
from govnet.compliance.pki import PkiAsset
from govnet.compliance.sources import DeviceAsset

Asset = DeviceAsset | HostAsset | DesignAsset | PkiAsset

SYSTEM = "(system)"  # the asset name of manual findings about the whole system


@dataclass(frozen=True)
class AssetInfo:
    name: str
    asset_type: str
    source: str
    vendor: str | None = None
    problem: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.asset_type,
            "source": self.source,
            "vendor": self.vendor,
            "problem": self.problem,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Header:
    """What a scan is before any asset is judged (reports write it first)."""

    standard: str
    level: int
    started: str  # ISO 8601 UTC
    families: dict[str, dict[str, str]]  # key -> {zh, en, clause}


@dataclass(frozen=True)
class AssetResult:
    """One asset's findings (``info`` None: the system's manual and not-covered findings)."""

    info: AssetInfo | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Scan:
    """A whole scan in memory: for small scans (one config, a demo, tests). Large scans stream
    ``AssetResult``s from ``judge`` to their consumers instead (``service.run_scan``)."""

    standard: str
    level: int
    started: str  # ISO 8601 UTC
    assets: tuple[AssetInfo, ...]
    findings: tuple[Finding, ...]
    families: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {zh, en, clause}

    @property
    def header(self) -> Header:
        return Header(self.standard, self.level, self.started, self.families)

    def results(self) -> Iterator[AssetResult]:
        """The findings grouped per asset again, in asset order, then the system's."""
        by_asset: dict[str, list[Finding]] = {}
        for f in self.findings:
            by_asset.setdefault(f.asset, []).append(f)
        for info in self.assets:
            yield AssetResult(info, tuple(by_asset.pop(info.name, ())))
        for rest in by_asset.values():  # the system's (and a report's assets it does not list)
            yield AssetResult(None, tuple(rest))


def header(level: int, baseline: Baseline | None = None, now: datetime | None = None) -> Header:
    baseline = baseline or load_baseline()
    baseline.items_at(level)  # refuses a level other than 2 or 3
    started = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    families = {
        k: {"zh": f.zh, "en": f.en, "clause": f.clause.get(level, "")} for k, f in baseline.families.items()
    }
    return Header(baseline.standard, level, started, families)


def judge(
    assets: Iterable[Asset], *, level: int = 3, baseline: Baseline | None = None
) -> Iterator[AssetResult]:
    """Judge each asset as it comes and yield its findings (nothing is kept: a 10,000-device scan
    holds one parsed configuration and its findings at a time), then the system's: manual items,
    and checks of asset kinds absent from the scan."""
    baseline = baseline or load_baseline()
    items = baseline.items_at(level)
    plan = [(item, check_id) for item in items for check_id in item.checks]
    seen: set[str] = set()
    for asset in assets:
        kind = asset.asset_type
        seen.add(kind)
        info = AssetInfo(asset.name, kind, asset.source, asset.vendor, asset.problem, asset.notes)
        judged: dict[str, Judgement] = {}  # a check serving several items runs once per asset
        findings = []
        for item, check_id in plan:
            if CHECKS[check_id].asset_type != kind:
                continue
            if check_id not in judged:
                judged[check_id] = run_check(check_id, asset)
            findings.append(
                _finding(item, level, baseline, check_id, asset.name, kind, judged[check_id], asset.vendor)
            )
        yield AssetResult(info, tuple(findings))
    system = []
    for item in items:
        for check_id in item.checks:
            if CHECKS[check_id].asset_type not in seen:
                j = Judgement(Outcome.NOT_APPLICABLE, f"no {CHECKS[check_id].asset_type} assets in this scan")
                system.append(
                    _finding(item, level, baseline, check_id, SYSTEM, CHECKS[check_id].asset_type, j, None)
                )
        if item.manual:
            j = Judgement(Outcome.MANUAL, "assessor to verify", Evidence(note=item.manual))
            system.append(_finding(item, level, baseline, "manual", SYSTEM, item.assets[0], j, None))
    yield AssetResult(None, tuple(system))


def scan(
    assets: Iterable[Asset],
    *,
    level: int = 3,
    baseline: Baseline | None = None,
    now: datetime | None = None,
) -> Scan:
    """A whole scan in memory (``judge`` collected)."""
    baseline = baseline or load_baseline()
    head = header(level, baseline, now)
    infos: list[AssetInfo] = []
    findings: list[Finding] = []
    for result in judge(assets, level=level, baseline=baseline):
        if result.info is not None:
            infos.append(result.info)
        findings += result.findings
    return Scan(head.standard, level, head.started, tuple(infos), tuple(findings), head.families)


def _finding(
    item: Item,
    level: int,
    baseline: Baseline,
    check_id: str,
    asset: str,
    asset_type: str,
    j: Judgement,
    vendor: str | None,
) -> Finding:
    remedy = item.manual if check_id == "manual" else baseline.remedy(check_id, vendor)
    return Finding(
        item.id,
        item.clause[level],
        item.family,
        check_id,
        asset,
        asset_type,
        j.outcome,
        j.reason,
        item.severity,
        j.evidence,
        remedy,
    )


def run_check(check_id: str, asset: Asset) -> Judgement:
    """One check on one asset, with every way it can go wrong turned into an ``error`` judgement."""
    if asset.problem:
        return Judgement(Outcome.ERROR, asset.problem, Evidence(file=asset.source))
    try:
        j = CHECKS[check_id].judge(asset)
    except Exception as exc:  # a check bug costs one finding, not the scan
        return Judgement(
            Outcome.ERROR, f"check raised {type(exc).__name__}: {exc}", Evidence(file=asset.source)
        )
    if j.outcome is Outcome.FAIL and asset.truncated:
        reason = f"{j.reason} — but the configuration is truncated, so the setting may be in the missing part"
        return Judgement(Outcome.ERROR, reason, j.evidence)
    return j
