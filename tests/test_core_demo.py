"""The demo's shared step guard: lab steps skip without a lab, and a failing step never stops the demo."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from govnet.demo import DemoContext
from govnet.settings import load_settings


def _ctx(tmp_path: Path) -> tuple[DemoContext, Console]:
    console = Console(record=True, width=200)
    return DemoContext(settings=load_settings(home=tmp_path), console=console, workdir=tmp_path), console


def test_lab_step_without_a_lab_says_so_and_does_not_run(tmp_path: Path) -> None:
    ctx, console = _ctx(tmp_path)
    ran: list[bool] = []
    ctx.lab_step("backup", lambda _: ran.append(True))
    assert ran == []
    assert ctx.failures == []
    assert "no lab running: the backup step needs the demo's lab" in console.export_text()


def test_a_failing_lab_step_is_recorded_under_its_area_and_the_demo_goes_on(tmp_path: Path) -> None:
    ctx, console = _ctx(tmp_path)
    ctx.state.update(lab_running=True, lab_overlay=tmp_path / "overlay.yaml")

    def boom(_: DemoContext) -> None:
        raise RuntimeError("device vanished")

    ctx.lab_step("collectors", boom)
    ctx.lab_step("monitor", lambda c: c.console.print("monitor ran"))
    assert ctx.failures == ["collectors: RuntimeError: device vanished"]
    text = console.export_text()
    assert "collectors failed: RuntimeError: device vanished" in text
    assert "monitor ran" in text
