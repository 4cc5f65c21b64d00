"""The baseline: GB/T 22239-2019's technical requirements as data, loaded and validated.

``load_baseline()`` reads ``baseline/*.yaml`` (package data) or files given; every problem — an
unknown check id, a missing field, a level other than 2 or 3, a clause that does not belong to the
level's clause — is an ``InputError`` naming ``file:line``. Items are frozen; ``items_at(level)``
gives those that apply at a level, each with its clause and letter there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from govnet.compliance.checks import CHECKS
from govnet.compliance.checks.registry import ASSET_TYPES
from govnet.errors import InputError

BASELINE_DIR = Path(__file__).parent / "baseline"
LEVELS = (2, 3)
SEVERITIES = ("low", "medium", "high")
LEVEL_CLAUSE = {2: "7.1.", 3: "8.1."}
_ITEM_FIELDS = {"id", "family", "clause", "zh", "en", "assets", "severity", "checks", "manual"}


@dataclass(frozen=True)
class Family:
    key: str
    zh: str
    en: str
    clause: dict[int, str]


@dataclass(frozen=True)
class Item:
    id: str
    family: str
    clause: dict[int, str]  # level -> "8.1.4.1 a"
    zh: str
    en: str
    assets: tuple[str, ...]
    severity: str
    checks: tuple[str, ...] = ()
    manual: str = ""  # what the assessor looks at (all an item without checks has)
    where: str = ""  # file:line, for messages

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(sorted(self.clause))


@dataclass(frozen=True)
class Baseline:
    standard: str
    families: dict[str, Family]
    items: tuple[Item, ...]
    remedies: dict[str, dict[str, str]]  # check id -> vendor (or "default") -> remedy

    def items_at(self, level: int) -> tuple[Item, ...]:
        if level not in LEVELS:
            raise InputError(f"level must be 2 or 3, not {level}")
        return tuple(i for i in self.items if level in i.clause)

    def remedy(self, check_id: str, vendor: str | None) -> str:
        per = self.remedies.get(check_id, {})
        return per.get(vendor or "", "") or per.get("default", "")


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Records each mapping's first line as ``__line__`` (for file:line messages)."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load_baseline(paths: Iterable[Path] | None = None) -> Baseline:
    """The packaged baseline (read once per process), or the files given."""
    if paths is None:
        return _packaged()
    return _load(list(paths))


@functools.cache
def _packaged() -> Baseline:
    return _load(sorted(BASELINE_DIR.glob("*.yaml")))


def _load(files: list[Path]) -> Baseline:
    if not files:
        raise InputError(f"no baseline files in {BASELINE_DIR}")
    standard, families, items, remedies = "", {}, [], {}
    for path in files:
        s, f, i, r = _load_file(path)
        standard = standard or s
        families.update(f)
        items += i
        remedies.update(r)
    seen: dict[str, str] = {}
    for item in items:
        if item.id in seen:
            raise InputError(f"{item.where}: item id {item.id!r} already used at {seen[item.id]}")
        seen[item.id] = item.where
        if item.family not in families:
            raise InputError(f"{item.where}: unknown family {item.family!r} (known: {', '.join(families)})")
    return Baseline(standard, families, tuple(items), remedies)


def _load_file(path: Path) -> tuple[str, dict[str, Family], list[Item], dict[str, dict[str, str]]]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(doc, dict):
        raise InputError(f"{path}:1: a baseline is a mapping with standard, families, items, remedies")
    families = {}
    for key, raw in (doc.get("families") or {}).items():
        if key == "__line__":
            continue
        where = f"{path}:{raw.get('__line__', '?') if isinstance(raw, dict) else '?'}"
        if not isinstance(raw, dict) or not {"zh", "en", "clause"} <= set(raw):
            raise InputError(f"{where}: family {key!r} needs zh, en and clause")
        families[key] = Family(key, raw["zh"], raw["en"], _clauses(raw["clause"], where, family=True))
    items = [_item(raw, path) for raw in doc.get("items") or []]
    remedies: dict[str, dict[str, str]] = {}
    for check_id, per in (doc.get("remedies") or {}).items():
        if check_id == "__line__":
            continue
        where = f"{path}:{per.get('__line__', '?') if isinstance(per, dict) else '?'}"
        if check_id not in CHECKS:
            raise InputError(f"{where}: remedy for unknown check {check_id!r}")
        if not isinstance(per, dict):
            raise InputError(f"{where}: remedies of {check_id} map a vendor key to a text")
        remedies[check_id] = {k: str(v) for k, v in per.items() if k != "__line__"}
    return str(doc.get("standard", "")), families, items, remedies


def _clauses(raw: Any, where: str, *, family: bool = False) -> dict[int, str]:
    if not isinstance(raw, dict) or not raw:
        raise InputError(f'{where}: clause maps a level (2, 3) to its clause, e.g. {{3: "8.1.4.1 a"}}')
    out = {}
    for level, clause in raw.items():
        if level == "__line__":
            continue
        if level not in LEVELS:
            raise InputError(f"{where}: level {level!r} is not 2 or 3")
        text = str(clause)
        if not text.startswith(LEVEL_CLAUSE[level]):
            raise InputError(f"{where}: level {level} clauses are under {LEVEL_CLAUSE[level]}, not {text!r}")
        if not family and len(text.split()) != 2:
            raise InputError(f'{where}: clause {text!r} needs its letter, e.g. "8.1.4.1 a"')
        out[level] = text
    return out


def _item(raw: Any, path: Path) -> Item:
    line = raw.get("__line__", "?") if isinstance(raw, dict) else "?"
    where = f"{path}:{line}"
    if not isinstance(raw, dict):
        raise InputError(f"{where}: an item is a mapping")
    missing = [k for k in ("id", "family", "clause", "zh", "en", "assets", "severity") if not raw.get(k)]
    if missing:
        raise InputError(f"{where}: item {raw.get('id', '?')!r} misses {', '.join(missing)}")
    unknown = set(raw) - _ITEM_FIELDS - {"__line__"}
    if unknown:
        raise InputError(f"{where}: item {raw['id']!r} has unknown field(s) {', '.join(sorted(unknown))}")
    checks = tuple(raw.get("checks") or ())
    for check_id in checks:
        if check_id not in CHECKS:
            raise InputError(f"{where}: item {raw['id']!r} names unknown check {check_id!r}")
    assets = tuple(raw["assets"])
    bad = [a for a in assets if a not in ASSET_TYPES]
    if bad:
        raise InputError(f"{where}: unknown asset type(s) {', '.join(bad)} (known: {', '.join(ASSET_TYPES)})")
    for check_id in checks:
        if CHECKS[check_id].asset_type not in assets:
            raise InputError(
                f"{where}: check {check_id} judges {CHECKS[check_id].asset_type}s, not in {assets}"
            )
    if raw["severity"] not in SEVERITIES:
        raise InputError(f"{where}: severity {raw['severity']!r} is not one of {', '.join(SEVERITIES)}")
    if not checks and not raw.get("manual"):
        raise InputError(
            f"{where}: item {raw['id']!r} has no checks, so it needs `manual` (what the assessor looks at)"
        )
    return Item(
        id=str(raw["id"]),
        family=str(raw["family"]),
        clause=_clauses(raw["clause"], where),
        zh=str(raw["zh"]),
        en=str(raw["en"]),
        assets=assets,
        severity=str(raw["severity"]),
        checks=checks,
        manual=str(raw.get("manual") or ""),
        where=where,
    )
