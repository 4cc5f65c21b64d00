"""Display fields that more than one dialect shows the same way (config lines: ``govnet.netconfig``).

Only what is really worded alike lives here; where the vendors' texts differ, each renderer keeps
its own (faithful output matters more than fewer lines).
"""

from __future__ import annotations

from collections.abc import Callable

from govnet.lab.state import Acl, DeviceState, Interface

# --- display fields ---------------------------------------------------------------------------


def physical_state(itf: Interface) -> str:
    """``*down`` (shut), ``up`` or ``down``: VRP's and Comware's PHY column."""
    if itf.shutdown:
        return "*down"
    return "up" if itf.link_up else "down"


def protocol_state(itf: Interface) -> str:
    """``up``, ``up(s)`` (a loopback spoofs up) or ``down``: VRP's Protocol column (Comware's,
    in its own case)."""
    if not itf.oper_up:
        return "down"
    if itf.is_loopback:
        return "up(s)"
    return "up" if (itf.ipv4 or itf.ipv6) else "down"


def current_state(itf: Interface) -> str:
    """VRP's and Comware's ``current state`` of one interface."""
    return "Administratively DOWN" if itf.shutdown else ("UP" if itf.link_up else "DOWN")


def uptime_text(state: DeviceState, now: float) -> str:
    seconds = int(now - state.boot_time)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days} days, {hours} hours, {rest // 60} minutes"


def acl_listing(state: DeviceState, ipv6: bool, heading: Callable[[Acl], list[str]]) -> list[str]:
    """VRP's and Comware's ``display acl [ipv6] all`` body: each ACL's heading (the vendor's
    wording), its rules, a blank line."""
    lines: list[str] = []
    for acl in (a for a in state.acls if a.ipv6 == ipv6):
        lines += heading(acl)
        lines += [f" rule {r.rule_id} {r.action} {r.text}".rstrip() for r in acl.rules]
        lines.append("")
    return lines
