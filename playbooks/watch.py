"""Keep a run from waiting forever for an Ansible worker that is gone.

ansible-core forks a worker per host and waits for its result. A worker that dies without one
(SIGKILL, the out-of-memory killer, a crash in a C extension) leaves the strategy waiting: the
linear strategy's dead-worker check only sees the workers still in its slots, and a dead worker's
slot is handed to the next host, so ansible-playbook waits for a result that never comes.

Each ``govnet.extranet.config`` task writes ``<host>.json`` into the run's worker folder
(``$GOVNET_PROVISION_WORKERS``) with its process id and how far it got (connecting, pushing,
saving, done). The runner's cancel callback asks ``Watchdog.should_stop`` every few seconds: a
host whose worker process has ended without a result for ``grace`` seconds has vanished; once
every other host has reported, the run is stopped and the vanished hosts are failed with the
stage they reached (see ``STAGES``), so the device's state is known.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ENV = "GOVNET_PROVISION_WORKERS"

# What a device holds when its worker vanished at each stage.
STAGES = {
    "connecting": "nothing was typed",
    "reading": "nothing was typed",
    "pushing": "its running config may hold part of the change; the saved config is untouched",
    "rolling back": "its running config may hold part of the change; the saved config is untouched",
    "saving": "the change was applied; the save may not have completed",
    "done": "the push had finished",
}


def mark(host: str, stage: str, folder: str | None = None) -> None:
    """Record, from the worker, that ``host``'s task reached ``stage`` (no-op outside a govnet run)."""
    folder = folder if folder is not None else os.environ.get(ENV)
    if not folder:
        return
    path = Path(folder) / f"{host}.json"
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps({"pid": os.getpid(), "stage": stage, "at": time.time()}), encoding="utf-8")
        tmp.replace(path)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie has ended: it only waits to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not Path("/proc").is_dir()
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


class Watchdog:
    def __init__(
        self,
        folder: Path,
        hosts: Iterable[str],
        *,
        grace: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
        is_alive: Callable[[int], bool] = alive,
    ) -> None:
        self.folder = folder
        self.pending = set(hosts)
        self.grace = grace
        self.clock = clock
        self.is_alive = is_alive
        self.dead_since: dict[str, float] = {}
        self.vanished: dict[str, str] = {}  # host -> why, once declared

    def reported(self, host: str) -> None:
        """``host`` has a result (ok, failed, unreachable, skipped)."""
        self.pending.discard(host)
        self.dead_since.pop(host, None)

    def _state(self, host: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / f"{host}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def stage(self, host: str) -> str:
        """How far ``host``'s task got, and what that means for the device ("" when unknown)."""
        state = self._state(host) or {}
        stage = str(state.get("stage", ""))
        return f"it was {stage}: {STAGES[stage]}" if stage in STAGES else ""

    def explain(self, host: str) -> str:
        """Why ``host`` has no result, when its worker is known to have ended; else ""."""
        state = self._state(host)
        if state is None or self.is_alive(int(state.get("pid", 0))):
            return ""
        stage = str(state.get("stage", "?"))
        return (
            f"{host}: the Ansible worker (pid {state.get('pid')}) ended without a result while {stage}"
            f" (killed or crashed: out of memory?); {STAGES.get(stage, 'state unknown')}."
            " Run again to converge."
        )

    def check(self) -> None:
        """Declare vanished the pending hosts whose worker ended more than ``grace`` seconds ago."""
        now = self.clock()
        for host in sorted(self.pending - set(self.vanished)):
            why = self.explain(host)
            if not why:
                self.dead_since.pop(host, None)
            elif now - self.dead_since.setdefault(host, now) >= self.grace:
                self.vanished[host] = why

    def should_stop(self) -> bool:
        """True once every host has reported or vanished, and at least one vanished: nothing is
        left to wait for but results that will never come."""
        self.check()
        return bool(self.vanished) and self.pending <= set(self.vanished)
