"""What the commands (and library users) call: path in, result out. The CLI only renders these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govnet.errors import InputError

from . import ansible
from .loader import load_inventory, with_plan
from .models import Inventory
from .plan import PlanResult, plan_addresses
from .planfile import plan_path_for, read_plan, write_plan
from .problems import errors
from .summary import summarize
from .validate import Report, check_inventory, validate
from .yamlsafe import YamlLimits, quiet_gc


class InventoryInvalid(InputError):
    """The inventory has errors, so it cannot be planned (the CLI says how to list them)."""


@dataclass
class PlanOutcome:
    result: PlanResult
    plan_path: Path
    written: bool
    inventory: Inventory  # with the new plan applied

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "plan": str(self.plan_path),
            "written": self.written,
            "new": [{"section": a.section, "id": a.id, "field": a.field, "value": a.value} for a in r.new],
            "kept": r.kept,
            "reserved": [f"{section}/{entity}" for section, entity in r.reserved],
            "pruned": [f"{section}/{entity}" for section, entity in r.pruned],
        }


def validate_at(
    path: str | Path, overlay: str | Path | None = None, limits: YamlLimits | None = None
) -> Report:
    return check_inventory(path, overlay=overlay, limits=limits)


def plan_at(
    path: str | Path, *, dry_run: bool = False, prune: bool = False, renumber: Iterable[str] = ()
) -> PlanOutcome:
    """Plan what is missing and write the plan file (unless ``dry_run``).

    Refuses an inventory with errors, and checks the inventory again with the new plan applied
    before writing anything, so that a plan on disk is always one that validates. ``renumber``
    names sites, devices or links whose planned addresses are dropped first and planned afresh
    (a site moved to another parent, say); nothing else moves.
    """
    with quiet_gc():
        return _plan_at(path, dry_run=dry_run, prune=prune, renumber=set(renumber))


def _plan_at(path: str | Path, *, dry_run: bool, prune: bool, renumber: set[str]) -> PlanOutcome:
    plan = None
    if renumber:
        plan = read_plan(plan_path_for(Path(path)))
        unknown = renumber - set(plan.sites) - set(plan.devices) - set(plan.links)
        if unknown:
            raise InputError(f"nothing planned for {', '.join(sorted(unknown))}: cannot renumber it")
        for section in ("sites", "devices", "links"):
            for entity_id in renumber:
                plan.section(section).pop(entity_id, None)
    report = check_inventory(path, plan=plan)
    if report.errors:
        first = report.errors[0]
        raise InventoryInvalid(
            f"inventory {path} has {len(report.errors)} error(s); fix them before planning. First: {first}"
        )
    result = plan_addresses(report.inventory, report.plan, prune=prune)
    assert report.loaded is not None
    plan_path = report.plan_path
    confirm = with_plan(report.loaded, result.plan)
    del report  # the models before planning: let them go before checking the new ones
    validate(confirm)
    broken = errors(confirm.problems())
    if broken:
        raise InputError(f"the new plan would not validate ({len(broken)} error(s)); first: {broken[0]}")
    if not dry_run:
        write_plan(plan_path, result.plan)
    return PlanOutcome(result, plan_path, not dry_run, confirm.inventory)


def summary_at(path: str | Path, overlay: str | Path | None = None) -> dict[str, Any]:
    return summarize(load_inventory(path, overlay=overlay))


def ansible_list_at(path: str | Path, overlay: str | Path | None = None) -> dict[str, Any]:
    return ansible.build(load_inventory(path, overlay=overlay))


def ansible_host_at(path: str | Path, hostname: str, overlay: str | Path | None = None) -> dict[str, Any]:
    return ansible.host(load_inventory(path, overlay=overlay), hostname)


def ansible_static_at(path: str | Path, overlay: str | Path | None = None) -> dict[str, Any]:
    return ansible.to_static(load_inventory(path, overlay=overlay))
