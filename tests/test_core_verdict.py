"""Verdicts: the status is derived from the checks, and renders the same for every area."""

from __future__ import annotations

import io
import json

import pytest

from govnet.verdict import CheckResult, Status, Verdict


def test_verdict_status_is_derived_from_its_checks() -> None:
    ok = CheckResult.passed("signature")
    unsure = CheckResult.indeterminate("revocation", "no CRL")
    bad = CheckResult.failed("validity", "expired", not_after="2020-01-01")
    assert Verdict("cert", (ok,)).status is Status.PASSED
    assert Verdict("cert", (ok, unsure)).status is Status.INDETERMINATE
    verdict = Verdict("cert", (ok, unsure, bad))
    assert verdict.status is Status.FAILED
    assert verdict.failures == (bad,)
    assert verdict.summary()["checks"][2] == {
        "name": "validity",
        "status": "FAILED",
        "reason": "expired",
        "evidence": {"not_after": "2020-01-01"},
    }


def test_a_verdict_renders_as_a_table_and_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    from govnet.output import emit_verdict, make_console, render_verdict

    verdict = Verdict("CN=x[/b]", (CheckResult.passed("signature"), CheckResult.failed("crl", "revoked")))
    out = make_console(record=True, width=100, file=io.StringIO())
    render_verdict(out, verdict)
    text = out.export_text()
    assert "CN=x[/b]" in text and "revoked" in text and "verdict: FAILED" in text
    emit_verdict(verdict, as_json=True)
    assert json.loads(capsys.readouterr().out) == verdict.summary()
