"""The lab's CLI core: a terminal on top of a vendor's configuration syntax (``govnet.netconfig``).

A vendor dialect (``huawei_vrp.py``, ``h3c_comware.py``, ``cisco_ios.py``) extends its
configuration syntax class and ``Dialect``, overriding named hooks: prompts, error texts, paging,
the display commands. A ``CliSession`` is one logged-in user: it takes typed lines and returns the
device's answer. It knows nothing about SSH (``govnet.lab.ssh_server`` carries the bytes).

Saved configuration is the vendor's config text; booting reads it through the same command tables
a person types at (``Dialect.load_config``), so rendering and parsing are proven against each other.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from govnet.lab.state import DeviceState
from govnet.netconfig.dialect import ConfigDialect, ConfigSession
from govnet.netconfig.grammar import (
    Args,
    Command,
    CommandError,
    CommandTable,
    Handler,
    View,
    cmd,
    config_section,
    ipv4_interface,
    ipv6_interface,
    len_to_mask,
    mask_to_len,
    negated,
    number,
    top_view,
    undo_only,
    unquote,
    wildcard,
    word_after,
)

log = logging.getLogger(__name__)

__all__ = [
    "Args",
    "CliSession",
    "Command",
    "CommandError",
    "CommandTable",
    "Dialect",
    "Handler",
    "View",
    "cmd",
    "config_section",
    "ipv4_interface",
    "ipv6_interface",
    "len_to_mask",
    "mask_to_len",
    "negated",
    "number",
    "output_filter",
    "top_view",
    "undo_only",
    "unquote",
    "wildcard",
    "word_after",
]


class CliSession(ConfigSession):
    """One logged-in CLI user on one device: a ``ConfigSession`` on the device's configuration with a
    terminal (user, paging, prompts, questions) and the device's runtime state."""

    fixed_ports = True  # ``interface NAME`` enters the hardware's ports, creates only logical ones

    def __init__(
        self,
        dialect: Dialect,
        state: DeviceState,
        username: str = "",
        *,
        privileged: bool = True,
        on_save: Callable[[DeviceState], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(dialect, state.config, clock=clock)
        self.dialect: Dialect = dialect
        self.state = state
        self.username = username
        self.privileged = privileged
        self.on_save = on_save
        self.view = View("user")
        self.paging = (
            True  # page long output at the terminal's height (``screen-length``/``terminal length``)
        )
        self.page_lines: int | None = None  # lines per page when set explicitly
        self.closed = False
        self.echo = True  # False while a password is being typed
        self.errors: list[str] = []  # collected while replaying a config file

    # The transport calls these three.
    def prompt(self) -> str:
        if self.question is not None:
            return ""
        return self.dialect.prompt(self)

    def banner(self) -> str:
        return self.dialect.motd(self)

    def handle_line(self, line: str) -> str:
        """Run one typed line; return the output (``\\n`` line ends) without the next prompt."""
        if self.question is not None:
            question, self.question = self.question, None
            self.echo = True
            return question(self, line)
        if not line.strip():
            return ""
        command, bar, pipe = line.partition(" | ")
        if bar and not _is_display(command):
            command, bar, pipe = line, "", ""  # `|` is only a filter after display/show commands
        try:
            out = self.dialect.execute(self, command if bar else line)
            if bar:
                out = output_filter(out or "", pipe, len(command) + 3)
        except CommandError as err:
            return self.dialect.error_text(self, err, line)
        except Exception:  # a lab bug must not kill the session: log it, answer as a device would
            log.exception("%s: command %r failed inside the lab", self.state.hostname, line)
            return self.dialect.error_text(self, CommandError("wrong-parameter"), line)
        return out or ""

    def changed(self) -> None:
        self.state.touch()

    def save(self) -> None:
        self.state.saved_config = self.dialect.render_config(self.state.config)
        if self.on_save is not None:
            self.on_save(self.state)


class Dialect(ConfigDialect):
    """A vendor's terminal: named hooks a vendor overrides (prompts, texts, paging, displays) on top of
    its configuration syntax. Instances are stateless and shared by all sessions."""

    def build_tables(self) -> dict[str, CommandTable]:
        raise NotImplementedError

    # --- prompts and texts --------------------------------------------------------------------
    def prompt(self, session: CliSession) -> str:
        raise NotImplementedError

    def motd(self, session: CliSession) -> str:
        return ""

    def login_banner(self, state: DeviceState) -> str:
        return state.banners.login

    def error_text(self, session: CliSession, err: CommandError, line: str) -> str:
        raise NotImplementedError

    def system_view_notice(self) -> str:
        return ""

    def save_question(self) -> str:
        return ""

    def save_done_text(self) -> str:
        return ""

    def more_prompt(self) -> str:
        """What a paged display shows at the bottom of each page."""
        return "  ---- More ----"

    def idle_timeout_text(self) -> str:
        return "Info: The connection was closed by the remote host because of idle timeout."

    # --- session hooks ------------------------------------------------------------------------
    def session_start(self, session: CliSession) -> None:
        session.view = View("user")

    def ctrl_z(self, session: CliSession) -> str:
        """Ctrl+Z: back to the top view (VRP/Comware `return`, IOS `end`)."""
        session.view = top_view(session.view)
        return ""

    # --- configuration ------------------------------------------------------------------------
    def load_config(self, state: DeviceState, text: str) -> list[str]:
        """Replay a saved config file into ``state`` (as the device reads its startup file); return
        the lines it refused."""
        session = ConfigSession(self, state.config)
        session.fixed_ports = True
        return [f"line {u.number}: {u.text.strip()}: {u.reason}" for u in self.load(session, text)]

    def with_terminal(
        self, extra: dict[str, list[Command]], everywhere: list[Command]
    ) -> dict[str, CommandTable]:
        """The configuration syntax's tables with the terminal's commands: ``extra`` per view kind
        (the terminal's own kinds too), ``everywhere`` in every configuration view."""
        config = self.config_commands()
        return {
            **{kind: CommandTable(commands) for kind, commands in extra.items() if kind not in config},
            **{
                kind: CommandTable([*commands, *extra.get(kind, []), *everywhere])
                for kind, commands in config.items()
            },
        }


def _is_display(command: str) -> bool:
    first = command.split()[0].lower() if command.split() else ""
    return first == "do" or (len(first) >= 2 and ("display".startswith(first) or "show".startswith(first)))


def output_filter(text: str, pipe: str, column: int) -> str:
    """``| include RE``, ``| exclude RE``, ``| begin RE``, ``| section RE`` (all three vendors)."""
    verb, _, pattern = pipe.strip().partition(" ")
    verbs = [v for v in ("include", "exclude", "begin", "section") if v.startswith(verb.lower())]
    if len(verbs) != 1 or not verb:
        raise CommandError("unrecognized" if not verbs else "ambiguous", column)
    if not pattern.strip():
        raise CommandError("incomplete", column + len(pipe))
    try:
        regex = re.compile(pattern.strip())
    except re.error:
        raise CommandError("wrong-parameter", column + len(verb) + 1) from None
    lines = text.split("\n")
    if verbs[0] == "include":
        kept = [x for x in lines if regex.search(x)]
    elif verbs[0] == "exclude":
        kept = [x for x in lines if not regex.search(x)]
    elif verbs[0] == "begin":
        start = next((i for i, x in enumerate(lines) if regex.search(x)), len(lines))
        kept = lines[start:]
    else:
        kept, inside = [], False
        for x in lines:
            if x and not x[0].isspace():
                inside = bool(regex.search(x))
            if inside:
                kept.append(x)
    return "\n".join(kept)
