"""The unified social credit code (统一社会信用代码, GB 32100-2015): an organisation's 18-character ID.

Layout: 1 registration authority, 2 organisation type, 3–8 administrative division (GB/T 2260,
digits), 9–17 organisation code (GB 11714), 18 check character. The alphabet is the digits and the
capital letters without I, O, Z, S, V (31 characters); the check character makes the weighted sum of
all 18 values a multiple of 31.
"""

from __future__ import annotations

from govnet.errors import InputError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Return the code (upper-cased, trimmed) if valid; else raise InputError saying what is wrong."""
    value = code.strip().upper()
    if len(value) != 18:
        raise InputError(f"unified social credit code {code!r}: must be 18 characters, got {len(value)}")
    bad = sorted({c for c in value if c not in _VALUE})
    if bad:
        raise InputError(
            f"unified social credit code {code!r}: characters {''.join(bad)!r} are not allowed "
            "(digits and capital letters except I, O, Z, S, V)"
        )
    if not value[2:8].isdigit():
        raise InputError(
            f"unified social credit code {code!r}: characters 3-8 must be the administrative division code "
            "(6 digits)"
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise InputError(
            f"unified social credit code {code!r}: check character is {value[17]!r}, expected {expected!r}"
        )
    return value
