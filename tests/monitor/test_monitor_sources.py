"""The store-backed families beyond the network: the PKI's certificates and CRLs, compliance results
(the rollup a stored scan writes), and the signing service's metrics."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

import govnet.pki.schema  # noqa: F401  (registers the PKI's tables)
from govnet.compliance.history import ScanRecorder
from govnet.compliance.model import Finding, Outcome
from govnet.compliance.scan import AssetInfo, AssetResult, header
from govnet.compliance.scores import Tally
from govnet.monitor import compliance, pki
from govnet.monitor.exporter import DEFAULT_EXPIRY_WINDOW_S
from govnet.monitor.signing import SigningMetrics
from govnet.pki.service import IssueRequest, PkiService
from govnet.settings import load_settings
from govnet.store import Store

DAY = 86400


def _samples(families: list) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for f in families:
        for s in f.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def test_pki_exposes_ca_and_soon_expiring_certificates_and_crl_next_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", "monitor-test-passphrase-1")
    settings = load_settings(home=tmp_path)
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        service = PkiService(store, settings)
        made = service.init(name="CN=Monitor Root CA", intermediate_name="CN=Monitor Issuing CA").result
        soon = service.issue(IssueRequest(profile="device", subject="CN=soon-router", days=10)).record
        later = service.issue(IssueRequest(profile="device", subject="CN=later-router", days=365)).record
        crl = service.publish_crl(days=7).crl
        found = _samples(list(pki.families(store, DEFAULT_EXPIRY_WINDOW_S)))
    expiry = {lab["serial"]: v for lab, v in found["govnet_pki_certificate_expiry_timestamp_seconds"]}
    assert made.intermediate is not None
    assert {made.root.serial, made.intermediate.serial, soon.serial} == set(expiry)  # not `later`
    assert later.serial not in expiry
    assert abs(expiry[soon.serial] - (time.time() + 10 * DAY)) < DAY
    counts = {(lab["profile"], lab["status"]): v for lab, v in found["govnet_pki_certificates"]}
    assert counts[("device", "valid")] == 2
    (crl_row,) = [
        v for lab, v in found["govnet_pki_crl_next_update_timestamp_seconds"] if "Issuing" in lab["issuer"]
    ]
    assert abs(crl_row - crl.next_update.timestamp()) < 2


def test_compliance_exposes_nothing_before_a_scan_and_the_rollup_after_one(tmp_path: Path) -> None:
    from govnet.compliance.model import Finding, Outcome

    def finding(family: str, outcome: Outcome) -> Finding:
        return Finding(
            "x", "8.1.4.1 a", family, f"chk.{family}", "sg-city-core-1", "device", outcome, "", "high"
        )

    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert list(compliance.families(store)) == []
        results = [finding("access_control", Outcome.PASS), finding("access_control", Outcome.FAIL)]
        results += [finding("audit", Outcome.PASS), finding("manual_only", Outcome.MANUAL)]
        recorder, tally = ScanRecorder(store), Tally()
        head = header(3)
        recorder.begin(head)
        batch = AssetResult(AssetInfo("sg-city-core-1", "device", "core.cfg"), tuple(results))
        recorder.add(batch)
        tally.add(batch.findings)
        recorder.finish(tally, None)
        found = _samples(list(compliance.families(store)))
    status = {lab["family"]: v for lab, v in found["govnet_compliance_check_status"]}
    assert status == {"access_control": 0, "audit": 1}  # nothing judged in manual_only: no series
    assert {lab["level"] for lab, _ in found["govnet_compliance_check_status"]} == {"3"}
    scores = {lab["family"]: v for lab, v in found["govnet_compliance_score"]}
    assert scores == {"access_control": 0.5, "audit": 1.0}
    (stamp,) = found["govnet_compliance_last_scan_timestamp_seconds"]
    assert stamp[0] == {"asset": "sg-city-core-1"} and abs(stamp[1] - time.time()) < 600


def test_signing_metrics_count_requests_by_result_and_time_them() -> None:
    registry = CollectorRegistry()
    metrics = SigningMetrics(registry)
    with metrics.time("sign") as outcome:
        outcome.result = "ok"
    with pytest.raises(RuntimeError), metrics.time("verify"):
        raise RuntimeError("boom")  # counted as an error
    with pytest.raises(ValueError, match="operation"):
        metrics.observe("encrypt", "ok", 0.1)
    found = _samples(list(text_string_to_metric_families(generate_latest(registry).decode())))
    requests = {(lab["operation"], lab["result"]): v for lab, v in found["govnet_signing_requests_total"]}
    assert (
        requests[("sign", "ok")] == 1
        and requests[("verify", "error")] == 1
        and requests[("sign", "error")] == 0
    )
    counts = {lab["operation"]: v for lab, v in found["govnet_signing_request_duration_seconds_count"]}
    assert counts == {"sign": 1, "verify": 1}
