"""Linux hosts judged over SSH: the same files the offline scan reads, through SFTP, and commands
(``ss -tlnup``) through exec — with paramiko, the SSH library netmiko (the device connections)
already runs on.

The host's key must be known (a known_hosts file; unknown or changed keys are refused, never
added). Credentials: a private key file (0600, as ssh insists; its passphrase and any password
given as ``env:VAR`` or ``file:PATH`` references, never on the command line). A host that cannot
be reached gives an error asset naming why — never a failed scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govnet.compliance.hosts import HostAsset, host_asset
from govnet.errors import InputError, SecretError
from govnet.secrets import read_secret_file, resolve_secret

_TARGET = re.compile(
    r"^(?:(?P<user>[^@\s]+)@)?(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[^:\s\[\]@]+))(?::(?P<port>\d+))?$"
)
COMMAND_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class SshTarget:
    user: str
    host: str
    port: int = 22

    @property
    def source(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ssh://{self.user}@{host}:{self.port}"


def parse_target(text: str, default_user: str = "root") -> SshTarget:
    """``[user@]host[:port]`` (``[v6]:port`` for IPv6) -> SshTarget."""
    m = _TARGET.match(text.strip())
    if m is None or (m["port"] and not 0 < int(m["port"]) < 65536):
        raise InputError(f"SSH host {text!r}: expected [USER@]HOST[:PORT], e.g. admin@10.1.0.8:22")
    return SshTarget(m["user"] or default_user, m["v6"] or m["host"], int(m["port"] or 22))


@dataclass(frozen=True)
class SshCredentials:
    key_file: Path | None = None
    key_passphrase: str | None = None  # a secret reference, resolved at connect time
    password: str | None = None  # a secret reference
    known_hosts: Path | None = None  # default: ~/.ssh/known_hosts

    def check(self) -> None:
        """Problems with the arguments themselves, raised before any host is contacted."""
        if self.key_file is not None:
            read_secret_file(self.key_file)  # exists, and 0600 as ssh insists
        for ref in (self.key_passphrase, self.password):
            if ref is not None:
                resolve_secret(ref)
        if self.known_hosts is not None and not self.known_hosts.is_file():
            raise InputError(f"known_hosts file {self.known_hosts} does not exist")


class SshFiles:
    """``HostFiles`` over one SSH connection: SFTP for files, exec for commands."""

    live = True

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sftp = client.open_sftp()

    def read(self, path: str) -> bytes | None:
        try:
            with self.sftp.open(path, "rb") as f:
                return bytes(f.read())
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        try:
            self.sftp.lstat(path)
        except OSError:
            return False
        return True

    def listdir(self, path: str) -> list[str] | None:
        try:
            return sorted(self.sftp.listdir(path))
        except OSError:
            return None

    def run(self, command: str) -> str | None:
        """The command's standard output when it ran and exited 0; None otherwise (e.g. not installed)."""
        import paramiko

        try:
            _, stdout, _ = self.client.exec_command(command, timeout=COMMAND_TIMEOUT_S)
            output = stdout.read()
            status = stdout.channel.recv_exit_status()
        except (paramiko.SSHException, OSError):
            return None
        return output.decode("utf-8", errors="replace") if status == 0 else None

    def close(self) -> None:
        self.sftp.close()
        self.client.close()


def connect(target: SshTarget, creds: SshCredentials, *, timeout: float = 15.0) -> SshFiles:
    """An open connection to the host (raises what paramiko or the socket raise)."""
    import paramiko

    client = paramiko.SSHClient()
    if creds.known_hosts is not None:
        client.load_host_keys(str(creds.known_hosts))
    else:
        client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    given = creds.key_file is not None or creds.password is not None
    try:
        client.connect(
            target.host,
            port=target.port,
            username=target.user,
            key_filename=str(creds.key_file) if creds.key_file else None,
            passphrase=resolve_secret(creds.key_passphrase) if creds.key_passphrase else None,
            password=resolve_secret(creds.password) if creds.password else None,
            timeout=timeout,
            banner_timeout=timeout,
            auth_timeout=timeout,
            look_for_keys=False,
            allow_agent=not given,
        )
        return SshFiles(client)
    except BaseException:
        client.close()
        raise


def read_ssh_hosts(targets: Sequence[SshTarget], creds: SshCredentials) -> Iterator[HostAsset]:
    """One host asset per target, connected as the scan reaches it and closed when it moves on."""
    import paramiko

    for target in targets:
        try:
            files = connect(target, creds)
        except (TimeoutError, paramiko.SSHException, OSError, SecretError, EOFError) as exc:
            reason = str(exc) or type(exc).__name__
            yield HostAsset(
                target.host, target.source, _Unreachable(), problem=f"SSH to {target.source} failed: {reason}"
            )
            continue
        try:
            yield host_asset(files, target.source, target.host)
        finally:
            files.close()


class _Unreachable:
    """``HostFiles`` of a host that could not be reached (its asset carries the problem)."""

    live = True

    def read(self, path: str) -> bytes | None:
        return None

    def exists(self, path: str) -> bool:
        return False

    def listdir(self, path: str) -> list[str] | None:
        return None

    def run(self, command: str) -> str | None:
        return None
