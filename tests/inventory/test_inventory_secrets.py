"""Secrets typed into an inventory (instead of a reference to one) are refused everywhere they
could leak: the Ansible export, the lab, and every message printed."""

from __future__ import annotations

from pathlib import Path

from govnet_cli import RunGovnet, assert_clean_input_error
from inventory_examples import TINY


def test_secrets_typed_into_the_inventory_never_reach_ansible_or_the_terminal(
    tmp_path: Path, run_govnet: RunGovnet
) -> None:
    # `inventory ansible` used to export them as *_ref variables; `lab up` echoed the password
    # in its error message.
    tiny = TINY
    text = tiny.read_text(encoding="utf-8").replace('"env:GOVNET_LAB_PASSWORD"', '"Hunter2-Typed-In"')
    text = text.replace('"env:GOVNET_LAB_SNMP_COMMUNITY"', '"Community-Typed-In"')
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(text, encoding="utf-8")
    for args in (["--list"], ["--static"], ["--host", "city-core-1"]):
        run = run_govnet("inventory", "ansible", str(leaky), *args)
        assert_clean_input_error(run, "must name a secret (env:NAME or file:PATH), not hold one")
        assert "Typed-In" not in run.stdout + run.stderr
    run = run_govnet("lab", "up", "-i", str(leaky), "--background")
    # lab up validates the inventory first, so the typed-in secrets are refused as validation errors
    assert_clean_input_error(
        run, "credentials.password must name a secret (env:NAME or file:PATH), not hold one"
    )
    assert "Typed-In" not in run.stdout + run.stderr
