"""Seal signatures carrying an RFC 3161 time-stamp of their signature value (GB/T 38540 timeStamp)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "seal"))

from seal_kit import DOCUMENT, Kit, forge_v1

from govnet.pki.seal.reader import read_signature
from govnet.pki.seal.verify import verify_signature
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import read_token
from govnet.verdict import CheckResult, Status, Verdict


@pytest.fixture(scope="module")
def kit() -> Kit:
    return Kit.create()


@pytest.fixture(scope="module")
def stamper(kit: Kit):
    from evidence_kit import POLICY

    from govnet.pki.tsa import TimeStampAuthority

    party = kit.chain.make("tsa", "CN=时间戳服务", kit.chain.inter)
    authority = TimeStampAuthority(party.key, party.cert, (kit.chain.inter.cert,), POLICY)
    return lambda value: authority.stamp(sm3(value))


def _check(verdict: Verdict, name: str) -> CheckResult:
    return next(c for c in verdict.checks if c.name == name)


def test_a_time_stamped_signature_verifies_and_reports_the_time(kit, stamper):
    der = kit.signature(time_stamper=stamper)
    parsed = read_signature(der)
    assert parsed.time_stamp is not None
    assert read_token(parsed.time_stamp).digest == sm3(parsed.signature)  # over the signature value
    verdict = verify_signature(der, data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert verdict.status is Status.PASSED, verdict.failures
    check = _check(verdict, "time_stamp")
    assert check.status is Status.PASSED and check.reason.startswith("time-stamped at 20")
    assert check.evidence["time_stamp"] == read_token(parsed.time_stamp).gen_time.isoformat()


def test_a_tampered_token_fails_with_a_clear_reason(kit, stamper):
    der = bytearray(kit.signature(time_stamper=stamper))
    parsed = read_signature(bytes(der))
    at = bytes(der).index(sm3(parsed.signature))  # the imprint inside the token's TSTInfo
    der[at] ^= 0x80
    verdict = verify_signature(bytes(der), data_hash=sm3(DOCUMENT), trust=kit.trust())
    check = _check(verdict, "time_stamp")
    assert verdict.status is Status.FAILED and check.status is Status.FAILED
    assert "imprint" in check.reason and "digest" in check.reason
    assert _check(verdict, "signer_signature").status is Status.PASSED  # the signature itself is intact


def test_a_token_of_another_signature_fails_its_imprint(kit, stamper):
    other = read_signature(kit.signature(time_stamper=stamper)).time_stamp
    der = kit.signature(time_stamper=lambda _value: other)
    verdict = verify_signature(der, data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert "time-stamp is over other data" in _check(verdict, "time_stamp").reason


def test_garbage_in_the_time_stamp_field_is_named(kit):
    der = kit.signature(time_stamper=lambda _value: b"\x30\x03\x02\x01\x01")
    verdict = verify_signature(der, data_hash=sm3(DOCUMENT), trust=kit.trust())
    assert verdict.status is Status.FAILED
    assert "time-stamp token is unreadable" in _check(verdict, "time_stamp").reason


def test_signatures_without_a_time_stamp_and_v1_signatures_have_no_time_stamp_check(kit):
    for der, trust in ((kit.signature(), kit.trust()), (forge_v1(kit)[1], kit.trust())):
        verdict = verify_signature(der, data_hash=sm3(DOCUMENT), trust=trust)
        assert verdict.status is Status.PASSED, verdict.failures
        assert not any(c.name == "time_stamp" for c in verdict.checks)


def test_inspect_shows_the_time_stamp_unverified(kit, stamper):
    from govnet.pki.seal.inspect import describe

    facts = describe(read_signature(kit.signature(time_stamper=stamper)))
    assert facts["time_stamp"]["gen_time"] and "时间戳服务" in facts["time_stamp"]["tsa"]
    garbage = describe(read_signature(kit.signature(time_stamper=lambda _v: b"\x30\x00")))
    assert "unreadable" in garbage["time_stamp"]
