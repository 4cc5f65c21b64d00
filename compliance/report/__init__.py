"""Scan reports: ``to_json`` (the stable schema in docs/compliance.md), ``to_junit``, ``to_sarif``
and ``to_html`` (one printable page). All take a ``Scan`` and an optional ``Diff``."""

from govnet.compliance.report.formats import (
    FORMATS,
    scan_from_dict,
    to_dict,
    to_html,
    to_json,
    to_junit,
    to_sarif,
    write_reports,
)

__all__ = [
    "FORMATS",
    "scan_from_dict",
    "to_dict",
    "to_html",
    "to_json",
    "to_junit",
    "to_sarif",
    "write_reports",
]
