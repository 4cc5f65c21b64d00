"""Linux hosts over real SSH: an asyncssh server on 127.0.0.1 serves a fixture root over SFTP
(chrooted) and answers `ss -tlnup` from a captured listing; the scan reads the same files the
offline scan reads, through paramiko, and judges the listening ports. Falls back to /proc/net when
`ss` is missing; an unknown host key, a refused connection or a world-readable key are reported."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest
from govnet_cli import RunGovnet

from govnet.compliance.hosts import read_host
from govnet.compliance.model import Outcome
from govnet.compliance.scan import scan
from govnet.compliance.ssh import SshCredentials, SshTarget, parse_target, read_ssh_hosts
from govnet.errors import InputError

HERE = Path(__file__).parent
PASSPHRASE = "host-scan-key-passphrase-1"


@dataclass
class SshHost:
    port: int
    known_hosts: Path
    key: Path
    commands: list[str]


def _serve(root: Path, ss_output: str | None, client_key: asyncssh.SSHKey, tmp: Path) -> Iterator[SshHost]:
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    commands: list[str] = []

    async def process(proc: asyncssh.SSHServerProcess) -> None:
        commands.append(proc.command or "")
        if proc.command == "ss -tlnup" and ss_output is not None:
            proc.stdout.write(ss_output)
            proc.exit(0)
        else:
            proc.stderr.write(f"bash: {(proc.command or '').split()[0]}: command not found\n")
            proc.exit(127)

    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, object] = {}

    async def start() -> None:
        server = await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[host_key],
            authorized_client_keys=asyncssh.import_authorized_keys(client_key.export_public_key().decode()),
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root).encode()),
            process_factory=process,
            allow_scp=False,
        )
        holder["server"] = server
        ready.set()

    thread = threading.Thread(
        target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True
    )
    thread.start()
    assert ready.wait(30)
    server = holder["server"]
    port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    known = tmp / "known_hosts"
    known.write_text(f"[127.0.0.1]:{port} {host_key.export_public_key().decode().strip()}\n")
    key = tmp / "id_ed25519"
    client_key.write_private_key(str(key), passphrase=PASSPHRASE)
    key.chmod(0o600)
    try:
        yield SshHost(port, known, key, commands)
    finally:
        loop.call_soon_threadsafe(server.close)  # type: ignore[attr-defined]
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture
def client_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


@pytest.fixture
def default_host(tmp_path: Path, client_key: asyncssh.SSHKey) -> Iterator[SshHost]:
    """The factory-default fixture root, with `ss` answering the captured listing."""
    yield from _serve(
        HERE / "hosts" / "default", (HERE / "listening" / "ss-tlnup.txt").read_text(), client_key, tmp_path
    )


@pytest.fixture
def proc_host(tmp_path: Path, client_key: asyncssh.SSHKey) -> Iterator[SshHost]:
    """A root with /proc/net tables and no `ss` command."""
    root = tmp_path / "root"
    shutil.copytree(HERE / "listening" / "proc-root", root)
    (tmp_path / "keys").mkdir()
    yield from _serve(root, None, client_key, tmp_path / "keys")


def _creds(h: SshHost, monkeypatch: pytest.MonkeyPatch) -> SshCredentials:
    monkeypatch.setenv("GOVNET_TEST_SSH_PASSPHRASE", PASSPHRASE)
    return SshCredentials(h.key, "env:GOVNET_TEST_SSH_PASSPHRASE", None, h.known_hosts)


def test_a_host_over_ssh_is_judged_like_its_offline_root(
    default_host: SshHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = SshTarget("auditor", "127.0.0.1", default_host.port)
    remote_scan = scan(read_ssh_hosts([target], _creds(default_host, monkeypatch)), level=3)
    offline_scan = scan([read_host(HERE / "hosts" / "default")], level=3)
    assert remote_scan.assets[0].name == offline_scan.assets[0].name == "old-server"

    def outcomes(s, skip: str) -> dict[str, tuple[Outcome, str]]:  # type: ignore[no-untyped-def]
        return {
            f.check: (f.outcome, f.reason) for f in s.findings if f.asset_type == "host" and f.check != skip
        }

    assert outcomes(remote_scan, "host.listening-services") == outcomes(
        offline_scan, "host.listening-services"
    )
    sshd = next(f for f in remote_scan.findings if f.check == "host.sshd")
    assert (
        sshd.outcome is Outcome.FAIL
        and sshd.evidence.lines
        and sshd.evidence.file.startswith("ssh://auditor@")
    )
    ports = next(f for f in remote_scan.findings if f.check == "host.listening-services")
    assert ports.outcome is Outcome.FAIL and "telnet tcp/23 on 0.0.0.0" in ports.reason
    assert ports.evidence.note == "read from ss -tlnup" and "ss -tlnup" in default_host.commands


def test_without_ss_the_proc_net_tables_are_read_over_sftp(
    proc_host: SshHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = SshTarget("auditor", "127.0.0.1", proc_host.port)
    s = scan(read_ssh_hosts([target], _creds(proc_host, monkeypatch)), level=3)
    assert s.assets[0].name == "zw-db-01" and s.assets[0].problem == ""
    ports = next(f for f in s.findings if f.check == "host.listening-services")
    assert ports.outcome is Outcome.FAIL and "mysql tcp/3306 on 0.0.0.0" in ports.reason
    assert ports.evidence.note.startswith("read from /proc/net/tcp")


def test_unknown_host_key_and_refused_connections_are_error_assets(
    default_host: SshHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    creds = _creds(default_host, monkeypatch)
    stranger = tmp_path / "other_known_hosts"
    stranger.write_text("")
    unknown = SshCredentials(creds.key_file, creds.key_passphrase, None, stranger)
    (asset,) = read_ssh_hosts([SshTarget("auditor", "127.0.0.1", default_host.port)], unknown)
    assert "not found in known_hosts" in asset.problem
    closed = SshTarget("auditor", "127.0.0.1", 1)
    s = scan(read_ssh_hosts([closed], creds), level=3)
    host_findings = [f for f in s.findings if f.asset_type == "host" and f.asset != "(system)"]
    assert host_findings and all(f.outcome is Outcome.ERROR for f in host_findings)
    assert "SSH to ssh://auditor@127.0.0.1:1 failed" in host_findings[0].reason


def test_targets_and_key_permissions_are_checked_before_connecting(tmp_path: Path) -> None:
    assert parse_target("admin@[::1]:2222") == SshTarget("admin", "::1", 2222)
    assert parse_target("10.1.0.8") == SshTarget("root", "10.1.0.8", 22)
    with pytest.raises(InputError, match="USER@"):
        parse_target("a@b@c")
    key = tmp_path / "id"
    key.write_text("not really a key")
    key.chmod(0o644)
    with pytest.raises(Exception, match="chmod 600"):
        SshCredentials(key_file=key).check()


def test_comply_scan_ssh_host_from_the_cli(
    run_govnet: RunGovnet, default_host: SshHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVNET_TEST_SSH_PASSPHRASE", PASSPHRASE)
    done = run_govnet(
        "comply", "scan", "--assets", "hosts",
        "--ssh-host", f"auditor@127.0.0.1:{default_host.port}",
        "--ssh-key", str(default_host.key),
        "--ssh-key-passphrase", "env:GOVNET_TEST_SSH_PASSPHRASE",
        "--known-hosts", str(default_host.known_hosts),
        "--json", "--no-store",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert [a["source"] for a in report["assets"]] == [f"ssh://auditor@127.0.0.1:{default_host.port}"]
    fails = {f["check"] for f in report["findings"] if f["outcome"] == "fail"}
    assert {"host.sshd", "host.no-telnet", "host.listening-services"} <= fails
    assert PASSPHRASE not in done.stdout + done.stderr


def test_bad_ssh_arguments_exit_2_before_any_connection(run_govnet: RunGovnet, tmp_path: Path) -> None:
    done = run_govnet("comply", "scan", "--ssh-host", "a@b@c", "--no-store")
    assert done.returncode == 2 and "[USER@]HOST[:PORT]" in done.stderr and "Traceback" not in done.stderr
    key = tmp_path / "id"
    key.write_text("key")
    key.chmod(0o644)
    done = run_govnet("comply", "scan", "--ssh-host", "127.0.0.1:1", "--ssh-key", str(key), "--no-store")
    assert done.returncode == 2 and "chmod 600" in done.stderr
    done = run_govnet(
        "comply", "scan", "--ssh-host", "127.0.0.1:1", "--ssh-password", "env:GOVNET_TEST_UNSET",
        "--no-store", env={"GOVNET_TEST_UNSET": None},
    )  # fmt: skip
    assert done.returncode == 2 and "GOVNET_TEST_UNSET is not set" in done.stderr
