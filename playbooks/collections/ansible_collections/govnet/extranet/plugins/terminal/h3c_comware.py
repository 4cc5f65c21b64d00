"""network_cli terminal plugin for H3C Comware: as VRP's, paging off with `screen-length disable`."""

from __future__ import annotations

DOCUMENTATION = """
name: h3c_comware
short_description: Terminal plugin for H3C Comware (ansible_network_os govnet.extranet.h3c_comware)
description: Prompts <R1>, [R1], [R1-line-vty0-63]; errors '% Unrecognized ...'; `screen-length disable`.
"""

from ansible_collections.govnet.extranet.plugins.terminal.huawei_vrp import TerminalModule as VrpTerminal


class TerminalModule(VrpTerminal):
    paging_off = b"screen-length disable"
