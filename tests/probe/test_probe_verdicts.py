"""How probe figures are judged (pure: no packets sent)."""

from __future__ import annotations

from govnet.collectors.probe.packets import Echo, PathMtu
from govnet.collectors.probe.service import Target, TargetReport, ipv6_only, targets_from_inventory
from govnet.inventory.models import Inventory
from govnet.verdict import Status

CLOSED = {22: "open", 23: "closed", 80: "closed", 8080: "closed"}


def report(address: str, echo: Echo, ports: dict[int, str], mtu: PathMtu | None = None) -> TargetReport:
    return TargetReport(Target("R1", "town", address), echo, ports, mtu)


def checks(r: TargetReport) -> dict[str, Status]:
    return {c.name: c.status for c in r.verdict().checks}


def test_clean_target_passes_with_its_figures() -> None:
    r = report("10.255.2.2", Echo(3, 3, (1.0, 2.0, 3.0)), CLOSED, PathMtu(1400, 2, True))
    assert r.verdict().status is Status.PASSED
    assert r.to_dict()["echo"] == {
        "sent": 3,
        "received": 3,
        "loss_pct": 0.0,
        "rtt_min_ms": 1.0,
        "rtt_avg_ms": 2.0,
        "rtt_max_ms": 3.0,
    }


def test_loss_open_http_and_closed_ssh_are_findings() -> None:
    ports = {22: "filtered", 23: "closed", 80: "open", 8080: "open"}
    r = report("10.255.2.2", Echo(4, 3, (1.0, 1.0, 1.0)), ports)
    assert checks(r) == {
        "icmp.echo": Status.FAILED,
        "tcp.forbidden-ports": Status.FAILED,
        "tcp.ssh": Status.FAILED,
    }
    failures = {c.name: c.reason for c in r.verdict().failures}
    assert failures["icmp.echo"] == "25% loss" and failures["tcp.forbidden-ports"] == "open: 80, 8080"
    assert failures["tcp.ssh"] == "SSH port 22 is filtered"


def test_undetermined_path_mtu_is_indeterminate_not_failed() -> None:
    r = report("fd00:255:2::2", Echo(3, 3, (1.0,) * 3), CLOSED, PathMtu(None, 12, False))
    assert checks(r)["path-mtu"] is Status.INDETERMINATE and r.verdict().status is Status.INDETERMINATE


def test_ipv6_only_needs_an_ipv6_address_answering_echo_and_ssh() -> None:
    ok = report("fd00:255:2::2", Echo(3, 3, (1.0,) * 3), CLOSED)
    v4 = TargetReport(Target("R2", "town", "10.255.2.3"), Echo(3, 3, (1.0,) * 3), CLOSED)
    silent = TargetReport(Target("R3", "town", "fd00:255:2::3"), Echo(3, 0, ()), {22: "filtered"})
    verdict = ipv6_only("town", ["R1", "R2", "R3"], [ok, v4, silent])
    reasons = {c.name: (c.status, c.reason) for c in verdict.checks}
    assert reasons["ipv6-only R1"][0] is Status.PASSED
    assert reasons["ipv6-only R2"] == (Status.FAILED, "no IPv6 management address")
    assert reasons["ipv6-only R3"] == (Status.FAILED, "no ICMPv6 echo reply")


def test_targets_come_from_management_addresses_and_devices_without_one_are_skipped() -> None:
    creds = {"username": "admin", "password": "env:X"}
    inv = Inventory.model_validate(
        {
            "name": "t",
            "sites": [{"id": "city", "name": "韶关市", "level": "city"}],
            "devices": [
                {
                    "hostname": "a",
                    "site": "city",
                    "vendor": "cisco_ios",
                    "role": "core",
                    "credentials": creds,
                    "mgmt": {"ipv4": "10.255.1.1", "ipv6": "fd00:255:1::1"},
                },
                {
                    "hostname": "b",
                    "site": "city",
                    "vendor": "cisco_ios",
                    "role": "core",
                    "credentials": creds,
                },
            ],
        }
    )
    targets, skipped = targets_from_inventory(inv, "city")
    assert [(t.device, t.address) for t in targets] == [("a", "10.255.1.1"), ("a", "fd00:255:1::1")]
    assert list(skipped) == ["b"]
