"""The OFD demo step (run by the seals' step): a sealed e-licence PASSED, a changed page FAILED."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from govnet.demo import DemoContext
from govnet.pki import demo as pki_demo
from govnet.pki.ofd import demo as ofd_demo
from govnet.pki.seal import demo as seal_demo
from govnet.settings import load_settings


def test_the_seal_step_seals_an_ofd_and_catches_the_changed_page(tmp_path: Path) -> None:
    output = io.StringIO()
    ctx = DemoContext(
        settings=load_settings(home=tmp_path), console=Console(file=output, width=220), workdir=tmp_path
    )
    pki_demo.run(ctx)
    seal_demo.run(ctx)  # calls the OFD step
    assert ctx.failures == []
    text = output.getvalue()
    assert "govnet ofd verify" in text
    assert "reference[/Doc_0/Pages/Page_0/Content.xml]" in text
    assert (tmp_path / "ofd" / "licence-sealed.ofd").exists()


def test_without_a_seal_the_ofd_step_reports_a_failure(tmp_path: Path) -> None:
    ctx = DemoContext(
        settings=load_settings(home=tmp_path), console=Console(file=io.StringIO()), workdir=tmp_path
    )
    ofd_demo.run(ctx)
    assert ctx.failures and "no seal" in ctx.failures[0]
