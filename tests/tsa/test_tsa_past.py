"""Time-stamps as proof of existence: a TSA's clock names genTime; a token from years ago still
verifies today while the TSA's certificate holds, and a genTime outside it fails."""

from __future__ import annotations

import datetime as dt

from evidence_kit import POLICY
from pki_chains import NOW, ChainFactory

from govnet.pki.cms import CmsTrust
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import TimeStampAuthority, read_token, verify_token
from govnet.verdict import Status

YEARS_AGO = NOW - dt.timedelta(days=3 * 365)


def _authority(chain: ChainFactory, when: dt.datetime, not_before: dt.datetime) -> TimeStampAuthority:
    party = chain.make("tsa", "CN=某市时间戳服务", chain.inter, not_before=not_before, days=3650)
    return TimeStampAuthority(party.key, party.cert, (chain.inter.cert,), POLICY, clock=lambda: when)


def test_the_clock_names_gen_time_and_an_old_token_verifies_today(
    chain: ChainFactory, trust: CmsTrust
) -> None:
    authority = _authority(chain, YEARS_AGO, YEARS_AGO - dt.timedelta(days=1))
    token = authority.stamp(sm3(b"signature value"))
    assert read_token(token).gen_time == YEARS_AGO
    verdict = verify_token(token, sm3(b"signature value"), trust=trust)
    assert verdict.status is Status.PASSED, verdict.failures


def test_a_gen_time_outside_the_tsa_certificate_fails(chain: ChainFactory, trust: CmsTrust) -> None:
    authority = _authority(chain, YEARS_AGO, NOW - dt.timedelta(minutes=1))  # stamped before the TSA existed
    verdict = verify_token(authority.stamp(sm3(b"x")), sm3(b"x"), trust=trust)
    assert {c.name for c in verdict.failures} == {"gen_time", "signing_time"}  # TSTInfo and CMS attribute
