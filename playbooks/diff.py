"""Running → intended with hier_config: the remediation, its rollback and a unified diff.

hier_config's drivers (HUAWEI_VRP, HP_COMWARE5, CISCO_IOS) know each dialect's negation and
sections; what they get wrong for these dialects is extended here, one rule each (tests in
tests/provision/test_provision_diff.py pin every rule):

- single-valued commands (``sysname``, ``idle-timeout``, ``description``, ``protocol inbound``, ...)
  are replaced by typing the new value, never undone first (``idempotent_commands``);
- Comware indents global commands by one space under ``#`` separators: those blocks are read as
  top-level lines (``flatten_comware``), or every global command would look like a child of the
  section above it;
- a line holding a secret is removed by a form without the secret (``_NEGATE_SUB``): a device
  takes no key to delete a key, and the inventory may no longer name the value (v3 -> v2c).

Secrets are compared in their placeholder form (``secretforms.mask``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from hier_config import HConfig, MatchRule, Platform, WorkflowRemediation, get_hconfig, get_hconfig_driver
from hier_config.child import HConfigChild
from hier_config.exceptions import DuplicateChildError
from hier_config.models import (
    IdempotentCommandsRule,
    NegationDefaultWithRule,
    NegationSubRule,
    OrderingRule,
    PerLineSubRule,
)
from hier_config.platforms.driver_base import HConfigDriverBase
from hier_config.platforms.hp_comware5.driver import HConfigDriverHPComware5

from govnet.errors import InputError

from . import secretforms

PLATFORMS = {
    "huawei_vrp": Platform.HUAWEI_VRP,
    "h3c_comware": Platform.HP_COMWARE5,
    "cisco_ios": Platform.CISCO_IOS,
}


def _rule(*lineage: str) -> IdempotentCommandsRule:
    """A command identified by the start of its text (in its section): typing it replaces the value."""
    return IdempotentCommandsRule(match_rules=tuple(MatchRule(startswith=s) for s in lineage))


def _re_rule(*lineage: str) -> IdempotentCommandsRule:
    return IdempotentCommandsRule(match_rules=tuple(MatchRule(re_search=s) for s in lineage))


_VRP_FAMILY_IDEMPOTENT = [
    _rule("sysname "),
    _rule("clock timezone "),
    _rule("interface ", "description "),
    _rule("interface ", "qos lr outbound cir "),
    _rule("interface ", "bandwidth "),
    _re_rule("^interface ", r"^ip address \S+ \S+$"),
    _rule("snmp-agent sys-info version "),
    _rule("ospf ", "area ", "network "),
]
_RULES: dict[str, list[IdempotentCommandsRule]] = {
    "huawei_vrp": [
        *_VRP_FAMILY_IDEMPOTENT,
        _rule("user-interface ", "idle-timeout "),
        _rule("user-interface ", "protocol inbound "),
        _rule("user-interface ", "authentication-mode "),
        _rule("user-interface ", "acl ipv6 "),
        _re_rule("^user-interface ", r"^acl \d+ inbound"),
        _re_rule("^aaa", r"^local-user \S+ privilege level "),
        _re_rule("^aaa", r"^local-user \S+ service-type "),
        _rule("aaa", "local-aaa-user wrong-password "),
        _rule("aaa", "local-aaa-user password policy administrator", "password expire "),
        _rule("aaa", "local-aaa-user password policy administrator", "password min-length "),
        _rule("header login "),
    ],
    "h3c_comware": [
        *_VRP_FAMILY_IDEMPOTENT,
        _rule("line vty ", "idle-timeout "),
        _rule("line vty ", "protocol inbound "),
        _rule("line vty ", "authentication-mode "),
        _rule("line vty ", "acl ipv6 "),
        _re_rule("^line vty ", r"^acl \d+ inbound"),
        _rule("local-user ", "service-type "),
        _rule("password-control length "),
        _rule("password-control aging "),
        _rule("password-control login-attempt "),
        _rule("header login "),
    ],
    "cisco_ios": [
        _rule("hostname "),
        _rule("clock timezone "),
        _rule("security passwords min-length "),
        _rule("login block-for "),
        _rule("line vty ", "exec-timeout "),
        _rule("line vty ", "transport input "),
        _rule("line vty ", "access-class "),
        _rule("line vty ", "ipv6 access-class "),
        _rule("interface ", "bandwidth "),
        _rule("interface ", "rate-limit output "),
        _rule("banner login "),
    ],
}

# IOS: `no ip address` and `ip address A M` are one setting; removing either is typing the other.
_NEGATE_WITH: dict[str, list[NegationDefaultWithRule]] = {
    "cisco_ios": [
        NegationDefaultWithRule(
            match_rules=(MatchRule(startswith="interface "), MatchRule(equals="no ip address")),
            use="no ip address",
        ),
    ],
}

# Removing an SNMPv3 user's key takes no key (and a v2c inventory has none to give):
# VRP: ``undo snmp-agent usm-user v3 U authentication-mode`` / ``... privacy-mode`` (its undo forms);
# Comware 7: ``undo snmp-agent usm-user v3 U local`` (the user on the local engine, all in one line).
# IOS shows no ``snmp-server user`` in its running config, so hier_config never negates one.
_NEGATE_SUB: dict[str, list[NegationSubRule]] = {
    "huawei_vrp": [
        NegationSubRule(
            match_rules=(MatchRule(re_search=r"^snmp-agent usm-user v3 \S+ (authentication|privacy)-mode "),),
            search=r"^(undo snmp-agent usm-user v3 \S+ (?:authentication|privacy)-mode) .*$",
            replace=r"\1",
        ),
    ],
    "h3c_comware": [
        NegationSubRule(
            match_rules=(MatchRule(re_search=r"^snmp-agent usm-user v3 \S+ \S+ "),),
            search=r"^(undo snmp-agent usm-user v3 \S+) .*$",
            replace=r"\1 local",
        ),
    ],
}

# VRP: a user's keys go before the user itself (its ``group`` line), or they name a deleted user.
_ORDER: dict[str, list[OrderingRule]] = {
    "huawei_vrp": [
        OrderingRule(
            match_rules=(
                MatchRule(re_search=r"^undo snmp-agent usm-user v3 \S+ (authentication|privacy)-mode$"),
            ),
            weight=-100,
        ),
    ],
}

# Lines of a device's display that are not configuration (VRP's comments are stripped by its driver).
_STRIP: dict[str, list[PerLineSubRule]] = {
    "huawei_vrp": [PerLineSubRule(search=r"^return$", replace="")],
    "h3c_comware": [
        PerLineSubRule(search=r"^\s*#.*", replace=""),
        PerLineSubRule(search=r"^return$", replace=""),
        PerLineSubRule(search=r"^ ?version .*", replace=""),
    ],
    "cisco_ios": [
        PerLineSubRule(
            search=r"^(Building configuration|Current configuration|Using \d+ out of).*", replace=""
        ),
        PerLineSubRule(search=r"^end$", replace=""),
        PerLineSubRule(search=r"^version .*", replace=""),
        PerLineSubRule(search=r"^service timestamps .*", replace=""),
    ],
}


class _Comware(HConfigDriverHPComware5):
    """Comware leaves every view with ``quit`` (it has no ``exit``), at any depth."""

    def sectional_exit(self, config: HConfigChild) -> str | None:
        result = super().sectional_exit(config)
        return "quit" if result == "exit" else result


@cache
def driver(vendor: str) -> HConfigDriverBase:
    """hier_config's driver for the vendor, with govnet's rules added (built once per vendor)."""
    drv = _Comware() if vendor == "h3c_comware" else get_hconfig_driver(PLATFORMS[vendor])
    drv.rules.idempotent_commands.extend(_RULES[vendor])
    drv.rules.negate_with.extend(_NEGATE_WITH.get(vendor, []))
    drv.rules.negation_sub.extend(_NEGATE_SUB.get(vendor, []))
    drv.rules.ordering.extend(_ORDER.get(vendor, []))
    drv.rules.per_line_sub.extend(_STRIP[vendor])
    return drv


def flatten_comware(text: str) -> str:
    """Comware shows global commands indented by one space in blocks of their own between ``#``
    lines; a block whose first line is indented holds only global commands."""
    out: list[str] = []
    block_global = False
    for line in text.splitlines():
        if line.strip().startswith("#") or not line.strip():
            block_global = False
            out.append(line)
            continue
        if out and (out[-1].strip().startswith("#") or not out[-1].strip()):
            block_global = line.startswith(" ")
        out.append(line[1:] if block_global and line.startswith(" ") and not line.startswith("  ") else line)
    return "\n".join(out) + "\n"


# hier_config reads any line starting with "banner " as the first of a multi-line banner and
# swallows the lines after a one-line ``banner login ^C...^C`` (as IOS shows a one-line banner).
_ONE_LINE_BANNER = re.compile(r"^banner (\S+) (\^C.*\^C)$", re.MULTILINE)
_BANNER_ALIAS = "govnet-one-line-banner "


def parse(vendor: str, text: str) -> HConfig:
    if vendor == "h3c_comware":
        text = flatten_comware(text)
    if vendor == "cisco_ios":
        text = _ONE_LINE_BANNER.sub(_BANNER_ALIAS + r"\1 \2", text)
    try:
        return get_hconfig(driver(vendor), text)
    except DuplicateChildError as exc:  # a config that says one thing twice: the input's fault
        raise InputError(f"{vendor} configuration: {exc}") from None


@dataclass(frozen=True)
class Change:
    remediation: list[str]  # lines to type, in order, section entries and exits included
    rollback: list[str]
    diff: str  # unified diff of the (masked) running config against what it becomes

    @property
    def changed(self) -> bool:
        return bool(self.remediation)


def _lines(config: HConfig) -> list[str]:
    out = []
    for line in config.dump_simple(sectional_exiting=True):
        if line.strip():
            out.append(line.replace(_BANNER_ALIAS, "banner ", 1))
    return out


def _lines_plain(config: HConfig) -> list[str]:
    return [line.replace(_BANNER_ALIAS, "banner ", 1) for line in config.dump_simple()]


def compute(vendor: str, running: str, intended: str, hostname: str = "device") -> Change:
    """What to type to turn ``running`` into ``intended`` (secrets masked on both sides)."""
    run_cfg = parse(vendor, secretforms.mask(vendor, running))
    want = parse(vendor, intended)
    flow = WorkflowRemediation(run_cfg, want)
    remediation = _lines(flow.remediation_config)
    rollback = _lines(flow.rollback_config)
    before = _lines_plain(run_cfg)
    after = _lines_plain(run_cfg.future(flow.remediation_config)) if remediation else before
    diff = "".join(
        difflib.unified_diff(
            [line + "\n" for line in before],
            [line + "\n" for line in after],
            fromfile=f"{hostname}/running",
            tofile=f"{hostname}/intended",
        )
    )
    return Change(remediation, rollback, diff)


def merge_lines(vendor: str, running: str, candidate: str) -> list[str]:
    """What to type to add ``candidate``'s lines that ``running`` lacks (cli_config's merge: nothing
    is removed). Sections are entered and left as for a remediation."""
    missing = parse(vendor, candidate).difference(parse(vendor, secretforms.mask(vendor, running)))
    return _lines(missing)
