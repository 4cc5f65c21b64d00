"""Secrets in configurations: placeholders in intended configs, masks over running ones, values
only on the wire at push time.

An intended configuration names a secret as ``{secret:NAME}`` (password, enable, snmp_auth,
snmp_priv). A device shows the same line with its own stored form (a salted hash, a cipher); both
are compared as the placeholder, so a push sets a secret when its line is missing and never
churns it. Only ``fill`` puts a value in, right before the line is typed, in the form the device
accepts typed in (VRP takes the plain text after ``irreversible-cipher``/``cipher`` and hashes it;
Comware wants ``simple``; IOS ``secret 0``). Rotate a secret by removing its line's user first.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{secret:(?P<name>[a-z_]+)\}")

# vendor -> (pattern over a running line, replacement giving the intended/placeholder form)
_MASKS: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "huawei_vrp": [
        (
            re.compile(r"^(\s*local-user \S+ password (?:irreversible-cipher|cipher)) \S+$"),
            r"\1 {secret:password}",
        ),
        (
            re.compile(r"^(\s*snmp-agent usm-user v3 \S+ authentication-mode \S+ cipher) \S+$"),
            r"\1 {secret:snmp_auth}",
        ),
        (
            re.compile(r"^(\s*snmp-agent usm-user v3 \S+ privacy-mode \S+ cipher) \S+$"),
            r"\1 {secret:snmp_priv}",
        ),
        (re.compile(r"^(\s*snmp-agent community (?:read|write) cipher) \S+"), r"\1 {secret:community}"),
        (re.compile(r"^(\s*snmp-agent target-host .* securityname) \S+"), r"\1 {secret:trap_params}"),
    ],
    "h3c_comware": [
        (re.compile(r"^(\s*password) (?:hashed|cipher|simple) \S+$"), r"\1 hashed {secret:password}"),
        (
            re.compile(
                r"^(\s*snmp-agent usm-user v3 \S+ \S+ )(?:cipher|simple)( authentication-mode \S+) \S+"
                r"( privacy-mode \S+) \S+"
            ),
            r"\1cipher\2 {secret:snmp_auth}\3 {secret:snmp_priv}",
        ),
        (re.compile(r"^(\s*snmp-agent community (?:read|write) cipher) \S+"), r"\1 {secret:community}"),
    ],
    "cisco_ios": [
        (re.compile(r"^(username \S+ privilege \d+) secret \d \S+$"), r"\1 secret 8 {secret:password}"),
        (re.compile(r"^enable secret \d \S+$"), "enable secret 8 {secret:enable}"),
        (re.compile(r"^(snmp-server community) \S+( .*)?$"), r"\1 {secret:community}\2"),
    ],
}

# How a line holding a placeholder is typed at the device (before the value goes in).
_TYPED: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "huawei_vrp": [],
    "h3c_comware": [
        (re.compile(r"^(\s*password) hashed (\{secret:\w+\})$"), r"\1 simple \2"),
        (re.compile(r"^(\s*snmp-agent usm-user v3 \S+ \S+ )cipher "), r"\1simple "),
        (re.compile(r"^(\s*snmp-agent community (?:read|write)) cipher "), r"\1 simple "),
    ],
    "cisco_ios": [
        (re.compile(r"^(username \S+ privilege \d+ secret) 8 "), r"\1 0 "),
        (re.compile(r"^enable secret 8 "), "enable secret 0 "),
    ],
}


def mask(vendor: str, text: str) -> str:
    """A running configuration with every stored secret replaced by its placeholder."""
    rules = _MASKS.get(vendor, [])
    out = []
    for line in text.splitlines():
        for pattern, replacement in rules:
            line, hits = pattern.subn(replacement, line)
            if hits:
                break
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def names(line: str) -> list[str]:
    return [m["name"] for m in PLACEHOLDER.finditer(line)]


def fill(vendor: str, line: str, secrets: dict[str, str]) -> str:
    """The line as typed at the device, values in. A placeholder with no value is a KeyError."""
    if "{secret:" not in line:
        return line
    for pattern, replacement in _TYPED.get(vendor, []):
        line = pattern.sub(replacement, line)
    return PLACEHOLDER.sub(lambda m: secrets[m["name"]], line)


def redact(text: str, secrets: dict[str, str]) -> str:
    """Any text that may echo a value (a device's answer), with the values replaced by ``*****``."""
    for value in sorted((v for v in secrets.values() if v), key=len, reverse=True):
        text = text.replace(value, "*****")
    return text
