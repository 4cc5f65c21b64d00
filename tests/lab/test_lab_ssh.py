"""The SSH side as a person or a script meets it: banners, logins, lockout, idle timeout, faults."""

from __future__ import annotations

import re
import time

import paramiko
import pytest

from govnet.errors import InputError, NotFoundError
from govnet.lab.runtime import LabThread
from govnet.lab.state import COUNTER64
from govnet.lab.testing import PASSWORD, PORTS, Terminal, port_accepts, spec


def _start(lab: LabThread, vendor: str = "huawei_vrp") -> tuple[str, int]:
    device = spec(vendor, "R1")
    return device.hostname, lab.start([device])["R1"].ssh["127.0.0.1"]


def _login_fails(port: int, password: str, username: str = "admin") -> bool:
    try:
        Terminal(port, username, password).close()
    except paramiko.AuthenticationException:
        return True
    return False


def test_banners_and_wrong_password(lab: LabThread) -> None:
    _, port = _start(lab)
    with Terminal(port) as term:
        term.run("system-view")
        term.run('header login information "Authorised users only"')
        term.run('header shell information "Welcome to R1"')
    transport = paramiko.Transport(("127.0.0.1", port))
    transport.connect()
    try:
        transport.auth_password("admin", PASSWORD)
        assert "Authorised users only" in (transport.get_banner() or b"").decode()
    finally:
        transport.close()
    with Terminal(port) as term:
        assert "Welcome to R1" in term.greeting
    assert _login_fails(port, "not-the-password")
    assert _login_fails(port, PASSWORD, username="nobody")


def test_login_failure_lockout_blocks_even_the_right_password(lab: LabThread) -> None:
    name, port = _start(lab, "h3c_comware")
    assert _login_fails(port, "wrong-1") and not _login_fails(port, PASSWORD)  # factory: no lockout
    with Terminal(port) as term:
        term.run("system-view")
        assert term.run("password-control login-attempt 2 exceed lock-time 5") == ""
    assert _login_fails(port, "wrong-1") and _login_fails(port, "wrong-2")
    assert _login_fails(port, PASSWORD)
    lab.fault(name, "reboot")  # lockout state is runtime: a reboot forgets who was blocked...
    assert not _login_fails(port, PASSWORD)  # ...and the unsaved lockout setting too


def test_idle_timeout_closes_the_session(lab: LabThread) -> None:
    _, port = _start(lab, "cisco_ios")
    with Terminal(port) as term:
        term.run("configure terminal")
        term.run("line vty 0 4")
        term.run("exec-timeout 0 1")
        term.run("end")
    with Terminal(port) as term:
        deadline = time.monotonic() + 10
        while not term.channel.exit_status_ready() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert term.channel.exit_status_ready()


def test_exec_request_runs_one_command(lab: LabThread) -> None:
    _, port = _start(lab, "cisco_ios")
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", port, "admin", PASSWORD, look_for_keys=False, allow_agent=False, timeout=10)
    try:
        _, stdout, _ = client.exec_command("show version", timeout=10)
        assert "Cisco IOS XE Software" in stdout.read().decode()
    finally:
        client.close()


def test_unreachable_then_back(lab: LabThread) -> None:
    name, port = _start(lab)
    lab.fault(name, "unreachable")
    with pytest.raises((paramiko.SSHException, EOFError, OSError)):
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        client.connect(
            "127.0.0.1",
            port,
            "admin",
            PASSWORD,
            timeout=2,
            banner_timeout=2,
            auth_timeout=2,
            look_for_keys=False,
            allow_agent=False,
        )
    lab.fault(name, "unreachable", clear=True)
    assert port_accepts(port)
    with Terminal(port) as term:
        assert "Huawei Versatile Routing Platform" in term.run("display version")


def test_slow_and_auth_failure_faults(lab: LabThread) -> None:
    name, port = _start(lab)
    with Terminal(port) as term:
        lab.fault(name, "slow", seconds=0.6)
        started = time.monotonic()
        term.run("display version")
        assert time.monotonic() - started >= 0.6
        lab.fault(name, "slow", clear=True)
    lab.fault(name, "auth-failure")
    assert _login_fails(port, PASSWORD)
    lab.fault(name, "auth-failure", clear=True)
    assert not _login_fails(port, PASSWORD)


def test_reboot_keeps_saved_config_and_loses_the_rest(lab: LabThread) -> None:
    name, port = _start(lab)
    with Terminal(port) as term:
        term.run("system-view")
        term.run("info-center loghost 10.9.9.9")
        term.run("save", expect=re.compile(r"\[Y/N\]$"))
        term.run("y")
        term.run("ntp-service unicast-server 10.9.9.8")
    with Terminal(port) as idle:
        time.sleep(1.1)
        lab.fault(name, "reboot")
        deadline = time.monotonic() + 5  # a reboot drops every logged-in session
        while not idle.channel.closed and time.monotonic() < deadline:
            time.sleep(0.05)
        assert idle.channel.closed
    with Terminal(port) as term:
        config = term.run("display current-configuration")
        version = term.run("display version")
    assert "info-center loghost 10.9.9.9" in config
    assert "ntp-service" not in config
    assert "uptime is 0 days, 0 hours, 0 minutes" in version
    assert lab.lab.device(name).state.uptime_ticks(time.time()) < 100


def test_link_down_surge_and_counter_wrap(lab: LabThread) -> None:
    name, port = _start(lab)
    itf = PORTS["huawei_vrp"]
    lab.fault(name, "link-down", itf)
    with Terminal(port) as term:
        brief = term.run("display interface brief")
    assert re.search(rf"{re.escape(itf)}\s+down\s+down", brief)
    lab.fault(name, "link-down", itf, clear=True)
    lab.fault(name, "surge", itf)
    with Terminal(port) as term:
        brief = term.run("display interface brief")
    assert re.search(rf"{re.escape(itf)}\s+up\s+\S+\s+9[0-9]%\s+9[0-9]%", brief)
    lab.fault(name, "counter-wrap", itf, seconds=30)
    counters = lab.lab.device(name).state.interface(itf).counters(time.time())  # type: ignore[union-attr]
    assert counters.in_octets > COUNTER64 - 10**12


def test_fault_errors_name_what_is_wrong(lab: LabThread) -> None:
    name, _ = _start(lab)
    with pytest.raises(InputError, match="known: link-down"):
        lab.fault(name, "meltdown")
    with pytest.raises(InputError, match="needs --interface"):
        lab.fault(name, "surge")
    with pytest.raises(NotFoundError, match="no lab device 'R9'"):
        lab.fault("R9", "reboot")


def test_ipv6_listener(lab_dir) -> None:  # type: ignore[no-untyped-def]
    with LabThread(lab_dir, ("127.0.0.1", "::1"), snmp=False) as lab:
        ends = lab.start([spec("cisco_ios", "R6")])["R6"]
        with Terminal(ends.ssh["::1"], host="::1") as term:
            assert term.run("show ip interface brief").startswith("Interface")


@pytest.mark.parametrize(
    ("vendor", "more", "paging_off"),
    [
        ("huawei_vrp", "  ---- More ----", "screen-length 0 temporary"),
        ("h3c_comware", "---- More ----", "screen-length disable"),
        ("cisco_ios", " --More-- ", "terminal length 0"),
    ],
)
def test_long_output_pages_until_paging_is_turned_off(
    lab: LabThread, vendor: str, more: str, paging_off: str
) -> None:
    _, port = _start(lab, vendor)
    show = "show running-config" if vendor == "cisco_ios" else "display current-configuration"
    with Terminal(port, height=10) as term:
        first = term.run(show, expect=re.compile(re.escape(more) + "$"))
        assert len(first.split("\n")) == 10  # 9 lines and the More prompt
        term.channel.send(" ")
        term.read_until(re.compile(re.escape(more) + "$"))
        assert term.run("q").strip() == ""  # q ends the output and gives the prompt back
        term.run(paging_off)
        assert more not in term.run(show)


def test_open_file_limit_drops_ipv6_then_refuses_cleanly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A lab bigger than the process may hold serves IPv4 only; bigger still, it says so up front."""
    import subprocess
    import sys
    import textwrap

    program = textwrap.dedent(
        f"""
        import asyncio, resource, pathlib
        from govnet.errors import DeviceError
        from govnet.lab.runtime import Lab
        from govnet.lab.testing import spec
        resource.setrlimit(resource.RLIMIT_NOFILE, (800, 800))
        async def main():
            lab = Lab(pathlib.Path({str(tmp_path)!r}) / "a", ("127.0.0.1", "::1"), snmp=False)
            ends = await lab.start([spec("cisco_ios", f"R{{i}}") for i in range(200)])
            print("hosts", sorted(ends["R0"].ssh))
            await lab.stop()
            try:
                await Lab(pathlib.Path({str(tmp_path)!r}) / "b", snmp=False).start(
                    [spec("cisco_ios", f"R{{i}}") for i in range(400)]
                )
            except DeviceError as exc:
                print("refused", exc)
        asyncio.run(main())
        """
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert "hosts ['127.0.0.1']" in result.stdout, result.stderr
    assert "refused 400 lab devices need about" in result.stdout
    assert "Traceback" not in result.stderr
