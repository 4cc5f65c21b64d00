"""Ansible's network_cli with the collection's cliconf/terminal plugins (VRP, Comware) and cisco.ios
(IOS): cli_command and cli_config work against the lab, as Ansible network users expect, and
cli_config is idempotent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from provision_hosts import HOSTS

from govnet.inventory import ansible
from govnet.playbooks.service import COLLECTIONS, load_planned

pytestmark = pytest.mark.timeout(900)

PLAY = """
- hosts: all
  gather_facts: false
  connection: ansible.netcommon.network_cli
  vars:
    ios: "{{ govnet_vendor == 'cisco_ios' }}"
  tasks:
    - name: a display command
      ansible.netcommon.cli_command:
        command: "{{ 'show version' if ios else 'display version' }}"
      register: version
    - name: a configuration line
      ansible.netcommon.cli_config:
        config: "{{ 'logging host 10.144.255.99' if ios else 'info-center loghost 10.144.255.99' }}"
    - name: the same line again changes nothing (the diff is hier_config's, as in provisioning)
      ansible.netcommon.cli_config:
        config: "{{ 'logging host 10.144.255.99' if ios else 'info-center loghost 10.144.255.99' }}"
      register: again
    - name: it is in the running configuration
      ansible.netcommon.cli_command:
        command: "{{ 'show running-config' if ios else 'display current-configuration' }}"
      register: running
    - ansible.builtin.assert:
        that:
          - "'10.144.255.99' in running.stdout"
          - "version.stdout | length > 0"
          - "not again.changed"
"""


def test_cli_command_and_cli_config_through_network_cli_on_every_vendor(rig, tmp_path, secrets_env):
    inv = load_planned(rig.inventory, rig.overlay)
    static = ansible.to_static(inv)
    hosts = static["all"]["hosts"]
    assert hosts[HOSTS["huawei_vrp"]]["ansible_network_os"] == "govnet.extranet.huawei_vrp"
    (tmp_path / "hosts.json").write_text(json.dumps(static))
    (tmp_path / "play.yml").write_text(PLAY)
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_PERSISTENT_COMMAND_TIMEOUT": "60",
    }
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            str(tmp_path / "hosts.json"),
            str(tmp_path / "play.yml"),
            "--limit",
            ",".join(HOSTS.values()),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert secrets_env["GOVNET_LAB_PASSWORD"] not in done.stdout + done.stderr
