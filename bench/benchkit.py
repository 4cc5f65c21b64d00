"""Small helpers the benchmarks share (imported as `benchkit`: each script runs with bench/ on sys.path)."""

from __future__ import annotations

import os


def pin_to_one_cpu() -> int | None:
    """Run this process on one CPU, as `openssl speed` does, so figures compare per core.
    Returns the CPU's number, or None where affinity cannot be set."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        return None
    return cpu


class Best(dict[str, float]):
    """The best figure seen per name over rounds: on a shared machine, best-of is least disturbed."""

    def keep(self, name: str, value: float) -> None:
        self[name] = max(self.get(name, 0.0), value)
