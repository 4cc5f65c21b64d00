"""Output for people: progress only on terminals, data printed as written."""

from __future__ import annotations

import pytest


def test_progress_draws_nothing_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from govnet.output import progress

    with progress("working", total=3) as advance:
        for _ in range(3):
            advance(1)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_consoles_print_data_as_written() -> None:
    from rich.table import Table
    from rich.text import Text

    from govnet.output import make_console

    out = make_console(record=True, width=120)
    table = Table("entity", "address")
    for address in ("2001:db8:1000:100::/56", "2001:db8:a::/48", "2001:db8:cd::1"):
        table.add_row(Text("site x[/b]"), address)
    out.print(table)
    text = out.export_text()
    for address in ("2001:db8:1000:100::/56", "2001:db8:a::/48", "2001:db8:cd::1"):
        assert address in text
    assert "site x[/b]" in text
