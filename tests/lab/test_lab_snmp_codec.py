"""The SNMP agent's pure parts: BER codec against pyasn1, USM keys against RFC 3414, the MIB tree,
ACL matching, and a responder that survives any datagram."""

from __future__ import annotations

import hashlib
import time
from ipaddress import IPv4Interface, IPv6Interface

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyasn1.codec.ber import decoder, encoder
from pyasn1.type import univ
from pysnmp.proto import api

from govnet import snmp_ber as ber
from govnet.lab import snmp_mib as mib
from govnet.lab.snmp_agent import Responder, acl_permits
from govnet.lab.snmp_usm import localize, localize_user, password_to_key, verify
from govnet.lab.snmp_v3 import FLAG_AUTH, FLAG_REPORTABLE, build_v3, parse_scoped_pdu, parse_v3
from govnet.lab.state import (
    Acl,
    AclRule,
    DeviceState,
    SnmpCommunity,
    SnmpConfig,
    SnmpGroup,
    SnmpV3User,
    TrafficProfile,
)

V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]


def _device(n_interfaces: int = 3) -> DeviceState:
    now = time.time()
    state = DeviceState(vendor="h3c_comware", hostname="COUNTY-AGG-1", boot_time=now - 50)
    state.snmp = SnmpConfig(enabled=True, versions={"v2c"}, communities=[SnmpCommunity("lab-ro")])
    for n in range(1, n_interfaces + 1):
        itf = state.add_interface(
            f"GigabitEthernet1/0/{n}", traffic=TrafficProfile(1e6, 2e6), counters_since=now - 50
        )
        itf.ipv4.append(IPv4Interface(f"10.{n}.0.1/24"))
        itf.ipv6.append(IPv6Interface(f"2001:db8:{n:x}::1/64"))
    return state


def _request(pdu_type: str, oids: list[str], community: str = "lab-ro", max_reps: int = 10) -> bytes:
    if pdu_type == "bulk":
        pdu = V2C.GetBulkRequestPDU()
        V2C.apiBulkPDU.set_defaults(pdu)
        V2C.apiBulkPDU.set_non_repeaters(pdu, 0)
        V2C.apiBulkPDU.set_max_repetitions(pdu, max_reps)
    else:
        pdu = V2C.GetRequestPDU() if pdu_type == "get" else V2C.GetNextRequestPDU()
        V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_varbinds(pdu, [(univ.ObjectIdentifier(o), V2C.Null("")) for o in oids])
    msg = V2C.Message()
    V2C.apiMessage.set_defaults(msg)
    V2C.apiMessage.set_community(msg, community)
    V2C.apiMessage.set_pdu(msg, pdu)
    return encoder.encode(msg)


def _response_varbinds(data: bytes) -> list[tuple[str, object]]:
    msg, _ = decoder.decode(data, asn1Spec=V2C.Message())
    pdu = V2C.apiMessage.get_pdu(msg)
    return [(str(name), value) for name, value in V2C.apiPDU.get_varbinds(pdu)]


# ---------------------------------------------------------------- BER


@given(st.integers(min_value=-(2**63), max_value=2**64 - 1))
def test_integers_encode_as_pyasn1_reads_them(value: int) -> None:
    decoded, rest = decoder.decode(ber.encode_integer(value))
    assert int(decoded) == value and not rest


oid_strategy = st.tuples(st.integers(0, 1), st.integers(0, 39)).flatmap(
    lambda head: st.lists(st.integers(0, 2**32 - 1), max_size=20).map(lambda tail: (*head, *tail))
)


@given(oid_strategy)
def test_oids_round_trip_with_pyasn1(oid: tuple[int, ...]) -> None:
    der = ber.encode_oid(oid)
    assert tuple(decoder.decode(der)[0]) == oid
    ours = encoder.encode(univ.ObjectIdentifier(oid))
    _, start, stop = ber.read_tlv(ours, 0)
    assert ber.decode_oid(ours, start, stop) == oid


def test_request_pdus_from_pysnmp_decode() -> None:
    data = _request("bulk", ["1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.31"], max_reps=40)
    start, end = ber.expect(data, 0, ber.SEQUENCE)
    _, e = ber.expect(data, start, ber.INTEGER, end)
    _, e = ber.expect(data, e, ber.OCTET_STRING, end)
    pdu = ber.decode_pdu(data, e, end)
    assert pdu.pdu_type == ber.GET_BULK_REQUEST and (pdu.error_status, pdu.error_index) == (0, 40)
    assert pdu.oids == [(1, 3, 6, 1, 2, 1, 2, 2, 1, 2), (1, 3, 6, 1, 2, 1, 31)]


# ---------------------------------------------------------------- USM keys (RFC 3414 A.3)


def test_password_to_key_matches_rfc3414_vectors() -> None:
    engine_id = bytes.fromhex("000000000000000000000002")
    md5 = password_to_key("maplesyrup", "md5")
    assert md5.hex() == "9faf3283884e92834ebc9847d8edd963"
    assert localize(md5, engine_id, hashlib.md5).hex() == "526f5eed9fcce26f8964c2930787d82b"
    sha = password_to_key("maplesyrup", "sha")
    assert sha.hex() == "9fb5cc0381497b3793528939ff788d5d79145211"
    user = localize_user("u", "sha", "maplesyrup", "aes", "maplesyrup", engine_id)
    assert user.auth_key.hex() == "6695febc9288e36282235fc7151f128497b38f3f"
    assert user.priv_key == user.auth_key[:16] and user.level == 3


# ---------------------------------------------------------------- MIB


def _view(state: DeviceState) -> mib.MibView:
    return mib.MibView(
        state, mib.EngineState(mib.default_engine_id(state)), mib.build_tables(state), time.time()
    )


def test_getnext_walks_the_whole_tree_in_strict_order_and_get_agrees() -> None:
    view = _view(_device())
    oid: tuple[int, ...] = (0, 0)
    seen = []
    while True:
        found = mib.get_next(view, oid)
        if found.value[0] == ber.END_OF_MIB_VIEW:
            break
        assert found.oid > oid
        assert mib.get(view, found.oid).value[0] == found.value[0]
        seen.append(found.oid)
        oid = found.oid
    # 3 interfaces x (22 ifTable + 19 ifXTable columns) and 6 addresses x (9 + 5) IP-MIB columns at least
    assert len(seen) > 3 * 41 + 6 * 14
    assert mib.get(view, (1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 99)).value[0] == ber.NO_SUCH_INSTANCE
    assert mib.get(view, (1, 3, 6, 1, 4, 1, 2011, 1)).value[0] == ber.NO_SUCH_OBJECT


def test_ip_address_prefix_pointer_names_a_real_instance() -> None:
    view = _view(_device(1))
    found = mib.get_next(view, (*mib.IP_ADDRESS_ENTRY, 5))
    pointer = found.value[1]
    assert mib.get(view, pointer).value == (ber.INTEGER, 2)  # ipAddressPrefixOrigin: manual


def test_snmprec_export_lists_every_walked_instance() -> None:
    view = _view(_device(2))
    lines = mib.snmprec_lines(view)
    assert lines[0].startswith("1.0.8802.1.1.2.1.3.1.0|")  # LLDP-MIB sorts first
    assert any(line.startswith("1.3.6.1.2.1.1.1.0|4x|") for line in lines)
    assert any(line.startswith("1.3.6.1.2.1.31.1.1.1.6.1|70|") for line in lines)
    assert len(lines) == len({line.split("|")[0] for line in lines})


# ---------------------------------------------------------------- responder


def test_getbulk_answer_fits_one_udp_datagram() -> None:
    responder = Responder(_device(60))
    answer = responder.handle(_request("bulk", ["1.3.6.1"], max_reps=100_000))
    assert answer is not None and len(answer) <= mib.MAX_MESSAGE_SIZE
    varbinds = _response_varbinds(answer)
    assert 500 < len(varbinds) <= 2048


def test_get_and_getnext_answer_in_request_order() -> None:
    responder = Responder(_device())
    answer = responder.handle(_request("get", ["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.2.2.1.2.2"]))
    assert answer is not None
    assert [(n, str(v)) for n, v in _response_varbinds(answer)] == [
        ("1.3.6.1.2.1.1.5.0", "COUNTY-AGG-1"),
        ("1.3.6.1.2.1.2.2.1.2.2", "GigabitEthernet1/0/2"),
    ]
    answer = responder.handle(_request("next", ["1.3.6.1.2.1.31.1.1.1.1"]))
    assert answer is not None and str(_response_varbinds(answer)[0][1]) == "GE1/0/1"


valid = _request("bulk", ["1.3.6.1.2.1.2"], max_reps=5)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.integers(0, len(valid) - 1).map(lambda n: valid[:n]),
        st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)).map(
            lambda p: valid[: p[0]] + bytes((p[1],)) + valid[p[0] + 1 :]
        ),
    )
)
def test_any_datagram_gets_an_answer_or_silence_never_a_crash(data: bytes) -> None:
    responder = Responder(_device(1))
    answer = responder.handle(data)
    assert answer is None or answer[0] == ber.SEQUENCE


def test_acl_rules_first_match_decides() -> None:
    state = _device(1)
    state.acls.append(
        Acl(
            "2001",
            rules=[
                AclRule(5, "deny", "source 192.0.2.7 0"),
                AclRule(10, "permit", "source 192.0.2.0 0.0.0.255"),
            ],
        )
    )
    assert not acl_permits(state, "2001", "192.0.2.7")
    assert acl_permits(state, "2001", "192.0.2.8")
    assert not acl_permits(state, "2001", "198.51.100.1")  # no rule matched: denied
    assert acl_permits(state, "2999", "198.51.100.1")  # named but not configured: permitted
    assert acl_permits(state, None, "198.51.100.1")


@st.composite
def random_devices(draw: st.DrawFn) -> DeviceState:
    """Devices with gaps in their ifindexes and arbitrary IPv4/IPv6 addresses."""
    state = DeviceState(
        vendor=draw(st.sampled_from(["huawei_vrp", "h3c_comware", "cisco_ios"])), hostname="R"
    )
    for n in range(draw(st.integers(0, 8))):
        itf = state.add_interface(f"GigabitEthernet0/0/{n}")
        for _ in range(draw(st.integers(0, 2))):
            itf.ipv4.append(IPv4Interface((draw(st.integers(1, 2**32 - 1)), draw(st.integers(8, 32)))))
        for _ in range(draw(st.integers(0, 2))):
            itf.ipv6.append(IPv6Interface((draw(st.integers(1, 2**128 - 1)), draw(st.integers(16, 128)))))
    for index in sorted(draw(st.sets(st.integers(0, 7))), reverse=True):
        if index < len(state.interfaces):
            del state.interfaces[index]  # removed interfaces leave gaps: ifindexes are never reused
    return state


@settings(max_examples=40, deadline=None)
@given(random_devices(), st.data())
def test_getnext_returns_the_smallest_instance_after_any_oid(state: DeviceState, data: st.DataObject) -> None:
    view = _view(state)
    walked = [line.split("|")[0] for line in mib.snmprec_lines(view)]
    oids = [tuple(int(x) for x in text.split(".")) for text in walked]
    assert oids == sorted(oids)
    for _ in range(20):
        base = data.draw(st.sampled_from(oids))
        cut = data.draw(st.integers(2, len(base)))
        query = (*base[:cut], *data.draw(st.lists(st.integers(0, 300), max_size=3)))
        expected = next((o for o in oids if o > query), None)
        found = mib.get_next(view, query)
        if expected is None:
            assert found.value[0] == ber.END_OF_MIB_VIEW
        else:
            assert found.oid == expected
            assert ber.encode_oid(expected) == found.oid_der


@pytest.mark.parametrize("max_size", [484, 1500, 8192])
def test_v3_getbulk_answer_respects_the_managers_max_message_size(max_size: int) -> None:
    state = _device(40)
    state.snmp.versions = {"v3"}
    state.snmp.groups = [SnmpGroup("ro", "authentication")]
    state.snmp.users = [SnmpV3User("nms", "ro", "sha512", "auth-pass-1", None, None)]
    responder = Responder(state)
    user = localize_user("nms", "sha512", "auth-pass-1", None, None, responder.engine.engine_id)
    bulk = ber.encode_pdu(
        ber.GET_BULK_REQUEST, 7, 0, 5000, ber.encode_varbind(ber.encode_oid((1, 3, 6, 1)), b"\x05\x00")
    )
    boots, engine_time = responder.engine.boots, responder.engine.engine_time(state, time.time())
    request = build_v3(
        msg_id=1,
        max_size=max_size,
        level=FLAG_AUTH | FLAG_REPORTABLE,
        engine_id=responder.engine.engine_id,
        boots=boots,
        time=engine_time,
        user_name=b"nms",
        user=user,
        salt_counter=0,
        context_name=b"",
        pdu=bulk,
    )
    answer = responder.handle(request)
    assert answer is not None and len(answer) <= max_size
    start, end = ber.expect(answer, 0, ber.SEQUENCE)
    _, after_version = ber.expect(answer, start, ber.INTEGER, end)
    message = parse_v3(answer, after_version, end)
    assert message.msg_id == 1 and message.flags & FLAG_AUTH
    verify(user, answer, message.auth_start, message.auth_end)  # raises if the agent's MAC is wrong
    scoped = parse_scoped_pdu(message.data)
    pdu = ber.decode_pdu(message.data, scoped.pdu_start, scoped.pdu_end)
    assert pdu.pdu_type == ber.RESPONSE and pdu.request_id == 7 and len(pdu.oids) > 3


def test_chinese_descriptions_are_served_as_utf8() -> None:
    state = _device(1)
    state.interfaces[0].description = "至仁化县政务外网汇聚"
    state.snmp.location = "韶关市政务服务中心"
    view = _view(state)
    assert mib.get(view, (*mib.IFX_ENTRY, 18, 1)).value == (ber.OCTET_STRING, "至仁化县政务外网汇聚".encode())
    assert mib.get(view, (*mib.SYSTEM, 6, 0)).value[1].decode() == "韶关市政务服务中心"
