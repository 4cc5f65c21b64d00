"""The signing service's demo step, after the PKI and seal steps: a client with one granted seal
signs a document and an OFD over HTTP, both verify, a seal it lacks is refused, the audit chain is
intact."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from govnet.demo import DemoContext
from govnet.pki import demo as pki_demo
from govnet.pki.seal import demo as seal_demo
from govnet.settings import load_settings
from govnet.signing import demo as signing_demo


def _run(tmp_path: Path) -> tuple[DemoContext, str]:
    output = io.StringIO()
    ctx = DemoContext(
        settings=load_settings(home=tmp_path), console=Console(file=output, width=200), workdir=tmp_path
    )
    pki_demo.run(ctx)
    seal_demo.run(ctx)
    signing_demo.run(ctx)
    return ctx, output.getvalue()


def test_demo_signs_verifies_refuses_and_checks_the_audit_chain(tmp_path: Path) -> None:
    ctx, text = _run(tmp_path)
    assert ctx.failures == [], text
    assert "POST /v1/verify/seal-signature   -> PASSED" in text
    assert "POST /v1/verify/ofd -> PASSED" in text
    assert f"POST /v1/seals/{seal_demo.SEAL_ID}/sign  -> 403 forbidden" in text
    assert "govnet audit verify" in text and "verdict: PASSED" in text
    assert (tmp_path / "service" / "licence-sealed-by-service.ofd").exists()
    assert ctx.state["service"]["token"] not in text and ctx.state["service"]["pin"] not in text


def test_demo_without_the_earlier_steps_reports_a_failure(tmp_path: Path) -> None:
    ctx = DemoContext(
        settings=load_settings(home=tmp_path), console=Console(file=io.StringIO()), workdir=tmp_path
    )
    signing_demo.run(ctx)
    assert ctx.failures and "seal" in ctx.failures[0]
