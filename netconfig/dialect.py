"""A vendor's configuration syntax (``ConfigDialect``) and the one loop that reads a config text.

Each vendor's syntax (``huawei_vrp.py``, ``h3c_comware.py``, ``cisco_ios.py``) lists its config
commands per view (section) and renders a ``DeviceConfig`` back to text. The same command tables
serve a configuration file read here and a command a person types at the lab's CLI (the lab's
dialects extend these classes with their terminal personality), so both are read one way.

``ConfigDialect.load`` reads a text line by line. It is liberal in what it reads: command echoes and
headers a device or netmiko adds (``display current-configuration``, ``Building configuration...``,
``Current configuration : N bytes``), paging marks, trailing prompts, CR/LF line ends and lines in
another encoding (``decode_lines``); every line it cannot apply is kept as an ``UnknownLine`` with
its line number, together with the lines indented under it (a section it does not know), as evidence.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govnet.netconfig.grammar import Command, CommandError, CommandTable, View
from govnet.netconfig.model import DeviceConfig, VtyConfig
from govnet.vendors import VendorSpec, vendor_spec

# Waits for the next line (a password, a Y/N answer, a banner's next line); the session is its caller's.
Question = Callable[[Any, str], str]

# What a terminal capture adds around a configuration: ANSI escapes and paging marks.
_NOISE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\s*-{2,4} ?[Mm]ore ?-{2,4}\s*|[\x08]+ *[\x08]*")


@dataclass(frozen=True)
class UnknownLine:
    """A configuration line the model does not hold (kept, with where it was, as evidence)."""

    number: int  # 1-based line number in the text read
    text: str
    reason: str  # the device's complaint: unrecognized | incomplete | wrong-parameter | ... | section


class ConfigSession:
    """Where a configuration is applied: the config, the current view (section) and a clock.

    Handlers read and change ``session.config`` only. The lab's ``CliSession`` extends this with a
    terminal (user, paging, prompts) and its runtime."""

    # Whether ``interface NAME`` may only enter ports that exist (the lab's fixed hardware); a
    # configuration read on its own creates every interface it names.
    fixed_ports = False

    def __init__(
        self, dialect: ConfigDialect, config: DeviceConfig, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.dialect = dialect
        self.config = config
        self.clock = clock
        self.view = dialect.top_config_view()
        self.question: Question | None = None  # set while the device waits for more input
        # While a configuration text is read (``ConfigDialect.load``): what its earlier lines set up
        # for later ones (``marks``), and the VTY line blocks already read (``vty_blocks``).
        self.loading = False
        self.marks: set[str] = set()
        self.vty_blocks: list[tuple[VtyConfig, bool]] = []  # (block, whether it admits anyone)

    def ask(self, question: Question) -> None:
        self.question = question

    def changed(self) -> None:
        """Called after every applied command (the lab bumps its state's revision)."""


class ConfigDialect:
    """A vendor's configuration syntax: named hooks the vendor classes override.

    Instances are stateless and shared."""

    vendor = ""  # the device-type key: the vendor's facts are in ``govnet.vendors``
    negation = "undo"
    comment = "#"  # config section separator (Cisco: "!")
    config_root = "system"  # the top configuration view (IOS: "config")
    exec_root = "user"  # the view above it (IOS: "exec")
    # Lines a device or a terminal capture puts before, in or after a configuration: not config.
    preamble = re.compile(
        r"\s*(display current-configuration.*|display saved-configuration.*|!.*|return"
        r"|<[^<>\s]+>.*|\[[~*]?[^\[\]\s]+\].*)\s*$"
    )

    # --- vendor facts (govnet.vendors) ---------------------------------------------------------
    @property
    def spec(self) -> VendorSpec:
        return vendor_spec(self.vendor)

    @property
    def logical_interfaces(self) -> tuple[str, ...]:
        """Interface kinds ``interface NAME`` may create."""
        return self.spec.interfaces.logical

    @property
    def factory_hostname(self) -> str:
        return self.spec.factory.hostname

    @property
    def default_model(self) -> str:
        return self.spec.factory.model

    @property
    def version_text(self) -> str:
        return self.spec.factory.software_version

    def cipher_marks(self) -> tuple[str, str]:
        """How the config shows reversibly stored secrets (SNMP keys, communities)."""
        return ("%^%#", "%^%#")

    # --- tables -------------------------------------------------------------------------------
    def config_commands(self) -> dict[str, list[Command]]:
        """The configuration commands per view kind."""
        raise NotImplementedError

    def build_tables(self) -> dict[str, CommandTable]:
        return {kind: CommandTable(commands) for kind, commands in self.config_commands().items()}

    def tables(self) -> dict[str, CommandTable]:
        """The command tables per view kind, built once per dialect class (they are immutable)."""
        cls = type(self)
        if cls not in _TABLES:
            _TABLES[cls] = self.build_tables()
        return _TABLES[cls]

    def top_config_view(self) -> View:
        """A fresh top configuration view (VRP/Comware system view, IOS config) under its exec view."""
        return View(self.config_root, parent=View(self.exec_root))

    # --- execution ----------------------------------------------------------------------------
    def execute(self, session: ConfigSession, line: str) -> str | None:
        """Apply one line in the session's view (falling back to the views above it, as the devices
        do); raise CommandError as the device would refuse it."""
        tokens = [(m.group(0), m.start()) for m in re.finditer(r"\S+", line)]
        is_negated = tokens[0][0].lower() == self.negation and len(tokens) > 1
        if is_negated:
            tokens = tokens[1:]
        tables = self.tables()
        chain: list[View | None] = []
        view: View | None = session.view
        while view is not None:
            chain.append(view)
            if view.kind == self.config_root:
                break  # config commands never fall back to the exec view
            view = view.parent
        chain.append(None)  # commands valid in every view (display on VRP and Comware)
        first_error: CommandError | None = None
        for candidate in chain:
            table = tables.get(candidate.kind if candidate is not None else "any")
            if table is None:
                continue
            try:
                command, args = table.match(tokens, negated=is_negated)
            except CommandError as err:
                if first_error is None or err.column > first_error.column:
                    first_error = err
                continue
            before = session.view
            if candidate is not None and candidate is not session.view:
                session.view = candidate  # a parent's command leaves the sub-view, as on the devices
            if is_negated:
                args["__no__"] = "1"
            try:
                result = command.handler(session, args)
            except CommandError:
                session.view = before  # a refused command leaves the session where it was
                raise
            session.changed()
            return result
        raise first_error or CommandError("unrecognized", tokens[0][1])

    # --- configuration text -------------------------------------------------------------------
    def render_config(self, config: DeviceConfig) -> str:
        raise NotImplementedError

    def load(self, session: ConfigSession, text: str | bytes) -> list[UnknownLine]:
        """Apply a configuration text through ``session``; return the lines it could not apply.

        A command that asks for more lines (a banner over several lines) gets the lines that follow,
        as they are, until it has what it wants. A banner never closed gives its first line back as
        unknown and the lines after it are read again as configuration."""
        session.loading = True
        try:
            return self._load(session, _lines(text))
        finally:
            session.loading = False
            self.finish(session)

    def finish(self, session: ConfigSession) -> None:
        """Called when a configuration text has been read: settle what spans several sections (the
        VTY line blocks, read apart, become the one ``VtyConfig`` that says what the weakest allows)."""
        from govnet.netconfig.handlers import combine_vty_blocks  # handlers import this module

        combine_vty_blocks(session)

    def _load(self, session: ConfigSession, lines: list[str]) -> list[UnknownLine]:
        base = session.view
        unknown: list[UnknownLine] = []
        block: int | None = None  # indentation of an unknown line whose indented block is skipped
        asking: tuple[int, int] | None = None  # (index, indent) of the line whose question is open
        index = 0
        while index < len(lines):
            number, raw = index + 1, lines[index]
            index += 1
            line = _NOISE.sub("", raw).rstrip()
            if asking is not None and session.question is not None:
                question, session.question = session.question, None
                question(session, line)
                if session.question is None:
                    asking = None
                elif index == len(lines):  # never closed: read what followed it as configuration
                    start, block = asking
                    session.question, asking = None, None
                    unknown.append(UnknownLine(start + 1, lines[start], "unterminated"))
                    index = start + 1
                continue
            stripped = line.strip()
            if not stripped:
                continue
            indent = len(line) - len(line.lstrip())
            if block is not None and indent > block:
                unknown.append(UnknownLine(number, line, "section"))
                continue
            block = None
            if stripped in (self.comment, "return", "end"):
                if indent == 0 or stripped != self.comment:  # VRP V8 writes ` #` inside a section
                    session.view = base
                continue
            if stripped in ("quit", "exit"):  # leave the current section (scripts write these)
                if session.view is not base and session.view.parent is not None:
                    session.view = session.view.parent
                continue
            if stripped.startswith((self.comment, "!")) or self.preamble.fullmatch(line):
                continue
            try:
                self.execute(session, stripped)
            except CommandError as err:
                unknown.append(UnknownLine(number, line, err.detail or err.kind))
                block = indent
            if session.question is not None:
                if index == len(lines):
                    session.question = None
                    unknown.append(UnknownLine(number, line, "unterminated"))
                else:
                    asking = (index - 1, indent)
        return unknown


_TABLES: dict[type[ConfigDialect], dict[str, CommandTable]] = {}


def _lines(text: str | bytes) -> list[str]:
    return text.splitlines() if isinstance(text, str) else decode_lines(text)[0]


def decode_lines(data: bytes) -> tuple[list[str], int]:
    """The lines of ``data``: each read as UTF-8, else GB 18030, else UTF-8 with U+FFFD for the
    bytes neither explains; and how many lines needed U+FFFD (callers report it)."""
    out, replaced = [], 0
    for raw in data.splitlines():
        for encoding in ("utf-8", "gb18030"):
            try:
                out.append(raw.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append(raw.decode("utf-8", errors="replace"))
            replaced += 1
    return out, replaced
