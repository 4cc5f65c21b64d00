"""`govnet comply`: exit codes (0 clean, 1 findings, 2 bad input), reports written, scans kept and diffed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from compliance_kit import HARDENED
from govnet_cli import RunGovnet


def test_list_checks_json_names_every_check_with_its_clauses(run_govnet: RunGovnet) -> None:
    done = run_govnet("comply", "list-checks", "--json", check=True)
    rows = {r["id"]: r for r in json.loads(done.stdout)}
    assert "dev.vty-acl" in rows and "L3 8.1.4.4 c" in rows["dev.vty-acl"]["clauses"]
    assert rows["dev.login-lockout"]["remedies"]["cisco_ios"].startswith("login block-for")


def test_scan_of_hardened_configs_exits_0_and_writes_every_format(
    run_govnet: RunGovnet, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = run_govnet(
        "comply",
        "scan",
        "-c",
        str(HARDENED["huawei_vrp"].parent),
        "-f",
        "html,json,junit,sarif",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "score 100.0%" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "compliance-junit.xml",
        "compliance.html",
        "compliance.json",
        "compliance.sarif",
    ]


def test_a_failing_config_exits_1_and_the_next_scan_diffs_against_it(
    run_govnet: RunGovnet, tmp_path: Path, isolated_govnet_home: Path
) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    good = HARDENED["cisco_ios"].read_text(encoding="utf-8")
    (folder / "border.cfg").write_text(
        good.replace("transport input ssh", "transport input telnet ssh"), encoding="utf-8"
    )
    first = run_govnet("comply", "scan", "-c", str(folder), "--json")
    assert first.returncode == 1
    report = json.loads(first.stdout)
    assert report["summary"]["fail"] >= 1 and report["diff"] is None
    (folder / "border.cfg").write_text(good, encoding="utf-8")
    second = run_govnet("comply", "scan", "-c", str(folder), "--json")
    assert second.returncode == 0
    fixed = {f["check"] for f in json.loads(second.stdout)["diff"]["fixed"]}
    assert {"dev.vty-ssh-only", "dev.telnet-off"} <= fixed
    d = run_govnet("comply", "diff", "--json")
    assert d.returncode == 0 and json.loads(d.stdout)["new_failures"] == []
    again = run_govnet("comply", "report", "-f", "junit", "-o", str(tmp_path / "again"), check=True)
    assert "compliance-junit.xml" in again.stdout
    hosts = run_govnet("comply", "scan", "--host-root", str(Path(__file__).parent / "hosts" / "default"))
    assert hosts.returncode == 1 and "since scan" not in hosts.stdout  # no earlier hosts scan
    alone = run_govnet("comply", "diff")
    assert alone.returncode == 2 and "same asset kinds" in alone.stderr


def test_diff_of_two_json_reports_exits_1_on_new_failures(run_govnet: RunGovnet, tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    shutil.copy(HARDENED["h3c_comware"], folder / "agg.cfg")
    run_govnet(
        "comply", "scan", "-c", str(folder), "-f", "json", "-o", str(tmp_path / "a"), "--no-store", check=True
    )
    text = (
        HARDENED["h3c_comware"].read_text(encoding="utf-8").replace(" undo ip http enable", " ip http enable")
    )
    (folder / "agg.cfg").write_text(text, encoding="utf-8")
    run_govnet("comply", "scan", "-c", str(folder), "-f", "json", "-o", str(tmp_path / "b"), "--no-store")
    done = run_govnet(
        "comply",
        "diff",
        "--from",
        str(tmp_path / "a" / "compliance.json"),
        "--to",
        str(tmp_path / "b" / "compliance.json"),
    )
    assert done.returncode == 1 and "dev.http-off" in done.stdout


def test_bad_input_exits_2_with_a_clear_message(run_govnet: RunGovnet, tmp_path: Path) -> None:
    done = run_govnet("comply", "scan", "-c", str(tmp_path / "nope.cfg"))
    assert done.returncode == 2 and "no such file or folder" in done.stderr and "Traceback" not in done.stderr
    done = run_govnet("comply", "scan", "-c", str(HARDENED["cisco_ios"]), "--level", "4")
    assert done.returncode == 2 and "2 or 3" in done.stderr
    done = run_govnet("comply", "scan", "-c", str(HARDENED["cisco_ios"]), "--assets", "devices,cloud")
    assert done.returncode == 2 and "choose among devices, hosts, pki, design" in done.stderr
    done = run_govnet("comply", "scan")  # no configs and no backup folder
    assert done.returncode == 2 and "backup folder" in done.stderr
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    done = run_govnet("comply", "report", "--from", str(tmp_path / "bad.json"))
    assert done.returncode == 2 and "not JSON" in done.stderr


def test_scan_reads_the_backup_folder_by_default(run_govnet: RunGovnet, isolated_govnet_home: Path) -> None:
    backups = isolated_govnet_home / "backups"
    backups.mkdir()
    shutil.copy(HARDENED["huawei_vrp"], backups / "GZ-ZW-CORE-01.cfg")
    (backups / "broken.cfg").write_bytes(b"\x00\x01 not a config")
    done = run_govnet("comply", "scan", "--json")
    assert done.returncode == 1  # the broken file cannot be judged
    assets = {a["name"]: a for a in json.loads(done.stdout)["assets"]}
    assert assets["GZ-ZW-CORE-01"]["problem"] == "" and "supported vendor" in assets["broken"]["problem"]


def test_scan_of_hosts_and_devices_together(run_govnet: RunGovnet, tmp_path: Path) -> None:
    hosts = Path(__file__).parent / "hosts"
    both = [
        "-c",
        str(HARDENED["huawei_vrp"]),
        "--host-root",
        str(hosts / "hardened"),
        "--assets",
        "devices,hosts",
    ]
    done = run_govnet("comply", "scan", *both, "--json", "--no-store")
    assert done.returncode == 0, done.stdout[-2000:]
    assert {a["type"] for a in json.loads(done.stdout)["assets"]} == {"device", "host"}
    done = run_govnet("comply", "scan", "--host-root", str(hosts / "default"), "--json", "--no-store")
    assert done.returncode == 1
    fails = {f["check"] for f in json.loads(done.stdout)["findings"] if f["outcome"] == "fail"}
    assert {"host.sshd", "host.no-telnet", "host.login-lockout"} <= fails
