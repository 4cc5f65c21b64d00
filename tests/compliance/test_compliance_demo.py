"""The compliance steps of `govnet demo` outside the lab: the design scan of the sample and the PKI
scan of a real PKI show their scores and failing checks; a finding never fails the demo, a scan that
could not run does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.console import Console

from govnet.collectors.snmp.derive import InterfaceRate
from govnet.collectors.snmp.models import DevicePoll, InterfaceSample
from govnet.collectors.snmp.store import save_run
from govnet.compliance import demo
from govnet.demo import DemoContext
from govnet.pki import keystore
from govnet.pki.service import IssueRequest, PkiService
from govnet.settings import load_settings
from govnet.store import Store


@pytest.fixture
def ctx(isolated_govnet_home: Path, monkeypatch: pytest.MonkeyPatch) -> DemoContext:
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setattr(keystore, "default_kdf", lambda: keystore.KdfParams.scrypt(n=1 << 10))
    settings = load_settings(home=isolated_govnet_home)
    console = Console(record=True, width=220, color_system=None)
    return DemoContext(settings=settings, console=console, workdir=isolated_govnet_home)


def test_the_design_scan_of_the_sample_shows_its_findings_without_failing_the_demo(ctx: DemoContext) -> None:
    demo._guarded(ctx, "compliance design", demo._design)
    shown = ctx.console.export_text()
    assert ctx.failures == [], shown
    assert "design: the sample extranet" in shown
    # no collectors' history in this store: the bandwidth check cannot pass and says why
    assert "error design.bandwidth-peak (8.1.2.1 b)" in shown
    assert "why design.bandwidth-peak: no utilisation history" in shown


def test_the_design_scan_judges_the_history_the_collectors_stored_in_the_demo_store(ctx: DemoContext) -> None:
    # what the collectors' step leaves: a poll of the core's end of link sg-city-fw-1, surged to 94 %
    t = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).timestamp()
    port = "XGigabitEthernet0/0/2"
    sample = InterfaceSample(1, port, port, "", 6, True, True, 10_000, 0, 0, 64)
    with Store.open(ctx.settings.effective_store_url) as store:
        polled = [DevicePoll("sg-city-core-1", "127.0.0.1", t, interfaces=(sample,))]
        save_run(store, polled, [InterfaceRate("sg-city-core-1", port, 1, 300.0, 9.4e9, 1e9, 10_000)], [], t)
    demo._guarded(ctx, "compliance design", demo._design)
    shown = ctx.console.export_text()
    assert ctx.failures == [], shown
    assert (
        "fail design.bandwidth-peak (8.1.2.1 b): 1 link(s) peak above 80 % of their tier: link sg-city-fw-1"
        in shown
    )
    assert "why design.bandwidth-peak: the collectors' step surged a core uplink" in shown


def test_a_design_scan_that_cannot_run_fails_the_demo(ctx: DemoContext, tmp_path: Path) -> None:
    ctx.state["inventory_path"] = tmp_path / "nowhere"
    demo._guarded(ctx, "compliance design", demo._design)
    assert ctx.failures == [f"compliance design: InputError: no such inventory: {tmp_path / 'nowhere'}"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("sites: [\n", encoding="utf-8")
    ctx.failures.clear()
    ctx.state["inventory_path"] = bad
    demo._guarded(ctx, "compliance design", demo._design)
    assert len(ctx.failures) == 1 and ctx.failures[0].startswith(
        "compliance design: bad.yaml: inventory cannot"
    )


def test_the_pki_scan_shows_its_score_and_a_failing_check_without_failing_the_demo(ctx: DemoContext) -> None:
    with PkiService.open(ctx.settings) as pki:
        pki.init(name="CN=Demo Root", intermediate=True)
        pki.issue(IssueRequest(profile="device", subject="CN=r1"))
        pki.publish_all_crls(days=7)
    demo.run_pki(ctx)
    shown = ctx.console.export_text()
    assert ctx.failures == [] and "100.0%" in shown and "fail pki" not in shown, shown
    loose = ctx.settings.home / "pki" / "loose.key"
    loose.parent.mkdir(exist_ok=True)
    loose.write_text("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n", encoding="utf-8")
    demo.run_pki(ctx)
    shown = ctx.console.export_text()
    assert ctx.failures == [] and "fail pki.key-protection (8.1.4.8 b)" in shown and "loose.key" in shown


def test_a_pki_scan_of_a_store_without_a_pki_fails_the_demo(ctx: DemoContext) -> None:
    demo.run_pki(ctx)
    assert ctx.failures == ["compliance pki: pki: the store holds no PKI (run govnet pki init)"]
