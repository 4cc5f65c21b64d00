"""Pure pieces: sharding, liberal parsing of odd agents, the shared codec against pysnmp's."""

from __future__ import annotations

import hashlib

import pytest
from pyasn1.codec.ber import decoder
from pysnmp.proto import api

from govnet import snmp_ber as ber
from govnet import snmp_oids as o
from govnet.collectors.snmp import parse
from govnet.collectors.snmp.shard import hashmod, in_shard, parse_shard
from govnet.errors import InputError


def test_shards_are_disjoint_and_complete() -> None:
    addresses = [f"10.{i // 250}.{i % 250}.1:161" for i in range(2000)] + ["[2001:db8::1]:161"]
    for n in (1, 3, 8):
        shards = [set(in_shard(addresses, (k, n), str)) for k in range(n)]
        assert set().union(*shards) == set(addresses)
        assert sum(len(s) for s in shards) == len(addresses)
        assert all(shards) if n < 8 else True


def test_hashmod_is_prometheus_rule() -> None:
    # Prometheus: binary.BigEndian.Uint64(md5(value)[8:]) % modulus
    value = "10.144.0.1:161"
    expected = int.from_bytes(hashlib.md5(value.encode()).digest()[8:16], "big") % 7
    assert hashmod(value, 7) == expected


@pytest.mark.parametrize("text", ["3", "2/2", "-1/4", "a/b", "1/0"])
def test_bad_shard_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="--shard"):
        parse_shard(text)


def test_ip_address_index_with_and_without_length_and_zones() -> None:
    assert parse.address_from_index((1, 4, 10, 0, 0, 1)) == (4, "10.0.0.1")
    assert parse.address_from_index((1, 10, 0, 0, 1)) == (4, "10.0.0.1")  # no length octet
    v6 = (0x20, 0x01, 0x0D, 0xB8, *([0] * 11), 1)
    assert parse.address_from_index((2, 16, *v6)) == (6, "2001:db8::1")
    assert parse.address_from_index((2, *v6)) == (6, "2001:db8::1")
    assert parse.address_from_index((4, 20, 0xFE, 0x80, *([0] * 13), 1, 0, 0, 0, 3)) == (6, "fe80::1")
    assert parse.address_from_index((2, 16, 1, 2)) is None
    assert parse.address_from_index((9, 1)) is None


def _col(rows: dict[tuple[int, ...], tuple[int, object]]) -> list[parse.Row]:
    return [(index, tag, value) for index, (tag, value) in rows.items()]


def test_old_agent_without_ifxtable_and_ip_address_table() -> None:
    columns = {
        parse.IF_COLUMNS["descr"]: _col({(1,): (ber.OCTET_STRING, b"FastEthernet0/1")}),
        parse.IF_COLUMNS["speed"]: _col({(1,): (ber.GAUGE32, 100_000_000)}),
        parse.IF_COLUMNS["oper"]: _col({(1,): (ber.INTEGER, 1)}),
        parse.IF_COLUMNS["admin"]: _col({(1,): (ber.INTEGER, 1)}),
        parse.IF_COLUMNS["in_octets"]: _col({(1,): (ber.COUNTER32, 5)}),
        parse.IF_COLUMNS["out_octets"]: _col({(1,): (ber.COUNTER32, 7)}),
        parse.IP_AD_ENT_IFINDEX: _col({(192, 0, 2, 1): (ber.INTEGER, 1)}),
    }
    parsed = parse.parse_columns(columns, None)
    (itf,) = parsed.interfaces
    assert (itf.name, itf.speed_mbps, itf.counter_bits, itf.in_octets, itf.ipv4) == (
        "FastEthernet0/1",
        100,
        32,
        5,
        ("192.0.2.1",),
    )
    assert any("no ifXTable" in n for n in parsed.notes) and any("ipAddrTable" in n for n in parsed.notes)


def test_huawei_optical_power_in_microwatts_or_centi_dbm() -> None:
    health = o.HEALTH["huawei_vrp"]
    assert health.optical_rx is not None
    columns = {
        parse.IF_COLUMNS["descr"]: _col({(5,): (ber.OCTET_STRING, b"XGigabitEthernet0/0/1")}),
        health.optical_rx: _col({(100,): (ber.INTEGER, -523), (101,): (ber.INTEGER, 500)}),
        parse.ENT_NAME: _col({(100,): (ber.OCTET_STRING, b"XGigabitEthernet0/0/1")}),
    }
    opt = parse.optical(columns, "huawei_vrp", {"xgigabitethernet0/0/1": 5})
    assert opt[5][0] == -5.23  # no entAliasMappingTable: matched by entPhysicalName
    assert parse._dbm_huawei(500) == -3.01  # 500 microwatts
    assert parse._dbm_huawei(o.OPTICAL_ABSENT) is None


def test_shared_codec_decodes_what_pysnmp_encodes() -> None:
    pmod = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    pdu = pmod.GetResponsePDU()
    pmod.apiPDU.set_defaults(pdu)
    pmod.apiPDU.set_request_id(pdu, 4242)
    pmod.apiPDU.set_varbinds(
        pdu,
        [
            ((1, 3, 6, 1, 2, 1, 1, 3, 0), pmod.TimeTicks(123456)),
            ((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 2), pmod.Counter64(2**64 - 1)),
            ((1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1), pmod.IpAddress("10.0.0.1")),
            ((1, 3, 6, 1, 2, 1, 1, 5, 0), pmod.OctetString(b"\xe9\x9f\xb6\xe5\x85\xb3")),
            ((1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 1), pmod.Integer(-3)),
            ((1, 3, 6, 1, 2, 1, 1, 2, 0), pmod.ObjectIdentifier((1, 3, 6, 1, 4, 1, 2011, 2, 224, 279))),
            ((1, 3, 6, 1, 2, 1, 9, 9), pmod.EndOfMibView()),
        ],
    )
    message = pmod.Message()
    pmod.apiMessage.set_defaults(message)
    pmod.apiMessage.set_community(message, "public")
    pmod.apiMessage.set_pdu(message, pdu)
    from pyasn1.codec.ber import encoder

    wire = encoder.encode(message)
    version, community, response = ber.decode_community_response(wire)
    assert (version, community, response.request_id) == (1, b"public", 4242)
    expected, _ = decoder.decode(wire, asn1Spec=pmod.Message())
    theirs = pmod.apiPDU.get_varbinds(pmod.apiMessage.get_pdu(expected))
    assert [oid for oid, _, _ in response.varbinds] == [tuple(name) for name, _ in theirs]
    values = [v for _, _, v in response.varbinds]
    assert values == [
        123456,
        2**64 - 1,
        b"\n\x00\x00\x01",
        "韶关".encode(),
        -3,
        (1, 3, 6, 1, 4, 1, 2011, 2, 224, 279),
        None,
    ]


def test_shared_codec_refuses_malformed_answers() -> None:
    varbind = ber.encode_varbind(
        ber.encode_oid((1, 3, 6, 1, 2, 1, 1, 3, 0)), ber.encode_value(ber.TIMETICKS, 5)
    )
    pdu = ber.encode_pdu(ber.RESPONSE, 1, 0, 0, varbind)
    good = ber.tlv(ber.SEQUENCE, ber.encode_integer(1) + ber.encode_octets(b"public") + pdu)
    assert ber.decode_community_response(good)[2].varbinds == [
        ((1, 3, 6, 1, 2, 1, 1, 3, 0), ber.TIMETICKS, 5)
    ]
    for bad in (good[:-1], good + b"\x00", b"\x30\x80" + good[2:], b"\x04\x00"):
        with pytest.raises(ber.BerError):
            ber.decode_community_response(bad)


def test_findings_verdict_fails_only_on_errors() -> None:
    from govnet.collectors.snmp.findings import Finding, as_verdict
    from govnet.inventory.problems import Severity
    from govnet.verdict import Status

    warning = Finding("lldp.unknown-link", Severity.WARNING, "r1", "GE0/0/9", "", "LLDP hears x y")
    assert as_verdict("extranet", [warning]).status is Status.PASSED
    error = Finding("link.down", Severity.ERROR, "r1", "GE0/0/1", "L1", "interface down (link)")
    verdict = as_verdict("extranet", [warning, error])
    assert verdict.status is Status.FAILED and [c.name for c in verdict.failures] == ["link.down"]
