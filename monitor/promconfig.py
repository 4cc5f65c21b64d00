"""Scrape configurations for N Prometheus servers sharing the extranet, plus a global one.

Each shard scrapes the exporter's ``/probe`` for its devices only, chosen by ``hashmod`` relabelling of
the device's SNMP address — the rule ``govnet collect snmp --shard K/N`` uses
(``govnet.collectors.snmp.shard``), so Prometheus shard K probes exactly what collector shard K polls.
The targets file lists every device once (``__address__`` = its SNMP ``host:port``,
``__param_target`` = its inventory name); the shards differ only in the hashmod remainder they keep.
The global server federates the shards' probe series and scrapes the exporter's ``/metrics`` for what
is not per device (PKI, compliance, signing), dropping the store's per-device copies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import yaml

from govnet.collectors.snmp.service import select_targets
from govnet.errors import InputError
from govnet.monitor.rulefiles import RULES_DIR

if TYPE_CHECKING:
    from govnet.inventory.models import Device, Inventory

TARGETS_FILE = "govnet-targets.json"
PROBE_JOB = "govnet-probe"
SHARD_RULES = ("network.yml", "escalation.yml")
GLOBAL_RULES = ("security.yml", "escalation.yml")
PER_DEVICE = "govnet_(interface|link|device|snmp|collector)_.*"  # the store's copies, federated instead


def _address_only(device: Device) -> Any:
    """Enough of an SNMP target to name its address (no secrets resolved: configs carry none)."""
    from govnet.devices.connect import ssh_host

    return SimpleNamespace(host=device.snmp.host or ssh_host(device), port=device.snmp.port)


def probe_targets(inventory: Inventory, shard: tuple[int, int] | None = None) -> dict[str, str]:
    """Device name -> the SNMP address hashmod hashes (all devices, or shard K of N)."""
    targets, _ = select_targets(inventory, shard=shard, build=_address_only)
    return {t.name: t.address for t in targets}


@dataclass(frozen=True)
class ShardPlan:
    shards: int
    exporter: str  # host:port of govnet monitor serve
    shard_addresses: tuple[str, ...]  # host:port each shard's Prometheus listens on
    scrape_interval: str = "60s"
    alertmanager: str | None = None  # host:port
    rules_dir: Path = RULES_DIR

    def __post_init__(self) -> None:
        if self.shards < 1:
            raise InputError(f"--shards {self.shards}: at least 1")
        if len(self.shard_addresses) != self.shards:
            raise InputError(
                f"{self.shards} shards need {self.shards} shard addresses, got {len(self.shard_addresses)}"
            )


def _alerting(plan: ShardPlan) -> dict[str, Any]:
    if not plan.alertmanager:
        return {}
    return {"alerting": {"alertmanagers": [{"static_configs": [{"targets": [plan.alertmanager]}]}]}}


def _rules(plan: ShardPlan, names: tuple[str, ...]) -> list[str]:
    return [str(plan.rules_dir / name) for name in names]


def targets_file(inventory: Inventory) -> str:
    groups = [
        {"targets": [address], "labels": {"__param_target": name}}
        for name, address in sorted(probe_targets(inventory).items())
    ]
    return json.dumps(groups, indent=2, ensure_ascii=False) + "\n"


def shard_config(plan: ShardPlan, k: int) -> dict[str, Any]:
    interval = plan.scrape_interval
    return {
        "global": {
            "scrape_interval": interval,
            "evaluation_interval": interval,
            "external_labels": {"govnet_shard": f"{k}/{plan.shards}"},
        },
        "rule_files": _rules(plan, SHARD_RULES),
        **_alerting(plan),
        "scrape_configs": [
            {
                "job_name": PROBE_JOB,
                "metrics_path": "/probe",
                "scrape_timeout": interval,
                "file_sd_configs": [{"files": [TARGETS_FILE]}],
                "relabel_configs": [
                    # the collectors' --shard rule: MD5 of host:port, low 8 bytes, modulo N
                    {
                        "source_labels": ["__address__"],
                        "modulus": plan.shards,
                        "target_label": "__tmp_hashmod",
                        "action": "hashmod",
                    },
                    {"source_labels": ["__tmp_hashmod"], "regex": str(k), "action": "keep"},
                    {"source_labels": ["__param_target"], "target_label": "instance"},
                    {"target_label": "__address__", "replacement": plan.exporter},
                ],
            }
        ],
    }


def global_config(plan: ShardPlan) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": plan.scrape_interval, "evaluation_interval": plan.scrape_interval},
        "rule_files": _rules(plan, GLOBAL_RULES),
        **_alerting(plan),
        "scrape_configs": [
            {
                "job_name": "govnet-federate",
                "honor_labels": True,
                "metrics_path": "/federate",
                "params": {"match[]": [f'{{job="{PROBE_JOB}"}}']},
                "static_configs": [{"targets": list(plan.shard_addresses)}],
            },
            {
                "job_name": "govnet-exporter",
                "static_configs": [{"targets": [plan.exporter]}],
                "metric_relabel_configs": [
                    {"source_labels": ["__name__"], "regex": PER_DEVICE, "action": "drop"}
                ],
            },
        ],
    }


def render(inventory: Inventory, plan: ShardPlan) -> dict[str, str]:
    """File name -> text: the targets file, one config per shard, the global config."""
    out = {TARGETS_FILE: targets_file(inventory)}
    for k in range(plan.shards):
        out[f"prometheus-shard-{k}.yml"] = yaml.safe_dump(shard_config(plan, k), sort_keys=False)
    out["prometheus-global.yml"] = yaml.safe_dump(global_config(plan), sort_keys=False)
    return out


def write(files: dict[str, str], out: Path) -> list[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot create the folder: {exc.strerror or exc}") from None
    written = []
    for name, text in files.items():
        (out / name).write_text(text)
        written.append(out / name)
    return written
