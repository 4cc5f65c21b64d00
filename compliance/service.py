"""Compliance services: gather device assets, scan, keep the scan, diff and write reports.

Typed functions for the CLI (and the demo, and a later API); they state problems without naming
CLI flags.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govnet.compliance.design import DEFAULT_PEAK_PERCENT, DEFAULT_WINDOW_DAYS, DesignAsset, read_design
from govnet.compliance.hosts import HostAsset, read_host
from govnet.compliance.model import Finding, Outcome
from govnet.compliance.pki import PkiAsset, read_pki
from govnet.compliance.report.writers import SCHEMA, ReportWriter, summary_parts
from govnet.compliance.scan import Asset, AssetInfo, Header, header, judge, scan
from govnet.compliance.scores import Diff, Tally
from govnet.compliance.sources import DeviceAsset, asset_from_text, config_files, read_files, read_live
from govnet.compliance.ssh import SshCredentials, parse_target, read_ssh_hosts
from govnet.errors import InputError
from govnet.settings import Settings
from govnet.store import Store
from govnet.verdict import Verdict

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
) -> Iterator[DeviceAsset]:
    """Device assets from config files/folders, else the backup folder; or live over SSH. Read
    lazily, one at a time as the scan asks (problems with the arguments are raised at once)."""
    if live:
        if inventory is None:
            raise InputError("a live scan needs an inventory to know the devices")
        from govnet.devices import load_devices

        return (read_live(d) for d in load_devices(inventory, overlay))
    if not configs:
        folder = backups_dir(home)
        if not folder.is_dir():
            raise InputError(f"no configurations given and no backup folder at {folder}")
        configs = [folder]
    missing = [str(p) for p in configs if not p.exists()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    if next(config_files(configs), None) is None:
        raise InputError(f"no configuration files in {', '.join(map(str, configs))}")
    return read_files(configs, vendor=vendor)


def gather_hosts(
    roots: Sequence[Path], ssh: Sequence[str] = (), creds: SshCredentials | None = None
) -> Iterator[HostAsset]:
    """Host assets from filesystem roots (a mounted image, a copy of /etc and friends, an
    extracted sosreport) and from hosts over SSH (``[user@]host[:port]``), each connected as the
    scan reaches it."""
    if not roots and not ssh:
        raise InputError("a host scan needs a filesystem root or an SSH host")
    targets = [parse_target(t) for t in ssh]
    creds = creds or SshCredentials()
    if targets:
        creds.check()
    return itertools.chain((read_host(root) for root in roots), read_ssh_hosts(targets, creds))


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


def check_config(text: str, *, vendor: str, level: int, name: str = "config") -> Verdict:
    """One configuration text (a rendered intended config, a capture) judged by every device check
    at ``level``: a Verdict of the device's findings as CheckResults (name "<clause> <check>",
    evidence with the lines). Provisioning's gate calls it before a push; nothing is stored."""
    asset = asset_from_text(text, source=name, vendor=vendor, name=name)
    result = scan([asset], level=level)
    return Verdict(asset.name, tuple(f.to_check_result() for f in result.findings if f.asset == asset.name))


ATTENTION = 1_000  # failures and errors a run keeps for the console (the reports have them all)


@dataclass(frozen=True)
class ScanRun:
    """What a streamed scan leaves in memory: counters, asset summaries, the diff and the first
    failures — never every finding."""

    header: Header
    assets: tuple[AssetInfo, ...]
    tally: Tally
    diff: Diff | None
    scan_id: int | None
    attention: tuple[Finding, ...]  # the first ATTENTION failures and errors
    written: tuple[Path, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON report's fields without the full findings list: ``findings`` holds the
        failures and errors (the first ATTENTION), ``findings_truncated`` says if there were more."""
        failing = self.tally.counts.get("fail", 0) + self.tally.counts.get("error", 0)
        return {
            "schema": SCHEMA,
            "standard": self.header.standard,
            "level": self.header.level,
            "started": self.header.started,
            **summary_parts(self.header, self.tally),
            "assets": [a.to_dict() for a in self.assets],
            "findings": [f.to_dict() for f in self.attention],
            "findings_truncated": failing > len(self.attention),
            "diff": self.diff.to_dict() if self.diff is not None else None,
            "scan_id": self.scan_id,
            "written": [str(p) for p in self.written],
        }


def run_scan(
    assets: Iterable[Asset],
    *,
    level: int,
    store: Store | None,
    out: Path | None = None,
    formats: tuple[str, ...] = (),
) -> ScanRun:
    """Scan, streaming each asset's findings to the store (when given: kept for later reports,
    diffed against the previous stored scan of the same level and asset kinds, rolled up for the
    exporter) and to the reports asked for in ``out``. Memory stays bounded by the assets'
    summaries, not by their findings."""
    from govnet.compliance.report import check_formats, open_reports

    check_formats(formats)
    head = header(level)
    tally = Tally()
    sinks: list[ReportWriter] = []  # the store's recorder, then the report writers
    recorder = None
    if store is not None:
        from govnet.compliance.history import ScanRecorder

        recorder = ScanRecorder(store)
        sinks.append(recorder)
    infos: list[AssetInfo] = []
    attention: list[Finding] = []
    diff: Diff | None = None
    with open_reports(out or Path("."), formats if out is not None else ()) as (writers, written):
        sinks += writers
        for sink in sinks:
            sink.begin(head)
        for result in judge(assets, level=level):
            if result.info is not None:
                infos.append(result.info)
            tally.add(result.findings)
            if len(attention) < ATTENTION:
                bad = [f for f in result.findings if f.outcome in (Outcome.FAIL, Outcome.ERROR)]
                attention += bad[: ATTENTION - len(attention)]
            for sink in sinks:
                sink.add(result)
        if recorder is not None and store is not None:
            # Stored first: the diff is the store's, against the scan of the same level and kinds.
            from govnet.compliance.history import previous_scan, stored_diff

            recorder.finish(tally, None)
            assert recorder.scan_id is not None  # set by begin()
            earlier = previous_scan(store, recorder.scan_id)
            diff = stored_diff(store, earlier, recorder.scan_id) if earlier is not None else None
        for sink in writers:
            sink.finish(tally, diff)
    scan_id = recorder.scan_id if recorder is not None else None
    return ScanRun(head, tuple(infos), tally, diff, scan_id, tuple(attention), tuple(written))
