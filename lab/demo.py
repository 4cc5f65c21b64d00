"""The lab's demo step: start the lab for the demo's inventory, drive one device of each vendor with
netmiko (show, configure, save, reconnect), inject a fault, and stop the lab at the end.

``running(ctx)`` is a context manager the demo wraps around every step that needs devices;
``run(ctx)`` is this area's own step (it starts the lab itself if ``running`` is not active).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from govnet.errors import GovnetError
from govnet.vendors import vendor_spec

if TYPE_CHECKING:
    from govnet.demo import DemoContext

# Secrets the sample inventory references; generated for the demo when the user has not set them.
LAB_SECRETS = (
    "GOVNET_LAB_PASSWORD",
    "GOVNET_LAB_SNMP_AUTH",
    "GOVNET_LAB_SNMP_PRIV",
    "GOVNET_LAB_SNMP_COMMUNITY",
)

SHOW_BRIEF = {
    "huawei_vrp": "display interface brief",
    "h3c_comware": "display interface brief",
    "cisco_ios": "show ip interface brief",
}


def ensure_lab_secrets() -> list[str]:
    """Set random values for unset lab secrets (never printed); return the names that were generated."""
    generated = []
    for name in LAB_SECRETS:
        if not os.environ.get(name):
            os.environ[name] = secrets.token_urlsafe(12) + "-Aa1"
            generated.append(name)
    return generated


def _inventory_path(ctx: DemoContext) -> Path:
    from govnet.lab.service import sample_inventory

    return Path(ctx.state.get("inventory_path") or sample_inventory())


@contextlib.contextmanager
def running(ctx: DemoContext) -> Iterator[dict[str, Any]]:
    """Start the lab as a background process for the demo's inventory; always stop it on exit."""
    from govnet.lab.service import LabPaths, start_background, stop_lab

    ctx.section("Device lab: one simulated device per inventory device (SSH and SNMP on loopback)")
    generated = ensure_lab_secrets()
    if generated:
        ctx.console.print(f"lab: generated random values for {', '.join(generated)} (not shown)")
    path = _inventory_path(ctx)
    started = time.perf_counter()
    try:
        status = start_background(ctx.settings, path, None)
    except GovnetError as exc:
        ctx.failures.append(f"lab: could not start: {exc}")
        raise
    elapsed = time.perf_counter() - started
    vendors: dict[str, int] = {}
    for device in status["devices"]:
        vendors[device["vendor"]] = vendors.get(device["vendor"], 0) + 1
    ctx.console.print(
        f"lab: {len(status['devices'])} simulated devices up in {elapsed:.1f} s "
        f"({', '.join(f'{n} {v}' for v, n in sorted(vendors.items()))}); "
        f"overlay {LabPaths.of(ctx.settings).overlay}",
        highlight=False,
    )
    ctx.state["lab_overlay"] = LabPaths.of(ctx.settings).overlay
    ctx.state["lab_running"] = True
    try:
        yield status
    finally:
        ctx.state["lab_running"] = False
        pid = stop_lab(ctx.settings)
        ctx.console.print(f"lab: stopped (pid {pid})" if pid else "lab: was not running")


def run(ctx: DemoContext) -> None:
    ctx.section("Device lab: Huawei VRP, H3C Comware and Cisco IOS over SSH (unmodified netmiko)")
    if ctx.state.get("lab_running"):
        _drive(ctx)
        return
    try:
        with running(ctx):
            _drive(ctx)
    except GovnetError:
        return  # already recorded in ctx.failures


def _drive(ctx: DemoContext) -> None:
    from netmiko import ConnectHandler

    from govnet.devices import load_devices, netmiko_params
    from govnet.lab.service import inject_fault

    chosen: dict[str, Any] = {}
    for device in load_devices(_inventory_path(ctx), overlay=ctx.state["lab_overlay"]):
        chosen.setdefault(device.vendor.value, device)
    table = Table(
        "device", "vendor → netmiko driver", "configured and saved", "after reconnect", title="netmiko"
    )
    stamp = time.strftime("%H%M%S")
    for vendor, device in sorted(chosen.items()):
        params = netmiko_params(device)
        description = f"set-by-govnet-demo-{stamp}"
        try:
            conn = ConnectHandler(**params)
            brief = str(conn.send_command(SHOW_BRIEF[vendor]))
            interface = _first_port(brief, vendor)
            conn.send_config_set([f"interface {interface}", f"description {description}"])
            conn.save_config()
            conn.disconnect()
            conn = ConnectHandler(**params)
            saved = description in str(conn.send_command(vendor_spec(vendor).cli.show_saved))
            conn.disconnect()
        except Exception as exc:  # netmiko raises many kinds; the demo reports, never crashes
            ctx.failures.append(f"lab: {device.hostname}: {type(exc).__name__}: {exc}")
            table.add_row(device.hostname, f"{vendor} → {params['device_type']}", "[red]failed[/]", "-")
            continue
        table.add_row(
            device.hostname,
            f"{vendor} → {params['device_type']}",
            f"{interface} description",
            "[green]in saved config[/]" if saved else "[red]missing[/]",
        )
        if not saved:
            ctx.failures.append(f"lab: {device.hostname}: the saved configuration lacks the new description")
    ctx.console.print(table)

    # A fault, as monitoring would meet it: a link goes down and the device says so.
    huawei = chosen.get("huawei_vrp")
    if huawei is not None:
        _link_fault(ctx, huawei, inject_fault)


def _first_port(brief: str, vendor: str) -> str:
    """The first physical uplink in a brief interface listing (not the management port)."""
    names = {
        "huawei_vrp": ("GigabitEthernet", "XGigabitEthernet"),
        "h3c_comware": ("GE", "XGE"),
        "cisco_ios": ("GigabitEthernet", "TenGigabitEthernet"),
    }[vendor]
    for line in brief.splitlines():
        word = line.split()[0] if line.split() else ""
        if word.startswith(names) and "/" in word and not word.startswith(("MEth", "MGE")):
            if vendor == "h3c_comware":
                return word.replace("XGE", "Ten-GigabitEthernet", 1).replace("GE", "GigabitEthernet", 1)
            return word
    raise ValueError(f"no uplink port in:\n{brief}")


def _link_fault(ctx: DemoContext, device: Any, inject_fault: Any) -> None:
    from netmiko import ConnectHandler

    from govnet.devices import netmiko_params

    try:
        conn = ConnectHandler(**netmiko_params(device))
        port = _first_port(str(conn.send_command(SHOW_BRIEF["huawei_vrp"])), "huawei_vrp")
        ctx.console.print(inject_fault(ctx.settings, device.hostname, "link-down", port), highlight=False)
        line = next(
            x for x in str(conn.send_command("display interface brief")).splitlines() if x.startswith(port)
        )
        inject_fault(ctx.settings, device.hostname, "link-down", port, clear=True)
        conn.disconnect()
    except Exception as exc:
        ctx.failures.append(f"lab: link-down fault on {device.hostname}: {type(exc).__name__}: {exc}")
        return
    ctx.console.print(f"  {device.hostname} now shows: {line.strip()}", highlight=False)
    if " down " not in f" {line} ":
        ctx.failures.append(f"lab: {device.hostname} did not show {port} down after the link-down fault")
