"""Configuration model benchmark: parsing and rendering device configurations (``govnet.netconfig``).

Compliance scans and config backups parse every device's configuration, so lines per second matter.
Each figure is printed beside a reference measured in the same run, as a ratio:

- **parse**: lenient ``parse`` of each vendor's configuration (a day-0 lab device with a few dozen
  ACL rules, routes, users and SNMP settings, plus sections the model does not hold), against the
  floor of reading the same text into words per line (``str.splitlines`` and ``re.finditer``), which
  any reader pays;
- **render**: ``render`` of the parsed model, against joining the same number of lines of text.

Run: ``.venv/bin/python bench/bench_netconfig.py [--quick]``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from benchkit import pin_to_one_cpu

VENDORS = ("huawei_vrp", "h3c_comware", "cisco_ios")


def _config_text(vendor: str) -> str:
    from govnet.lab.bootstrap import boot
    from govnet.lab.testing import PORTS, spec
    from govnet.netconfig import render
    from govnet.netconfig.model import Acl, AclRule, LocalUser, StaticRoute
    from govnet.netconfig.passwords import hash_password

    state, _ = boot(spec(vendor, "BENCH-1"), None, now=0.0)
    config = state.config
    config.acls.append(
        Acl(
            "101" if vendor == "cisco_ios" else "3001",
            kind="advanced",
            rules=[AclRule(i * 5, "permit", f"ip source 10.{i}.0.0 0.0.255.255") for i in range(1, 41)],
        )
    )
    config.static_routes += [StaticRoute(f"10.{i}.0.0/16", "10.0.0.2", 60) for i in range(1, 31)]
    config.local_users += [
        LocalUser(f"ops{i}", hash_password("x", salt=bytes(8)), 3, {"ssh"}) for i in range(10)
    ]
    config.syslog_hosts += ["10.9.9.9", "10.9.9.10"]
    config.ntp_servers += ["10.9.9.8"]
    assert config.interface(PORTS[vendor]) is not None
    unknown = {
        "cisco_ios": "!\nrouter bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n!\n",
        "huawei_vrp": "#\nbgp 65001\n peer 10.0.0.2 as-number 65002\n#\n",
        "h3c_comware": "#\nbgp 65001\n peer 10.0.0.2 as-number 65002\n#\n",
    }[vendor]
    return render(vendor, config) + "\n" + unknown


def _rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``work`` over about ``seconds``."""
    calls, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        work()
        calls += 1
    return calls / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="measure for 0.3 s instead of 2 s per figure")
    seconds = 0.3 if parser.parse_args().quick else 2.0
    cpu = pin_to_one_cpu()
    from govnet.netconfig import parse, render

    words = re.compile(r"\S+")
    print(f"govnet.netconfig on one CPU ({cpu if cpu is not None else 'not pinned'}), {seconds} s per figure")
    for vendor in VENDORS:
        text = _config_text(vendor)
        lines = len(text.splitlines())
        parsed = parse(vendor, text)
        assert len(parsed.unknown) == 2, parsed.unknown
        parse_rate = _rate(lambda: parse(vendor, text), seconds) * lines  # noqa: B023
        floor = _rate(lambda: [list(words.finditer(x)) for x in text.splitlines()], seconds) * lines  # noqa: B023
        render_rate = _rate(lambda: render(vendor, parsed.config), seconds) * lines  # noqa: B023
        rendered = render(vendor, parsed.config).splitlines()
        join_rate = _rate(lambda: "\n".join(rendered), seconds) * lines  # noqa: B023
        print(
            f"{vendor:12} {lines:4} lines  parse {parse_rate:>10,.0f} lines/s  (reading into words "
            f"{floor:>12,.0f}: {parse_rate / floor:.3f}x)  render {render_rate:>10,.0f} lines/s  "
            f"(joining lines {join_rate:>13,.0f}: {render_rate / join_rate:.4f}x)"
        )


if __name__ == "__main__":
    main()
