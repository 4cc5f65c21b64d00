"""Config backups of lab devices over real SSH (netmiko): history, diffs, failures, secrets."""

from __future__ import annotations

import subprocess
from pathlib import Path

from backup_kit import BackupLab
from netmiko import ConnectHandler

from govnet.collectors.backup.repo import BackupRepo
from govnet.collectors.backup.service import BackupOptions, run_backup
from govnet.devices import netmiko_params
from govnet.lab.testing import SECRETS, resolve

OPTIONS = BackupOptions(concurrency=4, timeout=8)


def _git_log(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "log", "--format=%s"], capture_output=True, text=True)
    return out.stdout.splitlines()


def test_first_run_commits_every_device_and_a_second_run_commits_nothing(
    backup_lab: BackupLab, tmp_path: Path
) -> None:
    root = tmp_path / "backups"
    first = run_backup(backup_lab.devices, root, OPTIONS, resolve=resolve)
    assert not first.failed and first.commit
    assert sorted(d.device for d in first.changed) == ["bk-cisco", "bk-h3c", "bk-huawei"]
    assert {d.status for d in first.devices} == {"new"}
    for name in ("bk-cisco", "bk-h3c", "bk-huawei"):
        assert name in first.message
        assert (root / "configs" / f"{name}.cfg").read_text().strip()
        assert (root / "facts" / f"{name}.json").exists()
    huawei = backup_lab.device("bk-huawei")
    config = (root / "configs/bk-huawei.cfg").read_text()
    assert "sysname bk-huawei" in config and "!Software Version" not in config
    ios = (root / "configs/bk-cisco.cfg").read_text()
    assert "hostname bk-cisco" in ios and "Current configuration" not in ios and "Building" not in ios
    facts = next(d for d in first.devices if d.device == "bk-h3c").facts
    assert facts["display version"][0]["model"] == "MSR3620"  # govnet's own Comware template
    assert huawei.hostname in first.to_dict()["changed"]

    second = run_backup(backup_lab.devices, root, OPTIONS, resolve=resolve)
    assert second.commit is None and not second.changed and not second.failed
    assert {d.status for d in second.devices} == {"unchanged"}
    assert len(_git_log(root)) == 1


def test_a_change_typed_at_a_device_makes_one_commit_naming_it_with_the_line_in_the_diff(
    backup_lab: BackupLab, tmp_path: Path
) -> None:
    root = tmp_path / "backups"
    run_backup(backup_lab.devices, root, OPTIONS, resolve=resolve)
    params = netmiko_params(backup_lab.device("bk-h3c"), resolve=resolve)
    with ConnectHandler(**params) as conn:
        conn.send_config_set(["interface GigabitEthernet1/0/1", "description changed-by-backup-test"])
    run = run_backup(backup_lab.devices, root, OPTIONS, resolve=resolve)
    assert [d.device for d in run.changed] == ["bk-h3c"] and run.commit
    assert _git_log(root)[0].startswith("backup: 1 device(s) changed: bk-h3c")
    repo = BackupRepo(root)
    assert len(repo.log("bk-h3c")) == 2 and len(repo.log("bk-huawei")) == 1
    diff = repo.diff("bk-h3c")
    assert "+ description changed-by-backup-test" in diff
    assert "-" + " description uplink to city core" in diff
    assert "changed-by-backup-test" not in repo.show("bk-h3c", repo.log("bk-h3c")[1].commit)
    assert "changed-by-backup-test" in repo.show("bk-h3c")


def test_a_failing_device_is_named_and_the_others_are_backed_up(
    backup_lab: BackupLab, tmp_path: Path
) -> None:
    backup_lab.lab.fault("bk-huawei", "auth-failure")
    backup_lab.lab.fault("bk-cisco", "unreachable")
    run = run_backup(backup_lab.devices, tmp_path / "backups", BackupOptions(timeout=3), resolve=resolve)
    failed = {d.device: d for d in run.failed}
    assert set(failed) == {"bk-huawei", "bk-cisco"}
    assert failed["bk-huawei"].error_kind == "auth" and "authentication failed" in failed["bk-huawei"].error
    assert failed["bk-cisco"].error_kind in ("timeout", "unreachable")
    assert [d.device for d in run.changed] == ["bk-h3c"] and run.commit
    summary = run.to_dict()["failed"]
    assert summary["bk-huawei"].startswith("auth: ")


def test_no_secret_reaches_the_repository_or_the_result(backup_lab: BackupLab, tmp_path: Path) -> None:
    import base64
    import json

    root = tmp_path / "backups"
    run = run_backup(backup_lab.devices, root, OPTIONS, resolve=resolve)
    history = subprocess.run(
        ["git", "-C", str(root), "log", "-p", "--all"], capture_output=True, text=True
    ).stdout
    everything = history + json.dumps(run.to_dict())
    for secret in SECRETS.values():
        assert secret not in everything
        assert base64.b64encode(secret.encode()).decode().rstrip("=") not in everything  # lab's cipher
    assert "<secret hidden>" in (root / "configs/bk-huawei.cfg").read_text()
    assert "irreversible-cipher <secret hidden>" in (root / "configs/bk-huawei.cfg").read_text()
    assert "$8$" not in (root / "configs/bk-cisco.cfg").read_text()


def test_a_device_whose_secret_is_not_set_fails_alone(backup_lab: BackupLab, tmp_path: Path) -> None:
    broken = backup_lab.device("bk-cisco").model_copy(
        update={
            "credentials": backup_lab.device("bk-cisco").credentials.model_copy(
                update={"password": "env:GOVNET_TEST_UNSET_PASSWORD"}
            )
        }
    )
    devices = [d for d in backup_lab.devices if d.hostname != "bk-cisco"] + [broken]

    def resolve_or_env(reference: str) -> str:
        from govnet.secrets import resolve_secret

        return resolve(reference) if reference in SECRETS else resolve_secret(reference)

    run = run_backup(devices, tmp_path / "backups", OPTIONS, resolve=resolve_or_env)
    [failed] = run.failed
    assert failed.device == "bk-cisco" and failed.error_kind == "input"
    assert "GOVNET_TEST_UNSET_PASSWORD is not set" in failed.error
    assert sorted(d.device for d in run.changed) == ["bk-h3c", "bk-huawei"]
