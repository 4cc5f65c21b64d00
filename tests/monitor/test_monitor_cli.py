"""`govnet monitor serve` as a user runs it: a real process on a loopback port, stopped by SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from test_monitor_exporter import fetch

from govnet.monitor.promrun import free_port, wait_until


def test_serve_answers_metrics_and_probe_then_stops_on_interrupt(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "GOVNET_HOME": str(tmp_path)}
    env.pop("GOVNET_DEBUG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "govnet.cli", "monitor", "serve", "--listen", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        status, text = wait_until(lambda: fetch(url + "/metrics"), 60, "govnet monitor serve")
        assert status == 200
        assert "govnet_device_reachable" in text  # the family is described even before any poll
        status, text = fetch(url + "/probe?target=nowhere")
        assert status == 400 and "nowhere" in text and "韶关市电子政务外网" in text
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"127.0.0.1:{port}/metrics" in err
