"""Which inventory and overlay a command uses when it is given none, decided once for every area.

The inventory: the one named on the command line, else ``GOVNET_INVENTORY`` (settings), else the
sample shipped with govnet. The overlay: the one named, else the running lab's
(``$GOVNET_HOME/lab/overlay.yaml``, written by ``govnet lab up``) when it exists — so that, with a lab
running, every command reaches the simulated devices without being told.
"""

from __future__ import annotations

from pathlib import Path

from govnet.settings import Settings


def sample_inventory() -> Path:
    """The sample extranet shipped with govnet (the demo's)."""
    import govnet.inventory

    return Path(govnet.inventory.__file__).parent / "examples" / "sample"


def lab_overlay_path(settings: Settings) -> Path:
    """Where ``govnet lab up`` writes its IPv4 overlay (the lab's own folder layout agrees)."""
    return settings.home / "lab" / "overlay.yaml"


def default_inventory(settings: Settings, given: Path | None = None) -> Path:
    if given is not None:
        return given
    if settings.inventory is not None:
        return Path(settings.inventory)
    return sample_inventory()


def default_overlay(settings: Settings, given: Path | None = None) -> Path | None:
    if given is not None:
        return given
    running = lab_overlay_path(settings)
    return running if running.exists() else None
