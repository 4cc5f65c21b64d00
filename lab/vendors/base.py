"""The shared CLI core: command tables with abbreviation matching, views, and a session.

A vendor dialect (``huawei_vrp.py``, ``h3c_comware.py``, ``cisco_ios.py``) subclasses ``Dialect``
and overrides named hooks: prompts, error texts, the command tables per view, config rendering.
A ``CliSession`` is one logged-in user: it takes typed lines and returns the device's answer.
It knows nothing about SSH (``govnet.lab.ssh_server`` carries the bytes).

Saved configuration is the vendor's config text; booting replays it through ``Dialect.load_config``,
which feeds each line to the same command tables a person types at, so rendering and parsing are
proven against each other.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv6Interface

from govnet.lab.state import DeviceState
from govnet.vendors import VendorSpec, vendor_spec

log = logging.getLogger(__name__)

Args = dict[str, str]
Handler = Callable[["CliSession", Args], str | None]


class CommandError(Exception):
    """A typed command is wrong; ``kind`` picks the vendor's message, ``column`` places the caret."""

    def __init__(self, kind: str, column: int = 0, detail: str = "") -> None:
        super().__init__(kind)
        self.kind = kind  # unrecognized | incomplete | ambiguous | wrong-parameter | failed
        self.column = column
        self.detail = detail


@dataclass(frozen=True)
class Command:
    """One command form: keywords, ``<arg>`` (one word), ``<arg#>`` (digits) and ``<arg...>`` (the rest).

    ``[word]`` is an optional keyword. ``negate`` says whether the `undo`/`no` form exists.
    """

    words: tuple[str, ...]
    handler: Handler
    negate: bool = True
    only_negated: bool = False  # the bare form exists only as `undo ...` / `no ...`


def cmd(pattern: str, handler: Handler, *, negate: bool = True) -> Command:
    return Command(tuple(pattern.split()), handler, negate)


def undo_only(pattern: str, handler: Handler) -> Command:
    """A form that is complete only when negated (``undo description``, ``no enable secret``)."""
    return Command(tuple(pattern.split()), handler, True, True)


@dataclass
class _Candidate:
    command: Command
    pos: int = 0  # next pattern word
    args: Args = field(default_factory=dict)
    done: bool = False


class CommandTable:
    def __init__(self, commands: Iterable[Command]) -> None:
        self.commands = list(commands)

    def match(self, tokens: list[tuple[str, int]], *, negated: bool) -> tuple[Command, Args]:
        """Resolve tokens (word, column) to one command; raise CommandError like the device would."""
        live = [
            _Candidate(c)
            for c in self.commands
            if (c.negate or not negated) and (negated or not c.only_negated)
        ]
        for index, (token, column) in enumerate(tokens):
            low = token.lower()
            survivors: list[_Candidate] = []
            keyword_hits: dict[str, list[_Candidate]] = {}
            for cand in live:
                self._skip_optional_misses(cand, low)
                if cand.done:
                    continue
                if cand.pos >= len(cand.command.words):
                    continue
                word = cand.command.words[cand.pos]
                if word.startswith("<"):
                    if word.endswith("#>") and not (token.isascii() and token.isdecimal()):
                        continue  # a numeric argument (<seq#>) only takes digits
                    name = word.strip("<>.#")
                    if word.endswith("...>"):
                        cand.args[name] = " ".join(t for t, _ in tokens[index:])
                        cand.done = True
                    else:
                        cand.args[name] = token
                    cand.pos += 1
                    survivors.append(cand)
                    continue
                keyword = word.strip("[]")
                if keyword.startswith(low):
                    keyword_hits.setdefault(keyword, []).append(cand)
            if keyword_hits:
                exact = keyword_hits.get(low)
                if exact is not None:
                    chosen = exact
                elif len(keyword_hits) == 1:
                    chosen = next(iter(keyword_hits.values()))
                else:
                    raise CommandError("ambiguous", column)
                for cand in chosen:
                    cand.pos += 1
                # A keyword beats a free argument at the same position (as on the devices).
                survivors = chosen + [c for c in survivors if c.done]
            if not survivors and not any(c.done for c in live):
                raise CommandError("unrecognized", column)
            live = survivors + [c for c in live if c.done and c not in survivors]
            if all(c.done for c in live):
                break
        complete = [c for c in live if c.done or self._rest_optional(c)]
        if not complete:
            end = tokens[-1][1] + len(tokens[-1][0]) if tokens else 0
            raise CommandError("incomplete", end)
        best = complete[0]
        return best.command, best.args

    @staticmethod
    def _skip_optional_misses(cand: _Candidate, low: str) -> None:
        words = cand.command.words
        while cand.pos < len(words) and words[cand.pos].startswith("["):
            if words[cand.pos].strip("[]").startswith(low):
                return
            cand.pos += 1

    @staticmethod
    def _rest_optional(cand: _Candidate) -> bool:
        return all(w.startswith("[") for w in cand.command.words[cand.pos :])


@dataclass
class View:
    kind: str  # user | system | interface | acl | ospf | ospf-area | vty | aaa | ...
    key: str = ""  # interface name, ACL name, OSPF process id, ...
    parent: View | None = None
    data: object = None  # the state object this view edits


Question = Callable[["CliSession", str], str]


class CliSession:
    """One logged-in CLI user on one device."""

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
        self.dialect = dialect
        self.state = state
        self.username = username
        self.privileged = privileged
        self.on_save = on_save
        self.clock = clock
        self.view = View("user")
        self.paging = (
            True  # page long output at the terminal's height (``screen-length``/``terminal length``)
        )
        self.page_lines: int | None = None  # lines per page when set explicitly
        self.closed = False
        self.question: Question | None = None  # set while the device waits for an answer (Y/N)
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

    def ask(self, question: Question) -> None:
        self.question = question

    def save(self) -> None:
        self.state.saved_config = self.dialect.render_config(self.state)
        if self.on_save is not None:
            self.on_save(self.state)


class Dialect:
    """Named hooks a vendor overrides. Instances are stateless and shared by all sessions."""

    vendor = ""  # the device-type key: the vendor's facts are in ``govnet.vendors``
    negation = "undo"
    comment = "#"  # config section separator (Cisco: "!")
    config_root = "system"  # the top configuration view (IOS: "config")
    exec_root = "user"  # the view above it (IOS: "exec")
    config_views: tuple[str, ...] = ("system",)  # where a config file is replayed from

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

    # --- tables -------------------------------------------------------------------------------
    def tables(self) -> dict[str, CommandTable]:
        """The command tables per view kind, built once per dialect class (they are immutable)."""
        cls = type(self)
        if cls not in _TABLES:
            _TABLES[cls] = self.build_tables()
        return _TABLES[cls]

    def build_tables(self) -> dict[str, CommandTable]:
        raise NotImplementedError

    def parent_kind(self, kind: str) -> str | None:
        """The view a command falls back to when the current view does not know it."""
        return None if kind in ("user", "system") else "system"

    # --- prompts and texts --------------------------------------------------------------------
    def prompt(self, session: CliSession) -> str:
        raise NotImplementedError

    def motd(self, session: CliSession) -> str:
        return ""

    def login_banner(self, state: DeviceState) -> str:
        return state.banners.login

    def error_text(self, session: CliSession, err: CommandError, line: str) -> str:
        raise NotImplementedError

    def cipher_marks(self) -> tuple[str, str]:
        """How the config shows reversibly stored secrets (SNMP keys, communities)."""
        return ("%^%#", "%^%#")

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

    # --- execution ----------------------------------------------------------------------------
    def execute(self, session: CliSession, line: str) -> str | None:
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
            if candidate is not None and candidate is not session.view:
                session.view = candidate  # a parent's command leaves the sub-view, as on the devices
            if is_negated:
                args["__no__"] = "1"
            result = command.handler(session, args)
            session.state.touch()
            return result
        raise first_error or CommandError("unrecognized", tokens[0][1])

    # --- configuration ------------------------------------------------------------------------
    def render_config(self, state: DeviceState) -> str:
        raise NotImplementedError

    def top_config_view(self) -> View:
        """A fresh top configuration view (VRP/Comware system view, IOS config) under its exec view."""
        return View(self.config_root, parent=View(self.exec_root))

    def config_session(self, state: DeviceState) -> CliSession:
        """A session sitting in the view a config file is replayed from."""
        session = CliSession(self, state)
        session.view = self.top_config_view()
        return session

    def load_config(self, state: DeviceState, text: str) -> list[str]:
        """Replay a config file into ``state``; return the lines the device refused."""
        session = self.config_session(state)
        base = session.view
        problems: list[str] = []
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.rstrip()
            stripped = line.strip()
            if not stripped:
                continue
            if stripped in (self.comment, "return", "end"):
                session.view = base
                continue
            if stripped.startswith(self.comment) or stripped.startswith("!"):
                continue
            out = session.handle_line(stripped)
            if session.question is not None:  # a config line never asks; answer no
                session.handle_line("n")
            if "^" in out or out.startswith(("Error", "%")):
                problems.append(f"line {number}: {stripped}: {out.strip().splitlines()[-1]}")
        return problems


_TABLES: dict[type[Dialect], dict[str, CommandTable]] = {}


def top_view(view: View) -> View:
    """The outermost view above ``view`` (the user or exec view a session started in)."""
    while view.parent is not None:
        view = view.parent
    return view


def config_section(text: str, header: str) -> str:
    """The block of a config text that starts at a line matching ``header`` (a regex), through its
    indented lines; empty when there is none."""
    pattern = re.compile(header)
    out: list[str] = []
    for line in text.split("\n"):
        if out and line and not line[0].isspace():
            break
        if out or pattern.match(line):
            out.append(line)
    return "\n".join(out)


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


# --- small parsers shared by the dialects -----------------------------------------------------


def negated(args: Args) -> bool:
    return "__no__" in args


def mask_to_len(mask: str) -> int:
    """255.255.255.0 -> 24; a bare number is already a length."""
    if mask.isascii() and mask.isdecimal():
        value = int(mask)
        if not 0 <= value <= 32:
            raise CommandError("wrong-parameter")
        return value
    try:
        bits = int(IPv4Address(mask))
    except ValueError:
        raise CommandError("wrong-parameter") from None
    length = bin(bits).count("1")
    if bits != (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF:
        raise CommandError("wrong-parameter")
    return length


def len_to_mask(length: int) -> str:
    return str(IPv4Address((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF))


def wildcard(length: int) -> str:
    return str(IPv4Address((1 << (32 - length)) - 1))


def ipv4_interface(address: str, mask: str) -> IPv4Interface:
    try:
        return IPv4Interface(f"{address}/{mask_to_len(mask)}")
    except ValueError:
        raise CommandError("wrong-parameter") from None


def ipv6_interface(text: str, length: str | None = None) -> IPv6Interface:
    try:
        return IPv6Interface(f"{text}/{length}" if length else text)
    except ValueError:
        raise CommandError("wrong-parameter") from None


def number(text: str, low: int, high: int) -> int:
    if not (text.isascii() and text.isdecimal()) or not low <= int(text) <= high:
        raise CommandError("wrong-parameter")
    return int(text)


def word_after(words: list[str], keyword: str, *, fold_case: bool = True) -> str | None:
    """The word that follows ``keyword`` among a command's words; None when it is absent or last."""
    keys = [w.lower() for w in words] if fold_case else words
    return words[keys.index(keyword) + 1] if keyword in keys[:-1] else None


def unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text
