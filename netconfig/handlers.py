"""Command handlers shared by the vendors' syntaxes: each turns one parsed command into a change of
the ``DeviceConfig`` the session holds.

VRP, Comware and IOS spell their commands differently (their tables are in ``huawei_vrp.py``,
``h3c_comware.py``, ``cisco_ios.py``) but mean the same changes; the handlers are vendor-neutral,
validate every argument before they change anything, and change the model through the typed
functions of ``mutate.py`` where a change has more than one spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from ipaddress import ip_address

from govnet.netconfig import mutate
from govnet.netconfig.dialect import ConfigSession
from govnet.netconfig.grammar import (
    Args,
    Command,
    CommandError,
    Handler,
    View,
    cmd,
    ipv4_interface,
    ipv6_interface,
    mask_to_len,
    negated,
    number,
    undo_only,
    unquote,
    word_after,
)
from govnet.netconfig.model import (
    Acl,
    DeviceConfig,
    InterfaceConfig,
    LocalUser,
    OspfArea,
    OspfProcess,
    SnmpCommunity,
    SnmpGroup,
    SnmpTrapHost,
    SnmpV3User,
    StaticRoute,
    VtyConfig,
)
from govnet.netconfig.passwords import as_hash, reveal

# --- handlers shared with Comware -------------------------------------------------------------


def goto(session: ConfigSession, kind: str, key: str = "", data: object = None) -> None:
    session.view = View(kind, key, parent=config_root_view(session), data=data)


def config_root_view(session: ConfigSession) -> View:
    """The top configuration view above the current one (VRP/Comware system view, IOS config)."""
    root = session.dialect.config_root
    view: View | None = session.view
    while view is not None and view.kind != root:
        view = view.parent
    return view or session.dialect.top_config_view()


def h_sysname(session: ConfigSession, args: Args) -> None:
    session.config.hostname = session.dialect.factory_hostname if negated(args) else args["name"]


def h_interface(session: ConfigSession, args: Args) -> str | None:
    """``interface NAME``: enter it; a logical one (loopback, VLAN, trunk) is created when absent,
    and so is a port unless the session's ports are fixed hardware (the lab)."""
    config = session.config
    name = canonical_interface(config, args["name"], session.dialect.logical_interfaces)
    itf = config.interface(name)
    logical = session.dialect.spec.interfaces.is_logical
    if negated(args):
        if itf is None or not logical(itf.name):
            raise CommandError("wrong-parameter")
        config.interfaces.remove(itf)
        return None
    if itf is None:
        if session.fixed_ports and not logical(name):
            raise CommandError("wrong-parameter", detail=name)
        itf = config.add_interface(name)
    goto(session, "interface", itf.name, itf)
    return None


def canonical_interface(
    config: DeviceConfig, typed: str, logical: tuple[str, ...] = ("LoopBack", "Vlanif", "Tunnel")
) -> str:
    """Expand abbreviations (GE0/0/1, g0/0/1, loop0) against the device's interface names."""
    low = typed.lower()
    for itf in config.interfaces:
        if itf.name.lower() == low:
            return itf.name
    head = low.rstrip("0123456789/.:")
    tail = typed[len(head) :]
    aliases = {
        "ge": "gigabitethernet",
        "xge": "xgigabitethernet",
        "eth": "ethernet",
        "te": "tengigabitethernet",
    }
    head = aliases.get(head, head)
    for itf in config.interfaces:
        itf_head = itf.name.lower().rstrip("0123456789/.:")
        if head and itf_head.startswith(head) and itf.name[len(itf_head) :] == tail:
            return itf.name
    for full in logical:
        if head and full.lower().startswith(head) and tail:
            return full + tail
    return typed


def itf_of(session: ConfigSession) -> InterfaceConfig:
    assert isinstance(session.view.data, InterfaceConfig)
    return session.view.data


def h_description(session: ConfigSession, args: Args) -> None:
    data = session.view.data
    text = "" if negated(args) else args.get("text", "")
    if isinstance(data, InterfaceConfig):
        data.description = text  # an ACL's description is accepted and not kept


def interface_address_commands(*, secondary: str) -> list[Command]:
    """Description and IPv4 address forms, spelled alike by all three vendors but for the keyword
    of a secondary address (VRP/Comware ``sub``, IOS ``secondary``)."""
    return [
        cmd("description <text...>", h_description),
        undo_only("description", h_description),
        cmd("ip address <address> <mask>", h_ip_address),
        cmd(f"ip address <address> <mask> {secondary}", h_ip_address_sub),
        undo_only("ip address", h_ip_address),
    ]


def h_ip_address(session: ConfigSession, args: Args) -> None:
    itf = itf_of(session)
    if negated(args) and "address" not in args:
        itf.ipv4.clear()
        return
    address = ipv4_interface(args["address"], args["mask"])
    if negated(args):
        itf.ipv4 = [a for a in itf.ipv4 if a != address]
    elif "sub" in args:
        if address not in itf.ipv4:
            itf.ipv4.append(address)
    else:
        itf.ipv4 = [address, *itf.ipv4[1:]]


def h_ip_address_sub(session: ConfigSession, args: Args) -> None:
    h_ip_address(session, {**args, "sub": "1"})


def h_ipv6_enable(session: ConfigSession, args: Args) -> None:
    itf = itf_of(session)
    itf.ipv6_enabled = not negated(args)
    if negated(args):
        itf.ipv6.clear()
        itf.ipv6_link_local_auto = False


def h_ipv6_link_local_auto(session: ConfigSession, args: Args) -> None:
    """VRP ``ipv6 address auto link-local``: an EUI-64 link-local address; IPv6 must be on first."""
    itf = itf_of(session)
    if negated(args):
        itf.ipv6_link_local_auto = False
        return
    if not itf.ipv6_enabled:
        raise CommandError("failed", detail="Please enable IPv6 on the interface first.")
    itf.ipv6_link_local_auto = True


def h_ipv6_address(session: ConfigSession, args: Args) -> None:
    itf = itf_of(session)
    text = args["address"]
    length = args.get("length")
    if negated(args) and text.lower() == "all":
        itf.ipv6.clear()
        return
    address = ipv6_interface(text, length)
    if negated(args):
        itf.ipv6 = [a for a in itf.ipv6 if a != address]
    elif address not in itf.ipv6:
        itf.ipv6.append(address)
        itf.ipv6_enabled = True


def h_shutdown(session: ConfigSession, args: Args) -> None:
    itf_of(session).set_admin(session.clock(), shutdown=not negated(args))


def h_bandwidth(session: ConfigSession, args: Args) -> None:
    itf_of(session).bandwidth_kbps = None if negated(args) else number(args["kbps"], 1, 400_000_000)


def h_rate_limit(session: ConfigSession, args: Args) -> None:
    itf_of(session).rate_limit_kbps = None if negated(args) else number(args["kbps"], 8, 400_000_000)


def h_ospf_cost(session: ConfigSession, args: Args) -> None:
    itf_of(session).ospf_cost = None if negated(args) else number(args["cost"], 1, 65535)


def h_itf_acl(session: ConfigSession, args: Args) -> None:
    itf_of(session).acl_in = None if negated(args) else args["acl"]


def h_itf_ospfv3(session: ConfigSession, args: Args) -> None:
    itf = itf_of(session)
    pid = number(args["pid"], 1, 65535)
    process = session.config.ospf_process(pid, 3)
    if process is None:
        process = OspfProcess(pid, version=3)
        session.config.ospf.append(process)
    area = process.area(dotted_area(args["area"]))
    if negated(args):
        area.interfaces = [i for i in area.interfaces if i != itf.name]
    elif itf.name not in area.interfaces:
        area.interfaces.append(itf.name)


def h_static_route(session: ConfigSession, args: Args) -> None:
    """VRP/Comware ``ip route-static DEST MASK|LEN NEXTHOP [preference N] [description TEXT]``."""
    length = mask_to_len(args["mask"])
    prefix = ipv4_interface(args["dest"], str(length)).network
    _vrp_route(session, args, str(prefix))


def h_static_route6(session: ConfigSession, args: Args) -> None:
    prefix = ipv6_interface(args["dest"], args["length"]).network
    _vrp_route(session, args, str(prefix))


def _vrp_route(session: ConfigSession, args: Args, prefix: str) -> None:
    extra = args.get("rest", "").split()
    low = [w.lower() for w in extra]
    preference = word_after(extra, "preference")
    route = StaticRoute(
        prefix,
        args["nexthop"],
        number(preference, 1, 255) if preference is not None else None,
        " ".join(extra[low.index("description") + 1 :]) if "description" in low else "",
    )
    apply_route(session, args, route)


def apply_route(session: ConfigSession, args: Args, route: StaticRoute) -> None:
    """Add (replacing the same prefix and next hop) or, negated, remove a static route."""
    if negated(args):
        mutate.remove_static_route(session.config, route.prefix, route.next_hop)
    else:
        mutate.put_static_route(session.config, route)


def ospf_view_handler(version: int, view_kind: str) -> Handler:
    """The handler that enters (creating it) or removes an OSPF process and its view:
    VRP/Comware ``ospf [PID] [router-id RID]``/``ospfv3 [PID]``, IOS ``[ipv6] router ospf PID``."""

    def handler(session: ConfigSession, args: Args) -> None:
        pid = number(args.get("pid", "1"), 1, 65535)
        config = session.config
        process = config.ospf_process(pid, version)
        if negated(args):
            if process is not None:
                config.ospf.remove(process)
            return
        if process is None:
            process = OspfProcess(pid, version=version)
            config.ospf.append(process)
        if "rid" in args:
            process.router_id = args["rid"]
        goto(session, view_kind, str(pid), process)

    return handler


h_ospf = ospf_view_handler(2, "ospf")
h_ospfv3 = ospf_view_handler(3, "ospfv3")


def h_router_id(session: ConfigSession, args: Args) -> None:
    process = session.view.data
    assert isinstance(process, OspfProcess)
    process.router_id = None if negated(args) else args["rid"]


def h_ospf_area(session: ConfigSession, args: Args) -> None:
    process = session.view.data
    assert isinstance(process, OspfProcess)
    area_id = dotted_area(args["area"])
    if negated(args):
        process.areas = [a for a in process.areas if a.area != area_id]
        return
    area = process.area(area_id)
    session.view = View(f"{session.view.kind}-area", area_id, parent=session.view, data=area)


def h_ospf_network(session: ConfigSession, args: Args) -> None:
    area = session.view.data
    assert isinstance(area, OspfArea)
    set_area_network(area, args)


def set_area_network(area: OspfArea, args: Args) -> None:
    """Add (at the end) or remove ``network ADDRESS WILDCARD`` in an OSPF area."""
    entry = f"{args['address']} {args['wildcard']}"
    area.networks = [n for n in area.networks if n != entry]
    if not negated(args):
        area.networks.append(entry)


def h_acl(session: ConfigSession, args: Args) -> None:
    """``acl [number] N``, ``acl name X [N]``, ``acl ipv6 [number] N`` (Comware: ``acl basic N``)."""
    name = args["acl"]
    kind = args.get("kind") or ("basic" if name.isdecimal() and int(name) < 3000 else "advanced")
    acl_view(session, args, name, ipv6="ipv6" in args, kind=kind)


def acl_view(session: ConfigSession, args: Args, name: str, *, ipv6: bool, kind: str) -> None:
    """Enter (creating it as ``kind``) or remove a named or numbered ACL."""
    config = session.config
    acl = config.acl(name, ipv6=ipv6)
    if negated(args):
        if acl is not None:
            config.acls.remove(acl)
        return
    if acl is None:
        acl = Acl(name, ipv6=ipv6, kind=kind)
        config.acls.append(acl)
    goto(session, "acl6" if ipv6 else "acl", name, acl)


def h_acl_rule(session: ConfigSession, args: Args) -> None:
    acl = session.view.data
    assert isinstance(acl, Acl)
    rule_id = int(args["id"]) if args.get("id", "").isdecimal() else None
    if negated(args):
        acl.rules = [r for r in acl.rules if r.rule_id != rule_id]
        return
    action = args["action"].lower()
    if action not in ("permit", "deny"):
        raise CommandError("wrong-parameter")
    mutate.put_rule(acl, rule_id, action, " ".join(args.get("rest", "").split()), step=5)


def h_acl_rule_auto(session: ConfigSession, args: Args) -> None:
    h_acl_rule(session, {k: v for k, v in args.items() if k != "id"})


def vty_view_handler(highest: int, view_kind: str) -> Handler:
    """The handler for VRP ``user-interface vty A B``, Comware and IOS ``line vty A B``: sets the
    range (lines numbered up to ``highest``) and enters its view.

    In a configuration text each block holds its own settings (``line vty 5 15`` does not inherit
    from ``line vty 0 4``): a new range starts from the defaults, and ``ConfigDialect.finish``
    combines the blocks. Typed at the lab, a range only renumbers the one set of lines it models."""

    def handler(session: ConfigSession, args: Args) -> None:
        config = session.config
        block = (number(args["first"], 0, highest), number(args["last"], 0, highest))
        if session.loading and "vty" in session.marks and block != (config.vty.first, config.vty.last):
            session.vty_blocks.append((config.vty, vty_usable(config.vty, session.marks)))
            mode = "aaa" if "aaa new-model" in session.marks else "password"
            config.vty = VtyConfig(auth_mode=mode)
            session.marks.discard("vty password")
        session.marks.add("vty")
        vty = config.vty
        vty.first, vty.last = block
        goto(session, view_kind, f"{vty.first} {vty.last}", vty)

    return handler


def vty_usable(vty: VtyConfig, marks: set[str]) -> bool:
    """Whether a block of lines admits anyone: password authentication without a password set
    refuses every login (the devices answer that no password is configured)."""
    return vty.auth_mode != "password" or "vty password" in marks


def h_vty_password(session: ConfigSession, args: Args) -> None:
    """A line password (IOS ``password 7 X``, VRP/Comware ``set authentication password ...``)."""
    if negated(args):
        session.marks.discard("vty password")
    else:
        session.marks.add("vty password")


def combine_vty_blocks(session: ConfigSession) -> None:
    """After a text is read: the VTY blocks that admit someone, combined into their weakest."""
    if not session.vty_blocks:
        return
    config = session.config
    blocks = [*session.vty_blocks, (config.vty, vty_usable(config.vty, session.marks))]
    session.vty_blocks.clear()
    usable = [vty for vty, admits in blocks if admits] or [blocks[0][0]]
    combined = worst_vty(usable)
    combined.first = min(vty.first for vty, _ in blocks)
    combined.last = max(vty.last for vty, _ in blocks)
    config.vty = combined


h_vty = vty_view_handler(63, "vty")


def worst_vty(blocks: list[VtyConfig]) -> VtyConfig:
    """One ``VtyConfig`` for several line blocks (``line vty 0 4``, ``line vty 5 15``) that says
    what the weakest of them allows: a session may land on any line of any block."""
    weakness = {"none": 0, "password": 1, "aaa": 2}
    timeouts = [b.idle_timeout_s for b in blocks]
    privileges = [b.privilege for b in blocks if b.privilege is not None]
    return VtyConfig(
        first=min(b.first for b in blocks),
        last=max(b.last for b in blocks),
        auth_mode=min((b.auth_mode for b in blocks), key=lambda mode: weakness.get(mode, 0)),
        protocols=set().union(*(b.protocols for b in blocks)),
        idle_timeout_s=0 if 0 in timeouts else max(timeouts),
        acl_in=blocks[0].acl_in if all(b.acl_in for b in blocks) else None,
        acl6_in=blocks[0].acl6_in if all(b.acl6_in for b in blocks) else None,
        privilege=max(privileges) if privileges else None,
    )


def h_auth_mode(session: ConfigSession, args: Args) -> None:
    mode = args["mode"].lower()
    table = {"aaa": "aaa", "scheme": "aaa", "password": "password", "none": "none"}
    if mode not in table:
        raise CommandError("wrong-parameter")
    session.config.vty.auth_mode = "none" if negated(args) else table[mode]


def h_protocol_inbound(session: ConfigSession, args: Args) -> None:
    proto = args["proto"].lower()
    table = {"ssh": {"ssh"}, "telnet": {"telnet"}, "all": {"ssh", "telnet"}}
    if proto not in table:
        raise CommandError("wrong-parameter")
    session.config.vty.protocols = {"ssh", "telnet"} if negated(args) else set(table[proto])


def h_idle_timeout(session: ConfigSession, args: Args) -> None:
    set_idle_timeout(session, args, max_seconds=59)


def set_idle_timeout(session: ConfigSession, args: Args, *, max_seconds: int) -> None:
    """``idle-timeout MIN [SEC]`` / IOS ``exec-timeout MIN [SEC]``; negated: the 10-minute default."""
    if negated(args):
        mutate.set_idle_timeout(session.config, None)
        return
    minutes = number(args["minutes"], 0, 35791)
    seconds = number(args.get("seconds", "0"), 0, max_seconds)
    mutate.set_idle_timeout(session.config, minutes * 60 + seconds)


def h_vty_acl(session: ConfigSession, args: Args) -> None:
    vty = session.config.vty
    value = None if negated(args) else args["acl"]
    if "ipv6" in args:
        vty.acl6_in = value
    else:
        vty.acl_in = value


def h_vty_privilege(session: ConfigSession, args: Args) -> None:
    session.config.vty.privilege = None if negated(args) else number(args["level"], 0, 15)


def h_aaa(session: ConfigSession, args: Args) -> None:
    goto(session, "aaa")


def local_user(session: ConfigSession, name: str, create: bool = True) -> LocalUser:
    user = session.config.user(name)
    if user is None:
        if not create:
            raise CommandError("failed", detail=f"The user {name} does not exist.")
        user = LocalUser(name, password_hash="", services=set())  # services come with service-type
        session.config.local_users.append(user)
    return user


def drop_local_user(session: ConfigSession, name: str) -> None:
    session.config.local_users = [u for u in session.config.local_users if u.name != name]


def h_local_user_password(session: ConfigSession, args: Args) -> None:
    if negated(args):
        drop_local_user(session, args["user"])
        return
    policy = session.config.password_policy
    secret = args["secret"]
    if not secret.startswith("$") and len(secret) < max(policy.min_length, 1):
        raise CommandError("failed", detail=f"The password length must be at least {policy.min_length}.")
    user = local_user(session, args["user"])
    user.password_hash = as_hash(secret)
    user.password_reversible = args.get("form") in ("cipher", "simple")


def h_local_user_delete(session: ConfigSession, args: Args) -> None:
    drop_local_user(session, args["user"])


def h_local_user_level(session: ConfigSession, args: Args) -> None:
    local_user(session, args["user"], create=False).privilege = (
        15 if negated(args) else number(args["level"], 0, 15)
    )


def h_local_user_service(session: ConfigSession, args: Args) -> None:
    user = local_user(session, args["user"], create=False)
    known = {"ssh", "telnet", "terminal", "http", "ftp"}
    wanted = {"ssh" if s == "stelnet" else s for s in args["services"].lower().split()}
    if not wanted <= known:
        raise CommandError("wrong-parameter")
    user.services = set() if negated(args) else wanted


def h_lockout_vrp(session: ConfigSession, args: Args) -> None:
    set_lockout(session, args, lambda: (number(args["times"], 1, 65535), number(args["block"], 1, 65535)))


def set_lockout(session: ConfigSession, args: Args, parse: Callable[[], tuple[int, int]]) -> None:
    """Lock a user out after failed logins; ``parse`` validates the vendor's (failures, minutes).
    Negated: no lockout."""
    if negated(args):
        mutate.set_lockout(session.config, 0)
        return
    mutate.set_lockout(session.config, *parse())


def h_password_policy(session: ConfigSession, args: Args) -> None:
    """VRP ``local-aaa-user password policy administrator``: a view inside ``aaa``, so the aaa lines
    that follow it still apply (they did not before: a saved password policy lost the users)."""
    session.view = View("password-policy", parent=session.view)


def h_password_expire(session: ConfigSession, args: Args) -> None:
    session.config.password_policy.expire_days = 0 if negated(args) else number(args["days"], 0, 999)


def h_password_min_length(session: ConfigSession, args: Args) -> None:
    session.config.password_policy.min_length = 0 if negated(args) else number(args["length"], 4, 32)


def h_password_complexity(session: ConfigSession, args: Args) -> None:
    session.config.password_policy.complexity = not negated(args)


def h_snmp_agent(session: ConfigSession, args: Args) -> None:
    session.config.snmp.enabled = not negated(args)


def h_snmp_version(session: ConfigSession, args: Args) -> None:
    snmp = session.config.snmp
    words = {w.lower() for w in args["versions"].split()}
    versions = {"v1", "v2c", "v3"} if "all" in words else words & {"v1", "v2c", "v3"}
    if not versions:
        raise CommandError("wrong-parameter")
    snmp.versions = snmp.versions - versions if negated(args) else snmp.versions | versions
    snmp.enabled = snmp.enabled or not negated(args)


def h_snmp_contact(session: ConfigSession, args: Args) -> None:
    session.config.snmp.contact = "" if negated(args) else unquote(args["text"])


def h_snmp_location(session: ConfigSession, args: Args) -> None:
    session.config.snmp.location = "" if negated(args) else unquote(args["text"])


def h_snmp_community(session: ConfigSession, args: Args) -> None:
    """``snmp-agent community read|write [cipher] NAME [acl N]`` (and ``undo snmp-agent community NAME``)."""
    snmp = session.config.snmp
    words = args["rest"].split()
    access = None
    if words and words[0].lower() in ("read", "write"):
        access = "ro" if words.pop(0).lower() == "read" else "rw"
    if words and words[0].lower() in ("cipher", "simple"):
        words.pop(0)
    if not words:
        raise CommandError("incomplete")
    name = reveal(words.pop(0), *session.dialect.cipher_marks())
    acl = word_after(words, "acl", fold_case=False)
    if access is None and not negated(args):
        raise CommandError("incomplete")
    snmp.communities = [c for c in snmp.communities if c.name != name]
    if negated(args) or access is None:
        return
    snmp.communities.append(SnmpCommunity(name, access, acl))
    snmp.enabled = True


def h_snmp_group(session: ConfigSession, args: Args) -> None:
    """``snmp-agent group v3 NAME [authentication|privacy|noauthentication] [read-view V] [acl N]``."""
    snmp = session.config.snmp
    words = args["rest"].split()
    name = args["group"]
    snmp.groups = [g for g in snmp.groups if g.name != name]
    if negated(args):
        return
    level = "noauthentication"
    for w in words:
        if w.lower() in ("authentication", "privacy", "noauthentication"):
            level = w.lower()
    group = SnmpGroup(name, level)
    group.read_view = word_after(words, "read-view", fold_case=False)
    group.write_view = word_after(words, "write-view", fold_case=False)
    group.acl = word_after(words, "acl", fold_case=False)
    snmp.groups.append(group)


def h_snmp_usm_user(session: ConfigSession, args: Args) -> None:
    """VRP: ``snmp-agent usm-user v3 NAME [group G]`` then ``... authentication-mode sha KEY`` and
    ``... privacy-mode aes128 KEY`` as separate commands (as VRP's config shows them)."""
    snmp = session.config.snmp
    name = args["user"]
    words = args.get("rest", "").split()
    user = next((u for u in snmp.users if u.name == name), None)
    if negated(args):
        snmp.users = [u for u in snmp.users if u.name != name]
        return
    marks = session.dialect.cipher_marks()
    low = [w.lower() for w in words]
    # Both modes are read before the user changes: a line without its key (typed, the device then
    # asks for it) must not leave a user without authentication behind.
    auth = (
        _mode_and_key(words, "authentication-mode", _AUTH_PROTOCOLS, marks)
        if "authentication-mode" in low
        else None
    )
    priv = _mode_and_key(words, "privacy-mode", _PRIV_PROTOCOLS, marks) if "privacy-mode" in low else None
    if user is None:
        user = SnmpV3User(name, group="", auth_protocol=None, priv_protocol=None)
        snmp.users.append(user)
    if (group := word_after(words, "group")) is not None:
        user.group = group
    elif words and low[0] not in ("authentication-mode", "privacy-mode", "acl"):
        user.group = words[0]
    if auth is not None:
        user.auth_protocol, user.auth_key = auth
    if priv is not None:
        user.priv_protocol, user.priv_key = priv
    if (acl := word_after(words, "acl")) is not None:
        user.acl = acl
    snmp.enabled = True


_AUTH_PROTOCOLS = {"sha": "sha", "sha1": "sha", "sha2-256": "sha256", "sha256": "sha256", "md5": "md5"}
_PRIV_PROTOCOLS = {"aes128": "aes", "aes": "aes", "aes256": "aes256", "des56": "des", "des": "des"}


def _mode_and_key(
    words: list[str], keyword: str, protocols: dict[str, str], marks: tuple[str, str]
) -> tuple[str, str]:
    """``authentication-mode|privacy-mode PROTO [cipher|simple] KEY``: the protocol and the key."""
    i = [w.lower() for w in words].index(keyword)
    if i + 1 >= len(words):
        raise CommandError("incomplete")
    protocol = protocols.get(words[i + 1].lower())
    if protocol is None:
        raise CommandError("wrong-parameter")
    key = [w for w in words[i + 2 :][:2] if w.lower() not in ("cipher", "simple")]
    if not key:
        raise CommandError("incomplete")
    return protocol, reveal(key[0], *marks)


def h_snmp_target(session: ConfigSession, args: Args) -> None:
    """``snmp-agent target-host trap address udp-domain IP [udp-port P] params securityname N [v2c|v3]``."""
    snmp = session.config.snmp
    words = args["rest"].split()
    low = [w.lower() for w in words]
    if "udp-domain" not in low[:-1]:
        raise CommandError("incomplete")
    address = words[low.index("udp-domain") + 1]
    host = SnmpTrapHost(address)
    if (port := word_after(words, "udp-port")) is not None:
        host.port = number(port, 1, 65535)
    if (params := word_after(words, "securityname")) is not None:
        host.params = reveal(params, *session.dialect.cipher_marks())
    host.version = "v3" if "v3" in low else ("v1" if "v1" in low else "v2c")
    snmp.trap_hosts = [t for t in snmp.trap_hosts if t.address != address]
    if not negated(args):
        snmp.trap_hosts.append(host)


def h_snmp_trap_enable(session: ConfigSession, args: Args) -> None:
    session.config.snmp.trap_enabled = not negated(args)


# A server named by DNS: dotted labels with a letter somewhere (``LoopBack0``, ``source`` are not).
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"(?=.*[A-Za-z]){_LABEL}(\.{_LABEL})+")


def server_address(args: Args, *, ipv6: bool) -> str:
    """A syslog/NTP server: an IPv4 address, IPv6 in the ``... ipv6 ADDRESS`` form (canonical text),
    or a DNS name."""
    host = args["host"]
    try:
        address = ip_address(host)
    except ValueError:
        if not ipv6 and _HOSTNAME.fullmatch(host):
            return host.lower()
        raise CommandError("wrong-parameter") from None
    if ipv6 and address.version != 6:
        raise CommandError("wrong-parameter")
    return str(address)


def server_commands(words: str, handler: Handler, *, vrf: str = "") -> list[Command]:
    """``WORDS HOST`` with the options devices add after the host (VPN instance, source interface,
    facility, ``prefer``, key...), which the model does not keep; ``vrf`` is the keyword that may
    come before the host (``ntp server vrf NAME HOST``)."""
    forms = [cmd(f"{words} <host>", handler), cmd(f"{words} <host> <rest...>", handler)]
    if vrf:
        forms += [cmd(f"{words} {vrf} <vrf> <host>{rest}", handler) for rest in ("", " <rest...>")]
    return forms


def server_list_handler(attribute: str, *, ipv6: bool) -> Handler:
    """The handler that adds or removes one server of a state list: ``info-center loghost [ipv6] HOST``,
    ``ntp-service unicast-server [ipv6] HOST`` and their IOS spellings."""

    def handler(session: ConfigSession, args: Args) -> None:
        host = server_address(args, ipv6=ipv6)
        servers: list[str] = getattr(session.config, attribute)
        if negated(args):
            servers[:] = [h for h in servers if h != host]
        elif host not in servers:
            servers.append(host)

    return handler


h_loghost = server_list_handler("syslog_hosts", ipv6=False)
h_loghost6 = server_list_handler("syslog_hosts", ipv6=True)
h_ntp_server = server_list_handler("ntp_servers", ipv6=False)
h_ntp_server6 = server_list_handler("ntp_servers", ipv6=True)


def h_info_center(session: ConfigSession, args: Args) -> None:
    session.config.syslog_enabled = not negated(args)


def h_timezone(session: ConfigSession, args: Args) -> None:
    session.config.timezone = "" if negated(args) else args["rest"]


def flag_handler(attribute: str) -> Callable[[ConfigSession, Args], None]:
    def handler(session: ConfigSession, args: Args) -> None:
        setattr(session.config, attribute, not negated(args))

    return handler


def h_header(session: ConfigSession, args: Args) -> None:
    """VRP ``header login|shell information TEXT``: TEXT between a quote (or another first character)
    and its next use, on this line or over the lines that follow; a bare word is the text itself."""
    kind = args["kind"]
    set_banner(session, kind, "", ("login", "shell"))  # validates the kind before asking for lines
    if negated(args):
        return
    raw = args.get("text", "")
    raw = raw[len("information") :].strip() if raw.lower().startswith("information") else raw
    if raw[:1].isalnum():
        set_banner(session, kind, raw, ("login", "shell"))
        return
    read_delimited(session, raw, raw[:1], lambda s, text: set_banner(s, kind, text, ("login", "shell")))


def read_delimited(
    session: ConfigSession, raw: str, delimiter: str, store: Callable[[ConfigSession, str], None]
) -> bool:
    """A banner's text: what follows ``delimiter`` in ``raw`` up to its next use, else the lines that
    follow up to the one holding it (the session asks for them). Returns whether it asked."""
    body = raw[len(delimiter) :]
    if delimiter in body:
        store(session, body.split(delimiter, 1)[0])
        return False
    collected = [body] if body.strip() else []

    def more(s: ConfigSession, line: str) -> str:
        if delimiter in line:
            collected.append(line.split(delimiter, 1)[0])
            store(s, "\n".join(collected).strip("\n"))
            return ""
        collected.append(line)
        s.ask(more)
        return ""

    session.ask(more)
    return True


def set_banner(session: ConfigSession, kind: str, text: str, kinds: tuple[str, ...]) -> None:
    """``header KIND``: ``login`` is the login banner, every other kind the dialect knows (``shell``,
    Comware's ``motd``) the banner after login."""
    low = kind.lower()
    if not any(low.startswith(k) for k in kinds):
        raise CommandError("wrong-parameter")
    mutate.set_banner(session.config, login=low.startswith("login"), text=text)


def h_noop(session: ConfigSession, args: Args) -> None:
    return None


def h_ssh_acl(session: ConfigSession, args: Args) -> None:
    """``ssh server acl N`` (VRP, Comware): which sources the SSH server answers."""
    session.config.ssh_acl = None if negated(args) else args["acl"]


def h_ssh_user(session: ConfigSession, args: Args) -> None:
    # `ssh user NAME authentication-type password` / `service-type stelnet`: accepted, no state.
    return None


def dotted_area(area: str) -> str:
    if area.isdecimal():
        value = int(area)
        return ".".join(str((value >> s) & 255) for s in (24, 16, 8, 0))
    return area
