"""Linux host checks (``HostAsset``: an offline root or a host over SSH): PAM, login.defs, sshd,
auditd, rsyslog, chrony/ntp, shell timeout, telnet, the host firewall and listening high-risk
ports. Each quotes the lines it judged."""

from __future__ import annotations

import re

from govnet.compliance.checks.registry import check
from govnet.compliance.hosts import HostAsset
from govnet.compliance.listening import PROC_TABLES, Socket, parse_proc_net, parse_ss, risky
from govnet.compliance.model import Evidence, Judgement, error, failed, not_applicable, passed

PAM_FILES = [
    "/etc/pam.d/system-auth",
    "/etc/pam.d/password-auth",
    "/etc/pam.d/common-auth",
    "/etc/pam.d/common-password",
    "/etc/pam.d/common-account",
]
MIN_LENGTH = 8
MAX_IDLE_S = 600
WEAK_CIPHER = re.compile(r"(cbc|arcfour|3des|blowfish)", re.IGNORECASE)


def _evidence(asset: HostAsset, hits: list[tuple[str, int, str]], **kw: object) -> Evidence:
    lines = tuple((n, f"{path}: {line.strip()}") for path, n, line in hits[:12])
    return Evidence(asset.source, lines, str(kw.get("metric", "")), kw.get("value"), str(kw.get("note", "")))


def _int(text: str) -> int | None:
    m = re.search(r"-?\d+", text)
    return int(m.group(0)) if m else None


def _settings(
    asset: HostAsset, paths: list[str], key: str, sep: str = r"\s*=\s*|\s+"
) -> list[tuple[str, int, str, str]]:
    """``key = value`` (or ``key value``) settings: (path, line, text, value), last one wins."""
    out = []
    for path, n, line in asset.grep(paths, rf"^\s*{key}({sep})"):
        value = re.split(sep, line.strip(), maxsplit=1)[1].strip() if re.search(sep, line.strip()) else ""
        out.append((path, n, line, value))
    return out


@check("host.password-quality", "host", "Password length, complexity and ageing")
def password_quality(asset: HostAsset) -> Judgement:
    """pwquality (pwquality.conf or pam_pwquality arguments) demands ≥ 8 characters and ≥ 3 classes;
    login.defs PASS_MAX_DAYS ≤ 90."""
    pw = _settings(asset, ["/etc/security/pwquality.conf"], "(minlen|minclass)")
    hits: list[tuple[str, int, str]] = [(p, n, t) for p, n, t, _ in pw]
    values = {re.split(r"\s*=\s*", t.strip())[0]: _int(v) for _, _, t, v in pw}
    for path, n, line in asset.grep(PAM_FILES, r"pam_(pw|crack)lib\.so|pam_pwquality\.so"):
        hits.append((path, n, line))
        for key in ("minlen", "minclass"):
            m = re.search(rf"\b{key}=(\d+)", line)
            if m:
                values[key] = int(m.group(1))
    ageing = _settings(asset, ["/etc/login.defs"], "PASS_MAX_DAYS")
    hits += [(p, n, t) for p, n, t, _ in ageing]
    ev = _evidence(asset, hits, metric="pwquality", value=values)
    if (values.get("minlen") or 0) < MIN_LENGTH:
        return failed(
            f"minimum password length {values.get('minlen') or 'not set'} (needs ≥ {MIN_LENGTH})", ev
        )
    if (values.get("minclass") or 0) < 3:
        return failed(f"password classes {values.get('minclass') or 'not required'} (needs ≥ 3)", ev)
    max_days = _int(ageing[-1][3]) if ageing else None
    if max_days is None or max_days > 90 or max_days < 0:
        return failed(f"PASS_MAX_DAYS {max_days if max_days is not None else 'not set'} (needs ≤ 90)", ev)
    return passed(f"minlen {values['minlen']}, minclass {values['minclass']}, max age {max_days} days", ev)


@check("host.login-lockout", "host", "Lockout after repeated login failures (pam_faillock)")
def login_lockout(asset: HostAsset) -> Judgement:
    """pam_faillock (or pam_tally2) is in the auth stack with deny ≤ 10."""
    hits = list(asset.grep(PAM_FILES, r"pam_(faillock|tally2)\.so"))
    conf = _settings(asset, ["/etc/security/faillock.conf"], "deny")
    deny = _int(conf[-1][3]) if conf else None
    for _, _, line in hits:
        m = re.search(r"\bdeny=(\d+)", line)
        if m:
            deny = int(m.group(1))
    ev = _evidence(asset, hits + [(p, n, t) for p, n, t, _ in conf], metric="deny", value=deny)
    if not hits:
        return failed("no pam_faillock / pam_tally2 in the PAM auth stack", ev)
    if deny is None or deny == 0 or deny > 10:
        return failed(f"lockout after {deny or 'unlimited'} failures (needs 1..10)", ev)
    return passed(f"locked after {deny} failures", ev)


@check("host.idle-timeout", "host", "Idle sessions end within 10 minutes")
def idle_timeout(asset: HostAsset) -> Judgement:
    """TMOUT ≤ 600 set (readonly or exported) in /etc/profile, /etc/profile.d or bashrc, or sshd's
    ClientAliveInterval × ClientAliveCountMax ≤ 600."""
    files = ["/etc/profile", "/etc/bashrc", "/etc/bash.bashrc", *asset.glob("etc/profile.d/*.sh")]
    hits = list(asset.grep(files, r"\bTMOUT=\d+"))
    tmout = min((_int(line.split("TMOUT=", 1)[1]) or 0 for _, _, line in hits), default=None)
    ssh = _sshd(asset)
    interval, count = (
        _int(ssh.get("clientaliveinterval", ("", 0, "", "0"))[3]),
        _int(ssh.get("clientalivecountmax", ("", 0, "", "3"))[3]),
    )
    ev = _evidence(asset, hits, metric="TMOUT", value=tmout)
    if tmout and 0 < tmout <= MAX_IDLE_S:
        return passed(f"shell TMOUT {tmout} s", ev)
    if interval and 0 < interval * (count or 1) <= MAX_IDLE_S:
        return passed(f"sshd drops idle clients after {interval * (count or 1)} s", ev)
    return failed(f"no idle timeout ≤ {MAX_IDLE_S} s (TMOUT {tmout or 'unset'})", ev)


def _sshd(asset: HostAsset) -> dict[str, tuple[str, int, str, str]]:
    """sshd_config keywords (lower case) -> (path, line, text, value); first one wins, as in sshd."""
    files = [*asset.glob("etc/ssh/sshd_config.d/*.conf"), "/etc/ssh/sshd_config"]
    out: dict[str, tuple[str, int, str, str]] = {}
    for path, n, line in asset.grep(files, r"^\s*\w+\s"):
        if line.strip().lower().startswith("match "):
            break  # Match blocks apply conditionally: stop at the first
        key, _, value = line.strip().partition(" ")
        out.setdefault(key.lower(), (path, n, line, value.strip()))
    return out


@check("host.sshd", "host", "sshd: no root login, no weak ciphers")
def sshd(asset: HostAsset) -> Judgement:
    """PermitRootLogin no (or prohibit-password), Protocol 2 only, no CBC/arcfour/3DES ciphers."""
    if not asset.exists("/etc/ssh/sshd_config"):
        return passed("no SSH server configured", Evidence(asset.source, note="/etc/ssh/sshd_config absent"))
    s = _sshd(asset)
    hits = [(p, n, t) for k, (p, n, t, _) in s.items() if k in ("permitrootlogin", "ciphers", "protocol")]
    root = s.get("permitrootlogin", ("", 0, "", "prohibit-password"))[3].lower()
    ev = _evidence(asset, hits, metric="PermitRootLogin", value=root)
    if root not in ("no", "prohibit-password", "without-password"):
        return failed(f"PermitRootLogin {root}", ev)
    if "1" in s.get("protocol", ("", 0, "", "2"))[3]:
        return failed("SSH protocol 1 allowed", ev)
    weak = [c for c in s.get("ciphers", ("", 0, "", ""))[3].split(",") if WEAK_CIPHER.search(c)]
    if weak:
        return failed(f"weak ciphers: {', '.join(weak)}", ev)
    return passed(f"PermitRootLogin {root}, no weak ciphers", ev)


@check("host.no-telnet", "host", "No telnet server")
def no_telnet(asset: HostAsset) -> Judgement:
    """No enabled telnet socket/service, xinetd telnet with disable = no, or inetd telnet line."""
    hits = [(p, 1, "(enabled unit)") for p in asset.glob("etc/systemd/system/*.wants/telnet*")]
    hits += [(p, n, t) for p, n, t in asset.grep(asset.glob("etc/xinetd.d/*telnet*"), r"disable\s*=\s*no")]
    hits += list(asset.grep(["/etc/inetd.conf"], r"^\s*telnet\s"))
    ev = _evidence(asset, hits)
    return failed("a telnet server is enabled", ev) if hits else passed("no telnet server enabled", ev)


@check("host.auditd", "host", "auditd enabled with rules")
def auditd(asset: HostAsset) -> Judgement:
    """auditd enabled at boot and at least one watch (-w) or syscall (-a) rule."""
    enabled = asset.glob("etc/systemd/system/*.wants/auditd.service")
    rules = list(
        asset.grep(["/etc/audit/audit.rules", *asset.glob("etc/audit/rules.d/*.rules")], r"^\s*-[wa]\s")
    )
    ev = _evidence(asset, rules, metric="audit_rules", value=len(rules), note="enabled" if enabled else "")
    if not enabled:
        return failed("auditd is not enabled at boot", ev)
    if not rules:
        return failed("auditd has no audit rules", ev)
    return passed(f"auditd enabled, {len(rules)} rule(s)", ev)


@check("host.syslog-remote", "host", "Logs forwarded to a remote syslog host")
def syslog_remote(asset: HostAsset) -> Judgement:
    """rsyslog (or syslog-ng) forwards to a remote host."""
    files = ["/etc/rsyslog.conf", *asset.glob("etc/rsyslog.d/*.conf")]
    hits = list(asset.grep(files, r"(^\S+\s+@@?[\w.\[\]:-]+|omfwd|omrelp)"))
    hits += list(
        asset.grep(
            ["/etc/syslog-ng/syslog-ng.conf", *asset.glob("etc/syslog-ng/conf.d/*.conf")],
            r"\b(network|tcp|udp)\s*\(",
        )
    )
    ev = _evidence(asset, hits)
    return passed("logs forwarded", ev) if hits else failed("no remote log forwarding", ev)


@check("host.time-sync", "host", "Time synchronised (chrony / ntpd / timesyncd)")
def time_sync(asset: HostAsset) -> Judgement:
    """chrony, ntpd or systemd-timesyncd names at least one server."""
    hits = list(
        asset.grep(
            ["/etc/chrony.conf", "/etc/chrony/chrony.conf", *asset.glob("etc/chrony/sources.d/*.sources")],
            r"^\s*(server|pool)\s",
        )
    )
    hits += list(asset.grep(["/etc/ntp.conf"], r"^\s*(server|pool)\s"))
    hits += list(asset.grep(["/etc/systemd/timesyncd.conf"], r"^\s*NTP=\S"))
    ev = _evidence(asset, hits)
    return passed(f"{len(hits)} time source(s)", ev) if hits else failed("no time source configured", ev)


@check("host.firewall", "host", "Host firewall with a default-deny input policy")
def firewall(asset: HostAsset) -> Judgement:
    """nftables input chain with policy drop, firewalld enabled, or saved iptables INPUT DROP."""
    nft = list(
        asset.grep(["/etc/nftables.conf", *asset.glob("etc/nftables/*.nft")], r"hook input.*policy drop")
    )
    fwd = [(p, 1, "(enabled unit)") for p in asset.glob("etc/systemd/system/*.wants/firewalld.service")]
    ipt = list(asset.grep(["/etc/sysconfig/iptables", "/etc/iptables/rules.v4"], r"^:INPUT (DROP|REJECT)"))
    hits = nft + fwd + ipt
    ev = _evidence(asset, hits)
    return (
        passed("input traffic denied by default", ev) if hits else failed("no default-deny host firewall", ev)
    )


SS_COMMAND = "ss -tlnup"


def listening_sockets(asset: HostAsset) -> tuple[list[Socket], str]:
    """The host's listening sockets and where they were read: ``ss -tlnup`` on a live host, else
    /proc/net's tables (live: ss missing; offline: a root that holds them), else a sosreport's
    ``ss`` listings. ("", no source) when none of these is there."""
    output = asset.run(SS_COMMAND)
    if output is not None:
        return parse_ss(output, SS_COMMAND), SS_COMMAND
    sockets: list[Socket] = []
    tables = [t for t in PROC_TABLES if asset.lines(t)]
    for table in tables:
        sockets += parse_proc_net("\n".join(asset.lines(table)), table)
    if tables:
        return sockets, ", ".join(tables)
    listings = asset.glob("sos_commands/networking/ss_*")
    for path in listings:
        sockets += parse_ss("\n".join(asset.lines(path)), path)
    return sockets, ", ".join(listings)


@check(
    "host.listening-services",
    "host",
    "No high-risk ports listening (telnet, FTP, SMB, RDP, VNC, X11, open databases)",
)
def listening_services(asset: HostAsset) -> Judgement:
    """No listening socket on a high-risk port (compliance/data/high_risk_ports.yaml): cleartext
    logins, file sharing and remote desktops on any address; databases and caches on every
    address (0.0.0.0, ::). Loopback is allowed. Read from ``ss -tlnup`` over SSH, else /proc/net."""
    sockets, source = listening_sockets(asset)
    if not source:
        reason = "no listening-socket data"
        if asset.live:
            return error(
                f"{reason}: neither `{SS_COMMAND}` nor /proc/net could be read", Evidence(asset.source)
            )
        note = "an offline root holds no running services; scan the host over SSH, or include proc/net"
        return not_applicable(f"{reason} in an offline root", Evidence(asset.source, note=note))
    found = risky(sockets)
    lines = tuple((s.line, f"{s.where}: {s.text}  [{r.service}: {r.why}]") for s, r in found[:12])
    listening = sorted({f"{s.proto}/{s.port}" for s in sockets}, key=lambda p: (p[:3], int(p[4:])))
    ev = Evidence(asset.source, lines, "listening", listening, note=f"read from {source}")
    if found:
        names = sorted({f"{r.service} {s.proto}/{s.port} on {s.address or '*'}" for s, r in found})
        return failed(f"high-risk port(s) listening: {', '.join(names)}", ev)
    return passed(f"{len(listening)} listening port(s), none high-risk", ev)
