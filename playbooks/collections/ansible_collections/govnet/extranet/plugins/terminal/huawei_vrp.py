"""network_cli terminal plugin for Huawei VRP: prompts, error texts, paging off on login."""

from __future__ import annotations

DOCUMENTATION = """
name: huawei_vrp
short_description: Terminal plugin for Huawei VRP (ansible_network_os govnet.extranet.huawei_vrp)
description: Prompts <R1>, [R1], [R1-GigabitEthernet0/0/1]; errors 'Error:'; `screen-length 0 temporary`.
"""

import re

from ansible.errors import AnsibleConnectionFailure
from ansible_collections.ansible.netcommon.plugins.plugin_utils.terminal_base import TerminalBase


class TerminalModule(TerminalBase):
    # <R1>, [R1], [~R1-GigabitEthernet0/0/1] (VRP 8's two-stage mode marks ~ and *), an HRP_M prefix
    terminal_stdout_re = [re.compile(rb"[\r\n]?(?:HRP_[MS])?[<\[][~*]?[\w\-.:/]+[>\]]\s*$")]
    terminal_stderr_re = [
        re.compile(rb"Error: ?.*", re.IGNORECASE),
        re.compile(rb"% ?(?:Unrecognized|Incomplete|Wrong|Too many|Ambiguous).*"),
    ]
    terminal_config_prompt = re.compile(r"^\[.+\]$")
    paging_off = b"screen-length 0 temporary"

    def on_open_shell(self) -> None:
        try:
            self._exec_cli_command(self.paging_off)
        except AnsibleConnectionFailure as exc:
            raise AnsibleConnectionFailure("unable to turn paging off") from exc
