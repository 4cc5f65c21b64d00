"""Details a person or a scanner notices: the SSH greeting, labels by model, wording, device displays."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from ntc_templates.parse import parse_output

from govnet.lab.bootstrap import PortSpec, boot
from govnet.lab.runtime import LabThread
from govnet.lab.testing import spec
from govnet.lab.vendors import dialect_for
from govnet.lab.vendors.base import CliSession

GREETINGS = {
    "huawei_vrp": b"SSH-2.0-HUAWEI-1.5\r\n",
    "h3c_comware": b"SSH-2.0-Comware-7.1.064\r\n",
    "cisco_ios": b"SSH-2.0-Cisco-1.25\r\n",
}


def test_ssh_greeting_names_the_vendor_as_the_real_devices_do(tmp_path: Path) -> None:
    with LabThread(tmp_path, snmp=False) as lab:
        ends = lab.start([spec(vendor, f"R-{vendor[:3]}") for vendor in GREETINGS])
        for vendor, greeting in GREETINGS.items():
            with socket.create_connection(("127.0.0.1", ends[f"R-{vendor[:3]}"].ssh["127.0.0.1"]), 5) as sock:
                assert sock.recv(256) == greeting
                assert b"AsyncSSH" not in greeting


def session(vendor: str = "huawei_vrp", model: str = "", ports: list[PortSpec] | None = None) -> CliSession:
    device = spec(vendor, "R1")
    device.model = model
    if ports is not None:
        device.ports = ports
    state, _ = boot(device, None, now=1_000_000.0)
    s = CliSession(dialect_for(vendor), state, "admin", clock=lambda: 1_090_000.0)
    s.dialect.session_start(s)
    return s


def typed(s: CliSession, *lines: str) -> str:
    return "\n".join(s.handle_line(line) for line in lines)


@pytest.mark.parametrize("vendor", ["huawei_vrp", "h3c_comware"])
def test_acl_rule_count_is_plural_except_for_one(vendor: str) -> None:
    s = session(vendor)
    acl = "acl 2000" if vendor == "huawei_vrp" else "acl basic 2000"
    typed(s, "system-view", acl, "rule 5 permit source 10.0.0.0 0.0.0.255", "rule 10 deny", "return")
    assert re.search(r"ACL 2000, 2 rules\b", s.handle_line("display acl all"))
    typed(s, "system-view", acl, "undo rule 10", "return")
    assert re.search(r"ACL 2000, 1 rule\b", s.handle_line("display acl all"))


def test_a_cloudengine_switch_is_not_labelled_a_router_and_its_10ge_ports_are_fibre() -> None:
    s = session(model="CE12804", ports=[PortSpec("10GE1/0/1", 10_000, "uplink")])
    version = s.handle_line("display version")
    assert "HUAWEI CE12804 uptime is" in version and "Router" not in version
    rows = parse_output(platform="huawei_vrp", command="display version", data=version)
    assert rows[0]["model"] == "CE12804"
    detail = s.handle_line("display interface 10GE1/0/1")
    assert "Port Mode: COMMON FIBER" in detail and "COPPER" not in detail
    parsed = parse_output(platform="huawei_vrp", command="display interface 10GE1/0/1", data=detail)
    assert parsed[0]["port_mode"] == "COMMON FIBER" and parsed[0]["speed"] == "10000"


def test_an_access_router_keeps_its_router_label_and_copper_gigabit_ports() -> None:
    s = session()
    assert "Huawei AR6140-16G4XG Router uptime is" in s.handle_line("display version")
    assert "Port Mode: COMMON COPPER" in s.handle_line("display interface GigabitEthernet0/0/1")


@pytest.mark.parametrize(
    ("model", "boards"), [("AR6140-16G4XG", {"AR6140-16G4XG"}), ("CE12804", {"CE-L48XS-FD", "CE-MPUA"})]
)
def test_vrp_display_device_lists_the_models_boards_and_parses_with_ntc_templates(
    model: str, boards: set[str]
) -> None:
    rows = parse_output(
        platform="huawei_vrp",
        command="display device",
        data=session(model=model).handle_line("display device"),
    )
    assert boards <= {r["pid"] for r in rows}
    assert {r["online_status"] for r in rows} == {"Present"}


def test_comware_display_device_names_the_model_and_release() -> None:
    out = session("h3c_comware").handle_line("display device")
    assert re.search(r"^0\s+MSR3620\s+Master\s+0\s+MSR3600-CMW710-R0821P16\s+None$", out, re.M), out


@pytest.mark.parametrize(
    ("vendor", "pattern"),
    [("huawei_vrp", r"CPU Usage\s+: (\d+)%"), ("h3c_comware", r"(\d+)% in last 5 seconds")],
)
def test_cpu_usage_is_a_plausible_percentage(vendor: str, pattern: str) -> None:
    found = re.search(pattern, session(vendor).handle_line("display cpu-usage"))
    assert found is not None and 0 < int(found.group(1)) < 100


@pytest.mark.parametrize(
    ("vendor", "port", "words"),
    [
        ("huawei_vrp", "GigabitEthernet0/0/1", "Interface GigabitEthernet0/0/1 has turned into DOWN state."),
        (
            "h3c_comware",
            "GigabitEthernet1/0/1",
            "Physical state on the interface GigabitEthernet1/0/1 changed to down.",
        ),
    ],
)
def test_logbuffer_records_the_start_and_a_link_going_down(vendor: str, port: str, words: str) -> None:
    s = session(vendor)
    itf = s.state.interface(port)
    assert itf is not None
    itf.set_link(1_050_000.0, up=False)
    log = s.handle_line("display logbuffer")
    assert words in log
    assert re.search(r"Current messages\s?: 2", log)


def test_the_docs_vrp_save_prompt_is_the_one_the_lab_prints() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "lab.md").read_text(encoding="utf-8")
    row = next(line for line in docs.splitlines() if line.startswith("| save |"))
    documented = re.search(r"`save` → `([^`]+)`", row)
    assert documented is not None, row
    assert session().handle_line("save").endswith(documented.group(1))
