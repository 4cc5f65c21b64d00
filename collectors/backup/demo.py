"""Demo step for config backups: back up the running lab, change one device at its CLI, back up again.

The second run makes one commit naming that device and its diff shows the typed line; a third run
commits nothing. Needs the demo's lab (``ctx.state["lab_running"]``); failures go to ``ctx.failures``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def run(ctx: Any) -> None:
    ctx.section("Collectors: config backups (netmiko, git history, TextFSM facts)")
    ctx.lab_step("backup", _backup_twice)


def _backup_twice(ctx: Any) -> None:
    from netmiko import ConnectHandler
    from rich.markup import escape

    from govnet.collectors.backup.cli import render_run
    from govnet.collectors.backup.repo import BackupRepo
    from govnet.collectors.backup.service import run_backup
    from govnet.devices import load_devices, netmiko_params
    from govnet.lab.service import sample_inventory
    from govnet.vendors import vendor_spec

    devices = list(
        load_devices(Path(ctx.state.get("inventory_path") or sample_inventory()), ctx.state["lab_overlay"])
    )
    root = ctx.settings.home / "backups"
    first = run_backup(devices, root)
    render_run(ctx.console, first)
    if first.failed:
        ctx.failures.append(f"backup: {len(first.failed)} device(s) failed")
    device = next(d for d in devices if not any(r.device == d.hostname for r in first.failed))
    line = "description changed during the govnet demo"
    interface = vendor_spec(device.vendor).factory.loopback_interface  # created on first use
    ctx.console.print(f"typing at {device.hostname}: interface {interface} / {line}")
    with ConnectHandler(**netmiko_params(device)) as conn:
        conn.send_config_set([f"interface {interface}", line])
    second = run_backup(devices, root)
    ctx.console.print(
        f"second run: {escape(second.message.splitlines()[0] if second.message else 'no commit')}"
    )
    diff = BackupRepo(root).diff(device.hostname) if second.commit else ""
    ctx.console.print(escape(diff), highlight=False)
    third = run_backup(devices, root)
    ctx.console.print(
        f"third run: {'no change, nothing committed' if third.commit is None else 'committed?!'}"
    )
    if [d.device for d in second.changed] != [device.hostname] or f"+ {line}" not in diff:
        ctx.failures.append(f"backup: the change typed at {device.hostname} was not the one commit")
    if third.commit is not None:
        ctx.failures.append("backup: a run without changes made a commit")
