"""Every PromQL expression in the dashboard and the rules parses (promtool) and names only metrics the
exporter exposes: documented in the catalogue and, for the families a lab scrape carries, really seen."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from monitor_kit import POLL, Monitored
from prometheus_client import CollectorRegistry, generate_latest
from test_monitor_exporter import fetch, samples

from govnet.monitor.catalogue import CATALOGUE, exposed_names
from govnet.monitor.loop import PollLoop
from govnet.monitor.rulefiles import DASHBOARDS_DIR, rule_files
from govnet.monitor.signing import SigningMetrics

PROMTOOL = shutil.which("promtool")
GRAFANA_VARS = {"$__rate_interval": "5m", "$site_level": ".*"}
KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
}
KEYWORDS |= {"inf", "nan"}
PROMETHEUS_OWN = {"ALERTS"}


def dashboard_exprs() -> list[str]:
    out = []
    for path in sorted(DASHBOARDS_DIR.glob("*.json")):
        dash = json.loads(path.read_text())
        out += [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
        for var in dash.get("templating", {}).get("list", []):
            m = re.fullmatch(r"label_values\((\w+),\s*\w+\)", var["definition"])
            assert m, var["definition"]
            out.append(m.group(1))
    for name, value in GRAFANA_VARS.items():
        out = [e.replace(name, value) for e in out]
    return out


def rule_exprs() -> list[str]:
    return [
        r["expr"]
        for path in rule_files()
        for g in yaml.safe_load(path.read_text())["groups"]
        for r in g["rules"]
    ]


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects (a small tokenizer: no strings, matchers, ranges or
    grouping lists; identifiers not called as functions and not keywords)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?", text):
        if m.group(2) or m.group(1).lower() in KEYWORDS:
            continue
        names.add(m.group(1))
    return names


def test_the_tokenizer_finds_metric_names_only() -> None:
    expr = (
        'sum by (tier) (rate(govnet_a_total{x="y{z}"}[5m])) / on(tier) group_left count(govnet_b) > bool 0.5'
    )
    assert metric_names(expr) == {"govnet_a_total", "govnet_b"}
    assert metric_names("time() - govnet_c > 30 * 86400 and govnet_d == 1e3") == {"govnet_c", "govnet_d"}


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian package prometheus)")
def test_every_expression_parses(tmp_path: Path) -> None:
    exprs = dashboard_exprs() + rule_exprs()
    rules = {
        "groups": [
            {
                "name": "parse",
                "rules": [{"record": f"govnet:check{i}", "expr": e} for i, e in enumerate(exprs)],
            }
        ]
    }
    path = tmp_path / "parse.yml"
    path.write_text(yaml.safe_dump(rules))
    done = subprocess.run([str(PROMTOOL), "check", "rules", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_referenced_metric_is_exposed(monitored: Monitored, tmp_path: Path) -> None:
    referenced = set().union(*(metric_names(e) for e in dashboard_exprs() + rule_exprs()))
    unknown = referenced - exposed_names() - PROMETHEUS_OWN
    assert not unknown, f"not exposed by the exporter: {sorted(unknown)}"
    # a real scrape: the store's families, a probe, the in-process collector loop, the signing metrics
    seen = set(samples(fetch(monitored.exporter.url + "/metrics")[1]))
    seen |= set(samples(fetch(monitored.exporter.url + "/probe?target=c-core")[1]))
    registry = CollectorRegistry()
    net = monitored.net
    PollLoop(net.inventory, monitored.store, net.targets(), POLL, 60, registry).cycle({})
    SigningMetrics(registry)
    seen |= set(samples(generate_latest(registry).decode()))
    not_seen = {
        name
        for name in referenced - seen - PROMETHEUS_OWN
        if not name.startswith(("govnet_compliance_", "govnet_pki_"))  # their own tests scrape them
    }
    assert not not_seen, f"referenced but absent from a real scrape: {sorted(not_seen)}"


def test_the_dashboard_covers_the_overview_the_issue_asks_for() -> None:
    dash = json.loads((DASHBOARDS_DIR / "extranet.json").read_text())
    assert dash["uid"] and dash["__inputs"][0]["pluginId"] == "prometheus"
    titles = " ".join(p["title"] for p in dash["panels"]).lower()
    for words in (
        "by tier",
        "worst links",
        "devices down",
        "ipv6 coverage",
        "compliance score",
        "near expiry",
    ):
        assert words in titles, words
    assert {m.name for m in CATALOGUE} >= {
        n for e in dashboard_exprs() for n in metric_names(e)
    } - PROMETHEUS_OWN
