"""A person's SSH client: OpenSSH's `ssh` logs in with a password, runs a command, drives the shell."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govnet.lab.runtime import LabThread
from govnet.lab.testing import PASSWORD, spec

pytestmark = pytest.mark.skipif(
    shutil.which("ssh") is None, reason="OpenSSH client (openssh-client) not installed"
)


def _ssh(
    port: int, askpass: Path, command: str | None = None, typed: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``ssh admin@127.0.0.1 COMMAND``, or with ``typed``: ``ssh -tt`` and type those lines into the shell."""
    env = {
        **os.environ,
        "SSH_ASKPASS": str(askpass),
        "SSH_ASKPASS_REQUIRE": "force",
        "LAB_PASSWORD": PASSWORD,
    }
    argv = [
        "ssh", "-p", str(port),
        "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "PreferredAuthentications=password",
        "-o", "NumberOfPasswordPrompts=1",
        "-o", "LogLevel=ERROR",
    ]  # fmt: skip
    argv += ["-tt", "admin@127.0.0.1"] if typed is not None else ["admin@127.0.0.1", command or ""]
    return subprocess.run(
        argv,
        env=env,
        input=typed,
        stdin=subprocess.DEVNULL if typed is None else None,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def askpass(tmp_path: Path) -> Path:
    script = tmp_path / "askpass"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "$LAB_PASSWORD"\n')
    script.chmod(0o700)
    return script


def test_openssh_exec_and_interactive_shell(lab: LabThread, askpass: Path) -> None:
    port = lab.start([spec("h3c_comware", "R1")])["R1"].ssh["127.0.0.1"]
    version = _ssh(port, askpass, "display version")
    assert version.returncode == 0 and "H3C Comware Software" in version.stdout
    shell = _ssh(port, askpass, typed="system-view\nsysname EDGE\nreturn\ndisplay version\nquit\n")
    assert shell.returncode == 0
    assert "[EDGE]" in shell.stdout or "<EDGE>" in shell.stdout
    assert lab.lab.device("R1").state.hostname == "EDGE"


def test_openssh_wrong_password_is_refused(lab: LabThread, tmp_path: Path) -> None:
    port = lab.start([spec("cisco_ios", "R1")])["R1"].ssh["127.0.0.1"]
    wrong = tmp_path / "wrong"
    wrong.write_text("#!/bin/sh\necho not-the-password\n")
    wrong.chmod(0o700)
    result = _ssh(port, wrong, "show version")
    assert result.returncode == 255 and "Permission denied" in result.stderr
