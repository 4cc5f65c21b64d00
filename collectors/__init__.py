"""Collectors: what govnet reads from the devices (SNMP poller; later config backups and probes)."""
