"""Structured output from device commands: ntc-templates' TextFSM templates, picked by govnet's vendor.

netmiko's ``send_command(..., use_textfsm=True)`` looks the template up under the connection's
``device_type``. ntc-templates files Huawei VRP's templates under ``huawei_vrp`` while netmiko's VRP
driver is ``huawei``, so for VRP that natural call finds nothing and hands back raw text. Here the
platform comes from the vendor spec (``govnet.vendors``: ``ntc_platform``), so every vendor parses:

    rows = send_parsed(conn, "display interface brief")                  # any netmiko connection
    rows = parse("huawei_vrp", "display interface brief", text)          # text you already have
    conn.send_command(cmd, use_textfsm=True, textfsm_template=str(template_path("huawei_vrp", cmd)))

A command ntc-templates has no template for is a ``NotFoundError`` naming the platform, and output
the template cannot parse an ``InputError``: never raw text where rows were expected.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Protocol

from govnet.errors import InputError, NotFoundError
from govnet.vendors import VENDORS, VendorSpec, vendor_spec


class SendsCommands(Protocol):
    """What ``send_parsed`` needs of a connection: netmiko's ``BaseConnection`` has both."""

    device_type: str

    def send_command(self, command_string: str, **kwargs: Any) -> Any: ...


def spec_for_netmiko(device_type: str) -> VendorSpec:
    """The vendor whose netmiko driver is ``device_type`` (``huawei`` -> huawei_vrp)."""
    for spec in VENDORS.values():
        if device_type in (spec.netmiko_device_type, spec.key):
            return spec
    known = ", ".join(sorted(s.netmiko_device_type for s in VENDORS.values()))
    raise InputError(f"netmiko device type {device_type!r} is not a govnet vendor's; known: {known}")


def _template_dir() -> Path:
    from ntc_templates.parse import _get_template_dir

    return Path(_get_template_dir())


@functools.cache
def _index() -> list[tuple[re.Pattern[str], re.Pattern[str], str]]:
    """ntc-templates' index: (platform, command, template file) per row, in the index's order."""
    from textfsm import clitable

    table = clitable.CliTable("index", str(_template_dir()))
    compiled, raw = table.index.compiled, table.index.index
    header = list(compiled.header)
    at = {name: header.index(name) for name in ("Platform", "Command", "Template")}
    return [
        (compiled[n][at["Platform"]], compiled[n][at["Command"]], str(raw[n][at["Template"]]).split(":")[0])
        for n in range(1, compiled.size + 1)
    ]


def template_path(vendor: str, command: str) -> Path:
    """The ntc-templates file that parses ``command`` on ``vendor`` (a govnet vendor key).

    The whole command must match the index's pattern: ntc-templates' own lookup matches a prefix, so
    ``display current-configuration`` would land on VRP's ``dir`` template."""
    platform = vendor_spec(vendor).ntc_platform
    typed = " ".join(command.split())
    for platforms, commands, template in _index():
        if platforms.fullmatch(platform) and commands.fullmatch(typed):
            return _template_dir() / template
    raise NotFoundError(f"ntc-templates has no template for {typed!r} on {platform}")


def parse(vendor: str, command: str, text: str) -> list[dict[str, Any]]:
    """``text`` (the output of ``command`` on a ``vendor`` device) as ntc-templates' rows
    (field names in lower case, as netmiko and ntc-templates return them)."""
    import textfsm

    path = template_path(vendor, command)
    with path.open(encoding="utf-8") as template:
        fsm = textfsm.TextFSM(template)
    try:
        records = fsm.ParseText(text)
    except textfsm.TextFSMError as exc:
        raise InputError(
            f"{vendor}: the output of {command!r} does not parse with {path.name}: {exc}"
        ) from None
    names = [name.lower() for name in fsm.header]
    return [dict(zip(names, record, strict=True)) for record in records]


def send_parsed(conn: SendsCommands, command: str, **send_kwargs: Any) -> list[dict[str, Any]]:
    """Send ``command`` over a netmiko connection and parse the answer under the vendor's platform."""
    spec = spec_for_netmiko(conn.device_type)
    return parse(spec.key, command, str(conn.send_command(command, **send_kwargs)))
