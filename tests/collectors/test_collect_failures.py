"""Failures stay with their device and are named; a device answering garbage stops nothing."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator

import pytest
from collect_topology import Net, Responder

from govnet import snmp_ber as ber
from govnet.collectors.snmp.models import ErrorKind, PollTarget
from govnet.collectors.snmp.poller import PollOptions, poll_all

QUICK = PollOptions(timeout=0.4, retries=1)


def _by_name(targets: list[PollTarget]) -> dict[str, object]:
    return {p.device: p for p in asyncio.run(poll_all(targets, QUICK))}


def test_wrong_keys_and_unknown_user_are_named_per_device(net: Net) -> None:
    targets = net.targets()
    core = next(t for t in targets if t.name == "c-core")
    agg = next(t for t in targets if t.name == "k-agg")
    wrong_key = PollTarget("wrong-key", dataclasses.replace(core.target, auth_key="Not-The-Key-1"))
    nobody = PollTarget("no-user", dataclasses.replace(agg.target, user="intruder"))
    polls = _by_name([*targets, wrong_key, nobody])
    assert polls["wrong-key"].error.kind is ErrorKind.WRONG_DIGEST
    assert polls["no-user"].error.kind is ErrorKind.UNKNOWN_USER
    assert all(polls[t.name].ok for t in targets)  # the others are untouched


def test_unreachable_device_times_out_alone(fresh_net: Net) -> None:
    fresh_net.lab.fault("t-acc", "unreachable")
    polls = _by_name(fresh_net.targets())
    assert polls["t-acc"].error.kind is ErrorKind.TIMEOUT
    assert "0.4 s" in polls["t-acc"].error.detail or "timeout" in polls["t-acc"].error.detail.lower()
    assert [d for d, p in polls.items() if not p.ok] == ["t-acc"]


def test_wrong_community_times_out_as_agents_stay_silent(net: Net) -> None:
    c2 = next(t for t in net.targets() if t.name == "c-core2")
    polls = _by_name([PollTarget("bad-community", dataclasses.replace(c2.target, community="guess"))])
    assert polls["bad-community"].error.kind is ErrorKind.TIMEOUT


def _request_id(data: bytes) -> int:
    start, end = ber.expect(data, 0, ber.SEQUENCE)
    _, e = ber.expect(data, start, ber.INTEGER, end)
    _, e = ber.expect(data, e, ber.OCTET_STRING, end)
    return ber.decode_pdu(data, e, end).request_id


def _answer(data: bytes, varbinds: bytes) -> bytes:
    pdu = ber.encode_pdu(ber.RESPONSE, _request_id(data), 0, 0, varbinds)
    return ber.tlv(ber.SEQUENCE, ber.encode_integer(1) + ber.encode_octets(b"public") + pdu)


GARBAGE = {
    "not-ber": lambda data: b"\x30\x84\xff\xff\xff\xffgarbage",
    "truncated": lambda data: _answer(data, b"")[:-3] + b"\x30\x82",
    "uptime-as-text": lambda data: _answer(
        data,
        b"".join(
            ber.encode_varbind(ber.encode_oid(oid), ber.encode_octets(b"soon"))
            for oid in [(1, 3, 6, 1, 2, 1, 1, n, 0) for n in (1, 2, 3, 5)] + [(1, 3, 6, 1, 2, 1, 2, 1, 0)]
        ),
    ),
    "too-few-varbinds": lambda data: _answer(data, b""),
}


@pytest.fixture
def garbage() -> Iterator[dict[str, Responder]]:
    responders = {name: Responder(make) for name, make in GARBAGE.items()}
    yield responders
    for r in responders.values():
        r.close()


def test_garbage_answers_are_named_malformed_and_stop_nothing(
    net: Net, garbage: dict[str, Responder]
) -> None:
    good = net.targets()
    template = next(t for t in good if t.name == "c-core2").target
    bad = [
        PollTarget(name, dataclasses.replace(template, host="127.0.0.1", port=r.port, community="public"))
        for name, r in garbage.items()
    ]
    polls = _by_name([*bad, *good])
    for name in GARBAGE:
        assert polls[name].error is not None and polls[name].error.kind is ErrorKind.MALFORMED, name
    assert all(polls[t.name].ok for t in good)
