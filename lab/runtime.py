"""The running lab: many simulated devices in one asyncio loop, their listeners, faults and state dir.

``Lab.start(specs)`` boots each device (from its saved config in the state directory, else factory
defaults plus day 0), opens an SSH listener per device per address family on ephemeral ports, and
starts the SNMP agent pool when ``govnet.lab.snmp_agent`` is available. ``save`` on a device writes
its config text to ``<state_dir>/<hostname>.cfg`` (mode 0600); unsaved changes die with the process.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from govnet.errors import DeviceError, InputError, NotFoundError
from govnet.lab.bootstrap import DeviceSpec, boot, reboot_in_place
from govnet.lab.ssh_server import SshDevice, SshListener
from govnet.lab.state import DeviceState, Fault, FaultKind
from govnet.secrets import write_secret_file

log = logging.getLogger(__name__)

# The longest delay (slow) or wrap horizon (counter-wrap) a fault takes: an hour. Longer delays are
# indistinguishable from `unreachable`, and huge ones overflow the event loop's timers.
MAX_FAULT_SECONDS = 3600.0


def read_saved_config(path: Path) -> str | None:
    """A device's saved configuration text, None when it has none. A damaged file is an input error
    naming it: booting from day 0 instead would overwrite what the user saved."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: the saved configuration is not UTF-8 text (byte {exc.start}); it is damaged: "
            "repair it, or delete it to boot this device from factory defaults and day 0"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the saved configuration: {exc.strerror or exc}") from None


@dataclass
class Endpoints:
    hostname: str
    vendor: str
    ssh: dict[str, int] = field(default_factory=dict)  # address -> port
    snmp: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"hostname": self.hostname, "vendor": self.vendor, "ssh": self.ssh, "snmp": self.snmp}


@dataclass
class LabDevice:
    spec: DeviceSpec
    ssh: SshDevice
    listeners: list[SshListener] = field(default_factory=list)
    boot_problems: list[str] = field(default_factory=list)

    @property
    def state(self) -> DeviceState:
        return self.ssh.state


class Lab:
    def __init__(self, state_dir: Path, hosts: Iterable[str] = ("127.0.0.1",), *, snmp: bool = True) -> None:
        self.state_dir = state_dir
        self.hosts = list(hosts)
        self.with_snmp = snmp
        self.devices: dict[str, LabDevice] = {}
        self.endpoints: dict[str, Endpoints] = {}
        self._snmp_pool: Any = None
        self._host_key: asyncssh.SSHKey | None = None

    # --- lifecycle ----------------------------------------------------------------------------
    async def start(self, specs: Iterable[DeviceSpec]) -> dict[str, Endpoints]:
        specs = list(specs)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._fit_file_limit(len(specs))
        key = self._load_host_key()
        now = time.time()
        for spec in specs:
            saved_path = self._saved_path(spec.hostname)
            saved = read_saved_config(saved_path)
            state, problems = boot(spec, saved, now)
            if saved is None:
                self._persist(spec.hostname, state)  # day 0 was saved by the installer
            for problem in problems:
                log.warning("%s: %s: %s", spec.hostname, saved_path, problem)
            on_save = functools.partial(self._persist, spec.hostname)
            device = LabDevice(spec, SshDevice(state, on_save=on_save), boot_problems=problems)
            self.devices[spec.hostname] = device
            ends = Endpoints(spec.hostname, spec.vendor)
            for host in self.hosts:
                listener = SshListener(device.ssh, host, key)
                try:
                    ends.ssh[host] = await listener.start()
                except OSError as exc:
                    await self.stop()
                    raise DeviceError(
                        f"cannot listen for {spec.hostname} on {host}: {exc.strerror or exc} "
                        f"(after {len(self.devices) - 1} devices; a big lab needs `ulimit -n` of about "
                        f"{4 * len(specs) + 512}, or --no-ipv6, or --only)"
                    ) from None
                device.listeners.append(listener)
            self.endpoints[spec.hostname] = ends
        if self.with_snmp:
            await self._start_snmp()
        return self.endpoints

    def _fit_file_limit(self, devices: int) -> None:
        """Each device holds a socket per address family for SSH and for SNMP, plus room for sessions.
        When the process may not open that many files, serve IPv4 only; if even that does not fit,
        say so before anything starts."""

        def needed() -> int:
            per_device = len(self.hosts) * (2 if self.with_snmp else 1)
            return devices * per_device + 512 + devices // 20

        limit = _raise_fd_limit(needed())
        if limit < needed() and len(self.hosts) > 1:
            log.warning(
                "%d devices on %s need %d open files but the limit is %d: serving %s only",
                devices,
                " and ".join(self.hosts),
                needed(),
                limit,
                self.hosts[0],
            )
            self.hosts = self.hosts[:1]
        if limit < needed():
            raise DeviceError(
                f"{devices} lab devices need about {needed()} open files; this process may open {limit} "
                "(raise `ulimit -n`, or start fewer devices with --only)"
            )

    async def _start_snmp(self) -> None:
        try:
            from govnet.lab.snmp_agent import SnmpAgentPool  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            log.warning("SNMP agent not available; the lab serves SSH only")
            return
        states = [d.state for d in self.devices.values()]
        pool = SnmpAgentPool()
        host6 = next((h for h in self.hosts[1:] if ":" in h), None)
        ports = await pool.start(states, self.hosts[0], host6)
        self._snmp_pool = pool
        for hostname, port in ports.items():
            self.endpoints[hostname].snmp[self.hosts[0]] = port
            if hostname in pool.ports6 and host6 is not None:
                self.endpoints[hostname].snmp[host6] = pool.ports6[hostname]

    async def stop(self) -> None:
        for device in self.devices.values():
            for listener in device.listeners:
                await listener.stop()
        if self._snmp_pool is not None:
            await self._snmp_pool.stop()
            self._snmp_pool = None

    # --- operations (also reached through the control socket) --------------------------------
    def device(self, hostname: str) -> LabDevice:
        try:
            return self.devices[hostname]
        except KeyError:
            names = sorted(self.devices)
            shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
            raise NotFoundError(f"no lab device {hostname!r}; running: {shown}") from None

    async def fault(
        self, hostname: str, kind: str, target: str = "", *, clear: bool = False, seconds: float = 2.0
    ) -> str:
        """Inject (or clear) a fault; returns a one-line account of what changed."""
        device = self.device(hostname)
        state = device.state
        try:
            fault_kind = FaultKind(kind)
        except ValueError:
            raise InputError(
                f"unknown fault {kind!r}; known: {', '.join(k.value for k in FaultKind)}"
            ) from None
        if not (math.isfinite(seconds) and 0 <= seconds <= MAX_FAULT_SECONDS):
            raise InputError(f"--seconds must be between 0 and {MAX_FAULT_SECONDS:.0f}, got {seconds}")
        if clear and fault_kind in (FaultKind.REBOOT, FaultKind.COUNTER_WRAP):
            raise InputError(f"{kind} is an event, not a lasting fault: there is nothing to clear")
        now = time.time()
        needs_target = fault_kind in (FaultKind.LINK_DOWN, FaultKind.SURGE)
        takes_target = needs_target or fault_kind == FaultKind.COUNTER_WRAP
        if target and not takes_target:
            raise InputError(f"fault {kind} applies to the whole device: it takes no --interface")
        if takes_target and (needs_target or target):
            itf = state.interface(target) if target else None
            if itf is None:
                names = ", ".join(i.name for i in state.interfaces)
                what = (
                    f"{hostname} has no interface {target!r}" if target else f"fault {kind} needs --interface"
                )
                raise InputError(f"{what}; one of: {names}")
            target = itf.name
        fault = Fault(fault_kind, target)
        if fault_kind == FaultKind.REBOOT:
            device.ssh.drop_connections()
            problems = reboot_in_place(state, device.spec, now)
            device.boot_problems = problems
            return f"{hostname} rebooted: running configuration is the saved one, sysUpTime restarted"
        if fault_kind == FaultKind.COUNTER_WRAP:
            for itf in state.interfaces:
                if target in ("", itf.name):
                    itf.wrap_counters_soon(now, seconds=max(seconds, 1.0))
            state.touch()
            return f"{hostname}: octet counters set to wrap within about {max(seconds, 1.0):.0f} s"
        if clear:
            state.faults.discard(fault)
        else:
            state.faults.add(fault)
        active = not clear
        if fault_kind == FaultKind.LINK_DOWN:
            itf = state.interface(target)
            assert itf is not None
            itf.set_link(now, up=not active)
        elif fault_kind == FaultKind.SURGE:
            itf = state.interface(target)
            assert itf is not None
            itf.settle(now)
            itf.surge = active
        elif fault_kind == FaultKind.SLOW:
            state.slow_seconds = seconds if active else 0.0
        elif fault_kind == FaultKind.UNREACHABLE:
            state.reachable = not active
            for listener in device.listeners:
                await (listener.silence() if active else listener.resume())
        state.touch()
        where = f" on {target}" if target else ""
        return f"{hostname}: {kind}{where} {'cleared' if clear else 'injected'}"

    async def reset(self, hostname: str | None = None) -> list[str]:
        """Back to factory defaults plus day 0 (the saved config is replaced), as after a wipe."""
        names = [hostname] if hostname else sorted(self.devices)
        for name in names:
            device = self.device(name)
            device.ssh.drop_connections()
            reboot_in_place(device.state, device.spec, time.time(), factory=True)
            device.state.faults.clear()
            device.state.slow_seconds = 0.0
            if not device.state.reachable:
                device.state.reachable = True
                for listener in device.listeners:
                    await listener.resume()
            self._persist(name, device.state)
        return names

    def status(self) -> list[dict[str, Any]]:
        rows = []
        for name, device in sorted(self.devices.items()):
            state = device.state
            rows.append(
                {
                    **self.endpoints[name].as_dict(),
                    "reachable": state.reachable,
                    "faults": sorted(
                        f"{f.kind.value}{':' + f.target if f.target else ''}" for f in state.faults
                    ),
                    "uptime_s": int(time.time() - state.boot_time),
                    "unsaved_changes": state.saved_config != device.ssh.dialect.render_config(state.config),
                }
            )
        return rows

    # --- persistence --------------------------------------------------------------------------
    def _saved_path(self, hostname: str) -> Path:
        if "/" in hostname or hostname.startswith("."):
            raise InputError(f"device hostname {hostname!r} cannot name a file")
        return self.state_dir / f"{hostname}.cfg"

    def _persist(self, hostname: str, state: DeviceState) -> None:
        # Named after the inventory hostname, which a `sysname` typed at the device does not alter.
        if state.saved_config is not None:
            write_secret_file(self._saved_path(hostname), state.saved_config)

    def _load_host_key(self) -> asyncssh.SSHKey:
        """One host key for the whole lab, kept so known_hosts stays valid across restarts."""
        if self._host_key is None:
            path = self.state_dir / "ssh_host_ed25519_key"
            if path.exists():
                try:
                    self._host_key = asyncssh.read_private_key(str(path))
                except (asyncssh.KeyImportError, OSError) as exc:
                    raise InputError(
                        f"{path}: cannot read the lab's SSH host key ({exc}); delete it to make a new one"
                        " (SSH clients will then see a changed host key)"
                    ) from None
            else:
                self._host_key = asyncssh.generate_private_key("ssh-ed25519")
                write_secret_file(path, self._host_key.export_private_key())
        return self._host_key


def _raise_fd_limit(needed: int) -> int:
    """Lift the soft open-file limit toward ``needed``; return the limit now in force."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return needed if soft == resource.RLIM_INFINITY else soft
    if hard != resource.RLIM_INFINITY and hard < needed:
        try:  # root may raise the hard limit too (up to fs.nr_open)
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return needed
        except (ValueError, OSError):
            pass
    target = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


class LabThread:
    """A lab on its own event loop in a daemon thread, for synchronous callers (tests, netmiko, demo).

    ``with LabThread(state_dir) as lab: ends = lab.start(specs)`` — ``call`` runs any ``Lab``
    coroutine method on the lab's loop and waits for it.
    """

    def __init__(self, state_dir: Path, hosts: Iterable[str] = ("127.0.0.1",), *, snmp: bool = True) -> None:
        import threading

        self.lab = Lab(state_dir, hosts, snmp=snmp)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="govnet-lab", daemon=True)
        self._thread.start()

    def call(self, coroutine: Any, timeout: float = 120.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def start(self, specs: Iterable[DeviceSpec]) -> dict[str, Endpoints]:
        return dict(self.call(self.lab.start(list(specs))))

    def fault(
        self, hostname: str, kind: str, target: str = "", *, clear: bool = False, seconds: float = 2.0
    ) -> str:
        return str(self.call(self.lab.fault(hostname, kind, target, clear=clear, seconds=seconds)))

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self.call(self.lab.stop(), timeout=30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    def __enter__(self) -> LabThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
