"""The configuration model shared by the lab, config backup, compliance and provisioning.

- ``DeviceConfig`` (``model.py``): what a configuration says, one shape for every vendor.
- ``parse(vendor, text, strict=False)``: a vendor's config text to a ``ParsedConfig``. Lenient (the
  default) reads what real devices and terminal captures hold — headers, CR/LF, another encoding,
  sections the model does not know — and keeps every line it cannot apply, with its line number, in
  ``ParsedConfig.unknown`` as evidence. Strict raises ``ConfigSyntaxError`` naming the lines.
- ``render(vendor, config)``: the vendor's config text for a model; ``parse(render(c))`` gives ``c``.
- ``mutate``: typed changes (a static route, the idle timeout, a lockout) that every vendor's
  commands map to.

Each vendor's syntax is one class (``huawei_vrp.VrpSyntax``, ``h3c_comware.ComwareSyntax``,
``cisco_ios.IosSyntax``): its commands per configuration view and its renderer. The device lab's
CLI dialects extend those classes with a terminal personality, so a line typed at the lab and a
line read from a file are applied by the same code.

How this meets hier_config (provisioning's running → intended remediation): a configuration is
*understood* one way, here. hier_config never parses for meaning; it only orders and diffs lines.
Provisioning renders the intended text with ``render(vendor, intended)`` from a ``DeviceConfig``,
takes the running text from the device, and lets hier_config (driver from
``govnet.vendors.VendorSpec.hier_config_platform``) compute the remediation commands between the
two texts. Whatever judges the result — compliance, drift checks, tests — reads both texts back
through ``parse`` and compares models, never hier_config's trees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govnet.errors import InputError
from govnet.netconfig.dialect import ConfigDialect, ConfigSession, UnknownLine
from govnet.netconfig.model import DeviceConfig, defaults
from govnet.vendors import vendor_spec

# govnet vendor key -> "module:class" of its configuration syntax.
SYNTAXES = {
    "huawei_vrp": "govnet.netconfig.huawei_vrp:VrpSyntax",
    "h3c_comware": "govnet.netconfig.h3c_comware:ComwareSyntax",
    "cisco_ios": "govnet.netconfig.cisco_ios:IosSyntax",
}
_instances: dict[str, ConfigDialect] = {}


class ConfigSyntaxError(InputError):
    """A strict parse met lines its vendor's syntax does not allow (``lines`` says which)."""

    def __init__(self, vendor: str, lines: list[UnknownLine]) -> None:
        shown = "; ".join(f"line {u.number}: {u.text.strip()!r} ({u.reason})" for u in lines[:5])
        more = f"; and {len(lines) - 5} more" if len(lines) > 5 else ""
        super().__init__(f"{vendor} configuration: {shown}{more}")
        self.lines = lines


@dataclass
class ParsedConfig:
    vendor: str
    config: DeviceConfig
    unknown: list[UnknownLine] = field(default_factory=list)  # lenient mode: what was not applied


def syntax_for(vendor: str) -> ConfigDialect:
    """The configuration syntax of a vendor key (one shared instance); unknown keys are named."""
    key = vendor_spec(vendor).key
    if key not in _instances:
        import importlib

        module, _, name = SYNTAXES[key].partition(":")
        _instances[key] = getattr(importlib.import_module(module), name)()
    return _instances[key]


def parse(vendor: str, text: str | bytes, *, strict: bool = False) -> ParsedConfig:
    """Read a vendor's configuration text into a ``DeviceConfig`` (see the module's doc)."""
    syntax = syntax_for(vendor)
    config = defaults(vendor)
    unknown = syntax.load(ConfigSession(syntax, config), text)
    if strict and unknown:
        raise ConfigSyntaxError(vendor, unknown)
    return ParsedConfig(config.vendor, config, unknown)


def render(vendor: str, config: DeviceConfig) -> str:
    """The vendor's configuration text for ``config`` (what ``display current-configuration`` /
    ``show running-config`` print, without the terminal's headers)."""
    return syntax_for(vendor).render_config(config)


__all__ = [
    "ConfigDialect",
    "ConfigSession",
    "ConfigSyntaxError",
    "DeviceConfig",
    "ParsedConfig",
    "UnknownLine",
    "defaults",
    "parse",
    "render",
    "syntax_for",
]
