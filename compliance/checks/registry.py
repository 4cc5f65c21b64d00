"""The check registry: ``@check(id, asset_type, title)`` registers a function judging one asset."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govnet.compliance.model import Judgement
from govnet.errors import InputError

ASSET_TYPES = ("device", "host", "pki", "design")


@dataclass(frozen=True)
class Check:
    id: str
    asset_type: str
    title: str
    judge: Callable[[Any], Judgement]
    doc: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "asset_type": self.asset_type, "title": self.title, "doc": self.doc}


CHECKS: dict[str, Check] = {}


def check(
    check_id: str, asset_type: str, title: str
) -> Callable[[Callable[[Any], Judgement]], Callable[[Any], Judgement]]:
    if asset_type not in ASSET_TYPES:
        raise ValueError(f"{check_id}: asset type {asset_type!r} is not one of {ASSET_TYPES}")

    def register(func: Callable[[Any], Judgement]) -> Callable[[Any], Judgement]:
        if check_id in CHECKS:
            raise ValueError(f"check {check_id} registered twice")
        doc = " ".join((func.__doc__ or "").split())
        CHECKS[check_id] = Check(check_id, asset_type, title, func, doc)
        return func

    return register


def get_check(check_id: str) -> Check:
    try:
        return CHECKS[check_id]
    except KeyError:
        raise InputError(f"unknown check {check_id!r} (known: {', '.join(sorted(CHECKS))})") from None
