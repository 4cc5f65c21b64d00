"""The SNMP poller: asyncio over pysnmp (v2c and v3 USM) with a fast v2c path on govnet's BER codec.

Layers, bottom up: ``models`` (pure data), ``parse`` (varbinds -> a device's poll), ``derive``
(rates, utilisation, wraps and reboots from two polls), ``findings`` (polls against the inventory),
``shard`` (hashmod), ``session`` (one target's transport), ``poller`` (many targets, bounded),
``store`` (history and the read API), ``service`` (inventory in, findings out), ``cli``.
"""
