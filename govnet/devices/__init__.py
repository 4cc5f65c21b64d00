"""How to reach a device: connection parameters built from the inventory, the lab overlay, the
secrets and the vendor spec (``govnet.vendors``), so that the demo, the tests, the collectors,
provisioning and compliance all connect the same way.

- ``netmiko_params(device)``: keyword arguments for ``netmiko.ConnectHandler``.
- ``snmp_target(device)``: an ``SnmpTarget`` (host, port, version, community or v3 user with the
  protocols the agent really runs, keys); ``pysnmp_auth(target)`` turns it into pysnmp's objects.
- ``load_devices(inventory, overlay)``: the inventory's devices, pointed at the lab when an overlay
  (``$GOVNET_HOME/lab/overlay.yaml``) is given.

Secrets are resolved here (``resolve`` defaults to ``govnet.secrets.resolve_secret``) and never
appear in a repr or an error message.
"""

from govnet.devices.connect import (
    Resolver,
    SnmpTarget,
    load_devices,
    netmiko_params,
    pysnmp_auth,
    pysnmp_transport,
    snmp_target,
    ssh_host,
)

__all__ = [
    "Resolver",
    "SnmpTarget",
    "load_devices",
    "netmiko_params",
    "pysnmp_auth",
    "pysnmp_transport",
    "snmp_target",
    "ssh_host",
]
