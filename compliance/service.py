"""Compliance services: gather device assets, scan, keep the scan, diff and write reports.

Typed functions for the CLI (and the demo, and a later API); they state problems without naming
CLI flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from govnet.compliance.design import DEFAULT_PEAK_PERCENT, DEFAULT_WINDOW_DAYS, DesignAsset, read_design
from govnet.compliance.hosts import HostAsset, read_host
from govnet.compliance.pki import PkiAsset, read_pki
from govnet.compliance.scan import Asset, Scan, scan
from govnet.compliance.scores import Diff, diff
from govnet.compliance.sources import DeviceAsset, read_files, read_live
from govnet.errors import InputError
from govnet.settings import Settings
from govnet.store import Store

ASSET_KINDS = ("devices", "hosts", "pki", "design")
BUILT = ("devices", "hosts", "design", "pki")  # asset kinds with checks today (the others: manual items only)


def parse_kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in ASSET_KINDS]
    if unknown or not kinds:
        raise InputError(
            f"asset kinds {', '.join(unknown) or '(none)'}: choose among {', '.join(ASSET_KINDS)}"
        )
    missing = [k for k in kinds if k not in BUILT]
    if missing:
        raise InputError(
            f"no checks for {', '.join(missing)} yet (checks exist for: {', '.join(BUILT)}); "
            "their requirements appear as manual items in every scan"
        )
    return kinds


def backups_dir(home: Path) -> Path:
    """Where the config-backup collector keeps ``<device>.cfg`` files (a git repository)."""
    return home / "backups"


def gather_devices(
    configs: Sequence[Path],
    *,
    home: Path,
    vendor: str | None = None,
    inventory: Path | None = None,
    overlay: Path | None = None,
    live: bool = False,
) -> list[DeviceAsset]:
    """Device assets from config files/folders, else the backup folder; or live over SSH."""
    if live:
        if inventory is None:
            raise InputError("a live scan needs an inventory to know the devices")
        from govnet.devices import load_devices

        return [read_live(d) for d in load_devices(inventory, overlay)]
    if not configs:
        folder = backups_dir(home)
        if not folder.is_dir():
            raise InputError(f"no configurations given and no backup folder at {folder}")
        configs = [folder]
    missing = [str(p) for p in configs if not p.exists()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    assets = list(read_files(configs, vendor=vendor))
    if not assets:
        raise InputError(f"no configuration files in {', '.join(map(str, configs))}")
    return assets


def gather_hosts(roots: Sequence[Path]) -> list[HostAsset]:
    """Host assets from filesystem roots (a mounted image, a copy of /etc and friends)."""
    if not roots:
        raise InputError("a host scan needs at least one filesystem root")
    return [read_host(root) for root in roots]


def gather_design(
    inventory: Path | None,
    *,
    history: Store | None = None,
    backups: Path | None = None,
    policy: Path | None = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
    threshold: float = DEFAULT_PEAK_PERCENT,
) -> list[DesignAsset]:
    """The design asset: the inventory, with the collectors' history (``history``: their store),
    the config backups and the provisioning policy's management targets."""
    if inventory is None:
        raise InputError("a design scan needs the inventory")
    if not inventory.exists():
        raise InputError(f"no such inventory: {inventory}")
    if policy is not None:
        if not policy.is_file():
            raise InputError(f"no such provisioning policy file: {policy}")
        from govnet.playbooks.policy import load_policy

        load_policy(policy)  # a broken policy file is bad input, named here (InputError)
    if not window_days > 0:
        raise InputError(f"the bandwidth window must be a positive number of days, not {window_days:g}")
    if not 0 < threshold <= 100:
        raise InputError(f"the bandwidth threshold is a percentage in (0, 100], not {threshold:g}")
    return [
        read_design(
            inventory,
            history=history,
            backups=backups,
            policy=policy,
            window_days=window_days,
            threshold=threshold,
        )
    ]


def gather_pki(settings: Settings, key_paths: Sequence[Path] = ()) -> list[PkiAsset]:
    """The configured PKI and e-seal service (its store), plus key files in ``key_paths``."""
    missing = [str(p) for p in key_paths if not p.exists()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    return [read_pki(settings, key_paths=key_paths)]


@dataclass(frozen=True)
class ScanRun:
    scan: Scan
    scan_id: int | None
    diff: Diff | None


def run_scan(assets: Iterable[Asset], *, level: int, store: Store | None) -> ScanRun:
    """Scan, keep it in the store (when given) and diff it against the previous stored scan."""
    result = scan(assets, level=level)
    if store is None:
        return ScanRun(result, None, None)
    from govnet.compliance.history import load_scan, save_scan
    from govnet.errors import NotFoundError

    scan_id = save_scan(store, result)
    try:
        _, previous = load_scan(store, before=scan_id)
    except NotFoundError:
        return ScanRun(result, scan_id, None)
    return ScanRun(result, scan_id, diff(previous.findings, result.findings))
