"""Split the targets between collector processes with no coordination: Prometheus' hashmod rule.

Prometheus relabelling ``action: hashmod`` takes the MD5 of the label value, reads its low 8 bytes
as a big-endian unsigned integer and keeps the remainder modulo N; a process with
``--shard K/N`` polls the targets whose remainder is K (0 <= K < N). The label hashed is the
target's address (``host:port``, ``[v6]:port``), Prometheus' ``__address__``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from govnet.errors import InputError

T = TypeVar("T")


def hashmod(value: str, modulus: int) -> int:
    digest = hashlib.md5(value.encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[8:], "big") % modulus


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` -> (K, N), with 0 <= K < N."""
    try:
        k_text, n_text = text.split("/")
        k, n = int(k_text), int(n_text)
    except ValueError:
        raise InputError(f"--shard {text!r}: expected K/N, e.g. 0/4 (shard K of N, K from 0)") from None
    if n < 1 or not 0 <= k < n:
        raise InputError(f"--shard {text!r}: K must be between 0 and N-1 and N at least 1")
    return k, n


def in_shard(items: Iterable[T], shard: tuple[int, int], address: Callable[[T], str]) -> list[T]:
    k, n = shard
    return [item for item in items if hashmod(address(item), n) == k]
