"""Design checks on the inventory (``DesignAsset``)."""

from __future__ import annotations

from govnet.compliance.checks.registry import check
from govnet.compliance.design import DesignAsset
from govnet.compliance.model import Evidence, Judgement, failed, not_applicable, passed


@check("design.level3-redundancy", "design", "Level-3 sites have redundant uplinks on separate devices")
def level3_redundancy(asset: DesignAsset) -> Judgement:
    """Every level-3 site below the top has uplinks on at least the policy's number of devices."""
    level3 = asset.summary.get("level3", [])
    judged = [s for s in level3 if s["redundant"] is not None]
    lacking = [s["site"] for s in judged if not s["redundant"]]
    ev = Evidence(
        asset.source, metric="level3_not_redundant", value=lacking, note=f"{len(judged)} site(s) judged"
    )
    if not judged:
        return not_applicable("no level-3 site below the top of the extranet", ev)
    if lacking:
        shown = ", ".join(lacking[:10]) + (f" and {len(lacking) - 10} more" if len(lacking) > 10 else "")
        return failed(f"{len(lacking)} level-3 site(s) without redundant uplinks: {shown}", ev)
    return passed(f"all {len(judged)} level-3 site(s) have redundant uplinks", ev)
