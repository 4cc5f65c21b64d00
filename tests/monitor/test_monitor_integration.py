"""Real Prometheus and Alertmanager on loopback over the exporter while the collector polls the lab:
a link forced down goes pending then firing, reaches a webhook, and inhibits the warnings it causes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from monitor_kit import Monitored, monitoring

from govnet.monitor.promrun import (
    ALERTMANAGER,
    PROMETHEUS,
    Server,
    find_binary,
    prometheus_config,
    shortened_rules,
    wait_until,
)
from govnet.monitor.rulefiles import ALERTMANAGER_CONFIG

pytestmark = pytest.mark.skipif(
    find_binary(PROMETHEUS) is None or find_binary(ALERTMANAGER) is None,
    reason="prometheus / prometheus-alertmanager not installed (Debian packages)",
)
DOWN = {"device": "c-core", "interface": "GigabitEthernet0/0/1"}  # the 1G uplink L-county, with optics
FOR = "6s"  # every rule's for: shortened to this, so that pending -> firing takes seconds, not minutes


class Webhook:
    """A tiny receiver: Alertmanager's webhook posts, kept by receiver path."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.posts.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def alerts(self, path: str) -> list[dict[str, Any]]:
        return [a for p, body in self.posts if p == path for a in body["alerts"]]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def fast_alertmanager(webhook_port: int) -> str:
    """The shipped Alertmanager config, webhooks pointed at the test's receiver, waits shortened."""
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text())
    for receiver in config["receivers"]:
        for hook in receiver["webhook_configs"]:
            hook["url"] = f"http://127.0.0.1:{webhook_port}/{receiver['name']}"

    def shorten(route: dict[str, Any]) -> None:
        route.update(
            {k: "1s" for k in ("group_wait", "group_interval") if k in route or route is config["route"]}
        )
        for child in route.get("routes", []):
            shorten(child)

    shorten(config["route"])
    return yaml.safe_dump(config, allow_unicode=True)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Monitored, Server, Server, Webhook]]:
    webhook = Webhook()
    try:
        for m in monitoring(tmp_path, poll_interval_s=1.0):
            am_config = fast_alertmanager(webhook.port)
            with Server(ALERTMANAGER, tmp_path / "am", am_config) as am:
                rules = shortened_rules(tmp_path / "rules", FOR)
                prom_config = prometheus_config(f"127.0.0.1:{m.exporter.port}", rules, f"127.0.0.1:{am.port}")
                with Server(PROMETHEUS, tmp_path / "prom", prom_config) as prom:
                    yield m, prom, am, webhook
    finally:
        webhook.close()


def _states(prom: Server, name: str, labels: dict[str, str]) -> set[str]:
    return {
        a["state"]
        for a in prom.alerts()
        if a["labels"]["alertname"] == name and all(a["labels"].get(k) == v for k, v in labels.items())
    }


def test_link_down_goes_pending_then_firing_reaches_the_webhook_and_inhibits_its_warnings(stack: Any) -> None:
    m, prom, am, webhook = stack
    up = f'govnet_interface_oper_up{{device="{DOWN["device"]}",interface="{DOWN["interface"]}"}}'
    wait_until(lambda: [r for r in prom.query(up) if r["value"][1] == "1"], 60, "the link up in Prometheus")
    assert not _states(prom, "LinkDown", DOWN)

    m.net.lab.fault(DOWN["device"], "link-down", DOWN["interface"])
    wait_until(lambda: "pending" in _states(prom, "LinkDown", DOWN), 60, "LinkDown pending")
    wait_until(lambda: "firing" in _states(prom, "LinkDown", DOWN), 60, "LinkDown firing")

    # the red card reaches the city's red-card receiver (c-core sits in the city: site_level city)
    delivered = wait_until(lambda: webhook.alerts("/red-card-city"), 60, "the webhook delivery")
    assert any(
        a["labels"]["alertname"] == "LinkDown" and a["labels"]["interface"] == DOWN["interface"]
        for a in delivered
    )
    assert all(a["labels"]["severity"] == "critical" for a in delivered)

    # the port's optics now read -40 dBm: the warning fires in Prometheus but Alertmanager inhibits it
    wait_until(
        lambda: "firing" in _states(prom, "OpticalPowerOutOfRange", DOWN), 60, "the optical warning firing"
    )

    def inhibited() -> list[dict[str, Any]]:
        return [
            a
            for a in am.alerts()
            if a["labels"]["alertname"] == "OpticalPowerOutOfRange"
            and a["labels"]["interface"] == DOWN["interface"]
            and a["status"]["inhibitedBy"]
        ]

    wait_until(inhibited, 60, "the optical warning inhibited by LinkDown")
    sent_yellow = [a for p, body in webhook.posts for a in body["alerts"] if "yellow" in p]
    assert not [
        a
        for a in sent_yellow
        if a["labels"]["alertname"] == "OpticalPowerOutOfRange"
        and a["labels"].get("interface") == DOWN["interface"]
    ]
    # ports that are still up raise no LinkDown
    assert not _states(prom, "LinkDown", {"device": "c-core", "interface": "GigabitEthernet0/0/3"})
