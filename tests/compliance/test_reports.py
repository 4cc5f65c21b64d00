"""Reports: JSON round-trips, JUnit and SARIF are well-formed and say the same, and the HTML page,
rendered by headless Chromium, shows the score, the chart, each asset's evidence and remedies."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from compliance_kit import HARDENED

from govnet.compliance.model import Outcome
from govnet.compliance.report import (
    scan_from_dict,
    to_dict,
    to_html,
    to_json,
    to_junit,
    to_sarif,
    write_reports,
)
from govnet.compliance.scan import scan
from govnet.compliance.scores import diff, family_scores, score
from govnet.compliance.sources import asset_from_text, read_file
from govnet.errors import InputError


def _weak_scan():  # type: ignore[no-untyped-def]
    text = (
        HARDENED["huawei_vrp"]
        .read_text(encoding="utf-8")
        .replace("undo telnet server enable", "telnet server enable")
    )
    weak = asset_from_text(text.replace("sysname GZ-ZW-CORE-01", "sysname GZ-WEAK"), source="weak.cfg")
    return scan([weak, read_file(HARDENED["cisco_ios"])], level=3)


def _good_weak():  # type: ignore[no-untyped-def]
    """GZ-WEAK before it was weakened (telnet off)."""
    text = HARDENED["huawei_vrp"].read_text(encoding="utf-8")
    return asset_from_text(text.replace("sysname GZ-ZW-CORE-01", "sysname GZ-WEAK"), source="weak.cfg")


def test_json_report_round_trips_and_carries_scores_per_family() -> None:
    s = _weak_scan()
    doc = json.loads(to_json(s))
    assert doc["schema"] == "govnet.compliance/1" and doc["level"] == 3
    assert set(doc["families"]) == {
        "communication_network",
        "area_boundary",
        "computing_environment",
        "management_center",
    }
    assert doc["summary"]["fail"] == 2  # telnet-off serves two items (8.1.4.1 c, 8.1.4.4 b)
    assert scan_from_dict(doc) == s
    with pytest.raises(InputError, match="not a govnet compliance report"):
        scan_from_dict({"schema": "other"})


def test_json_report_keys_are_the_documented_schema() -> None:
    """docs/compliance.md's schema govnet.compliance/1: these keys, whatever their order."""
    s = _weak_scan()
    doc = json.loads(to_json(s, diff(s.findings, s.findings)))
    assert set(doc) == {
        "schema",
        "standard",
        "level",
        "started",
        "summary",
        "families",
        "assets",
        "findings",
        "diff",
    }
    assert set(doc["summary"]) == {"score", "pass", "fail", "not_applicable", "manual", "error"}
    family = doc["families"]["computing_environment"]
    assert set(family) == {"zh", "en", "clause", "score", "pass", "fail", "not_applicable", "manual", "error"}
    assert set(doc["assets"][0]) == {"name", "type", "source", "vendor", "problem", "notes"}
    finding = doc["findings"][0]
    assert set(finding) == {
        "item", "clause", "family", "check", "asset", "asset_type", "outcome", "reason", "severity",
        "evidence", "remedy",
    }  # fmt: skip
    assert set(finding["evidence"]) == {"file", "lines", "metric", "value", "note"}
    assert set(doc["diff"]) == {
        "new_failures", "fixed", "still_failing", "gone", "new_failures_total", "fixed_total",
        "not_scanned", "not_scanned_total", "against",
    }  # fmt: skip
    assert doc == to_dict(s, diff(s.findings, s.findings))  # streamed text == the in-memory dict


def test_scores_are_pass_over_judged_and_ignore_manual_and_errors() -> None:
    s = _weak_scan()
    total = score(s.findings)
    assert total.score == round(total.counts["pass"] / (total.counts["pass"] + total.counts["fail"]), 4)
    fam = family_scores(s.findings, s.families)
    assert fam["computing_environment"].counts["fail"] == 2
    assert fam["area_boundary"].counts.get("fail", 0) == 0


def test_diff_lists_new_failures_and_fixes_of_the_assets_both_scans_judged() -> None:
    before, after = scan([_good_weak(), read_file(HARDENED["cisco_ios"])], level=3), _weak_scan()
    d = diff(before.findings, after.findings)
    assert {(f.asset, f.check) for f in d.new_failures} == {("GZ-WEAK", "dev.telnet-off")}
    back = diff(after.findings, before.findings)
    assert {(f.asset, f.check) for f in back.fixed} == {("GZ-WEAK", "dev.telnet-off")}
    newcomer = diff(scan([read_file(HARDENED["cisco_ios"])], level=3).findings, after.findings)
    assert newcomer.new_failures == () and newcomer.not_scanned == ()  # a new asset is not news
    cisco = scan([read_file(HARDENED["cisco_ios"])], level=3)
    left_out = diff(after.findings, cisco.findings)
    assert left_out.fixed == () and left_out.gone == () and left_out.not_scanned == ("GZ-WEAK",)
    assert "未检查 not scanned: 1 (GZ-WEAK)" in to_html(cisco, left_out)


def test_junit_has_one_suite_per_asset_with_failures_counted() -> None:
    root = ET.fromstring(to_junit(_weak_scan()))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites["GZ-WEAK"].get("failures") == "2"
    assert suites["SH-ZW-BORDER-01"].get("failures") == "0"
    failure = next(suites["GZ-WEAK"].iter("failure"))
    assert "telnet server enable" in (failure.text or "") and "remedy: undo telnet server enable" in (
        failure.text or ""
    )


def test_sarif_results_point_at_the_config_line() -> None:
    doc = json.loads(to_sarif(_weak_scan()))
    assert doc["version"] == "2.1.0"
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"dev.telnet-off"}
    loc = results[0]["locations"][0]["physicalLocation"]
    assert (
        loc["artifactLocation"]["uri"] == "weak.cfg"
        and loc["region"]["snippet"]["text"] == "telnet server enable"
    )
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert rules[results[0]["ruleIndex"]]["id"] == "dev.telnet-off"


def test_write_reports_refuses_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown report format"):
        write_reports(_weak_scan(), tmp_path, ("pdf",))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium (debian-packages.txt) is not installed")
def test_html_report_as_chromium_renders_it(tmp_path: Path) -> None:
    s = _weak_scan()
    page = tmp_path / "report.html"
    page.write_text(to_html(s, diff(scan([_good_weak()]).findings, s.findings)), encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r'(src|href)="https?:', html)  # one self-contained file
    chromium = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}"]
    done = subprocess.run(
        [*chromium, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180
    )
    dom = done.stdout
    assert "</html>" in dom, done.stderr[-500:]
    overall = to_dict(s)["summary"]["score"]
    assert re.search(rf'id="overall-score">{overall * 100:.1f}%<', dom)
    assert dom.count("<rect") >= 4  # the chart: a bar segment per outcome per family
    for text in (
        "安全计算环境",
        "GZ-WEAK",
        "SH-ZW-BORDER-01",
        "weak.cfg:13: telnet server enable",
        "undo telnet server enable",
    ):
        assert text in dom, text
    assert "新增不符合 new failures: 2" in dom  # telnet-off serves two items
    assert "未检查 not scanned" not in dom  # SH-ZW-BORDER-01 is new to this scan, not left out
    shot = tmp_path / "report.png"
    subprocess.run(
        [*chromium, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
        capture_output=True,
        timeout=180,
    )
    assert shot.stat().st_size > 10_000  # something was drawn
    # the Chinese is drawn with a CJK font (fonts-noto-cjk, debian-packages.txt), not as boxes:
    # the printed page embeds a Noto Sans CJK subset for the title's glyphs
    assert re.search(r'<h1 id="title">网络安全等级保护合规检查报告<br>', dom)
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [*chromium, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True,
        timeout=180,
    )
    fonts = set(re.findall(rb"/FontName /[A-Z]{6}\+([\w-]+)", pdf.read_bytes()))
    assert any(f.startswith(b"NotoSansCJK") for f in fonts), f"no CJK font drawn: {fonts}"
    assert all(f.outcome is not Outcome.ERROR for f in s.findings)


def test_findings_map_onto_the_shared_verdict_shape() -> None:
    from govnet.verdict import Status, Verdict

    s = _weak_scan()
    weak = [f for f in s.findings if f.asset == "GZ-WEAK"]
    verdict = Verdict("GZ-WEAK", tuple(f.to_check_result() for f in weak))
    assert verdict.status is Status.FAILED
    assert {c.name for c in verdict.failures} == {"8.1.4.1 c dev.telnet-off", "8.1.4.4 b dev.telnet-off"}
    manual = next(f for f in s.findings if f.outcome is Outcome.MANUAL)
    assert manual.to_check_result().status is Status.INDETERMINATE
