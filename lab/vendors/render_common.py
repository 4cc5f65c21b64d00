"""Config lines and display fields that more than one dialect renders the same way.

Only what is really worded alike lives here; where the vendors' texts differ, each renderer keeps
its own (faithful output matters more than fewer lines).
"""

from __future__ import annotations

from collections.abc import Callable

from govnet.lab.state import Acl, DeviceState, Interface, SnmpConfig, StaticRoute
from govnet.lab.vendors.base import len_to_mask

# --- config lines -----------------------------------------------------------------------------


def ipv4_address_lines(itf: Interface, secondary: str) -> list[str]:
    """`` ip address A MASK``, later ones marked as secondary (VRP/Comware ``sub``, IOS ``secondary``)."""
    return [
        f" ip address {a.ip} {len_to_mask(a.network.prefixlen)}{' ' + secondary if i else ''}"
        for i, a in enumerate(itf.ipv4)
    ]


def ipv6_address_lines(itf: Interface) -> list[str]:
    return [f" ipv6 address {a.ip}/{a.network.prefixlen}" for a in itf.ipv6]


def vrp_link_lines(itf: Interface) -> list[str]:
    """Bandwidth, rate limit and OSPF cost, as VRP and Comware write them."""
    out = []
    if itf.bandwidth_kbps:
        out.append(f" bandwidth {itf.bandwidth_kbps}")
    if itf.rate_limit_kbps:
        out.append(f" qos lr outbound cir {itf.rate_limit_kbps}")
    if itf.ospf_cost:
        out.append(f" ospf cost {itf.ospf_cost}")
    return out


def vrp_route_options(route: StaticRoute) -> str:
    """`` preference N description TEXT`` after a VRP/Comware static route."""
    return (f" preference {route.preference}" if route.preference else "") + (
        f" description {route.description}" if route.description else ""
    )


def vrp_loghost_lines(state: DeviceState, indent: str) -> list[str]:
    """The info-center section (VRP at the margin, Comware indented by one space)."""
    out = []
    if not state.syslog_enabled:
        out.append(f"{indent}undo info-center enable")
    out += [f"{indent}info-center loghost {'ipv6 ' if ':' in h else ''}{h}" for h in state.syslog_hosts]
    if state.syslog_hosts or not state.syslog_enabled:
        out.append("#")
    return out


def vrp_vty_acl_lines(state: DeviceState) -> list[str]:
    vty = state.vty
    return ([f" acl {vty.acl_in} inbound"] if vty.acl_in else []) + (
        [f" acl ipv6 {vty.acl6_in} inbound"] if vty.acl6_in else []
    )


def protocols_word(protocols: set[str]) -> str:
    """VRP/Comware ``protocol inbound ssh|telnet|all``: one protocol by name, anything else ``all``."""
    return next(iter(protocols)) if len(protocols) == 1 else "all"


def idle_timeout_words(state: DeviceState) -> str | None:
    """``MIN SEC`` when the VTY idle timeout is not the 10-minute default."""
    seconds = state.vty.idle_timeout_s
    return None if seconds == 600 else f"{seconds // 60} {seconds % 60}"


def snmp_agent_shown(snmp: SnmpConfig) -> bool:
    """VRP and Comware show an ``snmp-agent`` section while the agent is on or anything is configured."""
    configured = snmp.communities or snmp.users or snmp.groups or snmp.trap_hosts or snmp.versions
    return bool(snmp.enabled or configured or snmp.contact or snmp.location or snmp.trap_enabled)


# --- display fields ---------------------------------------------------------------------------


def physical_state(itf: Interface) -> str:
    """``*down`` (shut), ``up`` or ``down``: VRP's and Comware's PHY column."""
    if itf.shutdown:
        return "*down"
    return "up" if itf.link_up else "down"


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
