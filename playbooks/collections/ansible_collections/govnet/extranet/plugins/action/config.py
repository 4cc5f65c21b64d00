"""Action plugin for govnet.extranet.config: the same job as the module, run in Ansible's own worker
process instead of a fresh interpreter per host.

Ansible's strategy loads this class in the controller before it forks a worker per host, so the
imports below (govnet, netmiko, hier_config: about two seconds of CPU) are paid once and inherited
by every fork, instead of once per host by an AnsiballZ-packed module. The module file documents
the arguments and remains the fallback for `ansible-doc` and for running outside a controller.
"""

from __future__ import annotations

import netmiko  # noqa: F401  (imported here, in the controller, so that every fork has it)
from ansible.plugins.action import ActionBase

from govnet.playbooks.task import run

_ARGS = {
    "host": {"type": "dict", "required": True},
    "peers": {"type": "dict", "default": {}},
    "policy": {"type": "dict", "default": {}},
    "save": {"type": "bool", "default": True},
    "timeout": {"type": "float", "default": 15.0},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False  # the SSH session is netmiko's, opened by govnet

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(argument_spec=_ARGS)
        out = run(
            args["host"],
            args["peers"],
            args["policy"],
            check=bool(self._task.check_mode),
            save=args["save"],
            timeout=args["timeout"],
        )
        if not self._task.diff:
            out.pop("diff", None)
        result.update(out)
        return result
