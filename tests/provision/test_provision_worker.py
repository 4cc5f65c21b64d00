"""--via-worker: the job streamed (ansible-runner transmit → worker → process) to a worker inside a
network namespace that reaches the lab over a veth pair gives the same summary, artifacts and
device state as a local run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml
from netns_forward import HOST_END, forward, namespace
from provision_hosts import HOSTS

from govnet.playbooks.render import Selection
from govnet.playbooks.service import provision

pytestmark = [
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        os.geteuid() != 0 or shutil.which("ip") is None, reason="network namespaces need root and iproute2"
    ),
]
LIMIT = Selection(limit=",".join(HOSTS.values()))


def test_a_run_streamed_to_a_worker_in_a_namespace_matches_a_local_run(rig, tmp_path):
    ports = [rig.port(h) for h in HOSTS.values()]
    overlay = yaml.safe_load(rig.overlay.read_text())
    for entry in overlay["devices"].values():  # the worker reaches the lab at the veth's host end
        entry["ssh"]["host"] = HOST_END
        entry.pop("snmp", None)
    worker_overlay = tmp_path / "overlay-worker.yaml"
    worker_overlay.write_text(yaml.safe_dump(overlay))
    with namespace() as ns, forward(ports):
        probe = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                ns,
                sys.executable,
                "-c",
                f"import socket; socket.create_connection(('{HOST_END}', {ports[0]}), 5).close()",
            ],
            capture_output=True,
            timeout=30,
        )
        assert probe.returncode == 0, probe.stderr
        streamed = provision(
            rig.inventory,
            rig.home,
            overlay=worker_overlay,
            selection=LIMIT,
            diff=True,
            forks=3,
            via_worker=f"ip netns exec {ns} {sys.executable} -m ansible_runner worker",
        )
    local = provision(rig.inventory, rig.home, overlay=rig.overlay, selection=LIMIT, forks=3)
    assert streamed.rc == 0 and not streamed.failed_hosts
    assert set(streamed.hosts) == set(local.hosts) == set(HOSTS.values())
    assert all(r.ok == 1 and r.changed == 1 for r in streamed.hosts.values())  # a fresh lab: it changed
    assert local.totals()["changed"] == 0  # ...and the devices are now as a local run leaves them
    for host in HOSTS.values():
        assert (streamed.run_dir / "intended" / f"{host}.cfg").read_text() == (
            local.run_dir / "intended" / f"{host}.cfg"
        ).read_text()
        assert (streamed.run_dir / "diffs" / f"{host}.diff").stat().st_size > 0
    assert list((streamed.run_dir / "runner" / "artifacts" / "run" / "job_events").glob("*.json"))
