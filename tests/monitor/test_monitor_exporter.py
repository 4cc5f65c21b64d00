"""The exporter over a polled lab: what /metrics and /probe expose, and that promtool accepts it."""

from __future__ import annotations

import shutil
import subprocess
import urllib.error
import urllib.request

import pytest
from monitor_kit import Monitored
from prometheus_client.parser import text_string_to_metric_families

from govnet.monitor.catalogue import exposed_names

PROMTOOL = shutil.which("promtool")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def one(found: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    values = [v for lab, v in found[name] if all(lab.get(k) == want for k, want in labels.items())]
    assert len(values) == 1, (name, labels, values)
    return values[0]


def test_metrics_expose_links_with_tier_site_level_and_utilisation(monitored: Monitored) -> None:
    status, text = fetch(monitored.exporter.url + "/metrics")
    assert status == 200
    found = samples(text)
    where = {"device": "k-agg", "interface": "GigabitEthernet1/0/2"}
    assert one(found, "govnet_link_tier_speed_bytes_per_second", **where) == 100e6 / 8
    assert one(found, "govnet_interface_oper_up", **where) == 1
    labels = next(
        lab
        for lab, _ in found["govnet_interface_oper_up"]
        if lab["device"] == "k-agg" and lab["interface"] == "GigabitEthernet1/0/2"
    )
    assert labels["site"] == "county" and labels["site_level"] == "county" and labels["tier"] == "100M"
    util = one(found, "govnet_link_utilisation_ratio", **where)
    assert 0 <= util < 1
    assert one(found, "govnet_interface_receive_bytes_total", **where) > 0
    # every device polled: reachable, success, uptime, health
    for device in ("c-core", "c-core2", "k-agg", "t-acc", "d-agg"):
        assert one(found, "govnet_device_reachable", device=device) == 1
        assert one(found, "govnet_snmp_poll_success", device=device) == 1
        assert one(found, "govnet_device_uptime_seconds", device=device) > 0
        assert 0 <= one(found, "govnet_device_cpu_ratio", device=device) <= 1
    # uplinks have no IPv6 in the fresh lab: 0, and peer links get no series at all
    assert one(found, "govnet_link_uplink_ipv6", device="c-core", interface="GigabitEthernet0/0/1") == 0
    assert not [
        lab
        for lab, _ in found["govnet_link_uplink_ipv6"]
        if lab["interface"] == "GigabitEthernet0/0/2" and lab["device"] == "c-core"
    ]
    # nothing exposed beyond the catalogue; no compliance table -> no compliance series
    assert set(found) <= exposed_names()
    assert not any(name.startswith("govnet_compliance") for name in found)


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian package prometheus)")
def test_promtool_check_metrics_passes_on_a_real_scrape(monitored: Monitored) -> None:
    for path in ("/metrics", "/probe?target=c-core"):
        _, text = fetch(monitored.exporter.url + path)
        done = subprocess.run(
            [str(PROMTOOL), "check", "metrics"], input=text, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (path, done.stdout, done.stderr)


def test_probe_polls_one_device_now(monitored: Monitored) -> None:
    status, text = fetch(monitored.exporter.url + "/probe?target=t-acc")
    assert status == 200
    found = samples(text)
    assert one(found, "govnet_probe_success") == 1
    assert {lab["device"] for lab, _ in found["govnet_interface_oper_up"]} == {"t-acc"}
    assert one(found, "govnet_snmp_poll_duration_seconds", device="t-acc") > 0
    assert (
        one(
            found, "govnet_link_tier_speed_bytes_per_second", device="t-acc", interface="GigabitEthernet0/0/1"
        )
        == 100e6 / 8
    )
    assert "govnet_interface_receive_discards_total" in found


def test_probe_of_an_unknown_target_is_a_400_naming_it(monitored: Monitored) -> None:
    status, text = fetch(monitored.exporter.url + "/probe?target=no-such-box")
    assert status == 400 and "no-such-box" in text and "collect-test" in text
    status, text = fetch(monitored.exporter.url + "/probe")
    assert status == 400 and "target=DEVICE" in text
    assert fetch(monitored.exporter.url + "/nothing")[0] == 404
