#!/usr/bin/python
"""Ansible module govnet.extranet.config: converge one extranet device to its intended config."""

from __future__ import annotations

DOCUMENTATION = r"""
module: config
short_description: Converge an extranet device (VRP, Comware, IOS) to its intended configuration
description:
  - Renders the intended configuration from govnet's inventory host variables and the provisioning
    policy, computes the remediation against the running configuration with hier_config, types only
    that over SSH (netmiko), checks every answer for the vendor's error texts, rolls back and fails
    on a refused line, and saves only when every line was accepted.
  - Secrets are resolved on the controller from the references in the host variables (env:NAME,
    file:PATH); no value is ever an argument or part of the result.
options:
  host:
    description:
      - The host's variables as govnet exports them. The action plugin reads them from Ansible's
        variables when left out (site.yml does); needed only when this module runs on its own.
    type: dict
  peers: {description: "Each link peer's [site, level]; read from hostvars when left out", type: dict}
  policy:
    description:
      - The provisioning policy. The action plugin takes the variable C(govnet_provision)
        (group_vars/all.yml) when left out (site.yml does).
    type: dict
    default: {}
  save: {description: Save the configuration after a successful push, type: bool, default: true}
  timeout:
    description: SSH connect timeout in seconds; when left out, the variable C(govnet_connect_timeout).
    type: float
    default: 15
  force:
    description:
      - Push even when the intended configuration fails the compliance gate (govnet's device checks
        at the site's graded-protection level, C(govnet_protection_level)); the result's
        C(compliance) records the override and the failing checks. Without it such a device is
        refused before any connection. When left out, the variable C(govnet_compliance_force).
    type: bool
    default: false
attributes:
  check_mode: {support: full}
  diff_mode: {support: full}
"""

from ansible.module_utils.basic import AnsibleModule


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "host": {"type": "dict"},
            "peers": {"type": "dict"},
            "policy": {"type": "dict", "default": {}},
            "save": {"type": "bool", "default": True},
            "timeout": {"type": "float", "default": 15.0},
            "force": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    try:
        from govnet.playbooks.task import run
    except ImportError as exc:
        module.fail_json(msg=f"the govnet package is not importable by {module._name}'s interpreter: {exc}")
        return
    p = module.params
    if not p["host"]:
        module.fail_json(msg="host is required when the module runs without its action plugin")
        return
    result = run(
        p["host"],
        p["peers"],
        p["policy"],
        check=module.check_mode,
        save=p["save"],
        timeout=p["timeout"],
        force=p["force"],
    )
    if not module._diff:
        result.pop("diff", None)
    if result.get("failed"):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
