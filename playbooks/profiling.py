"""Where a device's CPU goes inside Ansible's worker, on request (``GOVNET_PROVISION_PROFILE=DIR``).

Each ``govnet.extranet.config`` task then writes ``DIR/<host>.prof`` (cProfile, in CPU time, of
the task's main thread: render, gate, diff, the session's client side) and ``DIR/<host>.json``: the worker
process's CPU (all its threads: paramiko's transport thread too) and minor page faults, from its
fork to the task's start and during the task. ``summarize`` adds them up over a run, so
bench/bench_provision.py can say what a device costs in the worker and where. Unset, it costs
nothing.
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import pstats
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ENV = "GOVNET_PROVISION_PROFILE"
# "0": the CPU and page-fault records only, without cProfile (whose own cost, a clock read per
# call, would be counted in them).
FUNCTIONS_ENV = "GOVNET_PROVISION_PROFILE_FUNCTIONS"


def _usage() -> dict[str, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)  # this worker since its fork
    full = gc.get_stats()[2]  # full collections walk every object, the inherited ones too
    return {
        "user": ru.ru_utime,
        "sys": ru.ru_stime,
        "minflt": float(ru.ru_minflt),
        "full_gc": float(full["collections"]),
    }


@contextmanager
def profiled(host: str, folder: str | None = None) -> Iterator[None]:
    folder = folder if folder is not None else os.environ.get(ENV)
    if not folder:
        yield
        return
    prof = cProfile.Profile(time.thread_time) if os.environ.get(FUNCTIONS_ENV) != "0" else None
    start = _usage()
    if prof is not None:
        prof.enable()  # CPU of the task's thread, not its waits
    try:
        yield
    finally:
        if prof is not None:
            prof.disable()
        end = _usage()
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        if prof is not None:
            prof.dump_stats(str(out / f"{host}.prof"))
        task = {k: end[k] - start[k] for k in end}
        (out / f"{host}.json").write_text(json.dumps({"before_task": start, "task": task}), encoding="utf-8")


def summarize(folder: Path, top: int = 45) -> dict[str, Any]:
    """Per-device means of the workers' CPU (before the task, in it; user and system) and page
    faults, and the task's functions by cumulative time summed over every device."""
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    if not records:
        return {"devices": 0}
    n = len(records)
    mean = {
        part: {k: sum(r[part].get(k, 0.0) for r in records) / n for k in ("user", "sys", "minflt", "full_gc")}
        for part in ("before_task", "task")
    }
    profiles = [str(p) for p in sorted(folder.glob("*.prof"))]
    if not profiles:
        return {"devices": n, "mean": mean, "functions": []}
    stats = pstats.Stats(*profiles)
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3], reverse=True)[:top]  # type: ignore[attr-defined]
    functions = [
        {"function": f"{Path(file).name}:{line}({name})", "cumulative_s": ct / n, "own_s": tt / n}
        for (file, line, name), (_, _, tt, ct, _) in rows
    ]
    return {"devices": n, "mean": mean, "functions": functions}
