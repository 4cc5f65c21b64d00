"""Report writers that stream: each takes a scan's results asset by asset (``AssetResult``) and
writes as it goes, so a 10,000-device scan never holds its findings. JSON and SARIF write the
findings first and the summary last (key order carries no meaning in JSON); JUnit writes one
``testsuite`` per asset as it comes. The HTML page needs its summary on top, so it spools the
per-asset sections (failures only) to a temporary file and puts the page together at the end
(``report/html.py``).

A writer's life: ``begin(header)``, ``add(result)`` per asset, ``finish(tally, diff)``.
"""

from __future__ import annotations

import json
from typing import IO, Any, Protocol
from xml.etree import ElementTree as ET

from govnet.compliance.model import Finding, Outcome
from govnet.compliance.scan import SYSTEM, AssetInfo, AssetResult, Header
from govnet.compliance.scores import Diff, Tally, score

SCHEMA = "govnet.compliance/1"
_SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note"}


class ReportWriter(Protocol):
    def begin(self, header: Header) -> None: ...

    def add(self, result: AssetResult) -> None: ...

    def finish(self, tally: Tally, diff: Diff | None) -> None: ...


def summary_parts(header: Header, tally: Tally) -> dict[str, Any]:
    """The report's ``summary`` and ``families`` from the running counters."""
    return {
        "summary": tally.total().to_dict(),
        "families": {k: {**v, **tally.family(k).to_dict()} for k, v in header.families.items()},
    }


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


class JsonWriter:
    """The JSON report (schema ``govnet.compliance/1``, docs/compliance.md), one finding a line."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.assets: list[AssetInfo] = []  # small: name, type, source, notes per asset
        self.first = True

    def begin(self, header: Header) -> None:
        head = {
            "schema": SCHEMA,
            "standard": header.standard,
            "level": header.level,
            "started": header.started,
        }
        self.header = header
        self.out.write(_dump(head)[:-1] + b', "findings": [')

    def add(self, result: AssetResult) -> None:
        if result.info is not None:
            self.assets.append(result.info)
        for f in result.findings:
            self.out.write(b"\n  " if self.first else b",\n  ")
            self.out.write(_dump(f.to_dict()))
            self.first = False

    def finish(self, tally: Tally, diff: Diff | None) -> None:
        self.out.write(b"\n],\n")
        tail = {
            "assets": [a.to_dict() for a in self.assets],
            **summary_parts(self.header, tally),
            "diff": diff.to_dict() if diff is not None else None,
        }
        self.out.write(json.dumps(tail, ensure_ascii=False, indent=1)[1:].lstrip().encode("utf-8"))
        self.out.write(b"\n")


class JunitWriter:
    """One testsuite per asset, one testcase per finding: fail -> failure, error -> error,
    not applicable and manual -> skipped (CI shows them without failing)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def begin(self, header: Header) -> None:
        self.started = header.started
        root = ET.Element("testsuites", name=f"GB/T 22239-2019 level {header.level}")
        opening = ET.tostring(root, encoding="unicode").replace(" />", ">")
        self.out.write(f"<?xml version='1.0' encoding='utf-8'?>\n{opening}\n".encode())

    def add(self, result: AssetResult) -> None:
        findings = result.findings
        if not findings and result.info is None:
            return
        counts = score(findings).counts
        suite = ET.Element(
            "testsuite",
            name=result.info.name if result.info is not None else SYSTEM,
            tests=str(len(findings)),
            failures=str(counts.get("fail", 0)),
            errors=str(counts.get("error", 0)),
            skipped=str(counts.get("manual", 0) + counts.get("not_applicable", 0)),
            timestamp=self.started,
        )
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=f"{f.clause} {f.item}", name=f.check)
            body = evidence_text(f)
            if f.outcome is Outcome.FAIL:
                ET.SubElement(case, "failure", message=f.reason, type=f.severity).text = body
            elif f.outcome is Outcome.ERROR:
                ET.SubElement(case, "error", message=f.reason).text = body
            elif f.outcome in (Outcome.MANUAL, Outcome.NOT_APPLICABLE):
                ET.SubElement(case, "skipped", message=f"{f.outcome.value}: {f.reason}")
        ET.indent(suite, level=1)
        self.out.write(b"  " + ET.tostring(suite, encoding="utf-8", xml_declaration=False) + b"\n")

    def finish(self, tally: Tally, diff: Diff | None) -> None:
        self.out.write(b"</testsuites>\n")


def evidence_text(f: Finding) -> str:
    out = [f"{f.evidence.file}:{n}: {t}" for n, t in f.evidence.lines]
    if f.evidence.metric:
        out.append(f"{f.evidence.metric} = {f.evidence.value}")
    if f.remedy:
        out.append(f"remedy: {f.remedy}")
    return "\n".join(out)


class SarifWriter:
    """SARIF 2.1.0: one rule per check id, one result per failure or error, located at the
    evidence's first line in the configuration file. Results come first in the run object."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.rules: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.first = True

    def begin(self, header: Header) -> None:
        head = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0"}
        self.out.write(_dump(head)[:-1] + b', "runs": [{"results": [')

    def add(self, result: AssetResult) -> None:
        for f in result.findings:
            if f.outcome in (Outcome.FAIL, Outcome.ERROR):
                self.out.write(b"\n  " if self.first else b",\n  ")
                self.out.write(_dump(self._result(f)))
                self.first = False

    def _result(self, f: Finding) -> dict[str, Any]:
        if f.check not in self.index:
            from govnet.compliance.checks import CHECKS

            self.index[f.check] = len(self.rules)
            check = CHECKS.get(f.check)
            self.rules.append(
                {
                    "id": f.check,
                    "shortDescription": {"text": check.title if check else f.check},
                    "fullDescription": {"text": check.doc if check else f.reason},
                    "properties": {"tags": ["GB/T 22239-2019", f.clause]},
                }
            )
        result: dict[str, Any] = {
            "ruleId": f.check,
            "ruleIndex": self.index[f.check],
            "level": "error" if f.outcome is Outcome.ERROR else _SARIF_LEVEL.get(f.severity, "warning"),
            "message": {
                "text": f"[{f.clause}] {f.asset}: {f.reason}" + (f" Remedy: {f.remedy}" if f.remedy else "")
            },
            "properties": {"outcome": f.outcome.value, "item": f.item, "asset": f.asset},
        }
        if f.evidence.file:
            from pathlib import Path

            location: dict[str, Any] = {"artifactLocation": {"uri": Path(f.evidence.file).as_posix()}}
            if f.evidence.lines:
                n, text = f.evidence.lines[0]
                location["region"] = {"startLine": n, "snippet": {"text": text}}
            result["locations"] = [{"physicalLocation": location}]
        return result

    def finish(self, tally: Tally, diff: Diff | None) -> None:
        tool = {
            "driver": {
                "name": "govnet comply",
                "informationUri": "https://example.invalid/govnet",
                "rules": self.rules,
            }
        }
        self.out.write(
            b'\n], "tool": ' + json.dumps(tool, ensure_ascii=False, indent=1).encode("utf-8") + b"}]}\n"
        )
