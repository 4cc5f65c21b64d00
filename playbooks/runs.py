"""Run folders: every provisioning run keeps what it rendered, what it changed and every runner
event under ``$GOVNET_HOME/provision/runs/<run id>/`` (as ansible-runner keeps its artifacts).

Layout: ``summary.json``, ``intended/<host>.cfg``, ``diffs/<host>.diff``, ``compliance/<host>.json``
(a device the compliance gate refused, or one pushed over it with ``--force``), and the runner's own
private data dir (``inventory/``, ``env/``, ``artifacts/<ident>/job_events/*.json``, ``stdout``).
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

from govnet.errors import NotFoundError


def runs_root(home: Path) -> Path:
    return home / "provision" / "runs"


def new_run(home: Path) -> Path:
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    path = runs_root(home) / run_id
    path.mkdir(parents=True, mode=0o700)
    return path


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)


def list_runs(home: Path) -> list[dict[str, Any]]:
    """Every run, newest first, with its summary's totals."""
    root = runs_root(home)
    out = []
    for path in sorted(root.glob("*/summary.json"), reverse=True):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append(
            {"run": path.parent.name, **{k: data.get(k) for k in ("started", "check", "totals", "status")}}
        )
    return out


def show_run(home: Path, run_id: str) -> dict[str, Any]:
    path = runs_root(home) / run_id
    if not run_id or "/" in run_id or not (path / "summary.json").is_file():
        raise NotFoundError(f"no provisioning run {run_id!r} (govnet provision runs lists them)")
    data: dict[str, Any] = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    data["path"] = str(path)
    data["diffs"] = {p.stem: p.read_text(encoding="utf-8") for p in sorted((path / "diffs").glob("*.diff"))}
    # The compliance gate's refusals and forced overrides, each with its failing checks.
    gates = sorted((path / "compliance").glob("*.json"))
    data["compliance"] = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in gates}
    return data
