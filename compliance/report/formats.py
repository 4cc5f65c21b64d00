"""Scan -> JSON / JUnit XML / SARIF 2.1.0 / HTML, and JSON back to a Scan (for ``report`` and ``diff``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from govnet.compliance.model import Evidence, Finding, Outcome
from govnet.compliance.scan import AssetInfo, Scan
from govnet.compliance.scores import Diff, family_scores, score
from govnet.errors import InputError
from govnet.fsutil import atomic_write

SCHEMA = "govnet.compliance/1"
FORMATS = ("json", "html", "junit", "sarif")
_SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note"}


def to_dict(scan: Scan, diff: Diff | None = None) -> dict[str, Any]:
    fams = family_scores(scan.findings, scan.families)
    return {
        "schema": SCHEMA,
        "standard": scan.standard,
        "level": scan.level,
        "started": scan.started,
        "summary": score(scan.findings).to_dict(),
        "families": {k: {**scan.families[k], **fams[k].to_dict()} for k in scan.families},
        "assets": [a.to_dict() for a in scan.assets],
        "findings": [f.to_dict() for f in scan.findings],
        "diff": diff.to_dict() if diff is not None else None,
    }


def to_json(scan: Scan, diff: Diff | None = None) -> str:
    return json.dumps(to_dict(scan, diff), ensure_ascii=False, indent=2)


def scan_from_dict(doc: Any, where: str = "report") -> Scan:
    """A Scan back from its JSON (``govnet comply report``/``diff`` read earlier scans)."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(f"{where}: not a govnet compliance report (schema {SCHEMA!r} expected)")
    try:
        findings = tuple(
            Finding(
                f["item"],
                f["clause"],
                f["family"],
                f["check"],
                f["asset"],
                f["asset_type"],
                Outcome(f["outcome"]),
                f["reason"],
                f["severity"],
                Evidence(
                    f["evidence"].get("file", ""),
                    tuple((int(x["number"]), str(x["text"])) for x in f["evidence"].get("lines", [])),
                    f["evidence"].get("metric", ""),
                    f["evidence"].get("value"),
                    f["evidence"].get("note", ""),
                ),
                f.get("remedy", ""),
            )
            for f in doc["findings"]
        )
        assets = tuple(
            AssetInfo(
                a["name"],
                a["type"],
                a["source"],
                a.get("vendor"),
                a.get("problem", ""),
                tuple(a.get("notes", [])),
            )
            for a in doc["assets"]
        )
        families = {
            k: {"zh": v["zh"], "en": v["en"], "clause": v["clause"]} for k, v in doc["families"].items()
        }
        return Scan(doc["standard"], int(doc["level"]), doc["started"], assets, findings, families)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: malformed compliance report ({type(exc).__name__}: {exc})") from None


def to_junit(scan: Scan) -> str:
    """One testsuite per asset, one testcase per finding: fail -> failure, error -> error,
    not applicable and manual -> skipped (CI shows them without failing)."""
    root = ET.Element("testsuites", name=f"GB/T 22239-2019 level {scan.level}")
    by_asset: dict[str, list[Finding]] = {}
    for f in scan.findings:
        by_asset.setdefault(f.asset, []).append(f)
    for asset, findings in by_asset.items():
        counts = score(findings).counts
        suite = ET.SubElement(
            root,
            "testsuite",
            name=asset,
            tests=str(len(findings)),
            failures=str(counts.get("fail", 0)),
            errors=str(counts.get("error", 0)),
            skipped=str(counts.get("manual", 0) + counts.get("not_applicable", 0)),
            timestamp=scan.started,
        )
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=f"{f.clause} {f.item}", name=f.check)
            body = _evidence_text(f)
            if f.outcome is Outcome.FAIL:
                ET.SubElement(case, "failure", message=f.reason, type=f.severity).text = body
            elif f.outcome is Outcome.ERROR:
                ET.SubElement(case, "error", message=f.reason).text = body
            elif f.outcome in (Outcome.MANUAL, Outcome.NOT_APPLICABLE):
                ET.SubElement(case, "skipped", message=f"{f.outcome.value}: {f.reason}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _evidence_text(f: Finding) -> str:
    out = [f"{f.evidence.file}:{n}: {t}" for n, t in f.evidence.lines]
    if f.evidence.metric:
        out.append(f"{f.evidence.metric} = {f.evidence.value}")
    if f.remedy:
        out.append(f"remedy: {f.remedy}")
    return "\n".join(out)


def to_sarif(scan: Scan) -> str:
    """SARIF 2.1.0: one rule per check id, one result per failure or error, located at the
    evidence's first line in the configuration file."""
    from govnet.compliance.checks import CHECKS

    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for f in scan.findings:
        if f.outcome not in (Outcome.FAIL, Outcome.ERROR):
            continue
        if f.check not in index:
            index[f.check] = len(rules)
            check = CHECKS.get(f.check)
            rules.append(
                {
                    "id": f.check,
                    "shortDescription": {"text": check.title if check else f.check},
                    "fullDescription": {"text": check.doc if check else f.reason},
                    "properties": {"tags": ["GB/T 22239-2019", f.clause]},
                }
            )
        result: dict[str, Any] = {
            "ruleId": f.check,
            "ruleIndex": index[f.check],
            "level": "error" if f.outcome is Outcome.ERROR else _SARIF_LEVEL.get(f.severity, "warning"),
            "message": {
                "text": f"[{f.clause}] {f.asset}: {f.reason}" + (f" Remedy: {f.remedy}" if f.remedy else "")
            },
            "properties": {"outcome": f.outcome.value, "item": f.item, "asset": f.asset},
        }
        if f.evidence.file:
            location: dict[str, Any] = {"artifactLocation": {"uri": Path(f.evidence.file).as_posix()}}
            if f.evidence.lines:
                n, text = f.evidence.lines[0]
                location["region"] = {"startLine": n, "snippet": {"text": text}}
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "govnet comply",
                        "informationUri": "https://example.invalid/govnet",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def to_html(scan: Scan, diff: Diff | None = None) -> str:
    from govnet.compliance.report.html import render_html

    return render_html(to_dict(scan, diff))


def write_reports(scan: Scan, out: Path, formats: tuple[str, ...], diff: Diff | None = None) -> list[Path]:
    """Write the reports asked for into ``out`` (created); return the files written."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InputError(f"unknown report format(s) {', '.join(bad)} (known: {', '.join(FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    makers = {
        "json": ("compliance.json", lambda: to_json(scan, diff)),
        "html": ("compliance.html", lambda: to_html(scan, diff)),
        "junit": ("compliance-junit.xml", lambda: to_junit(scan)),
        "sarif": ("compliance.sarif", lambda: to_sarif(scan)),
    }
    written = []
    for fmt in formats:
        name, make = makers[fmt]
        path = out / name
        atomic_write(path, make())
        written.append(path)
    return written
