"""The seals' demo step does what it says after the PKI's: a seal, a signature, PASSED, then FAILED."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from govnet.demo import DemoContext
from govnet.pki import demo as pki_demo
from govnet.pki.seal import demo as seal_demo
from govnet.settings import load_settings


def test_demo_makes_signs_verifies_and_catches_the_tampered_copy(tmp_path: Path) -> None:
    output = io.StringIO()
    ctx = DemoContext(
        settings=load_settings(home=tmp_path), console=Console(file=output, width=200), workdir=tmp_path
    )
    pki_demo.run(ctx)
    seal_demo.run(ctx)
    assert ctx.failures == []
    text = output.getvalue()
    assert "verdict: PASSED" in text and "document_hash" in text and "verdict: FAILED" in text
    assert (tmp_path / "seal" / "licence.txt.ses").exists()
    assert ctx.state["seal"]["es_id"] == seal_demo.SEAL_ID


def test_demo_without_the_pki_step_reports_a_failure(tmp_path: Path) -> None:
    ctx = DemoContext(
        settings=load_settings(home=tmp_path), console=Console(file=io.StringIO()), workdir=tmp_path
    )
    seal_demo.run(ctx)
    assert ctx.failures and "PKI step" in ctx.failures[0]
