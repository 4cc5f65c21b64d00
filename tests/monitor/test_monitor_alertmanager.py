"""The Alertmanager configuration under amtool: it loads, and routes by severity and site level."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from govnet.monitor.rulefiles import ALERTMANAGER_CONFIG

AMTOOL = shutil.which("amtool")
pytestmark = pytest.mark.skipif(
    AMTOOL is None, reason="amtool not installed (Debian prometheus-alertmanager)"
)


def amtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(AMTOOL), *args], capture_output=True, text=True, timeout=60)


def test_amtool_check_config_accepts_it() -> None:
    done = amtool("check-config", str(ALERTMANAGER_CONFIG))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 inhibit rules" in done.stdout


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (("severity=critical", "site_level=county"), "red-card-county"),
        (("severity=critical", "site_level=city"), "red-card-city"),
        (("severity=critical", "site_level=department"), "red-card-city"),
        (("alertname=Escalated", "severity=critical", "site_level=town"), "red-card-county"),
        (("severity=warning", "site_level=town"), "yellow-card-county"),
        (("severity=warning", "site_level=city"), "yellow-card-city"),
        (("severity=warning",), "yellow-card-county"),  # certificates have no site
        (("severity=info", "site_level=city"), "notice"),
    ],
)
def test_routes_by_severity_then_site_level(labels: tuple[str, ...], receiver: str) -> None:
    done = amtool("config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}", *labels)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == receiver
