"""The OCSP URL written into issued certificates (authorityInfoAccess), from `pki.ocsp_url`."""

from __future__ import annotations

import pytest
from asn1crypto import ocsp

from govnet.pki import x509
from govnet.pki.ca import authority_signer
from govnet.pki.errors import FieldError
from govnet.pki.ocsp import OcspResponder, ResponderKey, build_request
from govnet.pki.service import IssueRequest, PkiService


def _aia(pki: PkiService, monkeypatch: pytest.MonkeyPatch, value: str) -> list[tuple[str, str]] | None:
    from govnet.settings import load_settings

    monkeypatch.setenv("GOVNET_PKI__OCSP_URL", value)
    service = PkiService(pki.store, load_settings(home=pki.settings.home))
    cert = service.issue(IssueRequest(profile="device", subject="CN=r1")).record.certificate
    found = x509.extension(cert, "authority_information_access")
    return (
        None if found is None else [(a["access_method"].native, a["access_location"].native) for a in found]
    )


def test_the_default_is_the_signing_service_at_the_crl_host(pki, monkeypatch):
    assert _aia(pki, monkeypatch, "") == [("ocsp", "http://pki.gov.example:8443/ocsp")]


def test_a_configured_url_is_written_and_none_leaves_the_extension_out(pki, monkeypatch):
    assert _aia(pki, monkeypatch, "https://ocsp.gov.example/") == [("ocsp", "https://ocsp.gov.example/")]
    assert _aia(pki, monkeypatch, "none") is None


@pytest.mark.parametrize("bad", ["ocsp.gov.example", "ldap://x/ocsp", "http:// x/ocsp"])
def test_a_url_no_ocsp_client_could_reach_is_refused(pki, monkeypatch, bad):
    with pytest.raises(FieldError, match=r"pki\.ocsp_url"):
        _aia(pki, monkeypatch, bad)


def test_an_unexpected_failure_is_an_internal_error_answer(pki):
    authority = next(a for a in pki.authorities() if a.issuing)

    def broken(_ca: str, _serial: int) -> object:
        raise RuntimeError("the store went away")

    key = authority_signer(pki.store, pki.settings, authority)
    responder = OcspResponder(
        [ResponderKey(authority.record.certificate, authority.record.serial, key.private_key)], broken
    )
    answer = responder.respond(build_request(authority.record.certificate, authority.record.certificate))
    assert ocsp.OCSPResponse.load(answer)["response_status"].native == "internal_error"
