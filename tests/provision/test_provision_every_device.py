"""Every device of the sample extranet (all three vendors) takes every line rendered for it: the lab
accepts the whole remediation, and afterwards the running configuration is what was intended."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from govnet.inventory import ansible
from govnet.lab.bootstrap import specs_from_inventory
from govnet.lab.runtime import LabThread
from govnet.lab.service import sample_inventory
from govnet.playbooks.intent import peer_info
from govnet.playbooks.policy import load_policy
from govnet.playbooks.service import load_planned
from govnet.playbooks.task import run
from govnet.secrets import resolve_secret

pytestmark = pytest.mark.timeout(900)


def test_every_sample_device_accepts_its_intended_config_and_converges(tmp_path, secrets_env):
    inv = load_planned(sample_inventory(), None)
    policy = load_policy().with_networks_of(inv).for_ansible()
    hostvars = ansible.build(inv)["_meta"]["hostvars"]
    with LabThread(tmp_path / "lab", snmp=False) as lab:
        ends = lab.start(specs_from_inventory(inv, resolve_secret))

        def converge(host: str) -> tuple[str, dict, dict]:
            hv = {
                **hostvars[host],
                "inventory_hostname": host,
                "ansible_host": "127.0.0.1",
                "ansible_port": ends[host].ssh["127.0.0.1"],
            }
            # Forced: a few sample devices keep an SNMP v2c community the gate refuses (its own tests
            # cover that); here every device must take every line.
            first = run(hv, peer_info(hostvars, host), policy, timeout=30, force=True)
            again = run(hv, peer_info(hostvars, host), policy, check=True, timeout=30, force=True)
            return host, first, again

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(converge, sorted(hostvars)))
    vendors = {hostvars[h]["govnet_vendor"] for h, _, _ in results}
    assert vendors == {"huawei_vrp", "h3c_comware", "cisco_ios"}
    refused = {h: first.get("msg") for h, first, _ in results if first.get("failed")}
    assert refused == {}
    assert all(first["changed"] for _, first, _ in results)
    forced = sorted(h for h, first, _ in results if first["compliance"]["forced"])
    assert forced and all(hostvars[h]["govnet_snmp"]["version"] == "v2c" for h in forced), forced
    left = {
        h: again.get("remediation") for h, _, again in results if again.get("changed") or again.get("failed")
    }
    assert left == {}
