"""Scan -> JSON / JUnit XML / SARIF 2.1.0 / HTML, and JSON back to a Scan (for ``report`` and ``diff``).

Every format is written by its streaming writer (``writers.py``, ``html.py``); ``open_reports``
gives them for a streamed scan, and ``to_json``/``write_reports`` feed them a ``Scan`` held in memory.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from govnet.compliance.model import Evidence, Finding, Outcome
from govnet.compliance.report.html import HtmlWriter
from govnet.compliance.report.writers import (
    SCHEMA,
    JsonWriter,
    JunitWriter,
    ReportWriter,
    SarifWriter,
    summary_parts,
)
from govnet.compliance.scan import AssetInfo, AssetResult, Header, Scan
from govnet.compliance.scores import Diff, Tally
from govnet.errors import InputError
from govnet.fsutil import atomic_stream

FORMATS = ("json", "html", "junit", "sarif")
_WRITERS: dict[str, tuple[str, Callable[[IO[bytes]], ReportWriter]]] = {
    "json": ("compliance.json", JsonWriter),
    "html": ("compliance.html", HtmlWriter),
    "junit": ("compliance-junit.xml", JunitWriter),
    "sarif": ("compliance.sarif", SarifWriter),
}


def to_dict(scan: Scan, diff: Diff | None = None) -> dict[str, Any]:
    """The JSON report of a scan held in memory, as a dict."""
    tally = Tally()
    tally.add(scan.findings)
    return {
        "schema": SCHEMA,
        "standard": scan.standard,
        "level": scan.level,
        "started": scan.started,
        **summary_parts(scan.header, tally),
        "assets": [a.to_dict() for a in scan.assets],
        "findings": [f.to_dict() for f in scan.findings],
        "diff": diff.to_dict() if diff is not None else None,
    }


def finding_from_dict(f: dict[str, Any]) -> Finding:
    """One finding back from its JSON (KeyError, TypeError or ValueError when malformed)."""
    return Finding(
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


def scan_from_dict(doc: Any, where: str = "report") -> Scan:
    """A Scan back from its JSON (``govnet comply report``/``diff`` read earlier scans)."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(f"{where}: not a govnet compliance report (schema {SCHEMA!r} expected)")
    try:
        findings = tuple(finding_from_dict(f) for f in doc["findings"])
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


def _render(fmt: str, scan: Scan, diff: Diff | None = None) -> str:
    buffer = io.BytesIO()
    _feed(scan.header, scan.results(), diff, [_WRITERS[fmt][1](buffer)])
    return buffer.getvalue().decode("utf-8")


def _feed(
    header: Header, results: Iterable[AssetResult], diff: Diff | None, writers: list[ReportWriter]
) -> None:
    tally = Tally()
    for w in writers:
        w.begin(header)
    for result in results:
        tally.add(result.findings)
        for w in writers:
            w.add(result)
    for w in writers:
        w.finish(tally, diff)


def to_json(scan: Scan, diff: Diff | None = None) -> str:
    return _render("json", scan, diff)


def to_junit(scan: Scan) -> str:
    return _render("junit", scan)


def to_sarif(scan: Scan) -> str:
    return _render("sarif", scan)


def to_html(scan: Scan, diff: Diff | None = None) -> str:
    return _render("html", scan, diff)


def check_formats(formats: tuple[str, ...]) -> None:
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InputError(f"unknown report format(s) {', '.join(bad)} (known: {', '.join(FORMATS)})")


@contextlib.contextmanager
def open_reports(out: Path, formats: tuple[str, ...]) -> Iterator[tuple[list[ReportWriter], list[Path]]]:
    """Writers for the formats asked for, each streaming into its file in ``out`` (created); the
    files replace earlier ones when the block ends, and are left untouched if it raises."""
    check_formats(formats)
    with contextlib.ExitStack() as stack:
        writers, paths = [], []
        for fmt in formats:
            name, make = _WRITERS[fmt]
            path = out / name
            writers.append(make(stack.enter_context(atomic_stream(path))))
            paths.append(path)
        yield writers, paths


def write_reports(scan: Scan, out: Path, formats: tuple[str, ...], diff: Diff | None = None) -> list[Path]:
    """Write the reports asked for of a scan held in memory; return the files written."""
    return stream_reports(scan.header, scan.results(), out, formats, diff)


def stream_reports(
    header: Header,
    results: Iterable[AssetResult],
    out: Path,
    formats: tuple[str, ...],
    diff: Diff | None = None,
) -> list[Path]:
    """Write the reports asked for of a scan's results as they come (e.g. read back from the
    store); return the files written."""
    with open_reports(out, formats) as (writers, paths):
        _feed(header, results, diff, writers)
    return paths
