"""Graded-protection compliance (等保 2.0): judge devices, hosts, the PKI and the design against
GB/T 22239-2019 level 2 (clause 7.1) or level 3 (clause 8.1).

- ``baseline/*.yaml``: the standard's technical requirements as data (``baseline.py`` loads and
  validates them): clause and letter, titles, levels, asset kinds, check ids, severity, remedies.
- ``checks/``: checks as code, registered by id (``checks.registry``); each judges one asset's
  *meaning* (a parsed ``govnet.netconfig.DeviceConfig``, not its text) and returns a ``Finding``
  with evidence (file, line numbers and lines) and the vendor's remedy.
- ``sources.py``: where assets come from (config files, a backup folder, live devices via netmiko).
- ``scan.py``: runs a baseline at a level over assets; ``scores.py`` scores families and diffs scans.
- ``report/``: JSON (stable schema, docs/compliance.md), JUnit XML, SARIF and a printable HTML page.
- ``schema.py``/``history.py``: scans kept in the store, for diffs.
"""
