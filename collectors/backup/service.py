"""One backup run: fetch every device (threads, bounded), clean, parse facts, commit what changed.

netmiko is blocking, so devices are fetched in a thread pool (``concurrency`` at once); everything
touching the git repository happens in the calling thread after the fetches. A device that fails
keeps its last good backup and is named in the result with why; the others are committed.
"""

from __future__ import annotations

import fnmatch
import json
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govnet.collectors.backup.facts import device_facts
from govnet.collectors.backup.fetch import Fetched, FetchError, fetch_device
from govnet.collectors.backup.repo import BackupRepo, config_path, facts_path
from govnet.collectors.backup.rules import clean
from govnet.devices import Resolver
from govnet.errors import GovnetError, InputError
from govnet.secrets import resolve_secret

if TYPE_CHECKING:
    from govnet.inventory.models import Device

Fetch = Callable[["Device"], Fetched]


@dataclass(frozen=True)
class BackupOptions:
    concurrency: int = 32  # SSH sessions at once
    timeout: float = 20.0  # per connection step and per command
    facts: bool = True


@dataclass
class DeviceBackup:
    device: str
    vendor: str
    status: str = "failed"  # new | changed | unchanged | failed
    error_kind: str = ""
    error: str = ""
    changed_files: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    fact_errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"device": self.device, "vendor": self.vendor, "status": self.status}
        if self.ok:
            out |= {"changed_files": self.changed_files, "facts": self.facts, "fact_errors": self.fact_errors}
        else:
            out |= {"error_kind": self.error_kind, "error": self.error}
        out["seconds"] = round(self.seconds, 3)
        return out


@dataclass
class BackupRun:
    repository: str
    devices: list[DeviceBackup]
    commit: str | None = None
    message: str = ""

    @property
    def changed(self) -> list[DeviceBackup]:
        return [d for d in self.devices if d.status in ("new", "changed")]

    @property
    def failed(self) -> list[DeviceBackup]:
        return [d for d in self.devices if not d.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "repository": self.repository,
            "commit": self.commit,
            "message": self.message,
            "devices": len(self.devices),
            "changed": [d.device for d in self.changed],
            "failed": {d.device: f"{d.error_kind}: {d.error}" for d in self.failed},
            "results": [d.to_dict() for d in self.devices],
        }


def select_devices(devices: Iterable[Device], limit: str | None) -> list[Device]:
    """The devices whose host name matches ``limit`` (an fnmatch pattern), all without one."""
    chosen = [d for d in devices if not limit or fnmatch.fnmatch(d.hostname, limit)]
    if limit and not chosen:
        raise InputError(f"--limit {limit!r} matches no device")
    return chosen


def _collect(device: Device, fetch: Fetch) -> tuple[DeviceBackup, str | None]:
    """Fetch, clean and parse one device (runs in a worker thread)."""
    result = DeviceBackup(device.hostname, str(device.vendor))
    started = time.perf_counter()
    try:
        fetched = fetch(device)
        config = clean(result.vendor, fetched.config)
        result.facts, result.fact_errors = device_facts(result.vendor, fetched.outputs)
        result.status = "unchanged"
        return result, config
    except FetchError as exc:
        result.error_kind, result.error = exc.kind, exc.message
        return result, None
    except GovnetError as exc:  # this device's inventory entry: a secret not set, an unknown vendor
        result.error_kind, result.error = "input", str(exc)
        return result, None
    finally:
        result.seconds = time.perf_counter() - started


def _message(changed: list[DeviceBackup]) -> str:
    names = [d.device for d in changed]
    head = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    body = "\n".join(f"{d.device}: {d.status} ({', '.join(d.changed_files)})" for d in changed)
    return f"backup: {len(names)} device(s) changed: {head}\n\n{body}\n"


def _write(repo: BackupRepo, result: DeviceBackup, config: str, facts: bool) -> list[str]:
    """Write the device's files where they differ from the last backup; the paths written."""
    files = {config_path(result.device): config}
    if facts:
        kept = {"device": result.device, "vendor": result.vendor, "facts": result.facts}
        files[facts_path(result.device)] = json.dumps(kept, indent=2, sort_keys=True) + "\n"
    for path, text in files.items():
        before = repo.current(path)
        if before == text:
            continue
        repo.write(path, text)
        result.changed_files.append(path)
        if path.startswith("configs/"):
            result.status = "new" if before is None else "changed"
        elif result.status == "unchanged":
            result.status = "changed"
    return result.changed_files


def run_backup(
    devices: list[Device],
    root: Path,
    options: BackupOptions = BackupOptions(),
    *,
    resolve: Resolver = resolve_secret,
    fetch: Fetch | None = None,
) -> BackupRun:
    """Back up ``devices`` into the git repository at ``root``: one commit naming the devices that
    changed, none when nothing did. ``fetch`` defaults to netmiko (``fetch_device``)."""
    repo = BackupRepo.open(root)

    def default_fetch(device: Device) -> Fetched:
        return fetch_device(device, resolve=resolve, timeout=options.timeout, facts=options.facts)

    fetch = fetch or default_fetch
    repo.discard_uncommitted()  # a run that died before its commit left files: judge them again
    results: list[DeviceBackup | None] = [None] * len(devices)
    staged: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, min(options.concurrency, len(devices) or 1))) as pool:
        futures = {pool.submit(_collect, d, fetch): i for i, d in enumerate(devices)}
        # written as they complete: only the configurations in flight are held in memory
        for future in as_completed(futures):
            result, config = future.result()
            results[futures[future]] = result
            if config is not None:
                staged += _write(repo, result, config, options.facts)
    run = BackupRun(str(root), [r for r in results if r is not None])
    if run.changed:
        run.message = _message(run.changed)
        run.commit = repo.commit(staged, run.message)
    return run
