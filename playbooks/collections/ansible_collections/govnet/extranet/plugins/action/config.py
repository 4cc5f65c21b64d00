"""Action plugin for govnet.extranet.config: the same job as the module, run in Ansible's own worker
process instead of a fresh interpreter per host.

Ansible's strategy loads this class in the controller before it forks a worker per host, so the
imports below (govnet, netmiko, hier_config: about two seconds of CPU) are paid once and inherited
by every fork, instead of once per host by an AnsiballZ-packed module. The module file documents
the arguments and remains the fallback for `ansible-doc` and for running outside a controller.
"""

from __future__ import annotations

import netmiko  # noqa: F401  (imported here, in the controller, so that every fork has it)
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from govnet.playbooks.profiling import profiled
from govnet.playbooks.task import preload, run

# What every host's task needs built (baseline, syntaxes, templates, hier_config drivers, regexes): here
# in the controller, once, rather than once per fork.
preload()

_ARGS = {
    "host": {"type": "dict"},
    "peers": {"type": "dict"},
    "policy": {"type": "dict", "default": {}},
    "save": {"type": "bool", "default": True},
    "timeout": {"type": "float", "default": 15.0},
    "force": {"type": "bool", "default": False},
}
# Arguments the task leaves out are read from these variables (site.yml passes none): every
# templated argument ("{{ govnet_provision }}") is a Jinja2 compile in every forked worker, since
# Ansible keeps no compiled templates, and its filters (default, int) load plugins there; together
# about a fifth of a device's CPU.
_FROM_VARS = {
    "policy": "govnet_provision",
    "timeout": "govnet_connect_timeout",
    "force": "govnet_compliance_force",
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False  # the SSH session is netmiko's, opened by govnet

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._args(task_vars)
        host = args["host"] or self._host_facts(task_vars)
        peers = args["peers"] if args["peers"] is not None else self._peers(task_vars, host)
        with profiled(str(host.get("inventory_hostname", "device"))):
            out = run(
                host,
                peers,
                args["policy"],
                check=bool(self._task.check_mode),
                save=args["save"],
                timeout=args["timeout"],
                force=args["force"],
            )
        if not self._task.diff:
            out.pop("diff", None)
        result.update(out)
        return result

    def _args(self, task_vars):
        """The task's arguments, those left out taken from their variables, checked and typed."""
        given = dict(self._task.args)
        for arg, var in _FROM_VARS.items():
            if arg not in given and var in task_vars:
                given[arg] = self._templar.template(task_vars[var])
        checked = ArgumentSpecValidator(_ARGS).validate(given)
        if checked.error_messages:
            raise AnsibleActionFail(f"govnet.extranet.config: {'; '.join(checked.error_messages)}")
        return checked.validated_parameters

    def _host_facts(self, task_vars):
        """The host's exported variables the push needs, straight from Ansible's: secret
        *references* only (``ansible_password`` is never read, so its lookup never runs)."""
        host = {"inventory_hostname": task_vars["inventory_hostname"]}
        for key in _HOST_KEYS:
            if key in task_vars:
                host[key] = self._templar.template(task_vars[key])
        return host

    def _peers(self, task_vars, host):
        """Each link peer's site and level, read from ``hostvars`` here in Python (the same in
        Jinja is a filter chain over every host's variables, per host: it cost more than the push)."""
        hostvars = task_vars.get("hostvars", {})
        peers = {}
        for itf in host.get("govnet_interfaces") or []:
            name = itf.get("peer")
            other = hostvars.get(name) if name in hostvars else None
            if other is not None:
                peers[name] = (other.get("govnet_site", ""), other.get("govnet_level", ""))
        return peers


_HOST_KEYS = (
    "ansible_host",
    "ansible_port",
    "ansible_user",
    "govnet_vendor",
    "govnet_role",
    "govnet_site",
    "govnet_level",
    "govnet_protection_level",
    "govnet_credentials",
    "govnet_snmp",
    "govnet_interfaces",
    "govnet_mgmt_ipv4",
    "govnet_mgmt_ipv6",
    "govnet_loopback_ipv4",
    "govnet_loopback_ipv6",
)
