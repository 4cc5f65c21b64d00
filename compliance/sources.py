"""Where device configurations come from: files as people keep them, a backup folder, live devices.

Everything becomes a ``DeviceAsset``: the configuration's lines as read (for evidence with line
numbers), the vendor, and the lenient ``govnet.netconfig`` parse — or a ``problem`` saying why it
could not be judged (unreadable, empty, vendor unknown). Nothing here raises for a bad file: one
broken file gives error findings for that asset, never a failed scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from govnet.errors import InputError
from govnet.netconfig import ParsedConfig, parse
from govnet.netconfig.dialect import decode_lines
from govnet.vendors import vendor_spec

if TYPE_CHECKING:
    from govnet.inventory.models import Device

VENDORS = ("huawei_vrp", "h3c_comware", "cisco_ios")
# Files a config folder holds that are not configurations (git's own, editors' leftovers).
_SKIP = re.compile(r"^\.|~$|\.(swp|bak|orig|md|json|yaml|yml)$", re.IGNORECASE)


# A prompt after the configuration (the capture went on to the next command): VRP/Comware user or
# system view, IOS privileged exec.
_PROMPT = re.compile(r"<[^<>\s]+>|\[[~*]?[^\[\]\s]+\]|\S+#")


@dataclass(frozen=True)
class DeviceAsset:
    asset_type: ClassVar[str] = "device"
    name: str  # hostname when the config names one, else the file's stem
    source: str  # file path, or "ssh://host:port" for a live read
    vendor: str | None
    lines: tuple[str, ...] = ()
    parsed: ParsedConfig | None = field(default=None, compare=False)
    problem: str = ""  # non-empty: the asset cannot be judged (every check gives `error`)
    notes: tuple[str, ...] = ()  # what was tolerated: replaced bytes, unknown lines, truncation
    truncated: bool = False  # no end marker: absent settings may lie in the missing part


_HINTS: dict[str, tuple[re.Pattern[str], ...]] = {
    "huawei_vrp": (
        re.compile(r"^\s*user-interface (vty|con)", re.M),
        re.compile(r"^\s*display current-configuration", re.M),
        re.compile(r"^\s*local-user \S+ password (irreversible-)?cipher", re.M),
        re.compile(r"^\s*stelnet server enable", re.M),
        re.compile(r"^!Software Version V", re.M),
        re.compile(r"^\s*local-user \S+ (privilege level|service-type) ", re.M),
    ),
    "h3c_comware": (
        re.compile(r"^\s*local-user \S+ class (manage|network)", re.M),
        re.compile(r"^\s*line (vty|class)", re.M),
        re.compile(r"^\s*password-control", re.M),
        re.compile(r"^\s*ssh server enable", re.M),
        re.compile(r"^\s*version [57]\.\d", re.M),
        re.compile(r"^\s*password (cipher|hash|simple) ", re.M),  # inside a local-user block
        re.compile(r"^\s*(authorization-attribute )?user-role ", re.M),
        re.compile(r"^\s*acl (ipv6 )?(basic|advanced) ", re.M),
    ),
    "cisco_ios": (
        re.compile(r"^\s*(show running-config|Building configuration|Current configuration)", re.M),
        re.compile(r"^hostname \S+", re.M),
        re.compile(r"^\s*transport input", re.M),
        re.compile(r"^\s*(enable secret|service password-encryption|ip ssh version)", re.M),
        re.compile(r"^!\s*$", re.M),
    ),
}


def detect_vendor(text: str) -> str | None:
    """The vendor whose config idioms the text shows most (None when it shows none of them).
    ``sysname`` is shared by VRP and Comware, so their own idioms decide."""
    scores = {vendor: sum(1 for p in pats if p.search(text)) for vendor, pats in _HINTS.items()}
    if "line vty" in text and "sysname" in text:
        scores["h3c_comware"] += 1
    best = max(scores, key=lambda v: scores[v])
    return best if scores[best] else None


def asset_from_text(
    text_or_bytes: str | bytes, *, source: str, vendor: str | None = None, name: str = ""
) -> DeviceAsset:
    """Judgeable asset from one configuration text (a file's bytes or a live capture)."""
    if isinstance(text_or_bytes, bytes):
        lines, replaced = decode_lines(text_or_bytes)
    else:
        lines, replaced = text_or_bytes.splitlines(), 0
    notes = [f"{replaced} line(s) were not UTF-8 or GB 18030; shown with U+FFFD"] if replaced else []
    name = name or Path(source).stem
    if not any(line.strip() for line in lines):
        return DeviceAsset(name, source, vendor, tuple(lines), problem="the configuration is empty")
    text = "\n".join(lines)
    if vendor is not None:
        try:
            vendor = vendor_spec(vendor).key
        except InputError as exc:
            return DeviceAsset(name, source, None, tuple(lines), problem=str(exc))
    else:
        vendor = detect_vendor(text)
        if vendor is None:
            return DeviceAsset(
                name,
                source,
                None,
                tuple(lines),
                problem=f"not a configuration of a supported vendor ({', '.join(VENDORS)}); name the vendor",
            )
    try:
        parsed = parse(vendor, text, strict=False)
    except Exception as exc:  # a parser bug must cost one asset, not the scan
        return DeviceAsset(name, source, vendor, tuple(lines), problem=f"could not be parsed: {exc}")
    if parsed.unknown:
        notes.append(f"{len(parsed.unknown)} line(s) not modelled (kept as evidence)")
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    end = vendor_spec(vendor).cli.last_line  # `return` (VRP, Comware), `end` (IOS)
    truncated = not (last == end or _PROMPT.fullmatch(last) is not None)
    if truncated:
        notes.append(f"no final '{end}': the configuration looks truncated after line {len(lines)}")
    hostname = parsed.config.hostname
    if hostname and hostname != vendor_spec(vendor).factory.hostname:
        name = hostname
    return DeviceAsset(name, source, vendor, tuple(lines), parsed, "", tuple(notes), truncated)


def read_file(path: Path, *, vendor: str | None = None) -> DeviceAsset:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return DeviceAsset(path.stem, str(path), vendor, problem=f"cannot read: {exc.strerror or exc}")
    return asset_from_text(data, source=str(path), vendor=vendor)


def config_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and the config files in the folders named (a backup repository included,
    without its .git), in a stable order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(_SKIP.search(part) for part in rel):
                    yield child
        else:
            yield path


def read_files(paths: Iterable[Path], *, vendor: str | None = None) -> Iterator[DeviceAsset]:
    for path in config_files(paths):
        yield read_file(path, vendor=vendor)


def read_live(device: Device, *, connect: Any = None, **options: Any) -> DeviceAsset:
    """Fetch a device's running configuration over SSH (netmiko) and read it like a file."""
    from govnet.devices import netmiko_params

    spec = vendor_spec(device.vendor)
    command = spec.cli.show_running
    source = f"ssh://{device.hostname}"
    try:
        if connect is None:
            from netmiko import ConnectHandler as connect
        with connect(**netmiko_params(device, **options)) as conn:
            if spec.key == "cisco_ios" and conn.check_enable_mode() is False:
                conn.enable()
            text = conn.send_command(command, read_timeout=60)
    except Exception as exc:  # netmiko raises many types; the asset reports it
        return DeviceAsset(
            device.hostname, source, spec.key, problem=f"could not fetch the configuration: {exc}"
        )
    return asset_from_text(text, source=source, vendor=spec.key, name=device.hostname)
