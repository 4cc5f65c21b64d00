"""The lab's LLDP display commands agree with its LLDP-MIB, and parse with ntc-templates."""

from __future__ import annotations

import asyncio

from collect_topology import Net
from ntc_templates.parse import parse_output

from govnet.collectors.snmp.findings import port_key
from govnet.collectors.snmp.poller import PollOptions, poll_all
from govnet.lab.testing import Terminal

COMMANDS = {
    "c-core": ("huawei_vrp", "display lldp neighbor brief"),
    "k-agg": ("hp_comware", "display lldp neighbor-information list"),
    "t-acc": ("cisco_ios", "show lldp neighbors"),
}


def _vrp_brief(text: str) -> set[tuple[str, str, str]]:
    rows = [line.split() for line in text.splitlines()[1:] if line.strip()]
    return {(port_key(r[0]), r[1], port_key(r[2])) for r in rows}


def test_display_commands_show_what_snmp_serves(net: Net) -> None:
    polls = {p.device: p for p in asyncio.run(poll_all(net.targets(), PollOptions(timeout=1.0)))}
    for device, (platform, command) in COMMANDS.items():
        snmp = {(port_key(n.local_port), n.remote_name, port_key(n.remote_port)) for n in polls[device].lldp}
        assert snmp, device
        with Terminal(net.ssh[device]) as term:
            if platform == "cisco_ios":
                term.run("enable")
                term.run("terminal length 0")
            text = term.run(command)
        if platform == "huawei_vrp":  # ntc-templates has no VRP brief template: its columns, read here
            shown = _vrp_brief(text)
        else:
            rows = parse_output(platform=platform, command=command, data=text)
            shown = {
                (port_key(r["local_interface"]), r["neighbor_name"], port_key(r["neighbor_interface"]))
                for r in rows
            }
        assert shown == snmp, (device, text)
