"""YAML files → typed models, remembering where each entity came from.

An inventory is one YAML file or a folder of them (``sites.yaml``, ``devices.yaml``, ``links.yaml``,
``pools.yaml``, ``policy.yaml``, ...). Each file is a mapping whose keys are sections; list sections
from several files are concatenated, so line numbers always point into the right file. The address
plan (``plan.yaml``, see ``planfile``) is read too and its assignments filled into the models.

``read_inventory`` never raises for a bad inventory: it returns every problem it found (with file,
line and column) next to the entities that were valid. ``load_inventory`` is the strict entry point
for the rest of govnet: it raises ``InputError`` listing the problems if any error was found.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, get_args

from pydantic import BaseModel, ValidationError

from govnet.errors import InputError

from .models import (
    AddressPool,
    Credentials,
    Device,
    Endpoint,
    Inventory,
    Link,
    Policy,
    Site,
    SnmpAccess,
    Tier,
)
from .planfile import PlanData, plan_path_for, read_plan
from .problems import Problem, Severity, closest, did_you_mean, errors, meant_hint, sort_problems
from .yamlsafe import PathKey, YamlLimits, YamlProblem, load_document, locate, quiet_gc

log = logging.getLogger(__name__)

# section name -> (model, the field that identifies an entity, the word used in messages)
LIST_SECTIONS: dict[str, tuple[type[BaseModel], str, str]] = {
    "pools": (AddressPool, "zone", "pool"),
    "sites": (Site, "id", "site"),
    "devices": (Device, "hostname", "device"),
    "links": (Link, "id", "link"),
}
OTHER_SECTIONS = ("name", "description", "policy")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Pending:
    """A problem whose exact position is looked up later (only problems pay for that)."""

    severity: Severity
    file_index: int
    path: PathKey  # from the file's root, e.g. ("devices", 4, "snmp", "v3")
    fallback: tuple[int, int]
    entity: str
    rule: str
    message: str


@dataclass
class SourceMap:
    """Where each entity came from: origins[section][i] = (file index, item index, line, column),
    aligned with the inventory's tuple for that section."""

    files: list[Path] = field(default_factory=list)
    origins: dict[str, list[tuple[int, int, int, int]]] = field(
        default_factory=lambda: {name: [] for name in LIST_SECTIONS}
    )


class Reporter:
    """Collects problems; ``problems()`` resolves their positions with one extra read per file."""

    def __init__(self, sources: SourceMap, limits: YamlLimits) -> None:
        self.sources = sources
        self.limits = limits
        self.pending: list[Pending] = []
        self.located: list[Problem] = []

    def at_file(self, severity: Severity, path: Path, line: int, column: int, rule: str, msg: str) -> None:
        self.located.append(Problem(severity, str(path), line, column, "file", rule, msg))

    def at_entity(
        self,
        severity: Severity,
        section: str,
        index: int,
        field_path: tuple[str | int, ...],
        entity: str,
        rule: str,
        message: str,
    ) -> None:
        """A problem with entity ``index`` of ``section`` (as in the inventory's tuple)."""
        file_index, item, line, column = self.sources.origins[section][index]
        self.at_item(
            severity, file_index, (section, item, *field_path), (line, column), entity, rule, message
        )

    def at_item(
        self,
        severity: Severity,
        file_index: int,
        path: PathKey,
        fallback: tuple[int, int],
        entity: str,
        rule: str,
        message: str,
    ) -> None:
        self.pending.append(Pending(severity, file_index, path, fallback, entity, rule, message))

    def problems(self) -> list[Problem]:
        by_file: dict[int, set[PathKey]] = {}
        for p in self.pending:
            wanted = by_file.setdefault(p.file_index, set())
            wanted.update(p.path[:n] for n in range(2, len(p.path) + 1))
        found: dict[int, dict[PathKey, tuple[int, int]]] = {
            index: locate(self.sources.files[index], wanted, self.limits) if wanted else {}
            for index, wanted in by_file.items()
        }
        out = list(self.located)
        for p in self.pending:
            positions = found.get(p.file_index, {})
            line, column = p.fallback
            for n in range(len(p.path), 1, -1):  # the deepest part of the path that exists
                if p.path[:n] in positions:
                    line, column = positions[p.path[:n]]
                    break
            out.append(
                Problem(
                    p.severity,
                    str(self.sources.files[p.file_index]),
                    line,
                    column,
                    p.entity,
                    p.rule,
                    p.message,
                )
            )
        return sort_problems(out)


@dataclass
class LoadResult:
    inventory: Inventory
    sources: SourceMap
    reporter: Reporter
    plan_path: Path
    plan: PlanData
    # IDs of entities left out because their own fields are wrong; cross-entity rules skip them
    # so that one typo does not also show up as a dangling reference everywhere.
    invalid_ids: dict[str, set[str]] = field(default_factory=dict)
    invalid_device_sites: set[str] = field(default_factory=set)  # sites of the invalid devices
    # The two device names of each invalid link that may be an uplink: the uplink rules cannot
    # judge the sites it joins, so they do not report what its own error already explains.
    invalid_uplinks: list[tuple[str | None, str | None]] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        return self.reporter.problems()


def inventory_files(path: Path) -> list[Path]:
    """The YAML files of an inventory: the file itself, or a folder's *.yaml/*.yml except plans."""
    if path.is_dir():
        return sorted(
            p
            for p in path.iterdir()
            if p.suffix in YAML_SUFFIXES
            and (p.is_file() or (p.is_symlink() and not p.exists()))  # a dangling link is reported
            and p.name != "plan.yaml"
            and not p.name.endswith(".plan.yaml")
        )
    if path.exists():
        return [path]
    raise InputError(f"{path}: no such inventory file or folder")


def read_inventory(
    path: str | Path,
    *,
    limits: YamlLimits | None = None,
    overlay: str | Path | None = None,
    plan: PlanData | None = None,
) -> LoadResult:
    """Read an inventory, collecting every problem instead of stopping at the first.

    ``plan`` replaces the plan file's content (the planner passes the plan it just computed).
    """
    path = Path(path)
    limits = limits or YamlLimits()
    files = inventory_files(path)
    if not files:
        raise InputError(f"{path}: the folder holds no .yaml or .yml files")
    sources = SourceMap(files=files)
    reporter = Reporter(sources, limits)
    plan_path = plan_path_for(path)
    if plan is None:
        plan = read_plan(plan_path, limits)

    invalid_ids: dict[str, set[str]] = {}
    invalid_uplinks: list[tuple[str | None, str | None]] = []
    sections = {
        key: _Section(key, plan, reporter, sources, invalid_ids, invalid_uplinks) for key in LIST_SECTIONS
    }
    name: str | None = None
    policy_raw: dict[str, Any] = {}
    policy_origin: dict[str, tuple[int, tuple[int, int]]] = {}  # policy key -> file, section start
    for file_index, file in enumerate(files):
        try:
            doc = load_document(file, limits)
        except YamlProblem as exc:
            reporter.at_file(Severity.ERROR, file, exc.line, exc.column, exc.rule, exc.message)
            continue
        for key, value in doc.data.items():
            line, column = doc.key_starts.get(str(key), (1, 1))
            if key in LIST_SECTIONS:
                if value is None:
                    continue
                if not isinstance(value, list):
                    reporter.at_file(
                        Severity.ERROR, file, line, column, "schema.type", f"section {key!r} must be a list"
                    )
                    continue
                starts = doc.item_starts.get(key, [])
                feed = sections[key].feed
                for item_index, item in enumerate(value):
                    feed(
                        file_index,
                        item_index,
                        starts[item_index] if item_index < len(starts) else (line, column),
                        item,
                    )
            elif key == "name" or key == "description":
                if not isinstance(value, str):
                    reporter.at_file(
                        Severity.ERROR, file, line, column, "schema.type", f"{key!r} must be text"
                    )
                elif key == "name":
                    if name is not None and name != value:
                        reporter.at_file(
                            Severity.ERROR, file, line, column, "id.duplicate", f"a second name {value!r}"
                        )
                    name = value
            elif key == "policy":
                if not isinstance(value, dict):
                    reporter.at_file(
                        Severity.ERROR, file, line, column, "schema.type", "'policy' must be a mapping"
                    )
                else:
                    for pkey, pvalue in value.items():
                        if pkey in policy_raw:
                            reporter.at_item(
                                Severity.ERROR,
                                file_index,
                                ("policy", pkey),
                                (line, column),
                                "policy",
                                "id.duplicate",
                                f"policy {pkey!r} is set in more than one file",
                            )
                        policy_raw[pkey] = pvalue
                        policy_origin[str(pkey)] = (file_index, (line, column))
            else:
                known = ", ".join([*LIST_SECTIONS, *OTHER_SECTIONS])
                reporter.at_file(
                    Severity.ERROR,
                    file,
                    line,
                    column,
                    "schema.unknown-field",
                    f"unknown section {key!r} ({known})",
                )

    policy = _policy(policy_raw, policy_origin, reporter)
    inventory = Inventory.model_construct(
        name=name or (path.name if path.is_dir() else path.stem),
        policy=policy,
        pools=tuple(sections["pools"].out),
        sites=tuple(sections["sites"].out),
        devices=tuple(sections["devices"].out),
        links=tuple(sections["links"].out),
    )
    if overlay is not None:
        inventory = apply_overlay(inventory, overlay, limits)
    return LoadResult(
        inventory,
        sources,
        reporter,
        plan_path,
        plan,
        invalid_ids,
        invalid_ids.pop("device-sites", set()),
        invalid_uplinks,
    )


def load_inventory(path: str | Path, overlay: str | Path | None = None) -> Inventory:
    """The inventory at ``path`` (with the lab overlay applied, if given), or InputError listing
    every loading error (syntax, types, duplicate IDs). Cross-entity rules are ``validate``'s job."""
    with quiet_gc():
        result = read_inventory(path, overlay=overlay)
        problems = errors(result.problems())
    if problems:
        shown = "\n  ".join(str(p) for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise InputError(f"inventory {path} has {len(problems)} error(s):\n  {shown}{more}")
    return result.inventory


def _policy(
    raw: dict[str, Any], origin: dict[str, tuple[int, tuple[int, int]]], reporter: Reporter
) -> Policy:
    """The policy file overrides the defaults; for per-level tables, only the levels it names."""
    defaults = Policy()
    merged: dict[str, Any] = {}
    for key, value in raw.items():
        default = getattr(defaults, str(key), None)
        if isinstance(default, dict) and isinstance(value, dict):
            merged[key] = {**{k.value: v for k, v in default.items()}, **value}
        else:
            merged[key] = value
    try:
        return Policy.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            file_index, start = origin.get(
                str(loc[0]) if loc else "", next(iter(origin.values()), (0, (1, 1)))
            )
            reporter.at_item(
                Severity.ERROR,
                file_index,
                ("policy", *loc),
                start,
                "policy",
                _rule_for(err),
                f"{'.'.join(map(str, loc))}: {err['msg']}" + _shown_input(loc, err.get("input")),
            )
        return defaults


def _without_follow_ons(model: type[BaseModel], errs: list[Any]) -> list[Any]:
    """A misspelt field is reported once, as unknown (with its hint), not also as missing."""
    meant = set()
    for err in errs:
        if err["type"] == "extra_forbidden" and err["loc"]:
            *parent, name = err["loc"]
            match = closest(str(name), _field_names(model, tuple(parent)))
            if match is not None:
                meant.add((*parent, match))
    return [e for e in errs if not (e["type"] == "missing" and tuple(e["loc"]) in meant)]


def _end_device(end: Any) -> str | None:
    device = end.get("device") if isinstance(end, dict) else None
    return device if isinstance(device, str) else None


def _choices(err: Any) -> list[str]:
    """The values an enum accepts, from pydantic's "Input should be 'a', 'b' or 'c'"."""
    return re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))


def _enum_hint(loc: tuple[Any, ...], err: Any) -> str:
    value = err.get("input")
    if err["type"] != "enum" or not isinstance(value, str):
        return ""
    if loc and loc[-1] == "tier" and (tier := Tier.same_speed(value)) is not None and tier.value != value:
        return meant_hint(tier.value)
    return did_you_mean(value, _choices(err))


def _field_names(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The fields a (nested) model accepts at ``path``, for "did you mean" on an unknown field."""
    for part in path:
        info = model.model_fields.get(str(part))
        if info is None:
            return []
        inner = (info.annotation, *get_args(info.annotation))
        nested = next((t for t in inner if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _rule_for(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "schema.unknown-field"
    if kind == "missing":
        return "schema.missing-field"
    if kind == "enum" and err["loc"] and err["loc"][-1] == "vendor":
        return "device.unknown-vendor"
    return "schema.type"


class _Section:
    """Turns the raw items of one section into models, file by file as they are read, so that a
    file's raw values can go as soon as its entities are models."""

    def __init__(
        self,
        section: str,
        plan: PlanData,
        reporter: Reporter,
        sources: SourceMap,
        invalid_ids: dict[str, set[str]],
        invalid_uplinks: list[tuple[str | None, str | None]],
    ) -> None:
        self.section = section
        self.invalid_uplinks = invalid_uplinks
        self.model, self.id_field, self.word = LIST_SECTIONS[section]
        self.reporter = reporter
        self.sources = sources
        self.invalid_ids = invalid_ids
        self.out: list[Any] = []
        self.origins = sources.origins[section]
        self.first_seen: dict[str, tuple[int, int, int]] = {}
        self.invalid = invalid_ids.setdefault(section, set())
        self.planned = plan.section(section) if section in ("sites", "devices", "links") else {}
        self.shared = _SharedParts()

    def feed(self, file_index: int, item_index: int, start: tuple[int, int], item: Any) -> None:
        ident = item.get(self.id_field) if isinstance(item, dict) else None
        label = f"{self.word} {ident}" if isinstance(ident, str | int) else f"{self.word} #{item_index + 1}"
        path: PathKey = (self.section, item_index)
        if not isinstance(item, dict):
            self.reporter.at_item(
                Severity.ERROR,
                file_index,
                path,
                start,
                label,
                "schema.type",
                f"a {self.word} must be a mapping",
            )
            return
        if isinstance(ident, str | int) and str(ident) in self.first_seen:
            f, line, column = self.first_seen[str(ident)]
            self.reporter.at_item(
                Severity.ERROR,
                file_index,
                (*path, self.id_field),
                start,
                label,
                "id.duplicate",
                f"duplicate {self.word} {self.id_field} {ident!r}"
                f" (first defined at {self.sources.files[f]}:{line}:{column})",
            )
            return
        if isinstance(ident, str | int):
            self.first_seen[str(ident)] = (file_index, *start)
        data = _with_plan(
            self.section, item, self.planned.get(str(ident)) if isinstance(ident, str) else None
        )
        if self.section == "devices":
            data = self.shared.device_parts(data)
        try:
            entity = self.model.model_validate(data)
        except ValidationError as exc:
            if isinstance(ident, str):
                self.invalid.add(ident)
            if self.section == "devices" and isinstance(item.get("site"), str):
                self.invalid_ids.setdefault("device-sites", set()).add(item["site"])
            if self.section == "links" and item.get("purpose", "uplink") not in ("peer", "lan"):
                self.invalid_uplinks.append((_end_device(item.get("a")), _end_device(item.get("b"))))
            for err in _without_follow_ons(self.model, exc.errors(include_url=False)):
                loc = tuple(err["loc"])
                rule = _rule_for(err)
                where = ".".join(map(str, loc)) or self.word
                if rule == "schema.unknown-field":
                    message = f"unknown field {where!r}" + did_you_mean(
                        str(loc[-1]), _field_names(self.model, loc[:-1])
                    )
                elif rule == "schema.missing-field":
                    message = f"missing field {where!r}"
                    loc = loc[:-1]
                elif rule == "device.unknown-vendor":
                    message = f"unknown vendor {err['input']!r}: {err['msg'].lower()}"
                    message += did_you_mean(err["input"], _choices(err))
                else:
                    message = f"{where}: {err['msg']}" + _shown_input(loc, err.get("input"))
                    message += _enum_hint(loc, err)
                self.reporter.at_item(Severity.ERROR, file_index, (*path, *loc), start, label, rule, message)
            return
        self.out.append(entity)
        self.origins.append((file_index, item_index, *start))


class _SharedParts:
    """Most devices have the same SSH, SNMP and credential settings: validate each distinct one
    once and share the (frozen) model, instead of holding ten thousand equal copies."""

    FIELDS: ClassVar[dict[str, type[BaseModel]]] = {
        "ssh": Endpoint,
        "snmp": SnmpAccess,
        "credentials": Credentials,
    }

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], BaseModel] = {}

    def device_parts(self, data: dict[str, Any]) -> dict[str, Any]:
        out = data
        for name, model in self.FIELDS.items():
            raw = data.get(name)
            if not isinstance(raw, dict):
                continue
            key = (name, json.dumps(raw, sort_keys=True, default=str))
            part = self.seen.get(key)
            if part is None:
                try:
                    part = model.model_validate(raw)
                except ValidationError:
                    continue  # the device's own validation reports it, with the full path
                if len(self.seen) < 10_000:
                    self.seen[key] = part
            if out is data:
                out = dict(data)
            out[name] = part
        return out


_SECRET_FIELDS = {"password", "enable_secret", "community", "auth_key", "priv_key"}


def _shown_input(loc: tuple[Any, ...], value: Any) -> str:
    """The offending value, unless it may be a secret (never echo those) or is large."""
    if any(part in _SECRET_FIELDS for part in loc) or isinstance(value, dict | list):
        return ""
    text = repr(value)
    return f" (got {text[:60]}{'...' if len(text) > 60 else ''})"


def _with_plan(section: str, item: dict[str, Any], planned: dict[str, str] | None) -> dict[str, Any]:
    """The item with the plan's assignments filled in (values written in the inventory win)."""
    if not planned:
        return item
    data = dict(item)
    if section == "sites":
        for family in ("ipv4", "ipv6"):
            if family in planned:
                data.setdefault(f"{family}_prefix", planned[family])
    elif section == "devices":
        for key, value in planned.items():
            data.setdefault(key, value)
    elif section == "links":
        for end_name, offset in (("a", 0), ("b", 1)):
            end = data.get(end_name)
            if not isinstance(end, dict):
                continue
            end = dict(end)
            for family in ("ipv4", "ipv6"):
                if family in planned and family not in end:
                    end[family] = end_address(planned[family], offset)
            data[end_name] = end
    return data


def with_plan(result: LoadResult, plan: PlanData) -> LoadResult:
    """The loaded inventory with ``plan``'s assignments filled in, without reading the files again
    (entity order, and so every position, stays the same). Values already set are kept."""
    inv = result.inventory
    sites = []
    for site in inv.sites:
        entry = plan.sites.get(site.id)
        changes: dict[str, Any] = {}
        if entry:
            if site.ipv4_prefix is None and "ipv4" in entry:
                changes["ipv4_prefix"] = ipaddress.IPv4Network(entry["ipv4"])
            if site.ipv6_prefix is None and "ipv6" in entry:
                changes["ipv6_prefix"] = ipaddress.IPv6Network(entry["ipv6"])
        sites.append(site.model_copy(update=changes) if changes else site)
    devices = []
    for device in inv.devices:
        entry = plan.devices.get(device.hostname)
        changes = {}
        if entry:
            if device.loopback_ipv4 is None and "loopback_ipv4" in entry:
                changes["loopback_ipv4"] = ipaddress.IPv4Address(entry["loopback_ipv4"])
            if device.loopback_ipv6 is None and "loopback_ipv6" in entry:
                changes["loopback_ipv6"] = ipaddress.IPv6Address(entry["loopback_ipv6"])
        devices.append(device.model_copy(update=changes) if changes else device)
    links = []
    for link in inv.links:
        entry = plan.links.get(link.id)
        if not entry:
            links.append(link)
            continue
        ends = {}
        for name, offset in (("a", 0), ("b", 1)):
            end = getattr(link, name)
            end_changes = {
                family: end_address(entry[family], offset)
                for family in ("ipv4", "ipv6")
                if family in entry and getattr(end, family) is None
            }
            ends[name] = end.model_copy(update=end_changes) if end_changes else end
        links.append(link.model_copy(update=ends))
    inventory = inv.model_copy(
        update={"sites": tuple(sites), "devices": tuple(devices), "links": tuple(links)}
    )
    return LoadResult(
        inventory,
        result.sources,
        Reporter(result.sources, result.reporter.limits),
        result.plan_path,
        plan,
        result.invalid_ids,
        result.invalid_device_sites,
        result.invalid_uplinks,
    )


def end_address(network: str, offset: int) -> str:
    """The interface address of a link end: on /31 and /127 both addresses are usable (RFC 3021,
    RFC 6164); on larger networks the first host is ``a`` and the second ``b``."""
    text, _, length = network.partition("/")
    start = ipaddress.ip_address(text)
    prefixlen = int(length) if length else start.max_prefixlen
    host_bits = start.max_prefixlen - prefixlen
    start = start - (int(start) & ((1 << host_bits) - 1))  # the network's first address
    first = 0 if host_bits == 1 else 1
    return f"{start + first + offset}/{prefixlen}"


def apply_overlay(inventory: Inventory, overlay: str | Path, limits: YamlLimits | None = None) -> Inventory:
    """Point devices at the endpoints the device lab listens on.

    The overlay (``$GOVNET_HOME/lab/overlay.yaml``) reads
    ``devices: {<hostname>: {ssh: {host: 127.0.0.1, port: 40001}, snmp: {host: ..., port: ...}}}``.
    Hostnames the inventory does not have are skipped with a warning in the log.
    """
    path = Path(overlay)
    try:
        doc = load_document(path, limits)
    except YamlProblem as exc:
        raise InputError(f"{path}:{exc.line}:{exc.column}: overlay: {exc.message}") from None
    devices = doc.data.get("devices") or {}
    if not isinstance(devices, dict) or set(doc.data) - {"devices"}:
        raise InputError(f"{path}: an overlay holds one section, 'devices', mapping hostnames to endpoints")
    known = {d.hostname for d in inventory.devices}
    for hostname in sorted(set(map(str, devices)) - known):
        log.warning("overlay %s: device %s is not in the inventory; skipped", path, hostname)
    updated = []
    for device in inventory.devices:
        entry = devices.get(device.hostname)
        if entry is None:
            updated.append(device)
            continue
        if not isinstance(entry, dict) or set(entry) - {"ssh", "snmp"}:
            raise InputError(f"{path}: devices.{device.hostname} may only set 'ssh' and 'snmp'")
        changes: dict[str, Any] = {}
        try:
            if "ssh" in entry:
                changes["ssh"] = Endpoint.model_validate({**device.ssh.model_dump(), **entry["ssh"]})
            if "snmp" in entry:
                changes["snmp"] = type(device.snmp).model_validate(
                    {**device.snmp.model_dump(), **entry["snmp"]}
                )
        except (ValidationError, TypeError) as exc:
            raise InputError(
                f"{path}: devices.{device.hostname}: invalid endpoint: {_first_error(exc)}"
            ) from None
        updated.append(device.model_copy(update=changes))
    return inventory.model_copy(update={"devices": tuple(updated)})


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(map(str, err['loc']))}: {err['msg']}"
    return str(exc)


def by_id(entities: Iterable[Any], id_field: str) -> dict[str, int]:
    """index of each entity by its ID (first wins; duplicates were reported while loading)."""
    out: dict[str, int] = {}
    for i, e in enumerate(entities):
        out.setdefault(getattr(e, id_field), i)
    return out
