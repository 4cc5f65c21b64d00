"""Demo step for the collectors: poll the running lab's whole extranet twice over SNMP.

Shows each inventory link's tier, negotiated speed, traffic, utilisation (against ifHighSpeed and
against the tier) and IPv6 state, with what LLDP hears, then the findings. Between the two polls a
link is taken down and another surges through the lab's control socket, so the findings and the
utilisation show them. Needs the demo's lab (``ctx.state["lab_running"]``); failures go to
``ctx.failures``.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from govnet.collectors.backup import demo as backup_demo


def run(ctx: Any) -> None:
    ctx.section("Collectors: the SNMP poller (links, tiers, utilisation, IPv6, LLDP, findings)")
    ctx.lab_step("collectors", _poll_twice)
    backup_demo.run(ctx)  # config backups of the same lab (collectors/backup/demo.py)


def _poll_twice(ctx: Any) -> None:
    from govnet.collectors.cli import render_result
    from govnet.collectors.snmp.poller import PollOptions
    from govnet.collectors.snmp.service import run_once, select_targets
    from govnet.inventory.loader import load_inventory
    from govnet.lab.service import inject_fault, sample_inventory
    from govnet.store import Store

    inventory = load_inventory(
        Path(ctx.state.get("inventory_path") or sample_inventory()), overlay=ctx.state["lab_overlay"]
    )
    targets, skipped = select_targets(inventory)
    # Patient: the demo shares a 2-core machine with 83 simulated devices (a 2 s timeout once lost one)
    options = PollOptions(timeout=5.0, retries=2)
    core = next(d for d in inventory.devices if d.role.value == "core")
    uplinks = [link for link in inventory.links if core.hostname in (link.a.device, link.b.device)]
    ends = [
        (e.device, e.interface) for link in uplinks[:2] for e in (link.a, link.b) if e.device == core.hostname
    ]
    faults = [(ends[0], "link-down"), (ends[1], "surge")] if len(ends) >= 2 else []
    with Store.open(ctx.settings.effective_store_url) as store:
        # Faults first, so that both polls (and the rates between them) see them.
        for (device, port), kind in faults:
            ctx.console.print(inject_fault(ctx.settings, device, kind, port), highlight=False)
        try:
            started = time.monotonic()
            first = run_once(inventory, store, targets, options)
            took = time.monotonic() - started
            ctx.console.print(
                f"first poll: {len(first.polls)} devices, {first.values} values in {took:.1f} s"
                " (rates need a second poll)"
            )
            time.sleep(2.0)
            second = run_once(inventory, store, targets, options)
        finally:
            for (device, port), kind in faults:
                inject_fault(ctx.settings, device, kind, port, clear=True)
    render_result(ctx.console, second, title="second poll (one row per link)", one_end=True)
    counts = Counter(f.rule for f in second.findings)
    ctx.console.print("findings by rule: " + ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())))
    if second.failed or skipped:
        ctx.failures.append(f"collectors: {len(second.failed)} device(s) not polled, {len(skipped)} skipped")
    if faults:
        (down_dev, down_port), _ = faults[0]
        (surge_dev, surge_port), _ = faults[1]
        seen_down = any(
            f.rule == "link.down" and f.device == down_dev and f.interface == down_port
            for f in second.findings
        )
        surged = [s for s in second.links if (s.end.device, s.end.interface) == (surge_dev, surge_port)]
        if not seen_down:
            ctx.failures.append(f"collectors: the link-down fault on {down_dev} {down_port} was not found")
        if not surged or (surged[0].util_speed or 0) < 80:
            ctx.failures.append(
                f"collectors: the surge on {surge_dev} {surge_port} did not show as utilisation"
            )
