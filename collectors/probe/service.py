"""A probe run: targets from the inventory's management addresses (or given), probed in a bounded
thread pool, each judged into a ``Verdict``; then the IPv6-only reachability check per site.

Checks per target (``govnet.verdict``):
- ``icmp.echo``: FAILED on any loss (evidence: loss, RTT min/avg/max);
- ``tcp.forbidden-ports``: FAILED when telnet (23) or plain HTTP (80, 8080) answers a SYN;
- ``tcp.ssh``: FAILED when SSH (22) does not;
- ``path-mtu``: the path MTU found (INDETERMINATE when no size got through).
Per site, ``ipv6-only``: PASSED when every device has an IPv6 management address that answers
ICMPv6 echo and SSH over IPv6 alone.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from govnet.collectors.probe import packets
from govnet.errors import InputError
from govnet.verdict import CheckResult, Status, Verdict

if TYPE_CHECKING:
    from govnet.inventory.models import Inventory


@dataclass(frozen=True)
class Target:
    device: str
    site: str
    address: str

    @property
    def ipv6(self) -> bool:
        return packets.is_ipv6(self.address)


@dataclass(frozen=True)
class ProbeOptions:
    count: int = 3  # echo requests per target
    timeout: float = 1.0  # seconds per probe
    concurrency: int = 16  # targets probed at once
    mtu: bool = True


@dataclass
class TargetReport:
    target: Target
    echo: packets.Echo
    ports: dict[int, str] = field(default_factory=dict)
    mtu: packets.PathMtu | None = None

    def verdict(self) -> Verdict:
        checks = [_echo_check(self.echo)]
        if self.ports:
            opened = [p for p in packets.FORBIDDEN_PORTS if self.ports.get(p) == "open"]
            checks.append(
                CheckResult.failed(
                    "tcp.forbidden-ports", f"open: {', '.join(map(str, opened))}", ports=self.ports
                )
                if opened
                else CheckResult.passed("tcp.forbidden-ports", "telnet and HTTP closed", ports=self.ports)
            )
            ssh = self.ports.get(22, "filtered")
            checks.append(
                CheckResult.passed("tcp.ssh", "SSH answers")
                if ssh == "open"
                else CheckResult.failed("tcp.ssh", f"SSH port 22 is {ssh}")
            )
        if self.mtu is not None:
            checks.append(
                CheckResult.passed("path-mtu", f"{self.mtu.mtu} bytes", mtu=self.mtu.mtu, told=self.mtu.told)
                if self.mtu.mtu
                else CheckResult.indeterminate("path-mtu", "no probe size got through", steps=self.mtu.steps)
            )
        return Verdict(f"{self.target.device} {self.target.address}", tuple(checks))

    def to_dict(self) -> dict[str, Any]:
        return {
            "device": self.target.device,
            "site": self.target.site,
            "address": self.target.address,
            "echo": self.echo.to_dict(),
            "ports": {str(p): s for p, s in self.ports.items()},
            "path_mtu": self.mtu.mtu if self.mtu else None,
            "verdict": self.verdict().summary(),
        }


def _echo_check(echo: packets.Echo) -> CheckResult:
    facts = echo.to_dict()
    if echo.received == 0:
        return CheckResult.failed("icmp.echo", "no reply", **facts)
    if echo.received < echo.sent:
        return CheckResult.failed("icmp.echo", f"{echo.loss:.0f}% loss", **facts)
    return CheckResult.passed("icmp.echo", f"rtt avg {facts['rtt_avg_ms']} ms", **facts)


@dataclass
class ProbeRun:
    reports: list[TargetReport]
    sites: list[Verdict]
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        verdicts = [r.verdict() for r in self.reports] + self.sites
        return any(v.status is Status.FAILED for v in verdicts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": [r.to_dict() for r in self.reports],
            "sites": [v.summary() for v in self.sites],
            "skipped": self.skipped,
        }


def targets_from_inventory(
    inventory: Inventory, site: str | None = None
) -> tuple[list[Target], dict[str, str]]:
    """Each device's management addresses (IPv4 and IPv6), and the devices that have none."""
    if site is not None and site not in {s.id for s in inventory.sites}:
        raise InputError(f"--site {site!r}: no such site in inventory {inventory.name!r}")
    targets: list[Target] = []
    skipped: dict[str, str] = {}
    for device in inventory.devices:
        if site is not None and device.site != site:
            continue
        addresses = [str(a) for a in (device.mgmt.ipv4, device.mgmt.ipv6) if a is not None]
        if not addresses:
            skipped[device.hostname] = "no management address (run `govnet inventory plan`)"
        targets += [Target(device.hostname, device.site, a) for a in addresses]
    return targets, skipped


def probe_target(target: Target, options: ProbeOptions) -> TargetReport:
    report = TargetReport(target, packets.echo(target.address, count=options.count, timeout=options.timeout))
    ports = packets.EXPECTED_PORTS + packets.FORBIDDEN_PORTS
    report.ports = packets.syn_scan(target.address, ports, timeout=options.timeout)
    if options.mtu and report.echo.received:
        report.mtu = packets.path_mtu(target.address, timeout=options.timeout)
    return report


def ipv6_only(site: str, devices: list[str], reports: list[TargetReport]) -> Verdict:
    """Per device of the site: reachable over IPv6 alone (ICMPv6 echo and SSH over IPv6)."""
    checks = []
    for device in devices:
        v6 = [r for r in reports if r.target.device == device and r.target.ipv6]
        if not v6:
            checks.append(CheckResult.failed(f"ipv6-only {device}", "no IPv6 management address"))
            continue
        r = v6[0]
        if r.echo.received and r.ports.get(22) == "open":
            checks.append(CheckResult.passed(f"ipv6-only {device}", f"{r.target.address} answers"))
        else:
            why = "no ICMPv6 echo reply" if not r.echo.received else "SSH not reachable over IPv6"
            checks.append(CheckResult.failed(f"ipv6-only {device}", why, address=r.target.address))
    return Verdict(f"site {site}", tuple(checks))


def run_probes(
    targets: list[Target],
    options: ProbeOptions = ProbeOptions(),
    *,
    probe: Callable[[Target, ProbeOptions], TargetReport] = probe_target,
    site_checks: bool = True,
) -> ProbeRun:
    """Probe every target (raw sockets required: ``RawSocketsUnavailable`` otherwise); with
    ``site_checks`` (targets from an inventory), judge each site's IPv6-only reachability."""
    packets.require_raw_sockets()
    with ThreadPoolExecutor(max_workers=max(1, min(options.concurrency, len(targets) or 1))) as pool:
        reports = list(pool.map(lambda t: probe(t, options), targets))
    by_site: dict[str, list[str]] = {}
    for t in targets if site_checks else []:
        names = by_site.setdefault(t.site, [])
        if t.device not in names:
            names.append(t.device)
    sites = [ipv6_only(site, devices, reports) for site, devices in by_site.items()]
    return ProbeRun(reports, sites)
