"""The address plan on disk: ``plan.yaml`` next to the inventory, keyed by stable IDs.

It is written by ``govnet inventory plan`` and read back by the loader, which fills the planned
addresses into the models. Entries of entities that no longer exist stay (their space stays
reserved) until a plan with ``prune`` frees them.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

from govnet.errors import InputError
from govnet.fsutil import atomic_write

from .yamlsafe import YamlLimits, YamlProblem, load_document, locate

PLAN_VERSION = 1
PLAN_FIELDS = {
    "sites": ("ipv4", "ipv6"),
    "devices": ("loopback_ipv4", "loopback_ipv6"),
    "links": ("ipv4", "ipv6"),
}


@dataclass
class PlanData:
    """Assignments as text, e.g. sites["sg-city"] = {"ipv4": "10.0.0.0/16", "ipv6": "2001:db8::/48"}.

    Links hold the link's network; the ``a`` end takes its first usable address, ``b`` the next.
    """

    sites: dict[str, dict[str, str]] = field(default_factory=dict)
    devices: dict[str, dict[str, str]] = field(default_factory=dict)
    links: dict[str, dict[str, str]] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, dict[str, str]]:
        return {"sites": self.sites, "devices": self.devices, "links": self.links}[name]

    def __len__(self) -> int:
        return len(self.sites) + len(self.devices) + len(self.links)


def plan_path_for(inventory_path: Path) -> Path:
    """``<dir>/plan.yaml`` for a folder inventory, ``<name>.plan.yaml`` beside a one-file inventory."""
    if inventory_path.is_dir():
        return inventory_path / "plan.yaml"
    return inventory_path.with_name(inventory_path.stem + ".plan.yaml")


def read_plan(path: Path, limits: YamlLimits | None = None) -> PlanData:
    """The plan in ``path``; an empty plan when the file does not exist yet."""
    if not path.exists():
        return PlanData()
    try:
        doc = load_document(path, limits)
    except YamlProblem as exc:
        raise InputError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    plan = PlanData()
    for key, value in doc.data.items():
        if key == "version":
            if value != PLAN_VERSION:
                raise InputError(f"{path}: plan version {value!r} is not supported (expected {PLAN_VERSION})")
            continue
        if key not in PLAN_FIELDS:
            line, column = doc.key_starts.get(str(key), (1, 1))
            raise InputError(f"{path}:{line}:{column}: unknown plan section {key!r}")
        if value is None:
            continue
        if not isinstance(value, dict):
            line, column = doc.key_starts.get(key, (1, 1))
            raise InputError(f"{path}:{line}:{column}: plan section {key!r} must be a mapping of IDs")
        target = plan.section(key)
        allowed = PLAN_FIELDS[key]
        for entity_id, entry in value.items():
            if not isinstance(entry, dict) or not all(
                k in allowed and isinstance(v, str) for k, v in entry.items()
            ):
                line, column = doc.key_starts.get(key, (1, 1))
                raise InputError(
                    f"{path}:{line}:{column}: plan entry {key}.{entity_id} must map {', '.join(allowed)}"
                    " to addresses"
                )
            target[str(entity_id)] = dict(entry)
    _check_addresses(path, plan, limits)
    return plan


def _address_problem(section: str, key: str, value: str) -> str | None:
    """Why ``value`` cannot be the plan's ``key`` of a ``section`` entry, or None when it can.

    inet_pton rather than ``ipaddress``: plans hold tens of thousands of entries, and this runs on
    every load; it is about five times faster and as strict about the text of an address.
    """
    family = 6 if key.endswith("ipv6") else 4
    network = section != "devices"
    what = f"IPv{family} {'network' if network else 'address'}"
    text, slash, length = value.partition("/")
    if slash != ("/" if network else ""):
        return f"{value!r} is not an {what}" + (" (no /length)" if network else "")
    try:
        packed = socket.inet_pton(socket.AF_INET6 if family == 6 else socket.AF_INET, text)
    except OSError:
        return f"{value!r} is not an {what}"
    if network:
        bits = len(packed) * 8
        if not length.isdigit() or int(length) > bits:
            return f"{value!r} has an invalid prefix length"
        if int.from_bytes(packed, "big") & ((1 << (bits - int(length))) - 1):
            return f"{value!r} has host bits set"
    return None


def _check_addresses(path: Path, plan: PlanData, limits: YamlLimits | None) -> None:
    """Refuse a plan whose values are not addresses of the right family: name the file and line."""
    for section in PLAN_FIELDS:
        for entity_id, entry in plan.section(section).items():
            for key, value in entry.items():
                problem = _address_problem(section, key, value)
                if problem is None:
                    continue
                found = locate(path, [(section, entity_id, key)], limits)
                line, column = found.get((section, entity_id, key), (1, 1))
                raise InputError(f"{path}:{line}:{column}: plan entry {section}.{entity_id}.{key}: {problem}")


_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _yaml_key(text: str) -> str:
    """IDs as plain YAML where that reads back as the same text, else quoted."""
    return text if _PLAIN_KEY.match(text) and text.lower() not in _YAML_WORDS else json.dumps(text)


def write_plan(path: Path, plan: PlanData) -> None:
    """Write the plan atomically (temporary file, then rename), in sorted order: stable diffs."""
    lines = [
        "# Address plan written by `govnet inventory plan`. Keep it under version control:",
        "# existing assignments are never renumbered; entries of deleted entities stay reserved.",
        f"version: {PLAN_VERSION}",
    ]
    for section in ("sites", "devices", "links"):
        entries = plan.section(section)
        lines.append(f"{section}:" + ("" if entries else " {}"))
        for entity_id in sorted(entries):
            fields = ", ".join(f'{k}: "{v}"' for k, v in sorted(entries[entity_id].items()))
            lines.append(f"  {_yaml_key(entity_id)}: {{{fields}}}")
    try:
        atomic_write(path, "\n".join(lines) + "\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the plan: {exc.strerror or exc}") from None
