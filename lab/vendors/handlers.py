"""The lab's own command handlers: the terminal's (views, paging, save with its questions) and the
displays of configuration text. What a configuration command changes is ``govnet.netconfig``'s.
"""

from __future__ import annotations

import re

from govnet.lab.state import Interface
from govnet.lab.vendors.base import Args, CliSession, CommandError, config_section, number, top_view
from govnet.netconfig.handlers import canonical_interface


def h_enter_config(session: CliSession, args: Args) -> str:
    """VRP/Comware ``system-view``, IOS ``configure terminal``."""
    session.view = session.dialect.top_config_view()
    return session.dialect.system_view_notice()


def h_quit(session: CliSession, args: Args) -> str | None:
    if session.view.parent is None:
        session.closed = True
        return None
    session.view = session.view.parent
    return None


def h_return(session: CliSession, args: Args) -> None:
    session.view = top_view(session.view)


def typed_interface(session: CliSession, typed: str, error: str, column: int) -> Interface:
    """The interface a display command names (abbreviations expanded); a name the device does not
    have is the vendor's error (``error``, ``column``)."""
    state = session.state
    itf = state.interface(canonical_interface(state.config, typed, session.dialect.logical_interfaces))
    if itf is None:
        raise CommandError(error, column=column)
    return itf


def h_screen_length(session: CliSession, args: Args) -> None:
    lines = number(args.get("n", "0"), 0, 512)
    session.paging = lines != 0
    session.page_lines = lines or None


def h_save_now(session: CliSession, args: Args) -> str:
    """Save without asking (Comware ``save force``, IOS ``write memory``)."""
    session.save()
    return session.dialect.save_done_text()


def h_save(session: CliSession, args: Args) -> str:
    """VRP ``save``: one Y/N question."""
    session.ask(save_if_yes)
    return session.dialect.save_question()


def is_yes(reply: str) -> bool:
    return reply.strip().lower() in ("y", "yes")


def save_if_yes(session: CliSession, reply: str) -> str:
    """The answer to a save question: saved on yes, nothing on anything else."""
    return h_save_now(session, {}) if is_yes(reply) else ""


def h_display_cur(session: CliSession, args: Args) -> str:
    text = session.dialect.render_config(session.state.config)
    if "name" in args:  # display current-configuration interface GE0/0/1
        column = len("display current-configuration interface ")
        itf = typed_interface(session, args["name"], "wrong-parameter", column)
        block = config_section(text, rf"interface {re.escape(itf.name)}$")
        return f"#\n{block}\n#\nreturn"
    return text


# The config line that opens each view, for `display this`.
VIEW_HEADERS = {
    "interface": r"interface {key}$",
    "acl": r"acl .*\b{key}$",
    "acl6": r"acl ipv6 .*\b{key}$",
    "ospf": r"ospf {key}\b",
    "ospfv3": r"ospfv3 {key}\b",
    "vty": r"(user-interface|line) vty",
    "aaa": r"aaa$",
    "luser": r"local-user {key}\b",
}


def h_display_this(session: CliSession, args: Args) -> str:
    text = session.dialect.render_config(session.state.config)
    view = session.view
    header = VIEW_HEADERS.get(view.kind)
    if header is None:
        return text
    block = config_section(text, header.format(key=re.escape(view.key)))
    return f"#\n{block}\n#\nreturn"


def h_display_saved(session: CliSession, args: Args) -> str:
    return session.state.saved_config or ""
