"""What ``govnet provision`` calls: inventory in, ansible-runner run, summary and run folder out.

The CLI only renders these. ``provision`` exports the inventory the way ``govnet inventory ansible``
does (secret references only), hands it with the policy to ansible-runner's Python API, follows the
runner's events (progress, per-host results) and keeps everything in a run folder.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govnet.errors import InputError
from govnet.inventory import ansible as ansible_export
from govnet.inventory.loader import apply_overlay
from govnet.inventory.models import Inventory
from govnet.inventory.service import plan_at

from .policy import ProvisionPolicy, load_policy
from .render import Selection, render_all
from .runs import new_run, write_json
from .watch import ENV as WORKERS_ENV
from .watch import Watchdog

PLAYBOOKS = Path(__file__).parent
COLLECTIONS = PLAYBOOKS / "collections"
EVERY_DEVICE = Selection()


def load_planned(inventory: Path, overlay: Path | None) -> Inventory:
    """The inventory with its address plan (planned in memory where the plan file lacks entries),
    pointed at the lab when an overlay is given."""
    inv = plan_at(inventory, dry_run=True).inventory
    return apply_overlay(inv, overlay) if overlay is not None else inv


def prepare(
    inventory: Path, overlay: Path | None, policy_file: Path | None
) -> tuple[Inventory, dict[str, Any], ProvisionPolicy]:
    inv = load_planned(inventory, overlay)
    return inv, ansible_export.build(inv), load_policy(policy_file).with_networks_of(inv)


def render_to(
    inventory: Path,
    out: Path,
    *,
    overlay: Path | None = None,
    policy_file: Path | None = None,
    selection: Selection = EVERY_DEVICE,
) -> dict[str, Path]:
    _, data, policy = prepare(inventory, overlay, policy_file)
    configs = render_all(data, policy, selection)
    if not configs:
        raise InputError("no device matches the selection")
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for host, text in configs.items():
        path = out / f"{host}.cfg"
        path.write_text(text, encoding="utf-8")
        written[host] = path
    return written


@dataclass
class HostResult:
    host: str
    ok: int = 0
    changed: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0
    msg: str = ""
    # The compliance gate: "passed", "refused" (not pushed), "forced" (pushed over failing checks).
    compliance: str = ""
    failing: list[str] = field(default_factory=list)  # the failing checks' names ("8.1.4.1 d dev.x")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Outcome:
    run_dir: Path
    check: bool
    force: bool = False
    hosts: dict[str, HostResult] = field(default_factory=dict)
    rc: int = 0
    status: str = ""
    stopped: str = ""  # why govnet ended the run early (a vanished worker, the run timeout)

    @property
    def failed_hosts(self) -> list[str]:
        return [h for h, r in self.hosts.items() if r.failed or r.unreachable]

    @property
    def refused_hosts(self) -> list[str]:
        """Hosts the compliance gate refused (not pushed)."""
        return [h for h, r in self.hosts.items() if r.compliance == "refused"]

    def totals(self) -> dict[str, int]:
        keys = ("ok", "changed", "failed", "unreachable", "skipped")
        return {k: sum(getattr(r, k) for r in self.hosts.values()) for k in keys}

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_dir.name,
            "path": str(self.run_dir),
            "check": self.check,
            "force": self.force,
            "status": self.status,
            "stopped": self.stopped,
            "rc": self.rc,
            "totals": self.totals(),
            "hosts": {h: r.as_dict() for h, r in sorted(self.hosts.items())},
        }


def _limit(selection: Selection, data: dict[str, Any]) -> str | None:
    if selection.site:
        hosts = [h for h, hv in data["_meta"]["hostvars"].items() if selection.matches(h, hv)]
        if not hosts:
            raise InputError(f"no device in site {selection.site!r}")
        return ",".join(hosts)
    return selection.limit


def runner_env() -> dict[str, str]:
    """What Ansible needs to find the collection and run its modules with this Python."""
    paths = [str(COLLECTIONS), os.environ.get("ANSIBLE_COLLECTIONS_PATH", "")]
    return {
        "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join(p for p in paths if p),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
    }


def provision(
    inventory: Path,
    home: Path,
    *,
    overlay: Path | None = None,
    policy_file: Path | None = None,
    selection: Selection = EVERY_DEVICE,
    check: bool = False,
    diff: bool = False,
    forks: int = 5,
    tags: list[str] | None = None,
    on_host: Callable[[str, HostResult, dict[str, Any]], None] | None = None,
    via_worker: str | None = None,
    connect_timeout: float = 15.0,
    on_start: Callable[[list[str]], None] | None = None,
    force: bool = False,
    task_timeout: float = 900.0,
    run_timeout: float | None = None,
    vanish_grace: float = 20.0,
) -> Outcome:
    """Run playbooks/site.yml over the selected devices and keep the run's artifacts.

    ``force`` pushes devices whose intended configuration fails the compliance gate (refused
    otherwise); each such override is kept in the run folder's ``compliance/<host>.json``.

    No host can hold the run forever: its task fails after ``task_timeout`` seconds (Ansible's
    ``timeout`` keyword: a stalled device), a worker that vanished without a result is failed
    ``vanish_grace`` seconds after its process ended and the run stopped once the others reported
    (``watch.Watchdog``), and the whole run is stopped after ``run_timeout`` seconds (default: enough
    rounds of ``task_timeout`` for the hosts at ``forks``, plus five minutes)."""
    _, data, policy = prepare(inventory, overlay, policy_file)
    limit = _limit(selection, data)
    run_dir = new_run(home)
    hostvars = data["_meta"]["hostvars"]
    selected = (
        [h for h in hostvars if selection.matches(h, {**hostvars[h]})]
        if (limit or selection.site)
        else list(hostvars)
    )
    outcome = Outcome(run_dir, check, force, {h: HostResult(h) for h in sorted(selected)})
    if on_start is not None:
        on_start(sorted(selected))
    (run_dir / "intended").mkdir()
    (run_dir / "diffs").mkdir()
    (run_dir / "compliance").mkdir()
    private = run_dir / "runner"
    (private / "inventory").mkdir(parents=True)
    # The selected hosts and their link peers (whose sites name the uplinks), not the whole extranet.
    peers = {i.get("peer") for h in selected for i in hostvars[h].get("govnet_interfaces") or []}
    write_json(private / "inventory" / "hosts.json", ansible_export.static_from(data, {*selected, *peers}))
    workers = private / "workers"
    workers.mkdir(mode=0o700)
    watchdog = Watchdog(workers, outcome.hosts, grace=vanish_grace)
    rounds = -(-max(1, len(outcome.hosts)) // max(1, forks))
    run_timeout = run_timeout if run_timeout is not None else rounds * task_timeout + 300
    started = time.time()

    def event_handler(event: dict[str, Any]) -> bool:
        kind = event.get("event", "")
        ev = event.get("event_data", {})
        host = ev.get("host")
        if host is None or host not in outcome.hosts or not kind.startswith("runner_on_"):
            return True
        result = outcome.hosts[host]
        res = ev.get("res", {}) or {}
        if kind == "runner_on_ok":
            result.ok += 1
            result.changed += 1 if res.get("changed") else 0
        elif kind == "runner_on_failed" and not ev.get("ignore_errors"):
            if res.get("unreachable"):
                result.unreachable += 1
            else:
                result.failed += 1
            result.msg = str(res.get("msg", ""))
            if "Timed out after" in result.msg and watchdog.stage(host):  # Ansible's task timeout
                result.msg = f"{host}: the task timeout ended it; {watchdog.stage(host)}. ({result.msg})"
        elif kind == "runner_on_unreachable":
            result.unreachable += 1
            result.msg = str(res.get("msg", ""))
        elif kind == "runner_on_skipped":
            result.skipped += 1
        if kind in ("runner_on_ok", "runner_on_failed", "runner_on_unreachable", "runner_on_skipped"):
            watchdog.reported(host)
        if isinstance(res.get("compliance"), dict):
            _record_gate(run_dir, result, res["compliance"], refused=bool(res.get("refused")))
        if isinstance(res.get("intended"), str):
            (run_dir / "intended" / f"{host}.cfg").write_text(res["intended"], encoding="utf-8")
        prepared = (res.get("diff") or {}).get("prepared") if isinstance(res.get("diff"), dict) else None
        if prepared:
            (run_dir / "diffs" / f"{host}.diff").write_text(prepared, encoding="utf-8")
        if on_host is not None and kind in ("runner_on_ok", "runner_on_failed", "runner_on_unreachable"):
            on_host(host, result, res)
        return True

    cmdline = []
    if check:
        cmdline.append("--check")
    if diff:
        cmdline.append("--diff")
    kwargs: dict[str, Any] = {
        "private_data_dir": str(private),
        "project_dir": str(PLAYBOOKS),
        "playbook": "site.yml",
        "inventory": str(private / "inventory" / "hosts.json"),
        "extravars": {
            "govnet_provision": policy.for_ansible(),
            "govnet_connect_timeout": connect_timeout,
            "govnet_compliance_force": force,
            "govnet_task_timeout": int(task_timeout),
        },
        "envvars": {**runner_env(), WORKERS_ENV: str(workers)},
        "timeout": int(run_timeout),
        "cancel_callback": watchdog.should_stop,
        "forks": forks,
        "limit": limit,
        "tags": ",".join(tags) if tags else None,
        "cmdline": " ".join(cmdline) or None,
        "event_handler": event_handler,
        "quiet": True,
        "ident": "run",
    }
    if via_worker:
        from .worker import run_via_worker

        rc, status = run_via_worker(via_worker, kwargs)
    else:
        import ansible_runner

        _with_our_bin_on_path()
        r = ansible_runner.run(**{k: v for k, v in kwargs.items() if v is not None})
        rc, status = r.rc, r.status
    scrub_command_artifact(private / "artifacts" / "run" / "command")
    outcome.rc, outcome.status = rc, status
    _fail_the_silent(outcome, watchdog, run_timeout, on_host)
    write_json(run_dir / "summary.json", {"started": started, **outcome.as_dict()})
    return outcome


def _fail_the_silent(
    outcome: Outcome,
    watchdog: Watchdog,
    run_timeout: float,
    on_host: Callable[[str, HostResult, dict[str, Any]], None] | None,
) -> None:
    """Hosts without a result when the run ended are failed, with why: their worker vanished, the
    run timed out, or Ansible itself failed before reaching them."""
    if watchdog.vanished:
        outcome.stopped = f"stopped after a vanished Ansible worker: {', '.join(sorted(watchdog.vanished))}"
    elif outcome.status == "timeout":
        outcome.stopped = f"stopped by the run timeout ({run_timeout:.0f} s)"
    if outcome.status == "successful" and not watchdog.vanished:
        return  # hosts without events were filtered out by --tags
    for host, result in sorted(outcome.hosts.items()):
        if result.ok or result.failed or result.unreachable or result.skipped:
            continue
        result.failed += 1
        result.msg = (
            watchdog.vanished.get(host)
            or watchdog.explain(host)
            or (
                f"{host}: no result: the run ended ({outcome.status}, rc {outcome.rc})"
                + (f" — {outcome.stopped}" if outcome.stopped else "")
                + " before this host reported"
            )
        )
        if on_host is not None:
            on_host(host, result, {"msg": result.msg})


def _record_gate(run_dir: Path, result: HostResult, gate: dict[str, Any], *, refused: bool) -> None:
    """The gate's verdict on one host, in its summary line and (refused or forced) in full in
    ``compliance/<host>.json``."""
    result.compliance = "refused" if refused else "forced" if gate.get("forced") else "passed"
    result.failing = [str(f.get("check", "")) for f in gate.get("failing") or []]
    if result.compliance != "passed":
        write_json(run_dir / "compliance" / f"{result.host}.json", {"host": result.host, **gate})


def _with_our_bin_on_path() -> None:
    """ansible-runner finds ansible-playbook on PATH: make it this installation's."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])


_KEPT_ENV = ("ANSIBLE_", "RUNNER_", "AWX_", "PATH", "HOME", "LANG", "PYTHON")


def scrub_command_artifact(path: Path) -> None:
    """ansible-runner records its whole environment in ``artifacts/<ident>/command``, secrets that
    inventories reference as ``env:NAME`` included; keep only the variables that explain the run."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    env = data.get("env") or {}
    data["env"] = {k: v for k, v in env.items() if k.startswith(_KEPT_ENV)}
    write_json(path, data)
    path.chmod(0o600)
