"""Network-device checks: each judges the parsed ``DeviceConfig`` (meaning), and quotes the config
lines that show it (evidence, found by the vendor's line patterns below).

A check receives a ``DeviceAsset`` that parsed; assets that could not be read never reach a check
(the scanner reports them as errors).
"""

from __future__ import annotations

import re

from govnet.compliance.checks.registry import check
from govnet.compliance.model import Evidence, Judgement, failed, not_applicable, passed
from govnet.compliance.sources import DeviceAsset
from govnet.netconfig import DeviceConfig
from govnet.netconfig.model import Acl, AclRule

MAX_IDLE_S = 600  # GB/T 28448 assessors expect at most 10 minutes
MIN_PASSWORD_LENGTH = 8
MAX_LOGIN_FAILURES = 10
DEFAULT_COMMUNITIES = {"public", "private", "community", "cisco", "h3c", "huawei", "admin"}

# Lines that show each setting, per vendor (regex, case-insensitive, matched against each line).
_VTY_COMMON = r"protocol inbound|authentication-mode|idle-timeout|acl (ipv6 )?\S+ inbound|ssh server acl"
_VTY = {
    "huawei_vrp": rf"^\s*(user-interface vty|{_VTY_COMMON})",
    "h3c_comware": rf"^\s*(line vty|user-interface vty|{_VTY_COMMON})",
    "cisco_ios": r"^\s*(line vty|transport input|login|exec-timeout|access-class)",
}
PATTERNS: dict[str, dict[str, str]] = {
    "vty": _VTY,
    "telnet": {
        "huawei_vrp": r"telnet server|protocol inbound",
        "h3c_comware": r"telnet server|protocol inbound",
        "cisco_ios": r"transport input|^\s*line vty",
    },
    "ftp": {
        "huawei_vrp": r"^\s*(undo )?ftp (server|ipv6 server)",
        "h3c_comware": r"^\s*(undo )?ftp server",
        "cisco_ios": r"^\s*(no )?ftp-server",
    },
    "http": {
        "huawei_vrp": r"^\s*(undo )?http (secure-)?server",
        "h3c_comware": r"^\s*(undo )?ip https? enable",
        "cisco_ios": r"^\s*(no )?ip http (secure-)?server",
    },
    "users": {
        "huawei_vrp": r"^\s*local-user \S+ password",
        "h3c_comware": r"^\s*(local-user \S+|password (simple|cipher|hash))",
        "cisco_ios": r"^\s*(username \S+|enable (secret|password))",
    },
    "policy": {
        "huawei_vrp": r"password (min-length|complexity|expire)|password policy",
        "h3c_comware": r"^\s*password-control",
        "cisco_ios": r"security passwords|aaa common-criteria|min-length",
    },
    "lockout": {
        "huawei_vrp": r"wrong-password|retry-time",
        "h3c_comware": r"password-control login-attempt",
        "cisco_ios": r"login block-for",
    },
    "snmp": {
        "huawei_vrp": r"^\s*snmp-agent",
        "h3c_comware": r"^\s*snmp-agent",
        "cisco_ios": r"^\s*snmp-server",
    },
    "syslog": {
        "huawei_vrp": r"^\s*(undo )?info-center",
        "h3c_comware": r"^\s*(undo )?info-center",
        "cisco_ios": r"^\s*(no )?logging",
    },
    "ntp": {
        "huawei_vrp": r"^\s*ntp-service",
        "h3c_comware": r"^\s*ntp-service",
        "cisco_ios": r"^\s*ntp ",
    },
    "banner": {
        "huawei_vrp": r"^\s*header (login|shell)",
        "h3c_comware": r"^\s*header (login|motd|shell|legal)",
        "cisco_ios": r"^\s*banner (login|motd|exec)",
    },
}
_MAX_LINES = 12
_ADDRESS = re.compile(r"^(host$|[0-9a-f:.]+(/\d+)?$)")
_SECRET = re.compile(
    r"(?i)(\b(?:password|secret|community(?: read| write)?|authentication-mode \S+|privacy-mode \S+)\s+"
    r"(?!(?:min-length|complexity|expire|policy|control)\b)"
    r"(?:(?:simple|cipher|hashed|hash|irreversible-cipher|\d)\s+)?)(\S+)"
)


def redact(line: str) -> str:
    """A config line with its secret shown as ``****`` (evidence is printed and stored)."""
    return _SECRET.sub(lambda m: m.group(1) + "****", line)


def evidence(
    asset: DeviceAsset, topic: str, *, metric: str = "", value: object = None, note: str = ""
) -> Evidence:
    """The asset's lines about ``topic`` (with numbers, secrets redacted) plus a metric if given."""
    assert asset.vendor is not None
    pattern = re.compile(PATTERNS[topic][asset.vendor], re.IGNORECASE)
    found = [(n, redact(line.rstrip())) for n, line in enumerate(asset.lines, 1) if pattern.search(line)]
    if len(found) > _MAX_LINES:
        note = (note + "; " if note else "") + f"{len(found) - _MAX_LINES} more matching line(s) not shown"
    return Evidence(asset.source, tuple(found[:_MAX_LINES]), metric, value, note)


def _config(asset: DeviceAsset) -> DeviceConfig:
    assert asset.parsed is not None
    return asset.parsed.config


def source_words(rule: AclRule, acl: Acl) -> list[str]:
    """The (up to two) words of a rule naming its source: address and wildcard, ``host X``, ``any``."""
    words = rule.text.lower().split()
    if "source" in words:
        i = words.index("source")
        return words[i + 1 : i + 3]
    if acl.kind == "basic":
        return words[:2]
    return words[1:3]  # Cisco extended: PROTOCOL SOURCE ...; VRP/Comware advanced without `source`: any


def permits_any(rule: AclRule, acl: Acl) -> bool:
    """Whether a permit rule lets any source through (no source, ``any``, or 0.0.0.0/0)."""
    if rule.action != "permit":
        return False
    src = source_words(rule, acl)
    if not src or not _ADDRESS.match(src[0]):  # `any`, nothing, or a keyword such as destination-port
        return True
    return src[:2] == ["0.0.0.0", "255.255.255.255"] or src[0] in ("::/0", "0.0.0.0/0", "0.0.0.0")


@check("dev.vty-ssh-only", "device", "Remote CLI (VTY) accepts SSH only")
def vty_ssh_only(asset: DeviceAsset) -> Judgement:
    """The VTY lines' inbound protocols are exactly SSH and the SSH server is on."""
    cfg = _config(asset)
    ev = evidence(asset, "vty", metric="vty.protocols", value=sorted(cfg.vty.protocols))
    if cfg.vty.protocols != {"ssh"}:
        return failed(
            f"VTY lines accept {', '.join(sorted(cfg.vty.protocols)) or 'nothing'}, not SSH only", ev
        )
    if not cfg.ssh_server and cfg.vendor != "cisco_ios":
        return failed("VTY lines are set to SSH but the SSH server is off", ev)
    if not cfg.ssh_server:  # IOS runs SSH once RSA keys exist, and keys are not in the configuration
        return passed("VTY lines accept SSH only (no `ip ssh` line: SSH runs if the device has RSA keys)", ev)
    return passed("VTY lines accept SSH only", ev)


@check("dev.vty-acl", "device", "VTY applies an existing ACL that restricts sources")
def vty_acl(asset: DeviceAsset) -> Judgement:
    """An inbound ACL on the VTY lines exists, permits some sources and never permits any source."""
    cfg = _config(asset)
    name = cfg.vty.acl_in
    telnet_usable = "telnet" in cfg.vty.protocols and (cfg.telnet_server or cfg.vendor == "cisco_ios")
    via = ""
    if not name and cfg.ssh_acl and not telnet_usable:  # SSH is the only way in, and its server filters
        name, via = cfg.ssh_acl, " (on the SSH server)"
    ev = evidence(asset, "vty", metric="vty.acl_in", value=name)
    if not name:
        extra = f"; ssh server acl {cfg.ssh_acl} leaves telnet open" if cfg.ssh_acl else ""
        return failed(f"no ACL restricts who may reach the VTY lines{extra}", ev)
    acl = cfg.acl(name)
    if acl is None:
        return failed(f"VTY applies ACL {name}, which is not defined (on most devices: permits everyone)", ev)
    acl_lines = _acl_lines(asset, name)
    ev = Evidence(ev.file, tuple(sorted(set(ev.lines) | set(acl_lines)))[:_MAX_LINES], ev.metric, ev.value)
    permits = [r for r in acl.rules if r.action == "permit"]
    if not permits:
        return failed(f"ACL {name} permits nobody (or is empty): management is locked out or unfiltered", ev)
    loose = [r for r in permits if permits_any(r, acl)]
    if loose:
        return failed(f"ACL {name} permits any source ({loose[0].action} {loose[0].text or 'all'})", ev)
    return passed(f"VTY restricted by ACL {name}{via} ({len(permits)} permitted source(s))", ev)


def _acl_lines(asset: DeviceAsset, name: str) -> list[tuple[int, str]]:
    """The lines defining ACL ``name`` (header and its indented rules, or IOS numbered lines)."""
    esc = re.escape(name)
    head = re.compile(
        rf"^\s*(acl (ipv6 )?(number |basic |advanced |name )?{esc}\b|ip access-list \S+ {esc}\s*$"
        rf"|access-list {esc}\s)",
        re.IGNORECASE,
    )
    out: list[tuple[int, str]] = []
    inside = False
    for n, line in enumerate(asset.lines, 1):
        if head.search(line):
            out.append((n, line.rstrip()))
            inside = not line.lower().startswith("access-list")
        elif inside and line[:1] == " " and line.strip():
            out.append((n, line.rstrip()))
        else:
            inside = False
    return out


@check("dev.idle-timeout", "device", "VTY idle timeout at most 10 minutes")
def idle_timeout(asset: DeviceAsset) -> Judgement:
    """The VTY idle timeout is set and at most 600 s (0 means never, which fails)."""
    seconds = _config(asset).vty.idle_timeout_s
    ev = evidence(asset, "vty", metric="vty.idle_timeout_s", value=seconds)
    if seconds == 0:
        return failed("idle sessions never time out", ev)
    if seconds > MAX_IDLE_S:
        return failed(f"idle timeout is {seconds // 60} min {seconds % 60} s, above 10 minutes", ev)
    return passed(f"idle timeout {seconds // 60} min {seconds % 60} s", ev)


@check("dev.password-irreversible", "device", "Local users' passwords stored irreversibly")
def password_irreversible(asset: DeviceAsset) -> Judgement:
    """Every local user's password is held in an irreversible (hashed) form."""
    users = _config(asset).local_users
    ev = evidence(asset, "users", metric="local_users", value=len(users))
    if not users:
        return not_applicable("no local users are configured", ev)
    weak = [u.name for u in users if u.password_reversible]
    if weak:
        return failed(f"reversible password storage for: {', '.join(weak)}", ev)
    return passed(f"{len(users)} local user(s), all hashed", ev)


@check("dev.password-policy", "device", "Password length (≥8) and complexity policy")
def password_policy(asset: DeviceAsset) -> Judgement:
    """A minimum password length of at least 8 is enforced, with complexity where the vendor has it."""
    cfg = _config(asset)
    policy = cfg.password_policy
    ev = evidence(
        asset,
        "policy",
        metric="password_policy",
        value={"min_length": policy.min_length, "complexity": policy.complexity},
    )
    if policy.min_length < MIN_PASSWORD_LENGTH:
        return failed(
            f"minimum password length is {policy.min_length or 'not set'} (needs ≥ {MIN_PASSWORD_LENGTH})", ev
        )
    if not policy.complexity and cfg.vendor != "cisco_ios":  # IOS has no complexity switch in the model
        return failed("no password complexity rule", ev)
    return passed(
        f"minimum length {policy.min_length}" + (", complexity on" if policy.complexity else ""), ev
    )


@check("dev.login-lockout", "device", "Lockout after repeated login failures")
def login_lockout(asset: DeviceAsset) -> Judgement:
    """Login attempts are blocked after at most 10 consecutive failures."""
    lock = _config(asset).lockout
    ev = evidence(
        asset,
        "lockout",
        metric="lockout",
        value={"max_failures": lock.max_failures, "lock_minutes": lock.lock_minutes},
    )
    if lock.max_failures == 0:
        return failed("no login-failure lockout", ev)
    if lock.max_failures > MAX_LOGIN_FAILURES:
        return failed(f"lockout only after {lock.max_failures} failures (at most {MAX_LOGIN_FAILURES})", ev)
    return passed(f"locked for {lock.lock_minutes} min after {lock.max_failures} failures", ev)


@check("dev.vty-auth-aaa", "device", "VTY logins authenticate named accounts (AAA)")
def vty_auth_aaa(asset: DeviceAsset) -> Judgement:
    """The VTY lines use AAA / local accounts (one identity per person), not a shared line password."""
    cfg = _config(asset)
    ev = evidence(asset, "vty", metric="vty.auth_mode", value=cfg.vty.auth_mode)
    if cfg.vty.auth_mode != "aaa":
        return failed(f"VTY authentication is '{cfg.vty.auth_mode}', not per-user AAA", ev)
    if not cfg.local_users:
        return passed("VTY uses AAA (no local users: a remote AAA server is assumed)", ev)
    return passed(f"VTY uses AAA with {len(cfg.local_users)} named account(s)", ev)


@check("dev.local-users", "device", "Named local accounts exist with assigned privilege")
def local_users(asset: DeviceAsset) -> Judgement:
    """At least one named local account, each with a password (no password-less accounts)."""
    users = _config(asset).local_users
    ev = evidence(asset, "users", metric="local_users", value=[u.name for u in users])
    if not users:
        return failed("no local accounts: logins cannot be attributed to a person", ev)
    blank = [u.name for u in users if not u.password_hash]
    if blank:
        return failed(f"account(s) without a password: {', '.join(blank)}", ev)
    return passed(f"{len(users)} named account(s)", ev)


@check("dev.telnet-off", "device", "Telnet server off")
def telnet_off(asset: DeviceAsset) -> Judgement:
    """Nobody can log in by telnet: on VRP and Comware the telnet server is disabled (the VTY lines'
    protocols only matter while it runs); on IOS, which has no server switch, no VTY line accepts it."""
    cfg = _config(asset)
    ev = evidence(asset, "telnet", metric="telnet_server", value=cfg.telnet_server)
    lines_accept = "telnet" in cfg.vty.protocols
    if cfg.vendor == "cisco_ios":
        return failed("VTY lines accept telnet", ev) if lines_accept else passed("telnet is off", ev)
    if cfg.telnet_server:
        return failed(
            "the telnet server is enabled" + (" and VTY lines accept telnet" if lines_accept else ""), ev
        )
    if lines_accept:
        return passed("the telnet server is disabled (the VTY lines would accept telnet if it ran)", ev)
    return passed("telnet is off", ev)


@check("dev.ftp-off", "device", "FTP server off")
def ftp_off(asset: DeviceAsset) -> Judgement:
    """The cleartext FTP server is disabled."""
    on = _config(asset).ftp_server
    ev = evidence(asset, "ftp", metric="ftp_server", value=on)
    return failed("the FTP server is enabled (cleartext)", ev) if on else passed("FTP server off", ev)


@check("dev.http-off", "device", "HTTP (cleartext) management off")
def http_off(asset: DeviceAsset) -> Judgement:
    """The cleartext HTTP management server is disabled (HTTPS may stay)."""
    on = _config(asset).http_server
    ev = evidence(asset, "http", metric="http_server", value=on)
    return failed("the HTTP server is enabled (cleartext)", ev) if on else passed("HTTP server off", ev)


@check("dev.snmp-v3-only", "device", "SNMP: v3 with privacy only")
def snmp_v3_only(asset: DeviceAsset) -> Judgement:
    """If SNMP runs: only v3, no communities, and every v3 group/user uses authentication and privacy."""
    snmp = _config(asset).snmp
    ev = evidence(asset, "snmp", metric="snmp.versions", value=sorted(snmp.versions))
    if not snmp.enabled and not snmp.communities and not snmp.users:
        return not_applicable("SNMP agent not enabled", ev)
    old = sorted(v for v in snmp.versions if v != "v3")
    if old:
        return failed(f"SNMP {', '.join(old)} enabled (community strings travel in clear)", ev)
    if snmp.communities:
        return failed(f"{len(snmp.communities)} community string(s) configured", ev)
    weak = [g.name for g in snmp.groups if g.security_level != "privacy"]
    weak += [u.name for u in snmp.users if not u.auth_protocol or not u.priv_protocol]
    if weak:
        return failed(f"SNMPv3 without authentication and privacy: {', '.join(weak)}", ev)
    if not snmp.users and not snmp.groups:
        return failed("SNMP enabled with no v3 group or user", ev)
    # IOS keeps SNMPv3 users out of the running configuration: its privacy groups are the evidence.
    return passed(f"SNMPv3 only: {len(snmp.groups)} privacy group(s), {len(snmp.users)} user(s) shown", ev)


@check("dev.snmp-default-community", "device", "No default or read-write SNMP community")
def snmp_default_community(asset: DeviceAsset) -> Judgement:
    """No well-known community name and no read-write community."""
    snmp = _config(asset).snmp
    ev = evidence(asset, "snmp", metric="snmp.communities", value=len(snmp.communities))
    bad = [c for c in snmp.communities if c.name.lower() in DEFAULT_COMMUNITIES]
    if bad:
        return failed(f"default community name in use ({len(bad)})", ev)
    rw = [c for c in snmp.communities if c.access == "rw"]
    if rw:
        return failed(f"{len(rw)} read-write community string(s)", ev)
    return passed("no default or read-write community", ev)


@check("dev.syslog-remote", "device", "Logs sent to a remote syslog host")
def syslog_remote(asset: DeviceAsset) -> Judgement:
    """Logging is on and at least one remote log host is configured."""
    cfg = _config(asset)
    ev = evidence(asset, "syslog", metric="syslog_hosts", value=list(cfg.syslog_hosts))
    if not cfg.syslog_enabled:
        return failed("logging is disabled", ev)
    if not cfg.syslog_hosts:
        return failed("no remote syslog host: records stay on the device only", ev)
    return passed(f"logs to {', '.join(cfg.syslog_hosts)}", ev)


@check("dev.ntp", "device", "Time synchronised by NTP")
def ntp(asset: DeviceAsset) -> Judgement:
    """At least one NTP server, so that audit records carry the right time."""
    servers = _config(asset).ntp_servers
    ev = evidence(asset, "ntp", metric="ntp_servers", value=list(servers))
    return passed(f"NTP servers {', '.join(servers)}", ev) if servers else failed("no NTP server", ev)


@check("dev.login-banner", "device", "Login banner warns of authorised use")
def login_banner(asset: DeviceAsset) -> Judgement:
    """A banner is shown at login (before or right after authentication)."""
    banners = _config(asset).banners
    ev = evidence(asset, "banner")
    if banners.login.strip() or banners.motd.strip():
        return passed("login banner configured", ev)
    return failed("no login banner", ev)
