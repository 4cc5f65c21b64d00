"""Compliance results reach Prometheus through one table: a stored scan rolls up per asset and
family, the exporter's /metrics (real HTTP) shows the statuses, scores and failing counts, and a
regression found by the next scan makes promtool's ComplianceFailure rule fire for that asset."""

from __future__ import annotations

import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families
from test_monitor_rules import expand, rule

from govnet.compliance.service import run_scan
from govnet.compliance.sources import asset_from_text
from govnet.monitor.exporter import store_registry
from govnet.monitor.rulefiles import rule_files
from govnet.monitor.server import App, Exporter
from govnet.monitor.topology import Topology
from govnet.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "compliance" / "examples"
PROMTOOL = shutil.which("promtool")


def _scrape(store: Store) -> dict[str, list[tuple[dict[str, str], float]]]:
    """GET /metrics from a real exporter over HTTP: sample name -> [(labels, value)]."""
    app = App(store_registry(store, Topology({}, {})))
    with Exporter(app) as exporter, urllib.request.urlopen(exporter.url + "/metrics", timeout=30) as reply:
        text = reply.read().decode()
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def _scan(store: Store, huawei_text: str, level: int = 3) -> None:
    cisco = (EXAMPLES / "cisco_hardened.cfg").read_text(encoding="utf-8")
    assets = [asset_from_text(huawei_text, source="core.cfg"), asset_from_text(cisco, source="border.cfg")]
    run_scan(assets, level=level, store=store)


def _by_family(found: dict, name: str, asset: str, **labels: str) -> dict[str, float]:
    return {
        lab["family"]: v
        for lab, v in found.get(name, [])
        if lab["asset"] == asset and all(lab.get(k) == w for k, w in labels.items())
    }


def test_scan_then_metrics_then_promtool_fires_on_the_regression(tmp_path: Path) -> None:
    hardened = (EXAMPLES / "huawei_hardened.cfg").read_text(encoding="utf-8")
    weak = hardened.replace("undo telnet server enable", "telnet server enable")
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert not any(n.startswith("govnet_compliance") for n in _scrape(store))  # nothing scanned yet
        _scan(store, hardened)
        before = _scrape(store)
        _scan(store, weak)
        after = _scrape(store)
    asset = "GZ-ZW-CORE-01"
    # the hardened scan: every judged family passes on both devices
    assert set(_by_family(before, "govnet_compliance_check_status", asset).values()) == {1.0}
    assert _by_family(before, "govnet_compliance_check_status", asset, level="3")
    assert set(_by_family(before, "govnet_compliance_failed_checks", asset, outcome="fail").values()) == {0.0}
    # the regression: telnet on fails the computing-environment family, and only there
    status = _by_family(after, "govnet_compliance_check_status", asset)
    assert status["computing_environment"] == 0 and all(
        v == 1 for fam, v in status.items() if fam != "computing_environment"
    )
    failing = _by_family(after, "govnet_compliance_failed_checks", asset, outcome="fail")
    assert failing["computing_environment"] == 2  # dev.telnet-off serves 8.1.4.1 c and 8.1.4.4 b
    assert _by_family(after, "govnet_compliance_score", asset)["computing_environment"] < 1
    assert set(_by_family(after, "govnet_compliance_check_status", "SH-ZW-BORDER-01").values()) == {1.0}
    stamps = {lab["asset"]: v for lab, v in after["govnet_compliance_last_scan_timestamp_seconds"]}
    assert set(stamps) == {asset, "SH-ZW-BORDER-01"} and all(v > 1.7e9 for v in stamps.values())
    if PROMTOOL is None:
        pytest.skip("promtool not installed (Debian package prometheus)")
    _promtool_fires(tmp_path, before, after, asset)


def _promtool_fires(tmp_path: Path, before: dict, after: dict, asset: str) -> None:
    """The scraped series as promtool input: the first scrape for 5 minutes, then the second."""
    series = []
    for labels, value in after["govnet_compliance_check_status"]:
        old = next(v for lab, v in before["govnet_compliance_check_status"] if lab == labels)
        body = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        series.append(
            {"series": f"govnet_compliance_check_status{{{body}}}", "values": f"{old:g}x4 {value:g}x5"}
        )
    r = rule("ComplianceFailure", "critical")
    fired = {"asset": asset, "family": "computing_environment", "level": "3", **r["labels"]}
    expected = [
        {
            "exp_labels": fired,
            "exp_annotations": {k: expand(v, fired) for k, v in r["annotations"].items()},
        }
    ]
    spec = {
        "rule_files": [str(p) for p in rule_files()],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": series,
                "alert_rule_test": [
                    {"eval_time": "3m", "alertname": "ComplianceFailure", "exp_alerts": []},
                    {"eval_time": "7m", "alertname": "ComplianceFailure", "exp_alerts": expected},
                ],
            }
        ],
    }
    path = tmp_path / "compliance_rules_test.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False))
    done = subprocess.run(
        [str(PROMTOOL), "test", "rules", str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
