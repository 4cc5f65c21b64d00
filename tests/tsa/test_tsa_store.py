"""The TSA of an installation: its certificate issued with profile `tsa`, its key held in the store."""

from __future__ import annotations

import pytest

from govnet.errors import NotFoundError
from govnet.pki import x509
from govnet.pki.service import IssueRequest
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import TimeStampAuthority, read_response, read_token, verify_token
from govnet.verdict import Status


def _trust(pki):
    from govnet.pki.cms.service import trust

    pki.publish_all_crls()
    return trust(pki)


def test_the_tsa_profile_has_a_critical_timestamping_eku_and_the_ocsp_url(pki):
    record = pki.issue(IssueRequest(profile="tsa", subject="CN=某市时间戳服务")).record
    cert = record.certificate
    eku = next(
        e for e in cert["tbs_certificate"]["extensions"] if e["extn_id"].native == "extended_key_usage"
    )
    assert eku["critical"].native is True and [p.native for p in eku["extn_value"].parsed] == [
        "time_stamping"
    ]
    assert x509.extension(cert, "key_usage").native == {"digital_signature"}
    aia = x509.extension(cert, "authority_information_access")
    assert [(a["access_method"].native, a["access_location"].native) for a in aia] == [
        ("ocsp", "http://pki.gov.example:8443/ocsp")
    ]


def test_the_authority_opens_from_the_store_with_its_held_key_and_the_policy_setting(pki):
    record = pki.issue(IssueRequest(profile="tsa", subject="CN=某市时间戳服务")).record
    authority = TimeStampAuthority.open(pki)
    assert authority.certificate.dump() == record.der
    assert authority.policy == pki.settings.pki.tsa_policy
    from govnet.pki.tsa import build_request

    token = read_response(authority.respond(build_request(sm3(b"doc"), nonce=7))).token
    assert read_token(token).nonce == 7
    verdict = verify_token(token, sm3(b"doc"), trust=_trust(pki))
    assert verdict.status is Status.PASSED, [c for c in verdict.checks if c.status is not Status.PASSED]


def test_without_a_tsa_certificate_opening_says_which_profile_is_missing(pki):
    with pytest.raises(NotFoundError, match=r"no valid TSA certificate \(profile tsa\)"):
        TimeStampAuthority.open(pki)


def test_a_revoked_tsa_certificate_makes_tokens_fail_after_the_next_crl(pki):
    record = pki.issue(IssueRequest(profile="tsa", subject="CN=TSA")).record
    authority = TimeStampAuthority.open(pki)
    token = authority.stamp(sm3(b"doc"))
    pki.revoke(record.serial, "keyCompromise")
    verdict = verify_token(token, sm3(b"doc"), trust=_trust(pki))
    assert verdict.status is Status.FAILED
    assert any(c.name.startswith("chain:revocation") and c.status is Status.FAILED for c in verdict.checks)
