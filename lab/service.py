"""Running the lab as a service: foreground, background (pid file and log), status, down, reset, fault.

The ``govnet lab`` commands and the demo call these functions; they never talk to devices
themselves. Files under ``$GOVNET_HOME/lab/``: ``state/<hostname>.cfg`` (saved configs),
``overlay.yaml`` (where each device answers), ``lab.pid``, ``lab.log``, ``control.sock``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from govnet.devices.sources import sample_inventory
from govnet.errors import DeviceError, GovnetError, InputError, SecretError
from govnet.lab import control
from govnet.lab.bootstrap import DeviceSpec, specs_from_inventory
from govnet.lab.runtime import Endpoints, Lab, read_saved_config
from govnet.lab.topology import Cable, cables_from_inventory
from govnet.secrets import resolve_secret, write_secret_file
from govnet.settings import Settings

if TYPE_CHECKING:
    from govnet.inventory.models import Device, Inventory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabPaths:
    root: Path

    @classmethod
    def of(cls, settings: Settings) -> LabPaths:
        return cls(settings.home / "lab")

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def overlay(self) -> Path:
        return self.root / "overlay.yaml"

    @property
    def overlay6(self) -> Path:
        """The same overlay with each device's IPv6 endpoints ([::1]); absent when IPv6 is off."""
        return self.root / "overlay6.yaml"

    @property
    def pid(self) -> Path:
        return self.root / "lab.pid"

    @property
    def log(self) -> Path:
        return self.root / "lab.log"

    @property
    def socket(self) -> Path:
        return self.root / "control.sock"

    def check(self) -> None:
        """The lab's folder can be made, and unix socket paths (107 bytes at most) fit: say so
        before anything starts."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror or exc
            raise InputError(f"{self.root}: cannot create the lab's folder: {reason}") from None
        if len(os.fsencode(self.socket)) > 107:
            raise InputError(
                f"{self.socket}: too long for the lab's control socket (107 bytes at most); "
                "point GOVNET_HOME at a shorter directory"
            )


@dataclass(frozen=True)
class LabPlan:
    """What a lab runs: one spec per device, and the cables between them (from the inventory's links)."""

    specs: list[DeviceSpec]
    cables: list[Cable]


def inventory_path_for(settings: Settings, given: Path | None) -> Path:
    """The inventory a lab runs: the one given, else the ``inventory`` setting (``GOVNET_INVENTORY``),
    else the built-in sample extranet."""
    return given or settings.inventory or sample_inventory()


def load_plan(path: Path, only: str | None, load_percent: float = 20.0) -> LabPlan:
    """Inventory → device specs and cables, secrets resolved now (every missing one is named
    before anything starts)."""
    from govnet.inventory.validate import check_inventory

    if not 0 <= load_percent <= 100:
        raise InputError(f"--load must be a percentage of line rate (0-100), not {load_percent}")
    # A lab built from an inventory that does not validate would simulate a network that cannot
    # exist (dangling parents, one interface on two links); refuse it as `inventory validate` would.
    report = check_inventory(path)
    if not report.ok:
        shown = "\n  ".join(str(p) for p in report.errors[:10])
        more = f"\n  … and {len(report.errors) - 10} more" if len(report.errors) > 10 else ""
        raise InputError(f"{path}: the inventory has {len(report.errors)} error(s):\n  {shown}{more}")
    inventory = report.inventory
    check_secrets(inventory, only)
    specs = specs_from_inventory(inventory, resolve_secret, only, traffic_fraction=load_percent / 100)
    if not specs:
        raise InputError(
            f"{path}: no device matches {only!r}" if only else f"{path}: the inventory has no devices"
        )
    return LabPlan(specs, cables_from_inventory(inventory, [s.hostname for s in specs]))


def _secret_references(device: Device) -> list[tuple[str, str]]:
    """(field, reference) for every secret a device's day 0 needs."""
    refs = [("credentials.password", device.credentials.password)]
    if device.credentials.enable_secret:
        refs.append(("credentials.enable_secret", device.credentials.enable_secret))
    if device.snmp.version == "v2c" and device.snmp.community:
        refs.append(("snmp.community", device.snmp.community))
    if device.snmp.v3 is not None:
        refs += [("snmp.v3.auth_key", device.snmp.v3.auth_key), ("snmp.v3.priv_key", device.snmp.v3.priv_key)]
    return refs


def check_secrets(inventory: Inventory, only: str | None) -> None:
    """Resolve every secret the lab's devices name; one error lists all that cannot be read, each
    once, with the devices that need it (a user fixes them in one go, not one run per variable)."""
    import fnmatch

    failures: dict[str, tuple[str, list[str]]] = {}  # reference -> (reason, "device field" list)
    for device in inventory.devices:
        if only and not fnmatch.fnmatch(device.hostname, only):
            continue
        for field_name, reference in _secret_references(device):
            if reference in failures:
                failures[reference][1].append(f"{device.hostname} {field_name}")
                continue
            try:
                resolve_secret(reference)
            except GovnetError as exc:
                failures[reference] = (str(exc), [f"{device.hostname} {field_name}"])
    if not failures:
        return
    lines = []
    for reason, users in failures.values():
        shown = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
        lines.append(f"{reason} (needed by {shown})")
    missing = sorted(
        ref.partition(":")[2] for ref in failures if ref.startswith("env:") and ref[4:] not in os.environ
    )
    hint = f"\nset {', '.join(missing)} and run again" if missing else ""
    raise SecretError(
        f"{len(failures)} secret(s) the inventory names cannot be read:\n  " + "\n  ".join(lines) + hint
    )


def write_overlay(path: Path, endpoints: dict[str, Endpoints], host: str) -> None:
    """The overlay ``govnet.inventory.loader.apply_overlay`` reads (written atomically): each device's
    SSH and SNMP endpoints on ``host``. The lab writes one per address family (``overlay.yaml`` for
    IPv4, ``overlay6.yaml`` for IPv6), so any consumer of an overlay reaches the devices over either."""
    devices: dict[str, Any] = {}
    for name, ends in sorted(endpoints.items()):
        if host not in ends.ssh:
            continue
        entry: dict[str, Any] = {"ssh": {"host": host, "port": ends.ssh[host]}}
        if host in ends.snmp:
            entry["snmp"] = {"host": host, "port": ends.snmp[host]}
        devices[name] = entry
    family = "IPv6" if ":" in host else "IPv4"
    text = (
        f"# Written by `govnet lab up`: where each lab device answers over {family} ({host}).\n"
        "# overlay.yaml has the IPv4 endpoints, overlay6.yaml the IPv6 ones. Removed by `govnet lab down`.\n"
    )
    text += yaml.safe_dump({"devices": devices}, sort_keys=True)
    write_secret_file(path, text)


def write_overlays(paths: LabPaths, endpoints: dict[str, Endpoints], hosts: list[str]) -> None:
    """overlay.yaml (IPv4) and, when the lab listens on IPv6 too, overlay6.yaml."""
    write_overlay(paths.overlay, endpoints, hosts[0])
    host6 = next((h for h in hosts[1:] if ":" in h), None)
    if host6 is not None:
        write_overlay(paths.overlay6, endpoints, host6)
    else:
        paths.overlay6.unlink(missing_ok=True)


def running_pid(paths: LabPaths) -> int | None:
    """The lab's pid if its pid file names a live process, else None (a stale file is removed)."""
    try:
        pid = int(paths.pid.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    except OSError as exc:  # e.g. GOVNET_HOME names a file: say where, not a traceback
        raise InputError(f"{paths.pid}: cannot read the lab's pid file: {exc.strerror or exc}") from None
    try:
        os.kill(pid, 0)
        if _zombie(pid):  # killed, not yet reaped (a container without an init reaps late or never)
            raise ProcessLookupError
    except ProcessLookupError:  # the lab died without cleaning up: its files describe nothing now
        for stale in (paths.pid, paths.overlay, paths.overlay6, paths.socket):
            stale.unlink(missing_ok=True)
        return None
    except PermissionError:
        pass
    return pid


def _zombie(pid: int) -> bool:
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc here: trust kill(0)
    return stat_line.rpartition(")")[2].split()[:1] == ["Z"]


# --- foreground -------------------------------------------------------------------------------


def run_foreground(
    settings: Settings,
    plan: LabPlan,
    *,
    ipv6: bool = True,
    on_ready: Callable[[dict[str, Endpoints]], None] | None = None,
) -> None:
    """Serve the lab until SIGTERM/SIGINT or a ``stop`` on the control socket."""
    paths = LabPaths.of(settings)
    paths.check()
    pid = running_pid(paths)
    if pid is not None and pid != os.getpid():
        raise InputError(f"a lab is already running (pid {pid}); stop it with `govnet lab down`")
    logging.getLogger("asyncssh").setLevel(logging.WARNING)  # one line per connection is noise here
    asyncio.run(_serve(settings, paths, plan, ipv6, on_ready))


async def _serve(
    settings: Settings,
    paths: LabPaths,
    plan: LabPlan,
    ipv6: bool,
    on_ready: Callable[[dict[str, Endpoints]], None] | None,
) -> None:
    hosts = [settings.lab.host]
    if ipv6 and settings.lab.host6 and _has_ipv6(settings.lab.host6):
        hosts.append(settings.lab.host6)
    paths.root.mkdir(parents=True, exist_ok=True)
    lab = Lab(paths.state_dir, hosts)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = control.ControlServer(lab, paths.socket, stop.set)
    try:
        started = time.perf_counter()
        endpoints = await lab.start(plan.specs, plan.cables)
        log.info("lab: %d devices up in %.2f s", len(endpoints), time.perf_counter() - started)
        for name, device in lab.devices.items():
            for problem in device.boot_problems:
                log.warning("%s: saved configuration: %s", name, problem)
        write_overlays(paths, endpoints, lab.hosts)
        await server.start()
        paths.pid.write_text(f"{os.getpid()}\n")
        if on_ready is not None:
            on_ready(endpoints)
        await stop.wait()
    finally:
        await server.stop()
        await lab.stop()
        for path in (paths.pid, paths.overlay, paths.overlay6):
            path.unlink(missing_ok=True)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def _has_ipv6(host: str) -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
        return True
    except OSError:
        return False


# --- background -------------------------------------------------------------------------------


def start_background(
    settings: Settings,
    inventory_path: Path | None,
    only: str | None,
    *,
    ipv6: bool = True,
    load_percent: float = 20.0,
    timeout: float = 120.0,
) -> dict[str, Any]:
    """Start ``govnet lab up`` as a detached process; return its status once it answers."""
    paths = LabPaths.of(settings)
    paths.check()
    pid = running_pid(paths)
    if pid is not None:
        raise InputError(f"a lab is already running (pid {pid}); stop it with `govnet lab down`")
    # Fail here, in the caller's terminal, on bad input: the inventory, its secrets, damaged saved configs.
    path = inventory_path_for(settings, inventory_path)
    for spec in load_plan(path, only, load_percent).specs:
        read_saved_config(paths.state_dir / f"{spec.hostname}.cfg")
    paths.root.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "govnet.cli", "--verbose", "lab", "up", "--inventory", str(path)]
    if only:
        command += ["--only", only]
    if not ipv6:
        command.append("--no-ipv6")
    command += ["--load", str(load_percent)]
    env = {**os.environ, "GOVNET_HOME": str(settings.home)}
    with open(paths.log, "ab") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DeviceError(
                f"the lab exited during start-up (code {process.returncode}); see {paths.log}:\n"
                + _tail(paths.log)
            )
        if paths.socket.exists() and paths.pid.exists():
            with contextlib.suppress(DeviceError):
                return dict(control.call(paths.socket, {"op": "status"}, timeout=5))
        time.sleep(0.1)
    process.terminate()
    raise DeviceError(f"the lab did not answer within {timeout:.0f} s; see {paths.log}")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_lab(settings: Settings, timeout: float = 30.0) -> int | None:
    """Stop a running lab (clean shutdown); return its pid, or None when none was running."""
    paths = LabPaths.of(settings)
    pid = running_pid(paths)
    if pid is None:
        return None
    try:
        control.call(paths.socket, {"op": "stop"}, timeout=5)
    except DeviceError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it when it is our own child (the demo, tests)
        time.sleep(0.05)
    else:
        raise DeviceError(f"the lab (pid {pid}) did not stop within {timeout:.0f} s")
    paths.pid.unlink(missing_ok=True)
    return pid


def lab_status(settings: Settings) -> dict[str, Any] | None:
    """The running lab's status, with whether each device's SSH server greets a client (an
    unreachable device accepts the TCP connection but never says ``SSH-2.0``); None if not running."""
    from concurrent.futures import ThreadPoolExecutor

    paths = LabPaths.of(settings)
    if running_pid(paths) is None:
        return None
    status = dict(control.call(paths.socket, {"op": "status"}))
    devices = status["devices"]
    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(lambda d: all(_ssh_greets(h, p) for h, p in d["ssh"].items()), devices))
    for device, answer in zip(devices, answers, strict=True):
        device["ssh_answers"] = answer
    return status


def _ssh_greets(host: str, port: int, timeout: float = 1.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            return sock.recv(64).startswith(b"SSH-")
    except OSError:
        return False


def inject_fault(
    settings: Settings,
    device: str,
    kind: str,
    target: str = "",
    *,
    clear: bool = False,
    seconds: float = 2.0,
    one_end: bool = False,
) -> str:
    paths = LabPaths.of(settings)
    if running_pid(paths) is None:
        raise InputError("no lab is running; start one with `govnet lab up --background`")
    request = {
        "op": "fault",
        "device": device,
        "kind": kind,
        "target": target,
        "clear": clear,
        "seconds": seconds,
        "one_end": one_end,
    }
    return str(control.call(paths.socket, request))


def reset(settings: Settings, device: str | None) -> list[str]:
    """Back to factory defaults plus day 0: on the running lab, or (offline) by removing saved configs."""
    paths = LabPaths.of(settings)
    if running_pid(paths) is not None:
        return list(control.call(paths.socket, {"op": "reset", "device": device}))
    if device is not None:
        saved = paths.state_dir / f"{device}.cfg"
        if "/" in device or "\\" in device or device.startswith(".") or saved.parent != paths.state_dir:
            # Only a device's own saved config may go: never a path that leads out of the state folder.
            raise InputError(f"{device!r} is not a device hostname")
        if not saved.exists():
            raise InputError(f"no saved configuration for {device!r} in {paths.state_dir}")
        saved.unlink()
        return [device]
    removed = sorted(p.stem for p in paths.state_dir.glob("*.cfg")) if paths.state_dir.exists() else []
    for name in removed:
        (paths.state_dir / f"{name}.cfg").unlink()
    return removed
