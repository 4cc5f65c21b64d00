"""Demo step for the lab's SNMP side: three vendors' devices polled over v2c and v3, CLI changes and
faults seen through SNMP, a wrong community left unanswered.

``run(ctx)`` follows the demo contract (``govnet.demo.DemoContext``): it prints through
``ctx.console`` and appends to ``ctx.failures`` when something does not behave as it should.
The community and SNMPv3 keys are generated for the run and never printed.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

from rich.table import Table

IF_X = "1.3.6.1.2.1.31.1.1.1"
IF_OPER = "1.3.6.1.2.1.2.2.1.8"
SYS = {"name": "1.3.6.1.2.1.1.5.0", "oid": "1.3.6.1.2.1.1.2.0", "descr": "1.3.6.1.2.1.1.1.0"}


def run(ctx: Any) -> None:
    ctx.section("Device lab: SNMP agent (v2c and v3, IPv4 and IPv6)")
    asyncio.run(_run(ctx))


async def _run(ctx: Any) -> None:
    from govnet.lab.bootstrap import Day0, DeviceSpec, PortSpec, boot
    from govnet.lab.snmp_agent import SnmpAgentPool
    from govnet.lab.vendors import dialect_for
    from govnet.lab.vendors.base import CliSession
    from pysnmp.hlapi.v3arch import asyncio as hl

    community, auth_key, priv_key = (secrets.token_urlsafe(12) for _ in range(3))
    day0 = Day0(
        username="admin",
        password=secrets.token_urlsafe(12),
        snmp_community=community,
        snmp_user="nms",
        snmp_auth_key=auth_key,
        snmp_priv_key=priv_key,
    )
    port_names = {"huawei_vrp": "GigabitEthernet0/0/1", "h3c_comware": "GigabitEthernet1/0/1"}
    port_names["cisco_ios"] = "GigabitEthernet0/0/1"
    specs = [
        DeviceSpec(name, vendor, ports=[PortSpec(port_names[vendor], 1000, "uplink to city core")], day0=day0)
        for name, vendor in (
            ("SG-CITY-CORE", "huawei_vrp"),
            ("SG-RENHUA-AGG", "h3c_comware"),
            ("SG-DEPT-FIN", "cisco_ios"),
        )
    ]
    now = time.time()
    states = {s.hostname: boot(s, None, now)[0] for s in specs}
    pool = SnmpAgentPool()
    ports = await pool.start(states.values())
    v2c = hl.CommunityData(community)
    v3 = hl.UsmUserData(
        "nms",
        auth_key,
        priv_key,
        authProtocol=hl.usmHMACSHAAuthProtocol,
        privProtocol=hl.usmAesCfb128Protocol,
    )

    async def get(port: int, auth: Any, *oids: str, host: str = "127.0.0.1", timeout: float = 1.0) -> Any:
        cls = hl.Udp6TransportTarget if ":" in host else hl.UdpTransportTarget
        target = await cls.create((host, port), timeout=timeout, retries=0)
        error, status, _, varbinds = await hl.get_cmd(
            hl.SnmpEngine(),
            auth,
            target,
            hl.ContextData(),
            *(hl.ObjectType(hl.ObjectIdentity(o)) for o in oids),
        )
        return error or (status if int(status) else None), {str(n): v for n, v in varbinds}

    def expect(ok: bool, what: str) -> None:
        ctx.console.print(f"  {'[green]ok[/]' if ok else '[red]FAILED[/]'}  {what}")
        if not ok:
            ctx.failures.append(f"lab SNMP: {what}")

    try:
        table = Table("device", "UDP port (127.0.0.1 and ::1)", "sysObjectID", "sysDescr (first line)")
        for name, port in ports.items():
            error, values = await get(port, v2c, *SYS.values())
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
        error, values = await get(pool.ports6.get(name, ports[name]), v3, *oids, host=host6)
        alias = str(values.get(oids[1], ""))
        ctx.console.print(
            f"  SNMPv3 authPriv (SHA/AES) over {host6}: ifName={values.get(oids[0])} ifAlias={alias!r} "
            f"ifHCInOctets={values.get(oids[2])}"
        )
        expect(
            error is None and alias.startswith("to Renhua county"), "the CLI's new description is the ifAlias"
        )

        itf.set_link(time.time(), up=False)  # the link-down fault
        error, values = await get(ports[name], v2c, f"{IF_OPER}.{itf.ifindex}")
        expect(
            int(values.get(f"{IF_OPER}.{itf.ifindex}", 0)) == 2, "link-down fault: ifOperStatus is down(2)"
        )

        error, _ = await get(ports[name], hl.CommunityData("public"), SYS["name"], timeout=0.5)
        expect(
            error is not None and "timeout" in str(error).lower(), "an unconfigured community gets no answer"
        )
        wrong = hl.UsmUserData("nms", auth_key + "x", priv_key, authProtocol=hl.usmHMACSHAAuthProtocol)
        error, values = await get(ports[name], wrong, SYS["name"])
        expect(error is not None and not values, f"a wrong SNMPv3 key is refused ({error})")
    finally:
        await pool.stop()
