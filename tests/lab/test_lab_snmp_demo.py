"""The SNMP demo step does what it says, through the demo's own context."""

from __future__ import annotations

from pathlib import Path

from govnet.lab import snmp_demo
from rich.console import Console

from govnet.demo import DemoContext
from govnet.settings import load_settings


def test_snmp_demo_step_passes_and_never_prints_its_secrets(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    ctx = DemoContext(settings=load_settings(home=tmp_path), console=console, workdir=tmp_path)
    snmp_demo.run(ctx)
    text = console.export_text()
    assert ctx.failures == []
    assert "SG-CITY-CORE" in text and "1.3.6.1.4.1.2011." in text and "to Renhua county" in text
    assert "ok  link-down fault" in text
