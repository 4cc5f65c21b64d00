"""Settings graded-protection checks read survive typed → shown → saved → rebooted → shown (issue 9)."""

from __future__ import annotations

import pytest

from govnet.lab.runtime import LabThread
from govnet.lab.testing import Terminal, spec

# (enter config, the VTY view, the lines typed in it, how the device shows them, show this, save)
VENDORS = {
    "huawei_vrp": (
        "system-view",
        "user-interface vty 0 4",
        ["idle-timeout 10 0", "acl 2001 inbound"],
        ["idle-timeout 10 0", "acl 2001 inbound"],
        "display this",
        ["return", "save", "y"],
    ),
    "h3c_comware": (
        "system-view",
        "line vty 0 63",
        ["idle-timeout 10 0", "acl 2001 inbound"],
        ["idle-timeout 10 0", "acl 2001 inbound"],
        "display this",
        ["return", "save force"],
    ),
    "cisco_ios": (
        "configure terminal",
        "line vty 0 4",
        ["exec-timeout 10 0", "access-class 10 in"],
        ["exec-timeout 10 0", "access-class 10 in"],
        "do show running-config | section line vty",
        ["end", "write memory"],
    ),
}


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_vty_idle_timeout_typed_shown_saved_rebooted_shown(vendor: str, lab: LabThread) -> None:
    enter, view, typed, shown, show_this, save = VENDORS[vendor]
    device = spec(vendor, "R1")
    port = lab.start([device])["R1"].ssh["127.0.0.1"]
    with Terminal(port) as term:
        term.run(enter)
        term.run(view)
        for line in typed:
            assert term.run(line) == "", line
        this = term.run(show_this)
        for line in shown:
            assert f" {line}" in this.splitlines(), (line, this)
        for line in save:  # VRP's "[Y/N]" question ends like a prompt
            term.run(line)
    assert not _status(lab, "R1")["unsaved_changes"]
    lab.fault("R1", "reboot")
    assert not _status(lab, "R1")["unsaved_changes"]  # the running config is the saved one
    with Terminal(port) as term:
        term.run(enter)
        term.run(view)
        this = term.run(show_this)
    for line in shown:
        assert f" {line}" in this.splitlines(), (line, this)
    assert "idle-timeout 0 0" not in this


def _status(lab: LabThread, hostname: str) -> dict:
    return next(d for d in lab.lab.status() if d["hostname"] == hostname)
