"""Read untrusted YAML safely, remembering where things are.

PyYAML's C parser produces events; this module builds plain Python values from them itself, so that
it can (1) bound what a file may cost — size, nesting depth and the nodes that aliases expand to
(billion laughs) — and (2) remember positions without holding a node tree in memory: the first pass
records only where each *entity* (an item of a top-level list) starts; ``locate`` re-reads a file
and finds the positions of just the fields a problem needs.

Every failure is a ``YamlProblem`` naming the file, line and column (1-based), never an exception
from the YAML library.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 32
    # Nodes that aliases may add in total: this many, or ``alias_ratio`` times the nodes the file
    # writes out, whichever is more. Shared settings (`credentials: *admin`) stay cheap; a
    # billion-laughs file, whose expansion grows exponentially, hits the bound within a few levels.
    max_alias_nodes: int = 10_000
    alias_ratio: int = 10


class YamlProblem(Exception):
    """A file that cannot be read as YAML; ``rule`` names which safety or syntax rule it broke."""

    def __init__(self, rule: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column


@dataclass
class YamlDocument:
    """One file's value, and where each item of each top-level list starts (1-based line, column)."""

    path: Path
    data: Any
    item_starts: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    key_starts: dict[str, tuple[int, int]] = field(default_factory=dict)  # top-level keys


def read_text(path: Path, limits: YamlLimits) -> str:
    """The file's text, or a YamlProblem for files that are missing, too large, binary or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise YamlProblem(
                "yaml.too-large", f"file is {size} bytes, more than the limit of {limits.max_bytes}"
            )
        with path.open("rb") as f:
            raw = f.read(limits.max_bytes + 1)
    except OSError as exc:
        raise YamlProblem("yaml.unreadable", f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > limits.max_bytes:  # grew while we looked
        raise YamlProblem("yaml.too-large", f"file is larger than the limit of {limits.max_bytes} bytes")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise YamlProblem("yaml.encoding", "UTF-16 text, not UTF-8: save the file as UTF-8")
    nul = raw.find(b"\0")
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        raise YamlProblem("yaml.binary", "binary file (NUL byte), not YAML text", line, column)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "; it reads as GB18030/GBK: save it as UTF-8"
        except UnicodeDecodeError:
            pass
        raise YamlProblem(
            "yaml.encoding", f"not UTF-8 (invalid byte 0x{raw[exc.start]:02x}){hint}", line, column
        ) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise YamlProblem("yaml.empty", "empty file: nothing but blanks and comments")
    return text


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def load_document(path: Path, limits: YamlLimits | None = None) -> YamlDocument:
    """Read one YAML file (one document whose top level is a mapping)."""
    limits = limits or YamlLimits()
    text = read_text(path, limits)
    builder = _Builder(limits, want=None)
    _build(builder, text)
    if builder.result is None:
        raise YamlProblem("yaml.empty", "empty file: the document holds no value")
    if not isinstance(builder.result, dict):
        raise YamlProblem(
            "yaml.structure",
            f"the top level must be a mapping (sites:, devices:, ...), not a {_kind(builder.result)}",
            *builder.root_start,
        )
    return YamlDocument(path, builder.result, builder.item_starts, builder.key_starts)


def locate(
    path: Path, wanted: Iterable[PathKey], limits: YamlLimits | None = None
) -> dict[PathKey, tuple[int, int]]:
    """Positions of the given paths in a file already loaded once: a key's position for mapping
    entries, the item's for list entries. Paths that are not in the file are left out."""
    limits = limits or YamlLimits()
    builder = _Builder(limits, want=set(wanted))
    with contextlib.suppress(YamlProblem):  # the file changed since it was loaded: report what was found
        _build(builder, read_text(path, limits))
    return builder.found


def _kind(value: Any) -> str:
    names: dict[type, str] = {dict: "mapping", list: "list", str: "string"}
    return names.get(type(value), type(value).__name__)


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: loading and checking build millions of small acyclic
    objects, and the collector's repeated scans of them would make the work superlinear."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _build(builder: _Builder, text: str) -> None:
    """Feed the C parser's events to the builder; syntax errors become YamlProblems."""
    loader = _Loader(text)
    try:
        with quiet_gc():
            builder.run(loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise YamlProblem(
            "yaml.syntax", f"invalid YAML: {message}", *(_pos(mark) if mark else (1, 1))
        ) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        line, column = 1, 1
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            before = text[:position]
            line = before.count("\n") + 1
            column = position - (before.rfind("\n") + 1) + 1
        raise YamlProblem("yaml.syntax", f"invalid YAML: {exc}", line, column) from None
    finally:
        loader.dispose()


def _pos(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


_resolver = Resolver()
_constructor = SafeConstructor()
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    _TIMESTAMP,
}
_PLAIN_STR = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*\Z")  # fast path: obviously a string


_plain_cache: dict[str, Any] = {}


def _scalar(ev: ScalarEvent) -> Any:
    value = ev.value
    if ev.tag is None or ev.tag == "!":
        if not ev.implicit[0]:
            return value  # quoted: a string
        # A plain scalar's value depends on its text alone: remember the common ones.
        if value in _plain_cache:
            return _plain_cache[value]
        if _PLAIN_STR.match(value) and value.lower() not in _RESERVED_WORDS:
            result: Any = value
        else:
            result = _resolve_plain(ev)
        if len(_plain_cache) > 4096:
            _plain_cache.clear()
        _plain_cache[value] = result
        return result
    return _construct(ev, ev.tag)


def _resolve_plain(ev: ScalarEvent) -> Any:
    return _construct(ev, _resolver.resolve(ScalarNode, ev.value, ev.implicit))


def _construct(ev: ScalarEvent, tag: str) -> Any:
    value = ev.value
    if tag in ("tag:yaml.org,2002:str", _TIMESTAMP, _MERGE_TAG):
        return value  # dates stay text: the inventory has no use for datetime objects; `<<` merges
    if tag not in _SCALAR_TAGS:
        raise YamlProblem("yaml.tag", f"unsupported tag {tag!r}", *_pos(ev.start_mark))
    try:
        return _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, value, None, None))
    except (ConstructorError, ValueError) as exc:
        kind = tag.rsplit(":", 1)[-1]
        raise YamlProblem("yaml.syntax", f"invalid {kind}: {exc}", *_pos(ev.start_mark)) from None


_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_RESERVED_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}
_MERGE = "<<"


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "merges", "path_len", "size", "start")

    def __init__(self, container: Any, anchor: str | None, start: Any, path_len: int) -> None:
        self.container = container
        self.anchor = anchor
        self.start = start  # a parser mark; turned into (line, column) only when needed
        self.key: Any = _NO_KEY
        self.key_mark = start
        self.merges: list[dict[Any, Any]] = []
        self.size = 1
        self.path_len = path_len


_NO_KEY = object()


class _Builder:
    """Turns parser events into values. With ``want``, records the positions of those paths only."""

    def __init__(self, limits: YamlLimits, want: set[PathKey] | None) -> None:
        self.limits = limits
        self.want = want
        self.found: dict[PathKey, tuple[int, int]] = {}
        self.stack: list[_Frame] = []
        self.path: list[str | int] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.alias_nodes = 0
        self.nodes = 0  # written out, not counting what aliases repeat
        self.result: Any = None
        self.root_start = (1, 1)
        self.documents = 0
        self.item_starts: dict[str, list[tuple[int, int]]] = {}
        self.key_starts: dict[str, tuple[int, int]] = {}

    def run(self, loader: Any) -> None:
        get_event = loader.get_event
        stack = self.stack
        max_depth = self.limits.max_depth
        while True:
            ev = get_event()
            t = type(ev)
            if t is ScalarEvent:
                self.nodes += 1
                if self.want is not None or len(stack) <= 2:
                    self._node_start(ev)
                self._add(_scalar(ev), 1, ev.anchor, ev.start_mark)
            elif t is MappingStartEvent or t is SequenceStartEvent:
                self.nodes += 1
                if self.want is not None or len(stack) <= 2:
                    self._node_start(ev)
                if len(stack) >= max_depth:
                    raise YamlProblem(
                        "yaml.too-deep", f"nesting deeper than {max_depth} levels", *_pos(ev.start_mark)
                    )
                if ev.tag not in _COLLECTION_TAGS:
                    raise YamlProblem("yaml.tag", f"unsupported tag {ev.tag!r}", *_pos(ev.start_mark))
                container: Any = {} if t is MappingStartEvent else []
                stack.append(_Frame(container, ev.anchor, ev.start_mark, len(self.path)))
            elif t is MappingEndEvent or t is SequenceEndEvent:
                frame = stack.pop()
                value = frame.container
                if frame.merges:
                    for merged in frame.merges:
                        for k, v in merged.items():
                            value.setdefault(k, v)
                del self.path[frame.path_len :]
                self._add(value, frame.size, frame.anchor, frame.start)
            elif t is AliasEvent:
                self._node_start(ev)
                if ev.anchor not in self.anchors:
                    raise YamlProblem(
                        "yaml.syntax", f"alias *{ev.anchor} names no anchor", *_pos(ev.start_mark)
                    )
                value, size = self.anchors[ev.anchor]
                self.alias_nodes += size
                budget = max(self.limits.max_alias_nodes, self.limits.alias_ratio * self.nodes)
                if self.alias_nodes > budget:
                    raise YamlProblem(
                        "yaml.alias-budget",
                        f"aliases expand to more than {budget} nodes"
                        f" ({self.limits.alias_ratio}× what the file writes out: a YAML bomb?);"
                        " write the values out instead",
                        *_pos(ev.start_mark),
                    )
                self._add(value, size, None, ev.start_mark)
            elif t is DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise YamlProblem(
                        "yaml.structure", "more than one YAML document in the file", *_pos(ev.start_mark)
                    )
            elif t is StreamEndEvent or ev is None:
                return

    def _node_start(self, ev: Any) -> None:
        """Extend the current path to the node that starts here; record positions that matter."""
        if not self.stack:
            self.root_start = _pos(ev.start_mark)
            return
        frame = self.stack[-1]
        if isinstance(frame.container, dict):
            if frame.key is _NO_KEY:
                return  # this node is a key
            component: str | int = frame.key if isinstance(frame.key, str | int) else repr(frame.key)
            mark = frame.key_mark
        else:
            component = len(frame.container)
            mark = ev.start_mark
        del self.path[frame.path_len :]
        self.path.append(component)
        depth = len(self.path)
        if self.want is not None:
            key = tuple(self.path)
            if key in self.want:
                self.found[key] = _pos(mark)
        elif depth == 2 and isinstance(component, int) and isinstance(self.path[0], str):
            self.item_starts.setdefault(self.path[0], []).append(_pos(ev.start_mark))
        elif depth == 1 and isinstance(component, str):
            self.key_starts[component] = _pos(mark)

    def _add(self, value: Any, size: int, anchor: str | None, mark: Any) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.result = value
            return
        frame = self.stack[-1]
        frame.size += size
        container = frame.container
        if type(container) is list:
            container.append(value)
        elif frame.key is _NO_KEY:
            if isinstance(value, dict | list):
                raise YamlProblem("yaml.structure", "a mapping key must be a plain value", *_pos(mark))
            frame.key = value
            frame.key_mark = mark
        else:
            key = frame.key
            frame.key = _NO_KEY
            if key == _MERGE:
                merges = value if isinstance(value, list) else [value]
                if not all(isinstance(m, dict) for m in merges):
                    raise YamlProblem(
                        "yaml.structure", "a merge key (<<) needs a mapping", *_pos(frame.key_mark)
                    )
                frame.merges.extend(merges)
            elif key in container:
                raise YamlProblem("yaml.duplicate-key", f"duplicate key {key!r}", *_pos(frame.key_mark))
            else:
                container[key] = value
