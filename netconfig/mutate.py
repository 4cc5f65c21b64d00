"""Typed changes to a ``DeviceConfig``: what a command means, whichever vendor spelled it.

The vendors' handlers parse their own words and call these; provisioning and tests can call them
directly. Each keeps the model's invariants (one route per prefix and next hop, rules in order).
"""

from __future__ import annotations

from govnet.netconfig.model import DEFAULT_IDLE_TIMEOUT_S, Acl, AclRule, DeviceConfig, StaticRoute


def put_static_route(config: DeviceConfig, route: StaticRoute) -> None:
    """Add a static route, replacing one with the same prefix and next hop."""
    remove_static_route(config, route.prefix, route.next_hop)
    config.static_routes.append(route)


def remove_static_route(config: DeviceConfig, prefix: str, next_hop: str) -> None:
    config.static_routes[:] = [
        r for r in config.static_routes if not (r.prefix == prefix and r.next_hop == next_hop)
    ]


def put_rule(acl: Acl, rule_id: int | None, action: str, text: str, *, step: int) -> None:
    """Add or replace a rule; without an ID it goes after the last one, on the vendor's step."""
    if rule_id is None:
        rule_id = max((r.rule_id or 0 for r in acl.rules), default=0) // step * step + step
    acl.rules = [r for r in acl.rules if r.rule_id != rule_id]
    acl.rules.append(AclRule(rule_id, action, text))
    acl.rules.sort(key=lambda r: r.rule_id or 0)


def set_idle_timeout(config: DeviceConfig, seconds: int | None) -> None:
    """The VTY lines' idle timeout in seconds (0: never); None: the vendors' 10-minute default."""
    config.vty.idle_timeout_s = DEFAULT_IDLE_TIMEOUT_S if seconds is None else seconds


def set_lockout(config: DeviceConfig, max_failures: int, lock_minutes: int | None = None) -> None:
    """Lock a user out after ``max_failures`` failed logins (0: never) for ``lock_minutes``."""
    config.lockout.max_failures = max_failures
    if lock_minutes is not None:
        config.lockout.lock_minutes = lock_minutes


def set_banner(config: DeviceConfig, *, login: bool, text: str) -> None:
    """The banner shown before authentication (``login``) or after it."""
    if login:
        config.banners.login = text
    else:
        config.banners.motd = text
