"""The printable HTML report: one self-contained page (inline CSS and SVG, no scripts, no fetches).

Written as a scan streams (``HtmlWriter``): the page's top needs the final scores, so each asset's
section is spooled to a temporary file as it comes (only what to act on: failures and errors with
evidence and remedies; a passing asset is one table row), and the page is put together at the end.
Memory stays bounded whatever the fleet's size; the file grows with the assets that fail.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from typing import IO, Any

import jinja2

from govnet.compliance.model import Outcome
from govnet.compliance.scan import AssetResult, Header
from govnet.compliance.scores import Diff, Tally

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("govnet.compliance.report", "."),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_COLOURS = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "error": "#6a1b9a",
    "manual": "#9e9e9e",
    "not_applicable": "#cfd8dc",
}
_OUTCOME_ZH = {
    "pass": "符合",
    "fail": "不符合",
    "error": "无法判定",
    "manual": "人工核查",
    "not_applicable": "不适用",
}


def chart(families: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Bars for the SVG chart: one row per family, segments per outcome, widths in 0..400 px."""
    rows = []
    for i, (key, fam) in enumerate(families.items()):
        total = sum(fam[o] for o in _COLOURS) or 1
        x, segments = 0.0, []
        for outcome, colour in _COLOURS.items():
            width = 400 * fam[outcome] / total
            if width:
                segments.append(
                    {
                        "x": round(x, 1),
                        "width": round(width, 1),
                        "colour": colour,
                        "count": fam[outcome],
                        "outcome": outcome,
                    }
                )
            x += width
        rows.append({"y": 10 + i * 34, "key": key, "fam": fam, "segments": segments})
    return rows


class HtmlWriter:
    """``ReportWriter`` for the HTML page (see the module's note)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.macros = _ENV.get_template("report.html.j2").module
        self.acting: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  (closed in finish)
        self.passing: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.counts = Counter[str]()
        self.system: list[dict[str, Any]] = []

    def begin(self, header: Header) -> None:
        self.header = header

    def add(self, result: AssetResult) -> None:
        findings = result.findings
        if result.info is None:
            self.system += [f.to_dict() for f in findings]
            return
        counts = Counter(f.outcome.value for f in findings)
        failed = [f.to_dict() for f in findings if f.outcome in (Outcome.FAIL, Outcome.ERROR)]
        asset = {**result.info.to_dict(), "counts": counts, "total": len(findings), "failed": failed}
        if failed or result.info.problem:
            self.counts["acting"] += 1
            html = self.macros.asset(asset, self.counts["acting"], _OUTCOME_ZH)  # type: ignore[attr-defined]
            self.acting.write(str(html).encode("utf-8"))
        else:
            self.counts["passing"] += 1
            self.passing.write(str(self.macros.passing_row(asset)).encode("utf-8"))  # type: ignore[attr-defined]

    def finish(self, tally: Tally, diff: Diff | None) -> None:
        from govnet.compliance.report.writers import summary_parts

        h = self.header
        report = {
            "standard": h.standard,
            "level": h.level,
            "started": h.started,
            **summary_parts(h, tally),
            "diff": diff.to_dict() if diff is not None else None,
            "acting": self.counts["acting"],
            "passing": self.counts["passing"],
        }
        m = self.macros
        head = m.head(report, chart(report["families"]), _COLOURS, _OUTCOME_ZH)  # type: ignore[attr-defined]
        self.out.write(str(head).encode("utf-8"))
        for spool, before in ((self.acting, ""), (self.passing, str(m.passing_open()))):  # type: ignore[attr-defined]
            self.out.write(before.encode("utf-8"))
            spool.seek(0)
            shutil.copyfileobj(spool, self.out)
            spool.close()
        manual = [f for f in self.system if f["outcome"] == "manual"]
        system = [f for f in self.system if f["outcome"] != "manual"]
        self.out.write(str(m.tail(system, manual)).encode("utf-8"))  # type: ignore[attr-defined]
