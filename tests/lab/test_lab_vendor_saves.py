"""Every vendor's ways of saving: the device's own wording, and only a yes (or no question) saves."""

from __future__ import annotations

import pytest

from govnet.lab.bootstrap import boot
from govnet.lab.testing import spec
from govnet.lab.vendors import dialect_for
from govnet.lab.vendors.base import CliSession


def changed_session(vendor: str) -> CliSession:
    """A session on a booted device whose running config has a change the saved one lacks."""
    state, _ = boot(spec(vendor, "R1"), None, now=1000.0)
    s = CliSession(dialect_for(vendor), state, "admin", privileged=True, clock=lambda: 1010.0)
    s.dialect.session_start(s)
    enter, rename = (
        ("configure terminal", "hostname") if vendor == "cisco_ios" else ("system-view", "sysname")
    )
    s.handle_line(enter)
    s.handle_line(f"{rename} CHANGED")
    assert "CHANGED" not in (state.saved_config or "")
    return s


def saved(s: CliSession) -> bool:
    return "CHANGED" in (s.state.saved_config or "")


@pytest.mark.parametrize(
    ("vendor", "command", "done"),
    [
        ("h3c_comware", "save force", "Saved the current configuration to mainboard device successfully."),
        ("cisco_ios", "do write memory", "Building configuration...\n[OK]"),
        ("cisco_ios", "do write", "Building configuration...\n[OK]"),
    ],
)
def test_saving_without_a_question(vendor: str, command: str, done: str) -> None:
    s = changed_session(vendor)
    assert s.handle_line(command).endswith(done)
    assert saved(s) and s.question is None


def test_comware_save_asks_three_questions_and_a_no_keeps_the_old_config() -> None:
    s = changed_session("h3c_comware")
    assert s.handle_line("save").endswith("Are you sure? [Y/N]:")
    assert "file name" in s.handle_line("y")
    assert s.handle_line("").endswith("overwrite? [Y/N]:")
    assert s.handle_line("n") == "" and not saved(s)
    s.handle_line("save")
    s.handle_line("y")
    s.handle_line("")
    assert s.handle_line("Y").endswith("successfully.")
    assert saved(s)


def test_vrp_save_answered_no_saves_nothing() -> None:
    s = changed_session("huawei_vrp")
    assert s.handle_line("save").endswith("Are you sure to continue?[Y/N]")
    assert s.handle_line("no") == "" and not saved(s)
    s.handle_line("save")
    assert s.handle_line("yes").endswith("Save the configuration successfully.")
    assert saved(s)


def test_ios_copy_running_config_asks_for_the_destination() -> None:
    s = changed_session("cisco_ios")
    s.handle_line("end")
    assert s.handle_line("copy running-config startup-config") == "Destination filename [startup-config]? "
    assert s.handle_line("") == "Building configuration...\n[OK]"
    assert saved(s)
