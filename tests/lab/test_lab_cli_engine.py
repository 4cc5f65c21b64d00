"""The CLI core without SSH: abbreviations, vendor error texts, undo/no forms, config round trips."""

from __future__ import annotations

import contextlib
import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govnet.errors import InputError
from govnet.lab.bootstrap import boot
from govnet.lab.state import DeviceState
from govnet.lab.testing import PORTS, spec
from govnet.lab.vendors import dialect_for
from govnet.lab.vendors.base import CliSession
from govnet.netconfig.passwords import verify_password


def session(vendor: str) -> CliSession:
    state, problems = boot(spec(vendor, "R1"), None, now=1000.0)
    assert problems == []
    s = CliSession(dialect_for(vendor), state, "admin", privileged=True, clock=lambda: 1010.0)
    s.dialect.session_start(s)
    return s


def run(s: CliSession, *lines: str) -> str:
    return "\n".join(s.handle_line(line) for line in lines)


def replay(vendor: str, text: str) -> tuple[DeviceState, list[str]]:
    return boot(spec(vendor, "R1"), text, now=2000.0)


# --- abbreviations and errors -----------------------------------------------------------------


def test_huawei_abbreviations_and_views() -> None:
    s = session("huawei_vrp")
    assert s.prompt() == "<R1>"
    assert "sysname R1" in run(s, "dis cur")
    run(s, "sys")
    assert s.prompt() == "[R1]"
    run(s, "int g0/0/1")
    assert s.prompt() == "[R1-GigabitEthernet0/0/1]"
    run(s, "desc to-city", "ip add 10.1.1.1 255.255.255.252", "ipv6 ena", "ipv6 add 2001:db8::1/127")
    run(s, "return")
    assert s.prompt() == "<R1>"
    brief = run(s, "display ip interface brief")
    assert "GigabitEthernet0/0/1              10.1.1.1/30" in brief
    assert "[IPv6 Address] 2001:DB8::1" in run(s, "dis ipv6 int br")


def test_huawei_error_texts_with_caret() -> None:
    s = session("huawei_vrp")
    out = run(s, "display foo")
    caret, message = out.split("\n")
    assert message == "Error: Unrecognized command found at '^' position."
    assert caret.index("^") == len("<R1>") + len("display ")
    assert run(s, "display").endswith("Error: Incomplete command found at '^' position.")
    run(s, "system-view")
    assert "Error: Ambiguous command found at '^' position." in run(s, "acl n 2000")
    assert "Wrong parameter" in run(s, "interface GigabitEthernet9/9/9")


def test_comware_and_ios_error_texts() -> None:
    h3c = session("h3c_comware")
    assert run(h3c, "display foo").endswith(" % Unrecognized command found at '^' position.")
    ios = session("cisco_ios")
    out = run(ios, "show foo")
    assert "% Invalid input detected at '^' marker." in out
    assert out.split("\n")[0].index("^") == len("R1#") + len("show ")
    assert run(ios, "sh").startswith("% Incomplete command.")
    assert run(ios, "conf t").startswith("Enter configuration commands")
    assert ios.prompt() == "R1(config)#"
    assert "% Invalid input" in run(ios, "show running-config")  # exec commands need `do` here
    assert "hostname R1" in run(ios, "do sh run | include hostname")


def test_ios_enable_asks_for_the_secret() -> None:
    state, _ = boot(spec("cisco_ios", "R1"), None, now=0.0)
    s = CliSession(dialect_for("cisco_ios"), state, "op", privileged=False)
    s.dialect.session_start(s)
    assert s.prompt() == "R1>"
    assert run(s, "enable") == "Password: " and not s.echo
    assert run(s, "wrong") == "Password: "
    run(s, "En@ble-Secret-1")
    assert s.prompt() == "R1#"


def test_save_asks_and_only_yes_saves() -> None:
    s = session("huawei_vrp")
    saved_before = s.state.saved_config
    run(s, "system-view", "sysname CHANGED")
    assert run(s, "save").endswith("Are you sure to continue?[Y/N]")
    assert run(s, "n") == ""
    assert s.state.saved_config == saved_before
    run(s, "save")
    assert "successfully" in run(s, "y")
    assert "sysname CHANGED" in (s.state.saved_config or "")


def test_undo_and_no_forms_remove_configuration() -> None:
    s = session("huawei_vrp")
    run(s, "system-view", "info-center loghost 10.9.9.9", "undo info-center loghost 10.9.9.9")
    run(s, "undo telnet server enable", "undo http server enable")
    assert s.state.syslog_hosts == [] and not s.state.telnet_server and not s.state.http_server
    ios = session("cisco_ios")
    run(ios, "configure terminal", "ntp server 10.0.0.1", "no ntp server 10.0.0.1", "no ip http server")
    assert ios.state.ntp_servers == [] and not ios.state.http_server


def test_shutdown_shows_administratively_down() -> None:
    s = session("cisco_ios")
    run(s, "conf t", f"interface {PORTS['cisco_ios']}", "shutdown", "end")
    assert "administratively down down" in run(s, "show ip interface brief")
    assert "[administratively down/down]" in run(s, "show ipv6 interface brief")


def test_output_filters() -> None:
    s = session("h3c_comware")
    assert run(s, "display current-configuration | include sysname").strip() == "sysname R1"
    assert "^" in run(s, "display current-configuration | nonsense x")


def test_unknown_vendor_names_the_supported_ones() -> None:
    with pytest.raises(InputError, match="cisco_ios, h3c_comware, huawei_vrp"):
        dialect_for("juniper_junos")


# --- configuration: everything typed shows up, and survives save + boot -------------------------

HARDENING = {
    "huawei_vrp": [
        "system-view",
        "sysname CITY-CORE",
        "undo telnet server enable",
        "undo http server enable",
        "info-center loghost 10.9.9.9",
        "ntp-service unicast-server 10.9.9.8",
        "acl 2001",
        "rule 5 permit source 10.144.0.0 0.0.255.255",
        "quit",
        "acl ipv6 2002",
        "rule 5 permit source 2001:db8::/32",
        "quit",
        "user-interface vty 0 4",
        "authentication-mode aaa",
        "protocol inbound ssh",
        "idle-timeout 5 0",
        "acl 2001 inbound",
        "acl ipv6 2002 inbound",
        "quit",
        "aaa",
        "local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 10",
        "local-user ops password irreversible-cipher Ops@Passw0rd-9",
        "local-user ops service-type ssh",
        "quit",
        "snmp-agent trap enable",
        "snmp-agent target-host trap address udp-domain 10.9.9.7 params securityname govnet-ro v3 privacy",
        "ip route-static 0.0.0.0 0.0.0.0 10.1.1.2",
        "ipv6 route-static :: 0 2001:db8::2",
        "ospf 1 router-id 1.1.1.1",
        "area 0",
        "network 10.1.1.0 0.0.0.3",
        "quit",
        "ospfv3 1",
        "router-id 1.1.1.1",
        "quit",
        "interface GigabitEthernet0/0/1",
        "ipv6 enable",
        "ospfv3 1 area 0.0.0.0",
        "quit",
        'header login information "Authorised users only"',
        "return",
    ],
    "h3c_comware": [
        "system-view",
        "sysname CITY-CORE",
        "undo telnet server enable",
        "undo ip http enable",
        "info-center loghost 10.9.9.9",
        "ntp-service unicast-server 10.9.9.8",
        "acl basic 2001",
        "rule 5 permit source 10.144.0.0 0.0.255.255",
        "quit",
        "acl ipv6 basic 2002",
        "rule 5 permit source 2001:db8::/32",
        "quit",
        "line vty 0 63",
        "authentication-mode scheme",
        "protocol inbound ssh",
        "idle-timeout 5 0",
        "acl 2001 inbound",
        "acl ipv6 2002 inbound",
        "quit",
        "password-control login-attempt 3 exceed lock-time 10",
        "local-user ops class manage",
        "password simple Ops@Passw0rd-9",
        "service-type ssh",
        "quit",
        "snmp-agent trap enable",
        "snmp-agent target-host trap address udp-domain 10.9.9.7 params securityname govnet-ro v3 privacy",
        "ip route-static 0.0.0.0 0 10.1.1.2",
        "ipv6 route-static :: 0 2001:db8::2",
        "ospf 1 router-id 1.1.1.1",
        "area 0.0.0.0",
        "network 10.1.1.0 0.0.0.3",
        "quit",
        "quit",
        "ospfv3 1",
        "router-id 1.1.1.1",
        "quit",
        "interface GigabitEthernet1/0/1",
        "ospfv3 1 area 0.0.0.0",
        "quit",
        "header login %Authorised users only%",
        "return",
    ],
    "cisco_ios": [
        "configure terminal",
        "hostname CITY-CORE",
        "no ip http server",
        "logging host 10.9.9.9",
        "ntp server 10.9.9.8",
        "ip access-list standard 2001",
        "permit 10.144.0.0 0.0.255.255",
        "exit",
        "ipv6 access-list MGMT6",
        "permit ipv6 2001:db8::/32 any",
        "exit",
        "line vty 0 4",
        "login local",
        "transport input ssh",
        "exec-timeout 5 0",
        "access-class 2001 in",
        "ipv6 access-class MGMT6 in",
        "exit",
        "login block-for 600 attempts 3 within 120",
        "username ops privilege 15 secret Ops@Passw0rd-9",
        "snmp-server enable traps",
        "snmp-server host 10.9.9.7 version 3 priv govnet-ro",
        "ip route 0.0.0.0 0.0.0.0 10.1.1.2",
        "ipv6 route ::/0 2001:db8::2",
        "router ospf 1",
        "router-id 1.1.1.1",
        "network 10.1.1.0 0.0.0.3 area 0",
        "exit",
        "ipv6 router ospf 1",
        "router-id 1.1.1.1",
        "exit",
        "interface GigabitEthernet0/0/1",
        "ipv6 ospf 1 area 0",
        "exit",
        "banner login ^CAuthorised users only^C",
        "end",
    ],
}


@pytest.mark.parametrize("vendor", sorted(HARDENING))
def test_hardening_is_reflected_in_state_and_survives_a_reboot(vendor: str) -> None:
    s = session(vendor)
    out = run(s, *HARDENING[vendor])
    assert "rror" not in out and "%" not in out.replace("%Authorised", "")
    state = s.state
    assert state.hostname == "CITY-CORE"
    assert not state.telnet_server and not state.http_server
    assert state.syslog_hosts == ["10.9.9.9"] and state.ntp_servers == ["10.9.9.8"]
    assert state.vty.protocols == {"ssh"} and state.vty.idle_timeout_s == 300 and state.vty.auth_mode == "aaa"
    assert state.vty.acl_in == "2001" and state.vty.acl6_in is not None
    assert state.lockout.max_failures == 3 and state.lockout.lock_minutes == 10
    ops = state.user("ops")
    assert ops is not None and verify_password("Ops@Passw0rd-9", ops.password_hash)
    assert state.snmp.trap_enabled and state.snmp.trap_hosts[0].address == "10.9.9.7"
    assert {r.prefix for r in state.static_routes} == {"0.0.0.0/0", "::/0"}
    assert state.ospf[0].router_id == "1.1.1.1" and state.ospf[0].areas[0].networks == ["10.1.1.0 0.0.0.3"]
    assert state.ospfv3_areas(PORTS[vendor]) == [(1, "0.0.0.0")]
    assert state.banners.login == "Authorised users only"
    assert "Ops@Passw0rd-9" not in s.dialect.render_config(state)  # only the hash is kept

    s.save()
    rebooted, problems = replay(vendor, state.saved_config or "")
    assert problems == []
    assert s.dialect.render_config(rebooted) == s.dialect.render_config(state)
    assert rebooted.ospfv3_areas(PORTS[vendor]) == [(1, "0.0.0.0")]


@pytest.mark.parametrize("vendor", ["huawei_vrp", "h3c_comware", "cisco_ios"])
def test_factory_day0_config_fails_the_usual_checks(vendor: str) -> None:
    state, _ = boot(spec(vendor, "R1"), None, now=0.0)
    assert state.telnet_server and state.http_server  # factory defaults left on
    assert state.syslog_hosts == [] and state.ntp_servers == []
    assert state.lockout.max_failures == 0 and state.vty.idle_timeout_s == 0
    assert state.snmp.users[0].name == "govnet-ro" and state.snmp.users[0].priv_key == "Priv-Key-123"
    assert state.saved_config is not None  # day 0 was saved by the installer
    assert "Lab@Passw0rd-1" not in state.saved_config


@settings(max_examples=40, deadline=None)
@given(
    vendor=st.sampled_from(["huawei_vrp", "h3c_comware", "cisco_ios"]),
    description=st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40
    )
    | st.sampled_from(["韶关市 政务外网 上联", "to 浈江区 core"]),
)
def test_any_description_round_trips_through_saved_config(vendor: str, description: str) -> None:
    s = session(vendor)
    if description.startswith(("#", "!")):
        description = "x" + description
    enter = "configure terminal" if vendor == "cisco_ios" else "system-view"
    run(s, enter, f"interface {PORTS[vendor]}", f"description {description}")
    s.save()
    rebooted, problems = replay(vendor, s.state.saved_config or "")
    assert problems == []
    itf = rebooted.interface(PORTS[vendor])
    assert itf is not None and itf.description == description


def test_display_this_and_one_interface_of_the_config() -> None:
    s = session("huawei_vrp")
    run(s, "system-view", "interface GE0/0/1", "shutdown")
    assert run(s, "display this") == (
        "#\ninterface GigabitEthernet0/0/1\n shutdown\n description uplink to city core\n#\nreturn"
    )
    assert run(s, "display current-configuration interface g0/0/1") == run(s, "display this")
    ios = session("cisco_ios")
    block = run(ios, "show running-config interface gi0/0/1")
    assert block.splitlines()[-1] == "end" and "interface GigabitEthernet0/0/1" in block
    assert "hostname" not in block
    assert "% Invalid input" in run(ios, "show running-config interface gi9/9")


def _patterns(vendor: str) -> list[tuple[str, ...]]:
    return sorted({c.words for table in dialect_for(vendor).tables().values() for c in table.commands})


JUNK = [
    "0",
    "1",
    "65536",
    "-1",
    "10.0.0.1",
    "255.255.255.0",
    "0.0.0.255",
    "2001:db8::1/64",
    "::/0",
    "x" * 300,
]
JUNK += ["%", "韶关", "ssh", "all", "sha", "aes", "128", "v3", "read", "RO", "acl", "^C", "#"]


def _filled(pattern: tuple[str, ...], draw: st.DrawFn) -> str:
    """A command pattern with every argument replaced by something odd."""
    value = st.sampled_from(JUNK) | st.text(min_size=1, max_size=6).filter(lambda t: t.strip() == t and t)
    words = []
    for word in pattern:
        if word.endswith("...>"):
            words += draw(st.lists(value, min_size=0, max_size=4))
        elif word.startswith("<"):
            words.append(draw(value))
        elif not word.startswith("[") or draw(st.booleans()):
            words.append(word.strip("[]"))
    if draw(st.booleans()):
        words.insert(0, "no" if dialect_for("cisco_ios") else "undo")
    return " ".join(words)


@pytest.mark.parametrize("vendor", ["huawei_vrp", "h3c_comware", "cisco_ios"])
def test_odd_arguments_never_break_the_cli(vendor: str) -> None:
    """Every command, with odd arguments, in any view: the device answers (maybe with an error),
    a handler never crashes, and whatever was accepted still renders and replays."""
    from govnet.lab.vendors.base import CommandError

    patterns = _patterns(vendor)
    negation = dialect_for(vendor).negation
    enter = ["configure terminal"] if vendor == "cisco_ios" else ["system-view"]

    @st.composite
    def line(draw: st.DrawFn) -> str:
        text = _filled(draw(st.sampled_from(patterns)), draw)
        return text.replace("no ", f"{negation} ", 1) if text.startswith("no ") else text

    @settings(max_examples=200, deadline=None, derandomize=True)  # same examples every CI run
    @given(lines=st.lists(line(), min_size=1, max_size=8))
    def check(lines: list[str]) -> None:
        s = session(vendor)
        run(s, *enter)
        for text in lines:
            if s.question is not None:
                s.handle_line("n")
            if not text.strip() or s.closed:
                continue
            with contextlib.suppress(CommandError):
                s.dialect.execute(s, text)
        s.save()
        rebooted, problems = replay(vendor, s.state.saved_config or "")
        assert problems == []
        assert _configuration(rebooted) == _configuration(s.state)

    check()


RUNTIME_FIELDS = {
    "saved_config", "boot_time", "reachable", "faults", "slow_seconds", "revision", "last_ifindex",
    "logins", "new_interface", "counters_since", "last_change", "link_up", "surge", "traffic",
    "base_in_octets", "base_out_octets", "base_in_packets", "base_out_packets", "base_in_errors",
    "base_out_errors",
}  # fmt: skip


def _configuration(state: DeviceState) -> object:
    """Everything a saved configuration must carry: the state minus runtime facts."""

    def strip(value: object) -> object:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                f.name: strip(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.name not in RUNTIME_FIELDS
            }
        if isinstance(value, list):
            return [strip(v) for v in value]
        if isinstance(value, set):
            return sorted(map(str, value))
        return value

    return strip(state)
