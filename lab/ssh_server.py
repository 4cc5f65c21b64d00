"""SSH transport for simulated devices: asyncssh listeners, password auth, a terminal line discipline.

One listener per device per address family, all in one asyncio loop. The CLI itself is a
``CliSession`` (``govnet.lab.vendors.base``); this module only carries bytes: it echoes what is
typed as a device's terminal does, hands complete lines to the session and writes the answers.
Faults are read from the device's state on every event: unreachable devices stop answering (new
connections reach a silent socket), slow devices delay every answer, auth-failure refuses logins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncssh

from govnet.lab.state import DeviceState, FaultKind
from govnet.lab.vendors import dialect_for
from govnet.lab.vendors.base import CliSession, Dialect
from govnet.netconfig.passwords import verify_password

log = logging.getLogger(__name__)

# Control characters a device terminal acts on.
_BACKSPACES = ("\x7f", "\x08")
_CTRL_C = "\x03"
_CTRL_Z = "\x1a"
MAX_LINE = 4096  # longer typed lines are cut, as device terminals cut them


@dataclass
class SshDevice:
    """What the SSH side needs to know about one device; the runtime owns it."""

    state: DeviceState
    on_save: Callable[[DeviceState], None] | None = None
    sessions: set[asyncio.Task[Any]] = field(default_factory=set)
    connections: set[asyncssh.SSHServerConnection] = field(default_factory=set)

    @property
    def dialect(self) -> Dialect:
        return dialect_for(self.state.vendor)

    def drop_connections(self) -> int:
        """What a reboot does to logged-in users: every SSH connection closes."""
        dropped = list(self.connections)
        for conn in dropped:
            conn.close()
        self.connections.clear()
        return len(dropped)


def check_login(state: DeviceState, username: str, password: str, now: float) -> bool:
    """Password authentication against the device's local users, with login-failure lockout."""
    if state.has_fault(FaultKind.AUTH_FAILURE):
        return False
    user = state.user(username)
    if user is None or "ssh" not in user.services:
        return False
    record = state.login(username)
    if record.locked_until > now:
        return False  # locked out: even the right password fails, as on the devices
    if verify_password(password, user.password_hash):
        record.failures = 0
        return True
    record.failures += 1
    lockout = state.lockout
    if lockout.max_failures and record.failures >= lockout.max_failures:
        record.locked_until = now + lockout.lock_minutes * 60
        record.failures = 0
        log.info("%s: user %s locked out for %d min", state.hostname, username, lockout.lock_minutes)
    return False


class _DeviceSshServer(asyncssh.SSHServer):
    def __init__(self, device: SshDevice) -> None:
        self.device = device
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.device.connections.add(conn)
        state = self.device.state
        if not state.ssh_server or "ssh" not in state.vty.protocols:
            conn.close()  # the device does not serve SSH: refused after the handshake starts

    def connection_lost(self, exc: Exception | None) -> None:
        if self.conn is not None:
            self.device.connections.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        banner = self.device.dialect.login_banner(self.device.state)
        if banner and self.conn is not None:
            self.conn.send_auth_banner(banner.replace("\n", "\r\n") + "\r\n")
        return self.device.state.vty.auth_mode != "none"

    def password_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        state = self.device.state
        if state.slow_seconds:
            await asyncio.sleep(state.slow_seconds)
        ok = check_login(state, username, password, time.time())
        if not ok:
            await asyncio.sleep(0.2)  # devices pause after a failed login
        return ok


async def _run_shell(device: SshDevice, process: asyncssh.SSHServerProcess[str]) -> None:
    state = device.state
    username = process.get_extra_info("username") or ""
    user = state.user(username)
    session = CliSession(
        device.dialect,
        state,
        username,
        privileged=(user.privilege >= 15) if user else False,
        on_save=device.on_save,
    )
    device.dialect.session_start(session)

    async def write(text: str) -> None:
        if state.slow_seconds:
            await asyncio.sleep(state.slow_seconds)
        if state.reachable:
            process.stdout.write(text.replace("\r\n", "\n").replace("\n", "\r\n"))

    if process.command:  # `ssh device "display version"`: one command, then close
        out = session.handle_line(process.command)
        await write(out + "\n" if out else "")
        process.exit(0)
        return

    motd = session.banner()
    await write(("\n" + motd + "\n\n" if motd else "\n") + session.prompt())
    pager = _Pager(process, session)
    line = ""
    last_was_cr = False
    try:
        while not session.closed:
            idle = state.vty.idle_timeout_s or None
            try:
                data = await asyncio.wait_for(process.stdin.read(4096), timeout=idle)
            except TimeoutError:
                await write("\n" + device.dialect.idle_timeout_text() + "\n")
                break
            except asyncssh.TerminalSizeChanged:
                continue  # the pager asks for the size when it needs it
            except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                data = _CTRL_C
            except (asyncssh.Error, ConnectionError, BrokenPipeError):
                return
            if not data:
                break
            if not state.reachable:
                continue  # an unreachable device hears nothing
            echo: list[str] = []
            for char in data:
                if char == "\n" and last_was_cr:
                    last_was_cr = False
                    continue
                last_was_cr = char == "\r"
                if pager.waiting:
                    await write(pager.key(char))
                    continue
                if char in "\r\n":
                    if echo:
                        await write("".join(echo))
                        echo.clear()
                    out = session.handle_line(line)
                    line = ""
                    if session.closed:
                        await write("\n")
                        break
                    if session.question is not None:
                        await write("\n" + out)
                    else:
                        await write("\n" + pager.show(out))
                elif char in _BACKSPACES:
                    if line:
                        line = line[:-1]
                        if session.echo:
                            echo.append("\b \b")
                elif char == _CTRL_C:
                    line = ""
                    echo.append("^C\n" + session.prompt())
                elif char == _CTRL_Z:
                    line = ""
                    out = device.dialect.ctrl_z(session)
                    echo.append("\n" + (out + "\n" if out else "") + session.prompt())
                elif (char >= " " or char == "\t") and len(line) < MAX_LINE:
                    line += char
                    if session.echo:
                        echo.append(char)
            if echo:
                await write("".join(echo))
    except (asyncssh.Error, ConnectionError, BrokenPipeError):
        return  # the client went away mid-answer
    with contextlib.suppress(Exception):
        process.exit(0)


class _Pager:
    """``---- More ----``: long output stops at the terminal's height until a key is pressed.

    Space shows the next page, Enter the next line, anything else (q, Ctrl+C) ends the output.
    Paging only happens on a pty, and stops once the session turns it off (netmiko always does).
    """

    def __init__(self, process: asyncssh.SSHServerProcess[str], session: CliSession) -> None:
        self.process = process
        self.session = session
        self.pending: list[str] = []

    @property
    def waiting(self) -> bool:
        return bool(self.pending)

    def _height(self) -> int:
        if self.session.page_lines:
            return self.session.page_lines
        if self.process.get_terminal_type() is None:
            return 0  # no pty: a script, never paged
        rows = self.process.get_terminal_size()[1]
        return max(rows - 1, 1) if rows else 23

    def show(self, out: str) -> str:
        """Text to write after a command: its output (maybe the first page only) and what follows."""
        if not out:
            return self.session.prompt()
        lines = out.split("\n")
        height = self._height() if self.session.paging else 0
        if not height or len(lines) <= height:
            return out + "\n" + self.session.prompt()
        self.pending = lines[height:]
        return "\n".join(lines[:height]) + "\n" + self.session.dialect.more_prompt()

    def key(self, char: str) -> str:
        more = self.session.dialect.more_prompt()
        erase = "\r" + " " * len(more) + "\r"
        if char == " ":
            count = self._height() or len(self.pending)
        elif char in "\r\n":
            count = 1
        else:
            self.pending = []
            return erase + self.session.prompt()
        chunk, self.pending = self.pending[:count], self.pending[count:]
        tail = more if self.pending else self.session.prompt()
        return erase + "\n".join(chunk) + "\n" + tail


def _process_factory(device: SshDevice) -> Callable[[asyncssh.SSHServerProcess[str]], Any]:
    async def handle(process: asyncssh.SSHServerProcess[str]) -> None:
        task = asyncio.current_task()
        if task is not None:
            device.sessions.add(task)
        try:
            await _run_shell(device, process)
        finally:
            if task is not None:
                device.sessions.discard(task)

    return handle


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """An unreachable device: the TCP connection opens (the lab shares a host) but nothing answers."""
    with contextlib.suppress(Exception):
        await reader.read()
    writer.close()


class SshListener:
    """One device's SSH listener on one address; ``silence()``/``resume()`` for the unreachable fault."""

    def __init__(self, device: SshDevice, host: str, host_key: asyncssh.SSHKey) -> None:
        self.device = device
        self.host = host
        self.host_key = host_key
        self.port = 0
        self._server: Any = None
        self.silent = False

    async def start(self, port: int = 0) -> int:
        self._server = await asyncssh.create_server(
            lambda: _DeviceSshServer(self.device),
            self.host,
            port,
            server_host_keys=[self.host_key],
            process_factory=_process_factory(self.device),
            line_editor=False,
            encoding="utf-8",
            keepalive_interval=0,
            login_timeout=30,
            reuse_address=True,
        )
        sockets = self._server.sockets
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def silence(self) -> None:
        if self.silent:
            return
        await self._close()
        self._server = await asyncio.start_server(_silent, self.host, self.port, reuse_address=True)
        self.silent = True

    async def resume(self) -> None:
        if not self.silent:
            return
        await self._close()
        await self.start(self.port)
        self.silent = False

    async def stop(self) -> None:
        await self._close()
        for task in list(self.device.sessions):
            task.cancel()
