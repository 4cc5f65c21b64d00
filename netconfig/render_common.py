"""Config lines more than one vendor writes the same way.

Only what is really worded alike lives here; where the vendors' texts differ, each renderer keeps
its own (faithful output matters more than fewer lines).
"""

from __future__ import annotations

from collections.abc import Callable

from govnet.netconfig.grammar import len_to_mask
from govnet.netconfig.model import DeviceConfig, InterfaceConfig, SnmpConfig, SnmpV3User, StaticRoute
from govnet.netconfig.passwords import obscure

# --- config lines -----------------------------------------------------------------------------


def ipv4_address_lines(itf: InterfaceConfig, secondary: str) -> list[str]:
    """`` ip address A MASK``, later ones marked as secondary (VRP/Comware ``sub``, IOS ``secondary``)."""
    return [
        f" ip address {a.ip} {len_to_mask(a.network.prefixlen)}{' ' + secondary if i else ''}"
        for i, a in enumerate(itf.ipv4)
    ]


def ipv6_address_lines(itf: InterfaceConfig) -> list[str]:
    return [f" ipv6 address {a.ip}/{a.network.prefixlen}" for a in itf.ipv6]


def vrp_interface_sections(
    config: DeviceConfig, interface_lines: Callable[[InterfaceConfig], list[str]]
) -> list[str]:
    """Each interface's section (the dialect's lines, then its OSPFv3 areas), closed by ``#``."""
    out: list[str] = []
    for itf in config.interfaces:
        out += interface_lines(itf)
        out += [f" ospfv3 {pid} area {area}" for pid, area in config.ospfv3_areas(itf.name)]
        out.append("#")
    return out


def vrp_link_lines(itf: InterfaceConfig) -> list[str]:
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


def vrp_loghost_lines(config: DeviceConfig, indent: str) -> list[str]:
    """The info-center section (VRP at the margin, Comware indented by one space)."""
    out = []
    if not config.syslog_enabled:
        out.append(f"{indent}undo info-center enable")
    out += [f"{indent}info-center loghost {'ipv6 ' if ':' in h else ''}{h}" for h in config.syslog_hosts]
    if config.syslog_hosts or not config.syslog_enabled:
        out.append("#")
    return out


def vrp_vty_acl_lines(config: DeviceConfig) -> list[str]:
    vty = config.vty
    return ([f" acl {vty.acl_in} inbound"] if vty.acl_in else []) + (
        [f" acl ipv6 {vty.acl6_in} inbound"] if vty.acl6_in else []
    )


def protocols_word(protocols: set[str]) -> str:
    """VRP/Comware ``protocol inbound ssh|telnet|all``: one protocol by name, anything else ``all``."""
    return next(iter(protocols)) if len(protocols) == 1 else "all"


def idle_timeout_words(config: DeviceConfig) -> str:
    """``MIN SEC`` of the VTY idle timeout. Written even when it is the 10-minute default, so that a
    reader (and a person at ``display this``) never has to know each vendor's default."""
    seconds = config.vty.idle_timeout_s
    return f"{seconds // 60} {seconds % 60}"


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
