"""H3C Comware 7: VRP's cousin. ``<H3C>``/``[H3C]``, ``screen-length disable``, ``save force``,
``%``-style errors.

``H3cComware`` subclasses ``HuaweiVrp`` and overrides its hooks only where Comware differs; its
configuration commands are Comware's syntax (``govnet.netconfig.h3c_comware``).
"""

from __future__ import annotations

from govnet.lab.vendors.base import Args, CliSession, Command, View, cmd
from govnet.lab.vendors.handlers import h_save_now, h_screen_length, is_yes, save_if_yes
from govnet.lab.vendors.huawei_vrp import VRP_FAMILY_DISPLAYS, HuaweiVrp
from govnet.netconfig.h3c_comware import ComwareSyntax


def h_save_ask(session: CliSession, args: Args) -> str:
    """Plain ``save``: three questions, as Comware asks them."""

    def file_name(s: CliSession, reply: str) -> str:
        s.ask(save_if_yes)
        return "flash:/startup.cfg exists, overwrite? [Y/N]:"

    def sure(s: CliSession, reply: str) -> str:
        if not is_yes(reply):
            return ""
        s.ask(file_name)
        return (
            "Please input the file name(*.cfg)[flash:/startup.cfg]\n"
            "(To leave the existing filename unchanged, press the enter key):"
        )

    session.ask(sure)
    return "The current configuration will be written to the device. Are you sure? [Y/N]:"


class H3cComware(ComwareSyntax, HuaweiVrp):
    display_module = "govnet.lab.vendors.comware_render"
    displays = (*VRP_FAMILY_DISPLAYS, ("display password-control", "password_control"))
    error_prefix = " %"
    vty_view = "line-vty"

    def view_suffixes(self, view: View) -> dict[str, str]:
        kind = getattr(view.data, "kind", "basic")
        return {
            **super().view_suffixes(view),
            "acl": f"-acl-ipv4-{kind}-{view.key}",
            "acl6": f"-acl-ipv6-{kind}-{view.key}",
            "luser": f"-luser-manage-{view.key}",
        }

    def area_label(self, area: str) -> str:
        return area  # as typed: `area 0` stays `area-0`

    def system_view_notice(self) -> str:
        return "System View: return to User View with Ctrl+Z."

    def save_done_text(self) -> str:
        return (
            "Validating file. Please wait...\n"
            "Saved the current configuration to mainboard device successfully."
        )

    def failed_text(self, detail: str) -> str:
        return detail

    def login_notice(self) -> str:
        return (
            "******************************************************************************\n"
            "* Copyright (c) 2004-2024 New H3C Technologies Co., Ltd. All rights reserved.*\n"
            "* Without the owner's prior written consent,                                 *\n"
            "* no decompiling or reverse-engineering shall be allowed.                    *\n"
            "******************************************************************************"
        )

    def more_prompt(self) -> str:
        return "---- More ----"

    def idle_timeout_text(self) -> str:
        return "Info: The line is idle for a long time, and will be disconnected."

    def paging_commands(self) -> list[Command]:
        return [cmd("screen-length disable", h_screen_length, negate=False)]

    def save_commands(self) -> list[Command]:
        return [cmd("save force", h_save_now, negate=False), cmd("save", h_save_ask, negate=False)]


__all__ = ["H3cComware"]
