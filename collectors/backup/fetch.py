"""Fetching one device over SSH with netmiko: its running configuration and the fact commands.

Blocking (netmiko is); the service runs many of these in threads. Every failure becomes a
``FetchError`` with a short kind (auth, timeout, unreachable, refused, cli) and a message written
here, never netmiko's text (which can carry prompts or banners) and never a secret.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from govnet.collectors.backup.facts import FACT_COMMANDS
from govnet.devices import Resolver, netmiko_params, ssh_host
from govnet.secrets import resolve_secret
from govnet.vendors import vendor_spec

if TYPE_CHECKING:
    from govnet.inventory.models import Device


class FetchError(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class Fetched:
    config: str  # raw, as the device printed it
    outputs: dict[str, str] = field(default_factory=dict)  # fact command -> raw output


def _translate(device: Device, exc: BaseException) -> FetchError:
    from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException, ReadTimeout

    where = f"{ssh_host(device)}:{device.ssh.port}"
    if isinstance(exc, NetmikoAuthenticationException):
        return FetchError(
            "auth", f"authentication failed for user {device.credentials.username!r} at {where}"
        )
    if isinstance(exc, ReadTimeout):
        return FetchError("timeout", f"no prompt after a command within the timeout ({where})")
    if isinstance(exc, ConnectionRefusedError):
        return FetchError("refused", f"connection refused by {where}")
    if isinstance(exc, NetmikoTimeoutException | TimeoutError | socket.timeout):
        return FetchError("timeout", f"no SSH session with {where} within the timeout")
    if isinstance(exc, ValueError) and "enable" in str(exc).lower():  # netmiko's enable() failing
        return FetchError("auth", f"privileged mode (enable) refused at {where}")
    if isinstance(exc, EOFError):
        return FetchError("unreachable", f"{where} closed the session")
    if isinstance(exc, OSError):
        return FetchError("unreachable", f"{where}: {exc.strerror or type(exc).__name__}")
    return FetchError("ssh", f"{where}: {type(exc).__name__}")


def fetch_device(
    device: Device, *, resolve: Resolver = resolve_secret, timeout: float = 20.0, facts: bool = True
) -> Fetched:
    """The device's running configuration (and the fact commands' outputs) over one SSH session."""
    from netmiko import ConnectHandler

    spec = vendor_spec(device.vendor)
    vendor, cli = spec.key, spec.cli
    params: dict[str, Any] = netmiko_params(
        device,
        resolve=resolve,
        conn_timeout=timeout,
        banner_timeout=timeout,
        auth_timeout=timeout,
        session_timeout=timeout,
        # netmiko's hp_comware turns the command-echo check off (Comware wraps long commands); our
        # commands are short, and without the check a late prompt from the login shifts every
        # answer by one command under load.
        global_cmd_verify=True,
    )
    try:
        with ConnectHandler(**params) as conn:
            if vendor == "cisco_ios" and params.get("secret"):
                conn.enable()
            config = str(conn.send_command(cli.show_running, read_timeout=timeout))
            if cli.refused.search(config) or not config.strip():
                raise FetchError("cli", f"{cli.show_running!r} was refused or printed nothing")
            if config.rstrip().rsplit("\n", 1)[-1].strip() != cli.last_line:
                raise FetchError("cli", f"incomplete configuration (no final {cli.last_line!r} line)")
            outputs = {}
            if facts:
                for command in FACT_COMMANDS[vendor]:
                    outputs[command] = str(conn.send_command(command, read_timeout=timeout))
            return Fetched(config, outputs)
    except FetchError:
        raise
    except Exception as exc:  # netmiko/paramiko raise many kinds; each becomes a named failure
        raise _translate(device, exc) from None
