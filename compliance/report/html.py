"""The printable HTML report: one self-contained page (inline CSS and SVG, no scripts, no fetches)."""

from __future__ import annotations

from typing import Any

import jinja2

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


def render_html(report: dict[str, Any]) -> str:
    findings = report["findings"]
    assets = []
    for asset in report["assets"]:
        mine = [f for f in findings if f["asset"] == asset["name"]]
        assets.append(
            {**asset, "findings": mine, "failed": [f for f in mine if f["outcome"] in ("fail", "error")]}
        )
    manual = [f for f in findings if f["outcome"] == "manual"]
    system = [f for f in findings if f["asset"] == "(system)" and f["outcome"] != "manual"]
    return _ENV.get_template("report.html.j2").render(
        r=report,
        rows=chart(report["families"]),
        colours=_COLOURS,
        zh=_OUTCOME_ZH,
        assets=assets,
        manual=manual,
        system=system,
    )
