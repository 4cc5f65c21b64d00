"""The SNMP demo step does what it says, through the demo's own context."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from rich.console import Console

from govnet.demo import DemoContext
from govnet.lab import snmp_demo
from govnet.settings import load_settings


def test_snmp_demo_step_passes_and_never_prints_its_secrets(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    ctx = DemoContext(settings=load_settings(home=tmp_path), console=console, workdir=tmp_path)
    snmp_demo.run(ctx)
    text = console.export_text()
    assert ctx.failures == []
    assert "SG-CITY-CORE" in text and "1.3.6.1.4.1.2011." in text and "to Renhua county" in text
    assert "ok  link-down fault" in text


def test_snmp_demo_step_on_the_demos_running_lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As `govnet demo` runs it: the sample extranet's lab in the background, faults by control socket."""
    from govnet.inventory import demo as inventory_demo
    from govnet.lab import demo as lab_demo

    for name in lab_demo.LAB_SECRETS:  # generated per test, removed afterwards
        monkeypatch.setenv(name, secrets.token_urlsafe(12))
    console = Console(record=True, width=160)
    ctx = DemoContext(settings=load_settings(home=tmp_path), console=console, workdir=tmp_path)
    inventory_demo.run(ctx)
    assert ctx.failures == []
    with lab_demo.running(ctx):
        snmp_demo.run(ctx)
    text = console.export_text()
    assert ctx.failures == []
    assert "devices answer SNMP" in text and "surge fault" in text and "ifOperStatus is down(2)" in text
    for name in lab_demo.LAB_SECRETS:
        assert os.environ[name] not in text
