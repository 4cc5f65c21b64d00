"""Demo step for monitoring: the exporter over what the collectors stored, then a fault and its alert.

Shows the exporter's key figures (devices reachable, links by tier, the busiest links, IPv6 coverage)
from a real scrape of /metrics, then takes a link down in the demo's lab, polls once and evaluates
the shipped rules in a short-lived real Prometheus (Debian's, on loopback; LinkDown's ``for:``
shortened to a few seconds, the other alerts keep theirs) until LinkDown fires. Without Prometheus
installed it says so and shows the raw series.
"""

from __future__ import annotations

import tempfile
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families


def run(ctx: Any) -> None:
    ctx.section("Monitoring: Prometheus exporter, alert rules (预警/黄牌/红牌), a link down firing")
    ctx.lab_step("monitor", _demo)


def _scrape(url: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    with urllib.request.urlopen(url, timeout=30) as reply:
        text = reply.read().decode()
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def _show_key_metrics(ctx: Any, found: dict[str, list[tuple[dict[str, str], float]]]) -> None:
    reachable = found.get("govnet_device_reachable", [])
    ctx.console.print(
        f"devices reachable: {sum(1 for _, v in reachable if v == 1)}/{len(reachable)}   "
        f"series on /metrics: {sum(len(v) for v in found.values())}"
    )
    tiers = Counter(lab["tier"] for lab, _ in found.get("govnet_link_tier_speed_bytes_per_second", []))
    ctx.console.print("link ends by tier: " + ", ".join(f"{t} {n}" for t, n in sorted(tiers.items())))
    util = sorted(found.get("govnet_link_utilisation_ratio", []), key=lambda s: -s[1])[:3]
    for lab, v in util:
        ctx.console.print(
            f"  busiest: {lab['device']} {lab['interface']} ({lab['tier']}) {v:.1%} of its tier"
        )
    ipv6 = found.get("govnet_link_uplink_ipv6", [])
    if ipv6:
        ctx.console.print(f"uplinks with IPv6: {sum(v for _, v in ipv6):.0f}/{len(ipv6)}")


def _show_alert(ctx: Any, alert: dict[str, Any]) -> None:
    labels, notes = alert["labels"], alert["annotations"]
    where = " ".join(f"{k}={labels[k]}" for k in ("device", "interface", "site_level"))
    ctx.console.print(
        f"[bold red]FIRING[/] {labels['alertname']} severity={labels['severity']} ({labels['card']}) {where}",
        highlight=False,
    )
    ctx.console.print(f"  {notes['summary']}\n  {notes['summary_zh']}", highlight=False)


def _demo(ctx: Any) -> None:
    from govnet.collectors.snmp.poller import PollOptions
    from govnet.collectors.snmp.service import run_once, select_targets
    from govnet.lab.service import inject_fault
    from govnet.monitor.promrun import (
        PROMETHEUS,
        Server,
        find_binary,
        prometheus_config,
        shortened_rules,
        wait_until,
    )
    from govnet.monitor.service import ExporterOptions, load_inventory_for, running_exporter
    from govnet.store import Store

    inventory = load_inventory_for(
        ctx.settings,
        Path(ctx.state["inventory_path"]) if ctx.state.get("inventory_path") else None,
        Path(ctx.state["lab_overlay"]),
    )
    core = next(d for d in inventory.devices if d.role.value == "core")
    link = next(k for k in inventory.links if core.hostname in (k.a.device, k.b.device))
    port = link.a.interface if link.a.device == core.hostname else link.b.interface
    targets, _ = select_targets(inventory)
    options = PollOptions(timeout=2.0, retries=1)
    with (
        Store.open(ctx.settings.effective_store_url) as store,
        running_exporter(inventory, store, ExporterOptions(port=0, poll=options)) as exporter,
    ):
        run_once(inventory, store, targets, options)  # fresh figures (the collectors' step left faults)
        ctx.console.print(f"exporter on {exporter.url}/metrics (and /probe?target=DEVICE)")
        _show_key_metrics(ctx, _scrape(exporter.url + "/metrics"))
        if find_binary(PROMETHEUS) is None:
            ctx.console.print("[yellow]Prometheus is not installed: the rules are not evaluated here[/]")
            return
        with tempfile.TemporaryDirectory(prefix="govnet-demo-prom-") as tmp:
            rules = shortened_rules(Path(tmp) / "rules", "3s", only={"LinkDown"})  # the one it shows
            config = prometheus_config(f"127.0.0.1:{exporter.port}", rules)
            with Server(PROMETHEUS, Path(tmp) / "prom", config) as prom:
                ctx.console.print(f"short-lived Prometheus on {prom.url} evaluating monitor/rules/*.yml")
                wait_until(lambda: prom.query("govnet_interface_oper_up"), 60, "Prometheus' first scrape")
                ctx.console.print(
                    inject_fault(ctx.settings, core.hostname, "link-down", port), highlight=False
                )
                try:
                    run_once(inventory, store, targets, options)

                    def fired() -> list[dict[str, Any]]:
                        return [
                            a
                            for a in prom.alerts()
                            if a["labels"]["alertname"] == "LinkDown"
                            and a["labels"].get("device") == core.hostname
                            and a["state"] == "firing"
                        ]

                    alert = wait_until(fired, 60, "LinkDown firing")[0]
                finally:
                    inject_fault(ctx.settings, core.hostname, "link-down", port, clear=True)
                _show_alert(ctx, alert)
                others = Counter((a["labels"]["alertname"], a["state"]) for a in prom.alerts())
                ctx.console.print(
                    "all alerts now: " + ", ".join(f"{n} {s} x{c}" for (n, s), c in sorted(others.items())),
                    highlight=False,
                )
