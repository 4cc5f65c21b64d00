"""network_cli cliconf plugin for Huawei VRP: what cli_command and cli_config need."""

from __future__ import annotations

DOCUMENTATION = """
name: huawei_vrp
short_description: Cliconf plugin for Huawei VRP (ansible_network_os govnet.extranet.huawei_vrp)
description:
  - get_config (running or saved), edit_config (lines typed in system-view, then `return`), get, and
    run_commands, so that ansible.netcommon.cli_command and cli_config work with VRP devices.
"""

import json
from collections.abc import Mapping

from ansible.module_utils.common.text.converters import to_text
from ansible_collections.ansible.netcommon.plugins.module_utils.network.common.utils import to_list
from ansible_collections.ansible.netcommon.plugins.plugin_utils.cliconf_base import CliconfBase


class Cliconf(CliconfBase):
    network_os = "huawei_vrp"
    config_commands = {"running": "display current-configuration", "startup": "display saved-configuration"}
    enter_config = "system-view"
    leave_config = "return"

    def get_device_info(self):
        return {"network_os": self.network_os}

    def get_config(self, source="running", flags=None, format=None):
        if source not in self.config_commands:
            raise ValueError(f"fetching configuration from {source} is not supported")
        return self.send_command(self.config_commands[source])

    def edit_config(self, candidate=None, commit=True, replace=None, comment=None):
        operations = self.get_device_operations()
        self.check_edit_config_capability(operations, candidate, commit, replace, comment)
        requests, results = [], []
        if commit:
            self.send_command(self.enter_config)
            try:
                for line in to_list(candidate):
                    cmd = line if isinstance(line, Mapping) else {"command": line}
                    if not cmd["command"].strip() or cmd["command"].lstrip().startswith("#"):
                        continue
                    results.append(self.send_command(**cmd))
                    requests.append(cmd["command"])
            finally:
                self.send_command(self.leave_config)
        return {"request": requests, "response": results}

    def get_diff(
        self,
        candidate=None,
        running=None,
        diff_match="line",
        diff_ignore_lines=None,
        path=None,
        diff_replace=None,
    ):
        """The lines of ``candidate`` the device lacks, computed by govnet with hier_config (the
        engine the provisioning module uses), in the order and views the device accepts."""
        from govnet.playbooks.diff import merge_lines

        text = "\n".join(to_list(candidate)) if isinstance(candidate, list) else to_text(candidate or "")
        if diff_match == "none" or not running:
            lines = [line for line in text.splitlines() if line.strip()]
        else:
            lines = [line.strip() for line in merge_lines(self.network_os, to_text(running), text)]
        return {"config_diff": "\n".join(lines), "banner_diff": {}}

    def get(
        self,
        command=None,
        prompt=None,
        answer=None,
        sendonly=False,
        newline=True,
        output=None,
        check_all=False,
    ):
        if not command:
            raise ValueError("must provide value of command to execute")
        if output:
            raise ValueError(f"'output' value {output} is not supported for get")
        return self.send_command(
            command=command,
            prompt=prompt,
            answer=answer,
            sendonly=sendonly,
            newline=newline,
            check_all=check_all,
        )

    def run_commands(self, commands=None, check_rc=True):
        if commands is None:
            raise ValueError("'commands' value is required")
        responses = []
        for cmd in to_list(commands):
            if not isinstance(cmd, Mapping):
                cmd = {"command": cmd}
            if cmd.pop("output", None):
                raise ValueError("'output' is not supported for run_commands")
            responses.append(to_text(self.send_command(**cmd), errors="surrogate_or_strict"))
        return responses

    def get_device_operations(self):
        return {
            "supports_diff_replace": False,
            "supports_commit": False,
            "supports_rollback": False,
            "supports_defaults": False,
            "supports_onbox_diff": False,
            "supports_commit_comment": False,
            "supports_multiline_delimiter": False,
            "supports_diff_match": True,
            "supports_diff_ignore_lines": False,
            "supports_generate_diff": True,
            "supports_replace": False,
        }

    def get_option_values(self):
        return {
            "format": ["text"],
            "diff_match": ["line", "none"],
            "diff_replace": [],
            "output": [],
        }

    def get_capabilities(self):
        result = super().get_capabilities()
        result["rpc"] += ["run_commands", "get_config", "edit_config"]
        result["device_operations"] = self.get_device_operations()
        result.update(self.get_option_values())
        return json.dumps(result)
