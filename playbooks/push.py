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

from govnet.vendors import CliDialect, vendor_spec

from . import secretforms
from .diff import Change, compute

# The prompt a configuration line's answer ends with: [R1-GigabitEthernet0/0/1], <R1>, R1(config-if)#.
PROMPT = r"(?:^|[\r\n])[ \t]*(?:[<\[][^\r\n<>\[\]]+[>\]]|[^\s()#]+(?:\([^\r\n)]*\))?#)[ \t]*$"
# A prompt with a command after it: "<R1>display current-configuration", "R1#show running-config".
_ECHO = re.compile(r"^\s*(?:[<\[][^\s<>\[\]]+[>\]]|[^\s()#]+(?:\([^)]*\))?#)\s*(?:display|show|dis|sh)\b")

_PROMPT_LINE = re.compile(r"\s*(?:[<\[][^\s<>\[\]]+[>\]]|[^\s()#]+(?:\([^)]*\))?#)\s*")

# Every vendor fact a push uses (show commands, configuration mode, save and its question, error
# texts) is the vendor's ``govnet.vendors.CliDialect``. Configuration mode is entered and left by
# typing those lines directly: netmiko's config_mode()/exit_config_mode() wait for seconds of silence
# on VRP and Comware (about 9 s a device, measured by the benchmark); so does its save_config().


class Rejected(Exception):
    def __init__(self, line: str, answer: str, *, typed: bool = True) -> None:
        super().__init__(line)
        self.line = line
        self.answer = answer
        self.typed = typed  # False: govnet could not type it (a secret without a value)


@dataclass
class Session:
    """A netmiko connection with the few operations a push needs."""

    conn: Any
    vendor: str

    @property
    def cli(self) -> CliDialect:
        return vendor_spec(self.vendor).cli

    def running(self) -> str:
        return self._show(self.cli.show_running)

    def saved(self) -> str:
        return self._show(self.cli.show_saved)

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
        cli = self.cli
        self._type(cli.enter_config)
        try:
            for line in lines:
                try:
                    typed = secretforms.fill(self.vendor, line.strip(), secrets)
                except KeyError as exc:
                    raise Rejected(
                        line.strip(),
                        f"no value for {{secret:{exc.args[0]}}}: the inventory names no such secret"
                        " for this device",
                        typed=False,
                    ) from None
                answer = self._type(typed)
                error = cli.refused.search(answer)
                if error:
                    raise Rejected(line.strip(), secretforms.redact(error.group(0).strip(), secrets))
                applied.append(line)
        finally:
            self._type(cli.leave_config)

    def _type(self, line: str, pattern: str = PROMPT) -> str:
        """One line, and the answer up to the next prompt (or ``pattern``)."""
        self.conn.write_channel(self.conn.normalize_cmd(line))
        return str(self.conn.read_until_pattern(pattern=pattern, read_timeout=60))

    def save(self) -> None:
        """Save from the exec view, answering the vendor's confirmation question; a refusal raises
        ``Rejected`` (the caller reports it: the running config is then applied but not saved)."""
        cli = self.cli
        if cli.save_question:
            answer = self._type(cli.save, f"(?:{PROMPT})|(?:{cli.save_question})")
            if re.search(cli.save_question, answer):
                answer += self._type(cli.save_answer)
        else:
            answer = self._type(cli.save)
        error = cli.refused.search(answer)
        if error:
            raise Rejected(cli.save, error.group(0).strip())

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
    progress: Callable[[str], None] = lambda stage: None,
) -> dict[str, Any]:
    """Bring one device to ``intended`` (see the module docstring for the result). ``progress`` is
    told each stage as it starts (reading, pushing, rolling back, saving, done)."""
    started = time.monotonic()
    conn = connect()
    session = Session(conn, vendor)
    try:
        progress("reading")
        before = session.running()
        change = compute(vendor, before, intended, hostname)
        if not change.changed or check:
            return _result(change, elapsed=round(time.monotonic() - started, 3))
        applied: list[str] = []
        try:
            progress("pushing")
            session.apply(change.remediation, secrets, applied)
        except Rejected as exc:
            progress("rolling back")
            restored = _roll_back(session, vendor, before, secrets, hostname)
            return {
                **_result(change),
                "changed": bool(applied) and not restored,
                "failed": True,
                "msg": f"{hostname}: {'the device refused' if exc.typed else 'could not type'} '{exc.line}':"
                f" {exc.answer}"
                + ("; rolled back, nothing saved" if restored else "; ROLLBACK INCOMPLETE, nothing saved"),
                "rejected_line": exc.line,
                "device_error": exc.answer,
                "applied": len(applied),
                "rolled_back": restored,
            }
        if save:
            progress("saving")
            try:
                session.save()
            except Rejected as exc:
                return {
                    **_result(change),
                    "failed": True,
                    "msg": f"{hostname}: applied, but the device refused '{exc.line}': {exc.answer};"
                    " the saved configuration is the one from before",
                    "rejected_line": exc.line,
                    "device_error": exc.answer,
                }
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
