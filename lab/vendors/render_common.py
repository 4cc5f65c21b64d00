"""Config lines and display fields that more than one dialect renders the same way.

Only what is really worded alike lives here; where the vendors' texts differ, each renderer keeps
its own (faithful output matters more than fewer lines).
"""

from __future__ import annotations

from collections.abc import Callable

from govnet.lab.passwords import obscure
from govnet.lab.state import Acl, DeviceState, Interface, SnmpConfig, SnmpV3User, StaticRoute
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


def vrp_interface_sections(
    state: DeviceState, interface_lines: Callable[[Interface], list[str]]
) -> list[str]:
    """Each interface's section (the dialect's lines, then its OSPFv3 areas), closed by ``#``."""
    out: list[str] = []
    for itf in state.interfaces:
        out += interface_lines(itf)
        out += [f" ospfv3 {pid} area {area}" for pid, area in state.ospfv3_areas(itf.name)]
        out.append("#")
    return out


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


def vrp_snmp_agent_lines(
    snmp: SnmpConfig,
    *,
    indent: str,
    marks: tuple[str, str],
    sys_info_order: tuple[str, ...],
    group_options: tuple[str, ...],
    user_lines: Callable[[SnmpV3User], list[str]],
) -> list[str]:
    """The ``snmp-agent`` section as VRP and Comware write it. What differs is passed in: the indent,
    the cipher marks, the order of the sys-info lines, the group options shown, and the words after
    ``snmp-agent usm-user v3 NAME`` (one line per returned text)."""
    configured = snmp.communities or snmp.users or snmp.groups or snmp.trap_hosts or snmp.versions
    if not (snmp.enabled or configured or snmp.contact or snmp.location or snmp.trap_enabled):
        return []
    agent = f"{indent}snmp-agent"
    out = [agent]
    for c in snmp.communities:
        access = "read" if c.access == "ro" else "write"
        acl = f" acl {c.acl}" if c.acl else ""
        out.append(f"{agent} community {access} cipher {obscure(c.name, *marks)}{acl}")
    sys_info = {
        "version": " ".join(sorted(snmp.versions)),
        "contact": snmp.contact,
        "location": snmp.location,
    }
    out += [f"{agent} sys-info {key} {sys_info[key]}" for key in sys_info_order if sys_info[key]]
    for g in snmp.groups:
        level = "" if g.security_level == "noauthentication" else f" {g.security_level}"
        options = {"read-view": g.read_view, "write-view": g.write_view, "acl": g.acl}
        extra = "".join(f" {key} {options[key]}" for key in group_options if options[key])
        out.append(f"{agent} group v3 {g.name}{level}{extra}")
    for h in snmp.trap_hosts:
        level = " privacy" if h.version == "v3" else ""
        out.append(
            f"{agent} target-host trap address udp-domain {h.address} udp-port {h.port} "
            f"params securityname {obscure(h.params, *marks)} {h.version}{level}"
        )
    for u in snmp.users:
        out += [f"{agent} usm-user v3 {u.name}{words}" for words in user_lines(u)]
    if snmp.trap_enabled:
        out.append(f"{agent} trap enable")
    if not snmp.enabled:
        out.append(f"{indent}undo snmp-agent")  # configured, but the agent is off
    out.append("#")
    return out


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
