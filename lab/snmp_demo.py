"""Demo step for the lab's SNMP side.

With the demo's lab running (``ctx.state["lab_running"]``, set by ``govnet.lab.demo.running``), it
polls the sample extranet's devices the way a monitoring system would — each with the SNMP access
its inventory entry names (v3 SHA/AES or v2c) — shows one device's links with speed and
utilisation, injects a link-down and a traffic surge through the lab's control socket and shows
SNMP seeing them. Without a running lab it boots three devices of its own and shows the same
things on them, plus a description changed at the CLI. Either way a wrong community or key gets
nothing. Failures go to ``ctx.failures``; secrets are never printed.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

from rich.table import Table

from govnet.devices import SnmpTarget, load_devices, pysnmp_auth, pysnmp_transport, snmp_target

IF_X = "1.3.6.1.2.1.31.1.1.1"
IF_OPER = "1.3.6.1.2.1.2.2.1.8"
SYS = {
    "name": "1.3.6.1.2.1.1.5.0",
    "oid": "1.3.6.1.2.1.1.2.0",
    "descr": "1.3.6.1.2.1.1.1.0",
    "uptime": "1.3.6.1.2.1.1.3.0",
}


def run(ctx: Any) -> None:
    ctx.section("Device lab: SNMP agent (v2c and v3, IPv4 and IPv6)")
    if ctx.state.get("lab_running") and ctx.state.get("lab_overlay") and ctx.state.get("inventory_path"):
        asyncio.run(_running_lab(ctx))
    else:
        asyncio.run(_standalone(ctx))


class _Poller:
    """pysnmp's asyncio client, with one engine per set of credentials (as a poller keeps them)."""

    def __init__(self) -> None:
        from pysnmp.hlapi.v3arch import asyncio as hl

        self.hl = hl
        self.engines: dict[int, Any] = {}

    def engine(self, auth: Any) -> Any:
        if id(auth) not in self.engines:
            self.engines[id(auth)] = self.hl.SnmpEngine()
        return self.engines[id(auth)]

    async def get(
        self, host: str, port: int, auth: Any, *oids: str, timeout: float = 3.0
    ) -> tuple[Any, dict]:
        hl = self.hl
        target = await pysnmp_transport(SnmpTarget("", host, port), timeout=timeout)
        engine = self.engine(auth)
        error, status, _, varbinds = await hl.get_cmd(
            engine, auth, target, hl.ContextData(), *(hl.ObjectType(hl.ObjectIdentity(o)) for o in oids)
        )
        return error or (status if int(status) else None), {str(n): v for n, v in varbinds}

    async def walk(self, host: str, port: int, auth: Any, root: str) -> dict[str, Any]:
        hl = self.hl
        target = await pysnmp_transport(SnmpTarget("", host, port), retries=1)
        engine = self.engine(auth)
        values: dict[str, Any] = {}
        async for error, status, _, varbinds in hl.bulk_walk_cmd(
            engine,
            auth,
            target,
            hl.ContextData(),
            0,
            50,
            hl.ObjectType(hl.ObjectIdentity(root)),
            lexicographicMode=False,
        ):
            if error or status:
                break
            values.update({str(n): v for n, v in varbinds})
        return values

    def v3(self, user: str, auth_key: str, priv_key: str) -> Any:
        """SHA/AES-128 credentials (the standalone demo's day-0 user)."""
        return pysnmp_auth(
            SnmpTarget(
                "",
                "",
                user=user,
                auth_protocol="sha",
                auth_key=auth_key,
                priv_protocol="aes",
                priv_key=priv_key,
            )
        )


def _expect(ctx: Any) -> Callable[[bool, str], None]:
    def expect(ok: bool, what: str) -> None:
        ctx.console.print(f"  {'[green]ok[/]' if ok else '[red]FAILED[/]'}  {what}", highlight=False)
        if not ok:
            ctx.failures.append(f"lab SNMP: {what}")

    return expect


async def _links(
    poller: _Poller, host: str, port: int, auth: Any, seconds: float = 1.0
) -> list[dict[str, Any]]:
    """Every interface's name, description, speed, oper status and utilisation over ``seconds``."""
    first = await poller.walk(host, port, auth, IF_X)
    started = time.monotonic()
    await asyncio.sleep(seconds)
    second = await poller.walk(host, port, auth, f"{IF_X}.6")
    second.update(await poller.walk(host, port, auth, f"{IF_X}.10"))
    elapsed = time.monotonic() - started
    oper = await poller.walk(host, port, auth, IF_OPER)
    rows = []
    for name_oid, name in first.items():
        if not name_oid.startswith(f"{IF_X}.1."):
            continue
        index = name_oid.rsplit(".", 1)[1]
        speed = int(first.get(f"{IF_X}.15.{index}", 0))
        rates = []
        for col in (6, 10):
            delta = int(second.get(f"{IF_X}.{col}.{index}", 0)) - int(first.get(f"{IF_X}.{col}.{index}", 0))
            rates.append(delta % 2**64 * 8 / elapsed)
        rows.append(
            {
                "index": index,
                "name": str(name),
                "alias": str(first.get(f"{IF_X}.18.{index}", "")),
                "speed": speed,
                "oper": {1: "up", 2: "down"}.get(int(oper.get(f"{IF_OPER}.{index}", 0)), "?"),
                "in_bps": rates[0],
                "out_bps": rates[1],
                "util": max(rates) / (speed * 1e6) * 100 if speed else 0.0,
            }
        )
    return rows


def _links_table(title: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title)
    for column in ("ifName", "ifAlias", "Mbit/s", "oper", "in Mbit/s", "out Mbit/s", "util"):
        table.add_column(column, no_wrap=column != "ifAlias")
    for r in rows:
        table.add_row(
            r["name"],
            r["alias"][:32],
            str(r["speed"]),
            r["oper"],
            f"{r['in_bps'] / 1e6:.1f}",
            f"{r['out_bps'] / 1e6:.1f}",
            f"{r['util']:.0f}%",
        )
    return table


# ---------------------------------------------------------------- with the demo's running lab


async def _running_lab(ctx: Any) -> None:
    from govnet.lab.service import inject_fault

    expect = _expect(ctx)
    poller = _Poller()
    devices = load_devices(ctx.state["inventory_path"], overlay=ctx.state["lab_overlay"])
    targets = {d.hostname: snmp_target(d) for d in devices}
    shared: dict[tuple[str | None, ...], Any] = {}  # one credentials object (and pysnmp engine) per set
    auths = {name: shared.setdefault(t.credentials_key(), pysnmp_auth(t)) for name, t in targets.items()}

    table = Table(
        "device",
        "vendor",
        "SNMP",
        "sysObjectID",
        "sysUpTime",
        "sysDescr (first line)",
        title="every device polled as its inventory entry says (first two of each vendor, and failures)",
    )
    answered = 0
    shown: dict[str, int] = {}
    replies = await asyncio.gather(
        *(
            poller.get(targets[d.hostname].host, targets[d.hostname].port, auths[d.hostname], *SYS.values())
            for d in devices
        )
    )
    for device, (error, values) in zip(devices, replies, strict=True):
        ok = error is None and str(values.get(SYS["name"])) == device.hostname
        answered += ok
        shown[device.vendor.value] = shown.get(device.vendor.value, 0) + 1
        if ok and shown[device.vendor.value] > 2:
            continue
        descr = str(values.get(SYS["descr"], "")).splitlines()[:1]
        table.add_row(
            device.hostname,
            device.vendor.value,
            device.snmp.version,
            str(values.get(SYS["oid"], "")),
            f"{int(values.get(SYS['uptime'], 0)) / 100:.0f} s",
            descr[0] if descr else f"[red]{error}[/]",
        )
    ctx.console.print(table)
    expect(answered == len(devices), f"{answered} of {len(devices)} devices answer SNMP")

    core = next((d for d in devices if d.vendor.value == "huawei_vrp"), devices[0])
    host, port, auth = targets[core.hostname].host, targets[core.hostname].port, auths[core.hostname]
    rows = await _links(poller, host, port, auth)
    ctx.console.print(_links_table(f"{core.hostname}: links, speeds and utilisation (SNMP, 1 s apart)", rows))
    uplink = next((r for r in rows if r["oper"] == "up" and r["alias"]), None)
    expect(uplink is not None and uplink["in_bps"] > 0, "counters advance with the links' traffic")
    if uplink is None:
        return
    try:
        inject_fault(ctx.settings, core.hostname, "surge", uplink["name"])
        surged = {r["name"]: r for r in await _links(poller, host, port, auth)}[uplink["name"]]
        inject_fault(ctx.settings, core.hostname, "surge", uplink["name"], clear=True)
        expect(
            surged["util"] > 85, f"surge fault: {uplink['name']} runs at {surged['util']:.0f}% of line rate"
        )
        inject_fault(ctx.settings, core.hostname, "link-down", uplink["name"])
        oid = f"{IF_OPER}.{uplink['index']}"
        _, values = await poller.get(host, port, auth, oid)
        inject_fault(ctx.settings, core.hostname, "link-down", uplink["name"], clear=True)
        expect(int(values.get(oid, 0)) == 2, f"link-down fault: {uplink['name']} ifOperStatus is down(2)")
    except Exception as exc:  # the control socket or the lab failed: report, do not crash the demo
        expect(False, f"faults through the lab's control socket: {type(exc).__name__}: {exc}")
    error, _ = await poller.get(host, port, poller.hl.CommunityData("public"), SYS["name"], timeout=0.5)
    expect(error is not None and "timeout" in str(error).lower(), "an unconfigured community gets no answer")


# ---------------------------------------------------------------- standalone


async def _standalone(ctx: Any) -> None:
    from govnet.lab.bootstrap import Day0, DeviceSpec, PortSpec, boot
    from govnet.lab.snmp_agent import SnmpAgentPool
    from govnet.lab.vendors import dialect_for
    from govnet.lab.vendors.base import CliSession

    expect = _expect(ctx)
    poller = _Poller()
    community, auth_key, priv_key = (secrets.token_urlsafe(12) for _ in range(3))
    day0 = Day0(
        username="admin",
        password=secrets.token_urlsafe(12),
        snmp_community=community,
        snmp_user="nms",
        snmp_auth_key=auth_key,
        snmp_priv_key=priv_key,
    )
    port_names = {
        "huawei_vrp": "GigabitEthernet0/0/1",
        "h3c_comware": "GigabitEthernet1/0/1",
        "cisco_ios": "GigabitEthernet0/0/1",
    }
    devices = (("SG-CITY-CORE", "huawei_vrp"), ("SG-RENHUA-AGG", "h3c_comware"), ("SG-DEPT-FIN", "cisco_ios"))
    now = time.time()
    states = {
        name: boot(
            DeviceSpec(name, vendor, ports=[PortSpec(port_names[vendor], 1000, "uplink")], day0=day0),
            None,
            now,
        )[0]
        for name, vendor in devices
    }
    pool = SnmpAgentPool()
    ports = await pool.start(states.values())
    v2c = poller.hl.CommunityData(community)
    v3 = poller.v3("nms", auth_key, priv_key)
    try:
        table = Table("device", "UDP port (127.0.0.1 and ::1)", "sysObjectID", "sysDescr (first line)")
        for name, port in ports.items():
            error, values = await poller.get("127.0.0.1", port, v2c, *SYS.values())
            expect(error is None and str(values.get(SYS["name"])) == name, f"{name} answers SNMPv2c GET")
            descr = str(values.get(SYS["descr"], "")).splitlines()[:1]
            table.add_row(name, str(port), str(values.get(SYS["oid"], "")), descr[0] if descr else "")
        ctx.console.print(table)

        name = "SG-CITY-CORE"
        state = states[name]
        itf = state.interfaces[1]
        session = CliSession(dialect_for(state.vendor), state)
        for line in (
            "system-view",
            f"interface {itf.name}",
            "description to Renhua county (changed at the CLI)",
        ):
            session.handle_line(line)
        host6 = "::1" if name in pool.ports6 else "127.0.0.1"
        oids = [f"{IF_X}.1.{itf.ifindex}", f"{IF_X}.18.{itf.ifindex}", f"{IF_X}.6.{itf.ifindex}"]
        error, values = await poller.get(host6, pool.ports6.get(name, ports[name]), v3, *oids)
        alias = str(values.get(oids[1], ""))
        ctx.console.print(
            f"  SNMPv3 authPriv (SHA/AES) over {host6}: ifName={values.get(oids[0])} ifAlias={alias!r} "
            f"ifHCInOctets={values.get(oids[2])}",
            highlight=False,
        )
        expect(
            error is None and alias.startswith("to Renhua county"), "the CLI's new description is the ifAlias"
        )

        itf.set_link(time.time(), up=False)  # the link-down fault
        error, values = await poller.get("127.0.0.1", ports[name], v2c, f"{IF_OPER}.{itf.ifindex}")
        expect(
            int(values.get(f"{IF_OPER}.{itf.ifindex}", 0)) == 2, "link-down fault: ifOperStatus is down(2)"
        )

        error, _ = await poller.get(
            "127.0.0.1", ports[name], poller.hl.CommunityData("public"), SYS["name"], timeout=0.5
        )
        expect(
            error is not None and "timeout" in str(error).lower(), "an unconfigured community gets no answer"
        )
        wrong = poller.v3("nms", auth_key + "x", priv_key)
        error, values = await poller.get("127.0.0.1", ports[name], wrong, SYS["name"])
        expect(error is not None and not values, f"a wrong SNMPv3 key is refused ({error})")
    finally:
        await pool.stop()
