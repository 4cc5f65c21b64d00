"""The command grammar every vendor's syntax is written in: command forms with abbreviation matching,
views (configuration sections), and the small argument parsers the handlers share.

A ``Command`` is a pattern of keywords, ``<arg>`` (one word), ``<arg#>`` (digits), ``<arg...>`` (the
rest) and ``[optional]`` keywords, with the handler that applies it. A ``CommandTable`` resolves a
typed or read line to one command the way the devices do (unique prefixes, keywords before free
arguments) and raises ``CommandError`` with the column a device would mark.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv6Interface
from typing import Any

Args = dict[str, str]
# A handler takes the session it runs in — a ``ConfigSession``, or a subclass of it such as the lab's
# ``CliSession`` for terminal commands — and the command's arguments; it may return output.
Handler = Callable[[Any, Args], str | None]


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
        # The commands a first word can start, per first word seen (a config file repeats a few dozen).
        self._by_first: dict[str, list[Command]] = {}

    def _starting(self, first: str) -> list[Command]:
        """Commands whose first pattern word could take ``first``: an argument, an optional keyword,
        or a keyword it abbreviates. Every other command would fail at the first word anyway."""
        found = self._by_first.get(first)
        if found is None:
            found = [
                c
                for c in self.commands
                if not c.words or c.words[0][0] in "<[" or c.words[0].startswith(first)
            ]
            if len(self._by_first) < 4096:
                self._by_first[first] = found
        return found

    def match(self, tokens: list[tuple[str, int]], *, negated: bool) -> tuple[Command, Args]:
        """Resolve tokens (word, column) to one command; raise CommandError like the device would."""
        commands = self._starting(tokens[0][0].lower()) if tokens else self.commands
        live = [
            _Candidate(c) for c in commands if (c.negate or not negated) and (negated or not c.only_negated)
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
