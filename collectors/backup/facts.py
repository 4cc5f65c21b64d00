"""Device facts parsed with TextFSM: ntc-templates where it has a template, govnet's own
(``templates/``, same index format) where it lacks one. Pure parsing, no I/O but the templates.

Facts are stored beside the configuration in the backup repository, so fields that move by
themselves (uptime, utilisation, error counters) are dropped from what is kept: otherwise every run
would make a commit.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

from govnet.vendors import vendor_spec

OWN_TEMPLATES = Path(__file__).parent / "templates"

# The commands whose output becomes facts, per vendor key.
FACT_COMMANDS: dict[str, tuple[str, ...]] = {
    "huawei_vrp": ("display version", "display interface brief", "display ipv6 interface brief"),
    "h3c_comware": ("display version", "display interface brief", "display ipv6 interface brief"),
    "cisco_ios": ("show version", "show ip interface brief", "show ipv6 interface brief"),
}

# Parsed fields that change without a configuration change (lower-case TextFSM value names).
VOLATILE_FIELDS = re.compile(r"^(uptime.*|restarted|inuti|oututi|inerrors|outerrors|last_reboot_reason)$")


# A CliTable keeps the rows of its last parse in itself: one parse at a time (the backup fetches
# devices in threads; parsing is CPU-bound, so the lock costs nothing under the GIL).
_LOCK = threading.Lock()


class ParseError(ValueError):
    """No template for the command, or the template refused the text."""


@cache
def _tables() -> tuple[Any, Any]:
    from importlib.resources import files

    from textfsm import clitable

    return (
        clitable.CliTable("index", str(OWN_TEMPLATES)),
        clitable.CliTable("index", str(files("ntc_templates") / "templates")),
    )


def template_source(vendor: str, command: str) -> str | None:
    """Which templates parse ``command`` on ``vendor``: "govnet", "ntc-templates" or None."""
    platform = vendor_spec(vendor).ntc_platform
    own, ntc = _tables()
    for name, table in (("govnet", own), ("ntc-templates", ntc)):
        if table.index.GetRowMatch({"Platform": platform, "Command": command}):
            return name
    return None


def parse(vendor: str, command: str, text: str) -> list[dict[str, Any]]:
    """Rows of ``command``'s output on ``vendor``, keys lower-case (as netmiko's use_textfsm)."""
    from textfsm import clitable, parser

    platform = vendor_spec(vendor).ntc_platform
    attrs = {"Platform": platform, "Command": command}
    for table in _tables():
        if not table.index.GetRowMatch(attrs):
            continue
        with _LOCK:
            try:
                table.ParseCmd(text, attrs)
            except (clitable.CliTableError, parser.TextFSMError) as exc:
                raise ParseError(f"{platform} {command!r}: {exc}") from None
            keys = [str(h).lower() for h in table.header]
            return [dict(zip(keys, list(row), strict=True)) for row in table]
    raise ParseError(f"no TextFSM template for {platform} {command!r}")


def _stable(row: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in row.items():
        if VOLATILE_FIELDS.match(key):
            continue
        if key == "ipv6_address":  # a list in the VRP/IOS templates, one value on Comware
            values = value if isinstance(value, list) else [value]
            value = [v for v in values if v and v.lower() not in ("unassigned", "--")]
        kept[key] = value
    return kept


def device_facts(vendor: str, outputs: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Parsed facts per command (volatile fields dropped) and, per command, why it did not parse."""
    facts: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for command, text in outputs.items():
        try:
            facts[command] = [_stable(row) for row in parse(vendor, command, text)]
        except ParseError as exc:
            errors[command] = str(exc)
    return facts, errors
