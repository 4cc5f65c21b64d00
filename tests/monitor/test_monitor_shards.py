"""Sharded scraping: the generated configs pass promtool, and two real Prometheus shards probing the lab
through the exporter see every device exactly once, the same split as the collectors' --shard."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from monitor_kit import Monitored
from typer.testing import CliRunner

from govnet.cli import app
from govnet.monitor.promconfig import TARGETS_FILE, ShardPlan, probe_targets, render, write
from govnet.monitor.promrun import ALERTMANAGER, PROMETHEUS, Server, find_binary, free_port, wait_until

PROMTOOL = shutil.which("promtool")
needs_prometheus = pytest.mark.skipif(
    PROMTOOL is None or find_binary(PROMETHEUS) is None, reason="prometheus not installed (Debian package)"
)
assert ALERTMANAGER


@needs_prometheus
def test_generated_configs_pass_promtool_check_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["monitor", "prometheus-config", "--shards", "3", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [TARGETS_FILE, "prometheus-global.yml", *(f"prometheus-shard-{k}.yml" for k in range(3))]
    )
    for name in names:
        if name.endswith(".yml"):
            done = subprocess.run(
                [str(PROMTOOL), "check", "config", name], cwd=tmp_path, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stdout + done.stderr


def govnet(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GOVNET_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "govnet.cli", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_bad_arguments_exit_2_with_a_reason(tmp_path: Path) -> None:
    done = govnet("monitor", "prometheus-config", "--exporter", "nonsense", "--out", str(tmp_path))
    assert done.returncode == 2 and "--exporter 'nonsense': expected HOST:PORT" in done.stderr
    assert "Traceback" not in done.stderr
    (tmp_path / "file").write_text("")
    done = govnet("monitor", "prometheus-config", "--out", str(tmp_path / "file" / "x"))
    assert done.returncode == 2 and "cannot create the folder" in done.stderr
    done = govnet("monitor", "serve", "--listen", "127.0.0.1")
    assert done.returncode == 2 and "--listen '127.0.0.1'" in done.stderr


@needs_prometheus
def test_two_shards_see_every_device_exactly_once(monitored: Monitored, tmp_path: Path) -> None:
    inventory = monitored.net.inventory
    ports = [free_port(), free_port()]
    plan = ShardPlan(2, f"127.0.0.1:{monitored.exporter.port}", tuple(f"127.0.0.1:{p}" for p in ports), "2s")
    files = render(inventory, plan)
    seen: list[set[str]] = []
    servers: list[Server] = []
    try:
        for k in range(2):
            folder = tmp_path / f"shard-{k}"
            write({TARGETS_FILE: files[TARGETS_FILE]}, folder)
            servers.append(
                Server(PROMETHEUS, folder, files[f"prometheus-shard-{k}.yml"], port=ports[k]).wait_ready()
            )
        for k, server in enumerate(servers):
            expected = set(probe_targets(inventory, (k, 2)))

            def probed(server: Server = server, expected: set[str] = expected) -> set[str] | None:
                found = {
                    r["metric"]["instance"]
                    for r in server.query('govnet_probe_success{job="govnet-probe"} == 1')
                }
                return found if found == expected else None

            seen.append(
                wait_until(probed, 60, f"shard {k} probing {sorted(expected)}") if expected else set()
            )
            # the probes reached the devices: each shard holds interface series of its own devices only
            devices = {r["metric"]["device"] for r in server.query("govnet_interface_oper_up")}
            assert devices == expected
        glob = Server(PROMETHEUS, tmp_path / "global", files["prometheus-global.yml"])
        servers.append(glob.wait_ready())

        def federated() -> list[dict[str, object]] | None:
            rows = glob.query("count by (instance) (govnet_probe_success)")
            return rows if len(rows) == len(inventory.devices) else None

        rows = wait_until(federated, 60, "the global server federating both shards")
        assert all(r["value"][1] == "1" for r in rows)  # each device from exactly one shard
    finally:
        for server in servers:
            server.stop()
    assert seen[0] | seen[1] == {d.hostname for d in inventory.devices}
    assert not seen[0] & seen[1]
