"""What a backup keeps of a device's running configuration: one small table per vendor.

Two kinds of rule, both applied line by line before anything is written to the backup repository:

- **volatile** lines change without anybody changing the configuration (the time the configuration
  was last changed or saved, the byte count IOS prints, NTP's drift correction): they are dropped so
  that only real changes make a commit. Modelled on what Oxidized's ``vrp``/``comware``/``ios``
  models and RANCID's ``ios.pm`` strip, plus the headers the devices print (VRP/CE
  ``!Last configuration was updated at …``, ``!Time: …``; IOS ``! Last configuration change at …``).
- **secret** rules replace what would let a reader log in or poll (communities, password hashes,
  SNMPv3 keys, VRP/Comware ``cipher`` strings, IOS type 7/8/9 secrets) with ``<secret hidden>``;
  the line stays, so adding a user or a community still shows in the history.

Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHOWN = "<secret hidden>"
# While the rules run, a hidden value is one token without blanks, so that a later rule that matches
# the same value replaces it with itself instead of hiding half of the marker.
HIDDEN = "\x00secret-hidden\x00"


@dataclass(frozen=True)
class Rules:
    volatile: tuple[re.Pattern[str], ...]  # a line matching any of these is dropped
    secrets: tuple[tuple[re.Pattern[str], str], ...]  # (pattern, replacement) applied to each line


def _re(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


# VRP and Comware share their ancestry: the same cipher/hash keywords, the same headers.
_VRP_FAMILY_SECRETS = (
    # local-user NAME password irreversible-cipher|cipher|simple|hashed VALUE (VRP, Comware)
    (
        re.compile(
            r"^(\s*local-user \S+ password (?:irreversible-cipher|cipher|simple|hash(?:ed)?))\s+\S.*$"
        ),
        rf"\1 {HIDDEN}",
    ),
    # Comware: inside local-user, " password hash|hashed|cipher|simple VALUE"
    (
        re.compile(r"^(\s+password (?:hash(?:ed)?|cipher|simple|irreversible-cipher))\s+\S.*$"),
        rf"\1 {HIDDEN}",
    ),
    # snmp-agent community read|write [cipher|simple] NAME [acl ...]
    (re.compile(r"^(\s*snmp-agent community (?:read|write)(?: cipher| simple)?)\s+\S+"), rf"\1 {HIDDEN}"),
    # snmp-agent usm-user v3 ... authentication-mode sha cipher KEY / privacy-mode aes128 cipher KEY
    (re.compile(r"((?:authentication|privacy)-mode \S+ (?:cipher|simple))\s+\S+"), rf"\1 {HIDDEN}"),
    # VRP sub-view form:  authentication-mode sha cipher KEY (already covered); Comware one-liner:
    # snmp-agent usm-user v3 NAME GROUP cipher authentication-mode sha KEY privacy-mode aes128 KEY
    # (only on usm-user lines: elsewhere, e.g. OSPF "authentication-mode md5 1 cipher ...", the word
    # after the mode is a key id, not a key)
    (
        re.compile(r"^(\s*snmp-agent usm-user .*?authentication-mode \S+)\s+(?!cipher\b|simple\b)\S+"),
        rf"\1 {HIDDEN}",
    ),
    (
        re.compile(r"^(\s*snmp-agent usm-user .*?privacy-mode \S+)\s+(?!cipher\b|simple\b)\S+"),
        rf"\1 {HIDDEN}",
    ),
    # snmp-agent target-host ... params securityname NAME (v1/v2c: the community)
    (re.compile(r"^(\s*snmp-agent target-host .* securityname(?: cipher)?)\s+\S+"), rf"\1 {HIDDEN}"),
    # any other %^%#...%^%# (VRP) or $c$3$... (Comware) obscured string
    (re.compile(r"%\^%#\S*?%\^%#|%\$%\$\S*?%\$%\$|\$c\$\d\$\S+|\$h\$\d\$\S+"), HIDDEN),
    # super (privilege) passwords, VTY password authentication
    (
        re.compile(
            r"^(\s*super password(?: level \d+| role \S+)? (?:cipher|simple|irreversible-cipher|hash))\s+\S+"
        ),
        rf"\1 {HIDDEN}",
    ),
    (re.compile(r"^(\s*set authentication password (?:cipher|simple))\s+\S+"), rf"\1 {HIDDEN}"),
    # RADIUS/HWTACACS shared keys, OSPF/BGP authentication keys
    (
        re.compile(r"^(\s*(?:radius-server|hwtacacs-server)?\s*shared-key(?: cipher| simple)?)\s+\S+"),
        rf"\1 {HIDDEN}",
    ),
    (
        re.compile(
            r"^(\s*(?:ospf )?authentication-mode (?:md5|hmac-sha256|simple)(?: \d+)?"
            r"(?: cipher| plain)?)\s+\S+"
        ),
        rf"\1 {HIDDEN}",
    ),
)

RULES: dict[str, Rules] = {
    "huawei_vrp": Rules(
        volatile=_re(
            r"^!Last configuration was (?:updated|saved) at ",
            r"^!Time: ",  # CE/NE: "!Time: 2024-05-06 10:11:12+08:00"
            r"^!Software Version ",  # release: an upgrade is not a configuration change
            r"^!Config ?[Ff]ile ?[Ff]ormat ",
            r"^Info: The max number of VTY users",
        ),
        secrets=_VRP_FAMILY_SECRETS,
    ),
    "h3c_comware": Rules(
        volatile=_re(
            r"^ ?version \d+\.\d+\.\d+",  # " version 7.1.064, Release 0821P16": the release, not config
            r"^ ?Current time is ",
            r"^ ?The device has been running for ",
        ),
        secrets=_VRP_FAMILY_SECRETS,
    ),
    "cisco_ios": Rules(
        volatile=_re(
            r"^Building configuration\.\.\.",
            r"^Current configuration ?: \d+ bytes",
            r"^! Last configuration change at ",
            r"^! NVRAM config last updated at ",
            r"^! No configuration change since last restart",
            r"^ntp clock-period ",
            r"^\s*tunnel mpls traffic-eng bandwidth ",  # auto-bandwidth rewrites it (Oxidized)
        ),
        secrets=(
            (re.compile(r"^(snmp-server community)\s+\S+"), rf"\1 {HIDDEN}"),
            (
                re.compile(
                    r"^(snmp-server host \S+(?: vrf \S+)?(?: informs)?(?: version (?:1|2c|3 \S+))?)\s+\S+"
                ),
                rf"\1 {HIDDEN}",
            ),
            (re.compile(r"^(snmp-server user \S+ \S+(?: remote \S+)? v3 auth \S+)\s+\S+"), rf"\1 {HIDDEN}"),
            (re.compile(r"(\spriv (?:des|3des|aes(?: \d+)?))\s+\S+"), rf"\1 {HIDDEN}"),
            (re.compile(r"^(enable (?:password|secret)(?: level \d+)?(?: \d)?)\s+\S+"), rf"\1 {HIDDEN}"),
            (
                re.compile(r"^(username \S+(?: privilege \d+)? (?:password|secret)(?: \d)?)\s+\S+"),
                rf"\1 {HIDDEN}",
            ),
            (re.compile(r"^(\s+(?:password|secret)(?: \d)?)\s+\S+"), rf"\1 {HIDDEN}"),
            (re.compile(r"^(.*\skey 7)\s+\S+"), rf"\1 {HIDDEN}"),
            (
                re.compile(r"^(\s*ip ospf (?:authentication-key|message-digest-key \d+ md5)(?: \d)?)\s+\S+"),
                rf"\1 {HIDDEN}",
            ),
            (re.compile(r"^(\s*neighbor \S+ password(?: \d)?)\s+\S+"), rf"\1 {HIDDEN}"),
            (re.compile(r"^((?:tacacs|radius)-server key(?: \d)?)\s+\S+"), rf"\1 {HIDDEN}"),
            (re.compile(r"^(\s+key(?: \d)?)\s+\S+$"), rf"\1 {HIDDEN}"),  # tacacs/radius server blocks
            (re.compile(r"^(crypto isakmp key)\s+\S+"), rf"\1 {HIDDEN}"),
        ),
    ),
}


def rules_for(vendor: str) -> Rules:
    from govnet.vendors import vendor_spec

    return RULES[vendor_spec(vendor).key]  # an unknown key is an InputError naming the known ones


def clean(vendor: str, text: str) -> str:
    """The configuration as it is committed: CR/LF and trailing blanks normalised, volatile lines
    dropped, secrets hidden, exactly one newline at the end."""
    rules = rules_for(vendor)
    kept: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if any(p.search(line) for p in rules.volatile):
            continue
        for pattern, replacement in rules.secrets:
            line = pattern.sub(replacement, line)
        kept.append(line.replace(HIDDEN, SHOWN))
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept) + "\n"
