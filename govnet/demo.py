"""`govnet demo`: the main job, end to end on the built-in sample extranet and device lab.

Each area contributes one step in its own ``demo.py``; this module only orders them, gives them a
shared context and makes sure the lab is stopped whatever happens.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.rule import Rule

from govnet.errors import GovnetError
from govnet.output import console as default_console
from govnet.settings import Settings, load_settings


@dataclass
class DemoContext:
    settings: Settings
    console: Console
    workdir: Path  # scratch space for this run; GOVNET_HOME points here
    state: dict[str, Any] = field(default_factory=dict)  # what earlier steps leave for later ones
    failures: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        self.console.print(Rule(f"[bold]{title}"))

    def lab_step(self, area: str, body: Callable[[DemoContext], None]) -> None:
        """Run a step that drives the demo's running lab: skipped (and said so) without one; an
        exception is recorded in ``failures`` under ``area`` so that the other steps still run."""
        if not (self.state.get("lab_running") and self.state.get("lab_overlay")):
            self.console.print(f"no lab running: the {area} step needs the demo's lab")
            return
        try:
            body(self)
        except Exception as exc:  # report, never crash the demo
            self.failures.append(f"{area}: {type(exc).__name__}: {exc}")
            self.console.print(f"[red]{area} failed:[/] {type(exc).__name__}: {exc}")


def run_demo(workdir: str | None = None, console: Console | None = None) -> int:
    """Run every step; return the exit code (0 when each step did what it should)."""
    base = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="govnet-demo-"))
    base.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(settings=load_settings(home=base), console=console or default_console, workdir=base)
    ctx.console.print(f"govnet demo — state in {base}")
    _run_steps(ctx)
    if ctx.failures:
        ctx.console.print(
            f"[bold red]demo finished with {len(ctx.failures)} failure(s):[/] " + "; ".join(ctx.failures)
        )
        return 1
    ctx.console.print("[bold green]demo finished: every step did what it should.[/]")
    return 0


def _run_steps(ctx: DemoContext) -> None:
    from govnet.collectors import demo as collectors_demo
    from govnet.compliance import demo as compliance_demo
    from govnet.inventory import demo as inventory_demo
    from govnet.lab import demo as lab_demo
    from govnet.lab import snmp_demo
    from govnet.monitor import demo as monitor_demo
    from govnet.pki import demo as pki_demo
    from govnet.pki.seal import demo as seal_demo
    from govnet.playbooks import demo as provision_demo
    from govnet.signing import demo as signing_demo

    inventory_demo.run(ctx)  # validates and plans the sample; leaves ctx.state["inventory_path"]
    if ctx.failures:
        return  # no point starting devices for an inventory that does not validate
    try:
        with lab_demo.running(ctx):  # the lab is stopped whatever happens inside
            lab_demo.run(ctx)
            snmp_demo.run(ctx)
            provision_demo.run(ctx)
            collectors_demo.run(ctx)  # polls the running lab twice: links, utilisation, IPv6, findings
            monitor_demo.run(ctx)  # the exporter's key metrics, then a link down firing in Prometheus
            compliance_demo.run(ctx)  # live scan of the lab's devices while it runs
    except GovnetError:
        pass  # recorded in ctx.failures by the lab step
    pki_demo.run(ctx)
    seal_demo.run(ctx)
    signing_demo.run(ctx)  # the signing service over HTTP with the seal step's seal maker
    compliance_demo.run_pki(ctx)  # the PKI scan of what the PKI, seal and signing steps made
