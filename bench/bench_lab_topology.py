"""Device-lab topology benchmark: commands that answer from the whole lab's cabling.

``ping`` from the first device of a chain of N cabled devices to the last one's address walks every
cable (breadth-first over up links, then finds who holds the address); ``display ospf peer brief``
checks each cabled port's peer. Each is timed on one in-process CLI session and printed beside
``display interface brief`` on the same session (a display that reads only the device's own state),
measured in the same run, as a ratio.

Run: ``.venv/bin/python bench/bench_lab_topology.py [--quick]`` (quick: 200 devices; default 2,000).
"""

from __future__ import annotations

import argparse
import time
from ipaddress import IPv4Address, IPv4Interface
from typing import Any

from benchkit import pin_to_one_cpu


def build(count: int) -> tuple[Any, Any]:
    """A chain of ``count`` VRP devices, /30 on every cable, OSPF area 0 everywhere."""
    from govnet.lab.bootstrap import boot
    from govnet.lab.ssh_server import LabSession
    from govnet.lab.state import OspfArea, OspfProcess
    from govnet.lab.testing import PORTS, chain
    from govnet.lab.topology import Topology
    from govnet.lab.vendors import dialect_for

    specs, cables = chain(*(("huawei_vrp", f"R{i}") for i in range(count)))
    states = {s.hostname: boot(s, None, time.time())[0] for s in specs}
    for k, cable in enumerate(cables):
        net = int(IPv4Address("10.0.0.0")) + 4 * k
        for device, port, host in (
            (cable.a_device, cable.a_interface, 1),
            (cable.b_device, cable.b_interface, 2),
        ):
            itf = states[device].interface(port)
            assert itf is not None
            itf.ipv4 = [IPv4Interface(f"{IPv4Address(net + host)}/30")]
    for state in states.values():
        state.ospf = [OspfProcess(1, areas=[OspfArea("0", networks=["10.0.0.0 0.255.255.255"])])]
    topology = Topology(states, cables)
    session = LabSession(dialect_for("huawei_vrp"), states["R0"], "admin", topology=topology)
    session.dialect.session_start(session)
    last = states[f"R{count - 1}"].interface(PORTS["huawei_vrp"])
    assert last is not None
    return session, last.ipv4[0].ip


def rate(session: Any, command: str, seconds: float) -> tuple[float, str]:
    done, out = 0, ""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        out = session.handle_line(command)
        done += 1
    return done / (time.perf_counter() - started), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 200 if args.quick else 2000
    cpu = pin_to_one_cpu()
    session, target = build(count)
    seconds = 1.0 if args.quick else 3.0
    reference, _ = rate(session, "display interface brief", seconds)
    ping, out = rate(session, f"ping -c 1 {target}", seconds)
    assert "1 packet(s) received" in out, out
    peers, out = rate(session, "display ospf peer brief", seconds)
    assert "Total Peer(s):     1" in out, out
    print(f"lab topology benchmark: a chain of {count} cabled devices (one CPU: {cpu})")
    rows = [
        ("reference: display interface brief", reference),
        (f"ping across all {count - 1} cables", ping),
        ("display ospf peer brief", peers),
    ]
    for name, value in rows:
        print(f"  {name:<40}{value:10,.0f} /s   {value / reference:.3f}x the reference")


if __name__ == "__main__":
    main()
