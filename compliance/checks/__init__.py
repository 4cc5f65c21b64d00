"""Checks as code, registered by id (``registry.CHECKS``); importing this package registers them all."""

from govnet.compliance.checks import design as design  # registers the design checks
from govnet.compliance.checks import device as device  # registers the device checks
from govnet.compliance.checks import host as host  # registers the host checks
from govnet.compliance.checks import pki as pki  # registers the PKI checks
from govnet.compliance.checks.registry import CHECKS, Check, get_check

__all__ = ["CHECKS", "Check", "get_check"]
