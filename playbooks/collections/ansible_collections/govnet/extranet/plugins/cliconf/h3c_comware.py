"""network_cli cliconf plugin for H3C Comware (VRP's, with Comware's words)."""

from __future__ import annotations

DOCUMENTATION = """
name: h3c_comware
short_description: Cliconf plugin for H3C Comware (ansible_network_os govnet.extranet.h3c_comware)
description: As govnet.extranet.huawei_vrp; Comware enters system-view and leaves with `return`.
"""

from ansible_collections.govnet.extranet.plugins.cliconf.huawei_vrp import Cliconf as VrpCliconf


class Cliconf(VrpCliconf):
    network_os = "h3c_comware"
