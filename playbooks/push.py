"""Push one device to its intended configuration over SSH (netmiko): diff, type the remediation,
check every answer, roll back on a rejected line, save only when everything was accepted.

``converge`` is what the Ansible module calls and what the tests drive directly. It returns a
plain dict (Ansible's result shape): ``changed``, ``diff``, ``failed``, ``msg``, and on a rejected
line ``rejected_line`` and ``device_error`` (the device's own text). Secret values never leave it:
lines carry placeholders until the moment they are typed, and device answers are redacted.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import secretforms
from .diff import Change, compute

# Each vendor's answer to a line it refuses (the lab speaks them as the devices do).
ERROR_TEXT = {
    "huawei_vrp": re.compile(r"^\s*Error:.*$", re.MULTILINE),
    "h3c_comware": re.compile(r"^\s*% (?:Unrecognized|Incomplete|Wrong|Too many|Ambiguous|Unknown).*$", re.M),
    "cisco_ios": re.compile(r"^\s*% (?:Invalid|Incomplete|Ambiguous|Unknown|Bad).*$", re.MULTILINE),
}
# The prompt a configuration line's answer ends with: [R1-GigabitEthernet0/0/1], <R1>, R1(config-if)#.
PROMPT = r"(?:^|[\r\n])[ \t]*(?:[<\[][^\r\n<>\[\]]+[>\]]|[^\s()#]+(?:\([^\r\n)]*\))?#)[ \t]*$"
# A prompt with a command after it: "<R1>display current-configuration", "R1#show running-config".
_ECHO = re.compile(r"^\s*(?:[<\[][^\s<>\[\]]+[>\]]|[^\s()#]+(?:\([^)]*\))?#)\s*(?:display|show|dis|sh)\b")

_PROMPT_LINE = re.compile(r"\s*(?:[<\[][^\s<>\[\]]+[>\]]|[^\s()#]+(?:\([^)]*\))?#)\s*")

# Entering and leaving configuration mode, typed directly: netmiko's config_mode()/exit_config_mode()
# wait for seconds of silence on VRP and Comware (about 9 s a device, measured by the benchmark).
CONFIG_MODE = {
    "huawei_vrp": ("system-view", "return"),
    "h3c_comware": ("system-view", "return"),
    "cisco_ios": ("configure terminal", "end"),
}
SHOW_RUNNING = {
    "huawei_vrp": "display current-configuration",
    "h3c_comware": "display current-configuration",
    "cisco_ios": "show running-config",
}
SHOW_SAVED = {
    "huawei_vrp": "display saved-configuration",
    "h3c_comware": "display saved-configuration",
    "cisco_ios": "show startup-config",
}


class Rejected(Exception):
    def __init__(self, line: str, answer: str) -> None:
        super().__init__(line)
        self.line = line
        self.answer = answer


@dataclass
class Session:
    """A netmiko connection with the few operations a push needs."""

    conn: Any
    vendor: str

    def running(self) -> str:
        return self._show(SHOW_RUNNING[self.vendor])

    def saved(self) -> str:
        return self._show(SHOW_SAVED[self.vendor])

    def _show(self, command: str) -> str:
        """A display command's whole answer: from after its echo up to the next prompt.

        netmiko's send_command can stop at a stale prompt still in flight from the login (seen on
        a loaded machine: a config read as nothing but the prompt, which a diff would then try to
        rebuild); here the answer counts only once the command's own echo has been read.
        """
        self.conn.clear_buffer()
        self.conn.write_channel(self.conn.normalize_cmd(command))
        text = ""
        while command not in text:
            text += str(self.conn.read_until_pattern(pattern=PROMPT, read_timeout=60))
        answer = text.split(command, 1)[1].split("\n", 1)[-1]
        lines = answer.replace("\r", "").splitlines()
        if lines and _PROMPT_LINE.fullmatch(lines[-1]) is not None:
            lines = lines[:-1]
        return "\n".join(line for line in lines if not _ECHO.match(line)) + "\n"

    def apply(self, lines: list[str], secrets: dict[str, str], applied: list[str]) -> None:
        """Type ``lines`` in config mode, one by one, each answer read up to the next prompt (no
        fixed delays: netmiko's per-call config-mode checks cost seconds a line); the first refused
        line raises ``Rejected``."""
        enter, leave = CONFIG_MODE[self.vendor]
        self._type(enter)
        try:
            for line in lines:
                typed = secretforms.fill(self.vendor, line.strip(), secrets)
                answer = self._type(typed)
                error = ERROR_TEXT[self.vendor].search(answer)
                if error:
                    raise Rejected(line.strip(), secretforms.redact(error.group(0).strip(), secrets))
                applied.append(line)
        finally:
            self._type(leave)

    def _type(self, line: str) -> str:
        """One line, and the answer up to the next prompt."""
        self.conn.write_channel(self.conn.normalize_cmd(line))
        return str(self.conn.read_until_pattern(pattern=PROMPT, read_timeout=60))

    def save(self) -> None:
        self.conn.save_config()

    def close(self) -> None:
        """Close the SSH session, which ends the login (netmiko's disconnect types `quit` and waits
        seconds for VRP's goodbye)."""
        with contextlib.suppress(OSError, EOFError):
            self.conn.paramiko_cleanup()


def _result(change: Change, **extra: Any) -> dict[str, Any]:
    return {
        "changed": change.changed,
        "diff": {"prepared": change.diff} if change.diff else {},
        "remediation": change.remediation,
        "rollback": change.rollback,
        "failed": False,
        **extra,
    }


def converge(
    connect: Callable[[], Any],
    vendor: str,
    intended: str,
    secrets: dict[str, str],
    *,
    hostname: str = "device",
    check: bool = False,
    save: bool = True,
) -> dict[str, Any]:
    """Bring one device to ``intended`` (see the module docstring for the result)."""
    started = time.monotonic()
    conn = connect()
    session = Session(conn, vendor)
    try:
        before = session.running()
        change = compute(vendor, before, intended, hostname)
        if not change.changed or check:
            return _result(change, elapsed=round(time.monotonic() - started, 3))
        applied: list[str] = []
        try:
            session.apply(change.remediation, secrets, applied)
        except Rejected as exc:
            restored = _roll_back(session, vendor, before, secrets, hostname)
            return {
                **_result(change),
                "changed": bool(applied) and not restored,
                "failed": True,
                "msg": f"{hostname}: the device refused '{exc.line}': {exc.answer}"
                + ("; rolled back, nothing saved" if restored else "; ROLLBACK INCOMPLETE, nothing saved"),
                "rejected_line": exc.line,
                "device_error": exc.answer,
                "applied": len(applied),
                "rolled_back": restored,
            }
        if save:
            session.save()
        return _result(change, elapsed=round(time.monotonic() - started, 3), saved=save)
    finally:
        session.close()


def _roll_back(session: Session, vendor: str, before: str, secrets: dict[str, str], hostname: str) -> bool:
    """Undo what a failed push applied: the remediation from the running config now back to the
    one before the push (computed, like every change, by hier_config). True when it converged."""
    now = session.running()
    back = compute(vendor, now, secretforms.mask(vendor, before), hostname)
    try:
        session.apply(back.remediation, secrets, [])
    except Rejected:
        return False
    return not compute(vendor, session.running(), secretforms.mask(vendor, before), hostname).changed
