"""No device holds a run forever: an Ansible worker killed mid-push fails its host (with the stage it
reached) and the run ends once the others report; a stalled device fails its host after the task
timeout. The other hosts succeed, and running again converges."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import pytest
from provision_hosts import HOSTS

from govnet.playbooks.render import Selection
from govnet.playbooks.service import provision

pytestmark = pytest.mark.timeout(900)
LIMIT = Selection(limit=",".join(HOSTS.values()))


def _kill_when_pushing(home: Path, host: str, killed: list[int], stop: threading.Event) -> None:
    """SIGKILL ``host``'s Ansible worker once it has started typing (its pid from the worker file)."""
    while not stop.wait(0.05):
        for path in home.glob(f"provision/runs/*/runner/workers/{host}.json"):
            try:
                state = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if state.get("stage") == "pushing":
                os.kill(int(state["pid"]), signal.SIGKILL)
                killed.append(int(state["pid"]))
                return


def test_a_worker_killed_mid_push_fails_its_host_and_the_run_ends(rig, tmp_path):
    victim = HOSTS["h3c_comware"]
    home = tmp_path / "home"
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=_kill_when_pushing, args=(home, victim, killed, stop), daemon=True)
    rig.lab.fault(victim, "slow", seconds=0.5)  # keeps the victim's push going long enough to be killed
    killer.start()
    try:
        # forks 1: the dead worker's slot goes to the next host, so Ansible itself would wait forever.
        out = provision(rig.inventory, home, overlay=rig.overlay, selection=LIMIT, forks=1, vanish_grace=3)
    finally:
        stop.set()
        rig.lab.fault(victim, "slow", clear=True)
    assert killed, "the victim's worker never reached the push"
    assert out.failed_hosts == [victim]
    why = out.hosts[victim].msg
    assert f"pid {killed[0]}" in why and "ended without a result while pushing" in why
    assert "saved config is untouched" in why
    assert all(r.ok == 1 and r.failed == 0 for h, r in out.hosts.items() if h != victim)
    assert "vanished" in out.stopped  # govnet's watchdog ended the run, not Ansible
    summary = json.loads((out.run_dir / "summary.json").read_text())
    assert summary["hosts"][victim]["failed"] == 1 and summary["stopped"] == out.stopped
    again = provision(rig.inventory, home, overlay=rig.overlay, selection=LIMIT, forks=3)
    assert again.failed_hosts == [] and again.hosts[victim].ok == 1


def test_a_stalled_device_fails_its_host_after_the_task_timeout(rig, tmp_path):
    victim = HOSTS["cisco_ios"]
    rig.lab.fault(victim, "slow", seconds=60)
    try:
        out = provision(
            rig.inventory, tmp_path / "home", overlay=rig.overlay, selection=LIMIT, forks=3, task_timeout=8
        )
    finally:
        rig.lab.fault(victim, "slow", clear=True)
    assert out.failed_hosts == [victim]
    why = out.hosts[victim].msg
    assert "task timeout" in why and "Timed out after 8 second" in why and "it was " in why, why
    assert all(r.ok == 1 for h, r in out.hosts.items() if h != victim)


def test_the_watchdog_waits_for_the_grace_and_for_every_other_host(tmp_path):
    from govnet.playbooks.watch import Watchdog

    now = [0.0]
    dead = {111}
    dog = Watchdog(tmp_path, ["a", "b"], grace=5, clock=lambda: now[0], is_alive=lambda pid: pid not in dead)
    assert not dog.should_stop()  # nobody has a worker file yet: nothing is known to be gone
    (tmp_path / "a.json").write_text(json.dumps({"pid": 111, "stage": "pushing"}))
    assert not dog.should_stop()  # dead, but within the grace (its result may still be in flight)
    now[0] = 6
    assert not dog.should_stop() and "a" in dog.vanished  # vanished, but "b" has not reported
    dog.reported("b")
    assert dog.should_stop()
    assert "while pushing" in dog.vanished["a"] and "saved config is untouched" in dog.vanished["a"]
