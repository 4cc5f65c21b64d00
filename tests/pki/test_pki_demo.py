"""The PKI demo step does what it says: everything expected passes or fails, and it says so."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from govnet.demo import DemoContext
from govnet.pki import demo
from govnet.settings import load_settings


def test_demo_step_runs_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVNET_PKI_PASSPHRASE", raising=False)
    monkeypatch.setenv("GOVNET_HOME", str(tmp_path))
    buffer = io.StringIO()
    ctx = DemoContext(
        settings=load_settings(home=tmp_path), console=Console(file=buffer, width=160), workdir=tmp_path
    )
    demo.run(ctx)
    text = buffer.getvalue()
    assert ctx.failures == []
    assert "revocation[leaf: county-07-router]" in text and "keyCompromise" in text
    assert "not fit for tls-server" in text and "expired on" in text
    assert text.count("seal_maker.pem: OK") == 1
    assert (tmp_path / "pki" / "passphrase").stat().st_mode & 0o777 == 0o600
    state = ctx.state["pki"]
    assert state["files"]["seal_maker"].read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_demo_step_can_run_again_in_the_same_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVNET_PKI_PASSPHRASE", raising=False)
    monkeypatch.setenv("GOVNET_HOME", str(tmp_path))
    texts = []
    for _ in range(2):
        buffer = io.StringIO()
        ctx = DemoContext(
            settings=load_settings(home=tmp_path), console=Console(file=buffer, width=160), workdir=tmp_path
        )
        demo.run(ctx)
        assert ctx.failures == []
        texts.append(buffer.getvalue())
    assert "reusing it" in texts[1] and "using" in texts[1].split("PKI passphrase:")[1].split("\n")[0]
