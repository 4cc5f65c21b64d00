"""Vendor CLI dialects, one class per vendor key, and the one table that names them.

The vendors' facts (netmiko driver, factory identity, interface names) are in ``govnet.vendors``."""

from __future__ import annotations

import importlib

from govnet.errors import InputError
from govnet.lab.vendors.base import Dialect

# govnet vendor key -> "module:class" of its lab dialect.
DIALECTS: dict[str, str] = {
    "huawei_vrp": "govnet.lab.vendors.huawei_vrp:HuaweiVrp",
    "h3c_comware": "govnet.lab.vendors.h3c_comware:H3cComware",
    "cisco_ios": "govnet.lab.vendors.cisco_ios:CiscoIos",
}

_instances: dict[str, Dialect] = {}


def dialect_for(vendor: str) -> Dialect:
    """The CLI dialect for a vendor key (one shared instance); an unknown key names the supported ones."""
    if vendor not in _instances:
        if vendor not in DIALECTS:
            raise InputError(f"unknown vendor {vendor!r}; supported: {', '.join(sorted(DIALECTS))}")
        module, _, name = DIALECTS[vendor].partition(":")
        _instances[vendor] = getattr(importlib.import_module(module), name)()
    return _instances[vendor]
