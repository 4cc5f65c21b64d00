"""What the controller builds before Ansible forks a worker per host (``task.preload``), and the
per-task profile behind ``GOVNET_PROVISION_PROFILE`` (``playbooks/profiling.py``)."""

from __future__ import annotations

import json
import sys

import jinja2
import pytest

from govnet.inventory import ansible
from govnet.inventory.service import plan_at
from govnet.lab.service import sample_inventory
from govnet.netconfig import render
from govnet.netconfig.model import defaults
from govnet.playbooks import profiling
from govnet.playbooks.diff import compute
from govnet.playbooks.gate import judge, level_of
from govnet.playbooks.intent import peer_info
from govnet.playbooks.policy import load_policy
from govnet.playbooks.render import render_host
from govnet.playbooks.task import preload


@pytest.fixture(scope="module")
def one_host_per_vendor():
    inv = plan_at(sample_inventory(), dry_run=True).inventory
    hostvars = ansible.build(inv)["_meta"]["hostvars"]
    first = {hv["govnet_vendor"]: name for name, hv in sorted(hostvars.items(), reverse=True)}
    return hostvars, first, load_policy().with_networks_of(inv)


def test_after_preload_a_device_task_imports_nothing_and_compiles_no_template(
    one_host_per_vendor, monkeypatch
):
    hostvars, first, policy = one_host_per_vendor
    preload()
    compiled: list[str] = []
    real_compile = jinja2.Environment.compile

    def spy(self, source, *args, **kwargs):
        compiled.append(str(source)[:60])
        return real_compile(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    modules = set(sys.modules)
    assert set(first) == {"huawei_vrp", "h3c_comware", "cisco_ios"}
    for vendor, name in first.items():
        host = {**hostvars[name], "inventory_hostname": name}
        intended = render_host(host, peer_info(hostvars, name), policy)
        judge(intended, vendor, level_of(host), name)
        assert compute(vendor, render(vendor, defaults(vendor)), intended, name).changed
    assert compiled == []
    assert set(sys.modules) - modules == set()


def test_a_profiled_task_records_its_cpu_and_functions_and_a_run_sums_them(tmp_path, monkeypatch):
    monkeypatch.delenv(profiling.FUNCTIONS_ENV, raising=False)
    for host in ("r1", "r2"):
        with profiling.profiled(host, str(tmp_path)):
            sum(i * i for i in range(20_000))
    record = json.loads((tmp_path / "r1.json").read_text(encoding="utf-8"))
    assert set(record) == {"before_task", "task"}
    assert record["task"]["user"] + record["task"]["sys"] >= 0.0
    assert (tmp_path / "r1.prof").exists() and (tmp_path / "r2.prof").exists()
    summary = profiling.summarize(tmp_path)
    assert summary["devices"] == 2
    assert any("genexpr" in f["function"] for f in summary["functions"])


def test_cpu_only_profile_writes_no_cprofile_and_unset_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(profiling.FUNCTIONS_ENV, "0")
    with profiling.profiled("r1", str(tmp_path / "cpu")):
        pass
    assert [p.name for p in (tmp_path / "cpu").iterdir()] == ["r1.json"]
    assert profiling.summarize(tmp_path / "cpu")["functions"] == []
    monkeypatch.delenv(profiling.ENV, raising=False)
    with profiling.profiled("r1"):
        pass
    assert not (tmp_path / "r1.json").exists()
    assert profiling.summarize(tmp_path / "empty") == {"devices": 0}
