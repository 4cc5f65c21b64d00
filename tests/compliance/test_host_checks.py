"""Linux host checks over a filesystem root: a hardened tree passes, a default one fails each check,
with the file and line as evidence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govnet.compliance.checks import CHECKS
from govnet.compliance.hosts import read_host
from govnet.compliance.model import Outcome
from govnet.compliance.scan import run_check, scan

HOSTS = Path(__file__).parent / "hosts"
HOST_CHECKS = sorted(c for c, check in CHECKS.items() if check.asset_type == "host")


@pytest.mark.parametrize("check_id", HOST_CHECKS)
def test_hardened_host_passes_and_default_host_fails(check_id: str) -> None:
    good = run_check(check_id, read_host(HOSTS / "hardened"))
    assert good.outcome is Outcome.PASS, good.reason
    bad = run_check(check_id, read_host(HOSTS / "default"))
    assert bad.outcome is Outcome.FAIL, bad.reason


@pytest.fixture
def host(tmp_path: Path) -> Path:
    root = tmp_path / "host"
    shutil.copytree(HOSTS / "hardened", root)
    return root


def test_faillock_deny_above_10_fails(host: Path) -> None:
    for name in ("system-auth", "password-auth"):
        path = host / "etc/pam.d" / name
        path.write_text(path.read_text().replace("deny=5", "deny=50"))
    j = run_check("host.login-lockout", read_host(host))
    assert j.outcome is Outcome.FAIL and "50" in j.reason


def test_commented_settings_do_not_count(host: Path) -> None:
    (host / "etc/ssh/sshd_config").write_text("# PermitRootLogin no\nPermitRootLogin yes\n")
    j = run_check("host.sshd", read_host(host))
    assert j.outcome is Outcome.FAIL
    assert j.evidence.lines == ((2, "/etc/ssh/sshd_config: PermitRootLogin yes"),)


def test_weak_ssh_ciphers_fail(host: Path) -> None:
    (host / "etc/ssh/sshd_config").write_text("PermitRootLogin no\nCiphers aes256-ctr,aes128-cbc\n")
    assert "aes128-cbc" in run_check("host.sshd", read_host(host)).reason


def test_tmout_above_ten_minutes_fails_unless_sshd_drops_idle_clients(host: Path) -> None:
    (host / "etc/profile.d/tmout.sh").write_text("TMOUT=1800\n")
    (host / "etc/ssh/sshd_config").write_text("PermitRootLogin no\n")
    assert run_check("host.idle-timeout", read_host(host)).outcome is Outcome.FAIL
    (host / "etc/ssh/sshd_config").write_text(
        "PermitRootLogin no\nClientAliveInterval 200\nClientAliveCountMax 3\n"
    )
    assert run_check("host.idle-timeout", read_host(host)).outcome is Outcome.PASS


def test_a_folder_that_is_not_a_filesystem_root_is_an_error(tmp_path: Path) -> None:
    asset = read_host(tmp_path)
    assert "no etc/ folder" in asset.problem
    result = scan([asset], level=3)
    assert all(
        f.outcome is Outcome.ERROR for f in result.findings if f.asset_type == "host" and f.check != "manual"
    )
    assert "not a folder" in read_host(tmp_path / "missing").problem


def test_host_name_comes_from_etc_hostname() -> None:
    assert read_host(HOSTS / "hardened").name == "zw-app-01"
