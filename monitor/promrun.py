"""Run a real Prometheus or Alertmanager (Debian's binaries) on loopback for a while: tests, the demo
and the shard check use it. Ephemeral ports, a temporary data folder, bounded waits, always stopped."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection
from pathlib import Path
from typing import Any

from govnet.errors import GovnetError

PROMETHEUS = "prometheus"
ALERTMANAGER = "prometheus-alertmanager"  # Debian's name; upstream calls it alertmanager


def find_binary(name: str) -> str | None:
    return shutil.which(name) or (shutil.which("alertmanager") if name == ALERTMANAGER else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_json(url: str, timeout: float = 10.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return json.loads(reply.read())


def wait_until(check: Any, timeout: float, what: str, step: float = 0.2) -> Any:
    """Call ``check()`` until it returns something truthy; GovnetError naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except (OSError, urllib.error.URLError, ValueError, KeyError) as exc:
            last_error = exc
        time.sleep(step)
    raise GovnetError(
        f"timed out after {timeout:.0f} s waiting for {what}" + (f" ({last_error})" if last_error else "")
    )


class Server:
    """One Prometheus or Alertmanager process with its config in ``workdir``."""

    def __init__(self, kind: str, workdir: Path, config: str, port: int | None = None) -> None:
        binary = find_binary(kind)
        if binary is None:
            raise GovnetError(f"{kind} is not installed (Debian package {kind})")
        self.kind, self.workdir = kind, workdir
        self.port = port or free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        config_path = workdir / ("prometheus.yml" if kind == PROMETHEUS else "alertmanager.yml")
        config_path.write_text(config)
        listen = f"--web.listen-address=127.0.0.1:{self.port}"
        if kind == PROMETHEUS:
            args = [binary, f"--config.file={config_path}", f"--storage.tsdb.path={workdir / 'data'}", listen]
        else:
            # no cluster gossip: it would listen on every address (0.0.0.0:9094)
            args = [binary, f"--config.file={config_path}", f"--storage.path={workdir / 'data'}", listen]
            args.append("--cluster.listen-address=")
        self.log = (workdir / "server.log").open("wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60.0) -> Server:
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise GovnetError(f"{self.kind} exited: {self.log_tail()}")
            with urllib.request.urlopen(self.url + "/-/ready", timeout=5) as reply:
                return reply.status == 200

        wait_until(ready, timeout, f"{self.kind} on {self.url}")
        return self

    def log_tail(self, lines: int = 20) -> str:
        self.log.flush()
        text = (self.workdir / "server.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def query(self, promql: str) -> list[dict[str, Any]]:
        reply = http_json(f"{self.url}/api/v1/query?query={urllib.parse.quote(promql)}")
        return list(reply["data"]["result"])

    def alerts(self) -> list[dict[str, Any]]:
        """Prometheus: its active alerts (pending and firing). Alertmanager: the alerts it holds."""
        if self.kind == PROMETHEUS:
            return list(http_json(f"{self.url}/api/v1/alerts")["data"]["alerts"])
        return list(http_json(f"{self.url}/api/v2/alerts"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()

    def __enter__(self) -> Server:
        try:
            return self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def shortened_rules(target: Path, for_: str = "6s", only: Collection[str] | None = None) -> list[Path]:
    """Copies of the shipped rule files with the ``for:`` of the alerts named in ``only`` (every
    alert when None) shortened, expressions untouched, so that pending -> firing takes seconds in
    tests and the demo, not minutes; the others keep their real ``for:``."""
    import yaml

    from govnet.monitor.rulefiles import rule_files

    target.mkdir(parents=True, exist_ok=True)
    out = []
    for path in rule_files():
        document = yaml.safe_load(path.read_text())
        for group in document.get("groups", []):
            for rule in group.get("rules", []):
                if "for" in rule and (only is None or rule.get("alert") in only):
                    rule["for"] = for_
        copy = target / path.name
        copy.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
        out.append(copy)
    return out


def prometheus_config(
    exporter: str, rules: list[Path], alertmanager: str | None = None, interval: str = "1s"
) -> str:
    """A single Prometheus scraping the exporter's /metrics, evaluating ``rules``."""
    import yaml

    config: dict[str, Any] = {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "rule_files": [str(p) for p in rules],
        "scrape_configs": [{"job_name": "govnet", "static_configs": [{"targets": [exporter]}]}],
    }
    if alertmanager:
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]}
    return yaml.safe_dump(config)
