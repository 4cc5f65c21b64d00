"""Rendering and hier_config rules, without devices: every sample device renders in its vendor's
syntax with no secret value, and each govnet rule over hier_config's drivers does what it says."""

from __future__ import annotations

import pytest

from govnet.inventory import ansible
from govnet.inventory.service import plan_at
from govnet.lab.service import sample_inventory
from govnet.playbooks.diff import compute, flatten_comware
from govnet.playbooks.intent import build_intent
from govnet.playbooks.policy import load_policy
from govnet.playbooks.render import Selection, render_all
from govnet.playbooks.secretforms import fill, mask


@pytest.fixture(scope="module")
def sample():
    inv = plan_at(sample_inventory(), dry_run=True).inventory
    return ansible.build(inv), load_policy().with_networks_of(inv)


def test_every_sample_device_renders_with_placeholders_for_secrets(sample):
    data, policy = sample
    configs = render_all(data, policy)
    assert len(configs) == len(data["_meta"]["hostvars"])
    vendors = {data["_meta"]["hostvars"][h]["govnet_vendor"] for h in configs}
    assert vendors == {"huawei_vrp", "h3c_comware", "cisco_ios"}
    for host, text in configs.items():
        assert "{secret:password}" in text, host
        lines = {line.strip() for line in text.splitlines()}
        assert "telnet server enable" not in lines and "transport input ssh telnet" not in lines
        snmp = data["_meta"]["hostvars"][host]["govnet_snmp"]
        assert ("community" in text) == (snmp["version"] == "v2c"), host  # what the inventory polls with
        assert "{secret:community}" in text or "community" not in text


def test_selection_by_site_and_an_unknown_site_is_an_input_error(sample):
    from govnet.errors import InputError

    data, policy = sample
    assert set(render_all(data, policy, Selection(site="sg-wujiang"))) == {"sg-wujiang-agg-1"}
    with pytest.raises(InputError, match="no site"):
        render_all(data, policy, Selection(site="nowhere"))


def test_a_port_faster_than_its_tier_is_rate_limited_to_the_tier():
    hv = {
        "inventory_hostname": "t1",
        "govnet_vendor": "huawei_vrp",
        "govnet_level": "town",
        "govnet_interfaces": [
            {
                "name": "GigabitEthernet0/0/1",
                "tier": "100M",
                "purpose": "uplink",
                "peer": "c1",
                "peer_interface": "GigabitEthernet0/0/9",
                "ipv4": "10.0.0.1/31",
                "ipv6": "2001:db8::1/127",
            }
        ],
    }
    intent = build_intent(hv, {"c1": ("county", "county")}, load_policy())
    port = intent.ports[0]
    assert port.rate_limit_kbps == 100_000
    assert (
        intent.routing == "static"
        and intent.static_v4 == ("10.0.0.0",)
        and intent.static_v6 == ("2001:db8::",)
    )


def test_rule_single_valued_commands_are_replaced_not_undone():
    running = "user-interface vty 0 4\n idle-timeout 0 0\n protocol inbound all\n"
    intended = "user-interface vty 0 4\n idle-timeout 5 0\n protocol inbound ssh\n"
    lines = [line.strip() for line in compute("huawei_vrp", running, intended).remediation]
    assert lines == ["user-interface vty 0 4", "idle-timeout 5 0", "protocol inbound ssh", "quit"]


def test_rule_comware_global_blocks_are_top_level():
    text = (
        "#\n sysname R2\n telnet server enable\n#\ninterface GigabitEthernet1/0/1\n port link-mode route\n#\n"
    )
    flat = flatten_comware(text)
    assert "\nsysname R2\ntelnet server enable\n" in flat
    assert "interface GigabitEthernet1/0/1\n port link-mode route\n" in flat


def test_rule_comware_leaves_views_with_quit():
    change = compute("h3c_comware", "#\ninterface LoopBack0\n#\n", "interface LoopBack0\n description x\n")
    assert [line.strip() for line in change.remediation] == ["interface LoopBack0", "description x", "quit"]


def test_rule_ios_one_line_banner_does_not_swallow_what_follows():
    running = "line vty 0 4\n exec-timeout 0 0\n"
    intended = "banner login ^Chello^C\nline vty 0 4\n exec-timeout 5 0\n"
    lines = [line.strip() for line in compute("cisco_ios", running, intended).remediation]
    assert "no line vty 0 4" not in lines
    assert lines[0] == "banner login ^Chello^C" and "exec-timeout 5 0" in lines


def test_rule_removing_an_snmpv3_user_names_no_key_vrp_keys_first():
    running = (
        "snmp-agent group v3 gov privacy\n"
        "snmp-agent usm-user v3 nms group gov\n"
        "snmp-agent usm-user v3 nms authentication-mode sha cipher %^%#abc%^%#\n"
        "snmp-agent usm-user v3 nms privacy-mode aes128 cipher %^%#def%^%#\n"
    )
    lines = compute("huawei_vrp", running, "snmp-agent group v3 gov privacy\n").remediation
    assert lines == [
        "undo snmp-agent usm-user v3 nms authentication-mode",
        "undo snmp-agent usm-user v3 nms privacy-mode",
        "undo snmp-agent usm-user v3 nms group gov",
    ]


def test_rule_removing_an_snmpv3_user_names_no_key_comware():
    running = (
        "snmp-agent group v3 gov privacy\n"
        "snmp-agent usm-user v3 nms gov cipher authentication-mode sha $c$3$abc privacy-mode aes128 $c$3$d\n"
    )
    lines = compute("h3c_comware", running, "snmp-agent group v3 gov privacy\n").remediation
    assert lines == ["undo snmp-agent usm-user v3 nms local"]


def test_stored_secrets_compare_as_placeholders_and_are_typed_in_the_device_form():
    running = " local-user admin password irreversible-cipher $1c$abc$def\n"
    assert (
        mask("huawei_vrp", running).strip()
        == "local-user admin password irreversible-cipher {secret:password}"
    )
    assert (
        fill("h3c_comware", " password hashed {secret:password}", {"password": "pw"}) == " password simple pw"
    )
    assert (
        fill("cisco_ios", "username admin privilege 15 secret 8 {secret:password}", {"password": "pw"})
        == "username admin privilege 15 secret 0 pw"
    )


def test_a_prompt_and_command_echo_in_a_display_never_reaches_the_diff():
    from govnet.playbooks.push import Session

    class Conn:  # a stale prompt first (still in flight from the login), then the echo and answer
        def __init__(self) -> None:
            self.chunks = ["<R1>", "display current-configuration\r\n#\r\n sysname R1\r\n#\r\nreturn\r\n<R1>"]

        def clear_buffer(self) -> None:
            pass

        def normalize_cmd(self, command: str) -> str:
            return command + "\n"

        def write_channel(self, data: str) -> None:
            pass

        def read_until_pattern(self, pattern: str, read_timeout: float) -> str:
            return self.chunks.pop(0)

    text = Session(Conn(), "h3c_comware").running()
    assert "display current-configuration" not in text and "<R1>" not in text
    assert "sysname R1" in text
    assert not compute("h3c_comware", text, "#\n sysname R1\n#\n").changed
