"""Asking an OCSP responder about one certificate over HTTP (RFC 6960, appendix A.1: POST of the
DER request). The request is built and the answer judged by ``govnet.pki.ocsp``; only the exchange
lives here, so that the library's checks stay free of I/O."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import httpx
from asn1crypto import x509 as asn1_x509

from govnet.errors import GovnetError, InputError
from govnet.pki import x509
from govnet.pki.ocsp import build_request, verify_response
from govnet.verdict import Verdict

_TYPES = {"Content-Type": "application/ocsp-request", "Accept": "application/ocsp-response"}


def responder_urls(certificate: asn1_x509.Certificate) -> list[str]:
    """The OCSP URLs the certificate names in its authorityInfoAccess, in its order."""
    found = x509.extension(certificate, "authority_information_access")
    return [
        str(a["access_location"].native)
        for a in found or []
        if a["access_method"].native == "ocsp" and a["access_location"].name == "uniform_resource_identifier"
    ]


def check_url(url: str) -> str:
    """An http(s) URL with a host, or InputError naming it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not an http:// or https:// OCSP URL")
    return url


def ask(
    url: str,
    certificate: asn1_x509.Certificate,
    issuer: asn1_x509.Certificate,
    *,
    timeout: float = 10.0,
    allow_empty_sm2_id: bool = False,
) -> Verdict:
    """Send one request (with a fresh nonce, so a replayed answer fails) and judge the answer.
    A responder that cannot be reached, or answers with no OCSP response, is a GovnetError."""
    nonce = secrets.token_bytes(16)
    request = build_request(certificate, issuer, nonce=nonce)
    try:
        response = httpx.post(check_url(url), content=request, headers=_TYPES, timeout=timeout)
    except httpx.HTTPError as exc:
        raise GovnetError(f"{url}: the OCSP responder cannot be reached ({exc})") from None
    if response.status_code != 200:
        raise GovnetError(f"{url}: the OCSP responder answered HTTP {response.status_code}")
    return verify_response(
        response.content,
        certificate=certificate,
        issuer=issuer,
        nonce=nonce,
        allow_empty_sm2_id=allow_empty_sm2_id,
        source=f"the answer from {url}",
    )
