"""Scan reports: JSON (the stable schema in docs/compliance.md), JUnit, SARIF and a printable HTML
page. ``open_reports`` streams a scan into them asset by asset; ``to_json``, ``to_junit``,
``to_sarif``, ``to_html`` and ``write_reports`` take a ``Scan`` held in memory."""

from govnet.compliance.report.formats import (
    FORMATS,
    check_formats,
    open_reports,
    scan_from_dict,
    stream_reports,
    to_dict,
    to_html,
    to_json,
    to_junit,
    to_sarif,
    write_reports,
)

__all__ = [
    "FORMATS",
    "check_formats",
    "open_reports",
    "scan_from_dict",
    "stream_reports",
    "to_dict",
    "to_html",
    "to_json",
    "to_junit",
    "to_sarif",
    "write_reports",
]
