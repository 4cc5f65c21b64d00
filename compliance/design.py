"""The network design as an asset: the inventory's numbers (``govnet.inventory.summary``) that
design checks judge — level-3 redundancy today."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from govnet.errors import GovnetError


@dataclass(frozen=True)
class DesignAsset:
    asset_type: ClassVar[str] = "design"
    name: str
    source: str
    summary: dict[str, Any] = field(default_factory=dict, compare=False)
    problem: str = ""
    notes: tuple[str, ...] = ()
    vendor: str | None = None
    truncated: bool = False


def read_design(inventory: Path) -> DesignAsset:
    """The design asset of an inventory file or folder (an unreadable inventory is an error asset)."""
    from govnet.inventory.loader import load_inventory
    from govnet.inventory.summary import summarize

    try:
        inv = load_inventory(inventory)
    except GovnetError as exc:
        return DesignAsset(inventory.name, str(inventory), problem=f"inventory cannot be read: {exc}")
    return DesignAsset(inv.name or inventory.name, str(inventory), summarize(inv))
