"""An RFC 6960 OCSP responder for this installation's CAs, signing with SM2/SM3, and a checker.

Who signs: for each CA, its newest valid delegated responder certificate (profile ``ocsp``: EKU
OCSPSigning, id-pkix-ocsp-nocheck), issued by that CA, with its store-held key; for a CA without one
(the root, whose answers are rare: only about the issuing CA) the CA's own key. Delegation is the
default because a responder signs on every request, on a host that answers the network: its key can
be short-lived and replaced without touching the CA, and when every CA has one the CA keys need never
be decrypted by the service. Responses are SM2-with-SM3 (default ID), identify the responder by key
hash, carry the signer's certificate, echo the nonce, and say thisUpdate = now, nextUpdate = now +
``validity``.

``respond(request_der) -> bytes`` never raises: unreadable requests are ``malformedRequest``,
certificates of a CA that is not this installation's are ``unauthorized``, and anything unexpected
``internalError`` (logged). A serial the CA never issued is ``unknown``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from asn1crypto import algos, core, ocsp
from asn1crypto import x509 as asn1_x509

from govnet.pki import x509
from govnet.pki.cms.signeddata import _tlv as tlv
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey
from govnet.pki.sm3 import sm3
from govnet.verdict import CheckResult, Verdict

if TYPE_CHECKING:
    from govnet.pki.service import PkiService

log = logging.getLogger(__name__)

OCSP_SIGNING = "1.3.6.1.5.5.7.3.9"
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)
_HASHES = ("sha1", "sha256", "sm3")  # CertID hash algorithms answered (OpenSSL sends SHA-1)


def _hash(algorithm: str, data: bytes) -> bytes:
    if algorithm == "sm3":
        return sm3(data)
    return hashlib.new(algorithm, data, usedforsecurity=algorithm != "sha1").digest()


def _key_bits(cert: asn1_x509.Certificate) -> bytes:
    # RFC 6960 4.1.1: issuerKeyHash is over the subjectPublicKey BIT STRING's value.
    return bytes(cert["tbs_certificate"]["subject_public_key_info"]["public_key"].native)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class ResponderKey:
    """How one CA's answers are signed: the delegated responder's certificate and key, or (no
    certificate) the CA's own key."""

    ca: asn1_x509.Certificate
    ca_serial: str  # the store's serial of the CA certificate
    key: SM2PrivateKey = field(repr=False)
    certificate: asn1_x509.Certificate | None = None
    sm2_id: bytes = field(default=DEFAULT_ID, repr=False)  # keep the default: b"" is for OpenSSL tests

    def matches(self, cert_id: ocsp.CertId) -> bool:
        algorithm = cert_id["hash_algorithm"]["algorithm"].native
        if algorithm not in _HASHES:
            return False
        name = _hash(algorithm, self.ca.subject.dump())
        key = _hash(algorithm, _key_bits(self.ca))
        return hmac.compare_digest(name, bytes(cert_id["issuer_name_hash"].native)) and hmac.compare_digest(
            key, bytes(cert_id["issuer_key_hash"].native)
        )

    @property
    def signer_certificate(self) -> asn1_x509.Certificate:
        return self.certificate or self.ca

    @cached_property
    def responder_id(self) -> ocsp.ResponderId:
        key_hash = hashlib.sha1(_key_bits(self.signer_certificate), usedforsecurity=False).digest()
        return ocsp.ResponderId.load(ocsp.ResponderId(name="by_key", value=key_hash).dump())

    @cached_property
    def certs_field(self) -> bytes:
        """BasicOCSPResponse.certs: the signer's certificate, the CA's own included, so clients need
        not have it at hand ([0] EXPLICIT SEQUENCE OF Certificate)."""
        return tlv(0xA0, tlv(0x30, self.signer_certificate.dump()))


@dataclass(frozen=True)
class Status:
    """What the store says about one serial under one CA."""

    state: str  # good | revoked | unknown
    revoked_at: dt.datetime | None = None
    reason: str | None = None  # asn1crypto CRLReason name


class OcspResponder:
    """Answers OCSP requests about the certificates of this installation's CAs."""

    def __init__(
        self,
        keys: Sequence[ResponderKey],
        lookup: Callable[[str, int], Status],
        *,
        validity: dt.timedelta = dt.timedelta(hours=1),
    ) -> None:
        """``lookup(ca_serial, serial) -> Status``; ``keys``: one per CA answered for."""
        self.keys = tuple(keys)
        self.lookup = lookup
        self.validity = validity

    @classmethod
    def open(cls, pki: PkiService, *, validity: dt.timedelta = dt.timedelta(hours=1)) -> OcspResponder:
        """The responder of an open ``PkiService``: keys decrypted once (the PKI passphrase)."""
        from govnet.pki import ca

        now = _now()
        delegated: dict[str, Any] = {}
        for record in pki.certificates(profile="ocsp", status="valid"):
            if record.not_before <= now < record.not_after and record.issuer_serial:
                delegated[record.issuer_serial] = record  # the newest wins (listing is oldest first)
        keys = []
        for authority in pki.authorities():
            serial = authority.record.serial
            if serial in delegated:
                record = delegated[serial]
                key = ca.private_key_of(pki.store, pki.settings, record.serial)
                keys.append(ResponderKey(authority.record.certificate, serial, key, record.certificate))
            else:
                issuer = ca.authority_signer(pki.store, pki.settings, authority)
                keys.append(ResponderKey(authority.record.certificate, serial, issuer.private_key))
        store = pki.store

        def lookup(ca_serial: str, serial: int) -> Status:
            record = ca.find_by_serial(store, serial)
            if record is None or record.issuer_serial != ca_serial:
                return Status("unknown")
            if record.status == "revoked":
                return Status(
                    "revoked", record.revoked_at, x509.REASONS.get(record.reason or "", "unspecified")
                )
            return Status("good")

        return cls(keys, lookup, validity=validity)

    def respond(self, request_der: bytes) -> bytes:
        """A DER OCSPResponse for a DER OCSPRequest."""
        try:
            request = ocsp.OCSPRequest.load(bytes(request_der), strict=True)
            request.native  # noqa: B018 - parse every field now
            items = list(request["tbs_request"]["request_list"])
        except _ASN1_ERRORS:
            return _status_only("malformed_request")
        if not items:
            return _status_only("malformed_request")
        try:
            return self._answer(request, items)
        except Exception:  # a service must answer every request; the cause goes to the log
            log.exception("ocsp: could not answer a request")
            return _status_only("internal_error")

    def _answer(self, request: ocsp.OCSPRequest, items: list[Any]) -> bytes:
        signers = []
        for item in items:
            found = next((k for k in self.keys if k.matches(item["req_cert"])), None)
            if found is None:
                return _status_only("unauthorized")
            signers.append(found)
        signer = signers[0]
        if any(s is not signer for s in signers):  # one response has one signer: ask per CA
            return _status_only("unauthorized")
        now = _now()
        responses = []
        for item in items:
            cert_id = item["req_cert"]
            status = self.lookup(signer.ca_serial, cert_id["serial_number"].native)
            responses.append(
                {
                    "cert_id": ocsp.CertId.load(cert_id.dump()),
                    "cert_status": _cert_status(status),
                    "this_update": now,
                    "next_update": now + self.validity,
                }
            )
        extensions = []
        for ext in request["tbs_request"]["request_extensions"] or []:
            if ext["extn_id"].native == "nonce":
                extensions.append(
                    {"extn_id": "nonce", "critical": False, "extn_value": ext["extn_value"].native}
                )
        data = ocsp.ResponseData(
            {
                "responder_id": signer.responder_id,
                "produced_at": now,
                "responses": responses,
                "response_extensions": extensions or None,
            }
        ).dump()
        # Assembled from DER parts: asn1crypto would re-encode the included certificate every time.
        basic = tlv(
            0x30,
            data
            + _SM2_SM3_ALGORITHM
            + core.OctetBitString(signer.key.sign(data, id=signer.sm2_id)).dump()
            + signer.certs_field,
        )
        return tlv(0x30, _SUCCESSFUL + tlv(0xA0, tlv(0x30, _BASIC_TYPE + core.OctetString(basic).dump())))


_SM2_SM3_ALGORITHM = algos.SignedDigestAlgorithm({"algorithm": x509.SM2_SM3_OID}).dump()
_SUCCESSFUL = ocsp.OCSPResponseStatus("successful").dump()
_BASIC_TYPE = ocsp.ResponseType("basic_ocsp_response").dump()


def _cert_status(status: Status) -> ocsp.CertStatus:
    if status.state == "good":
        return ocsp.CertStatus(name="good", value=core.Null())
    if status.state == "revoked":
        info: dict[str, Any] = {"revocation_time": status.revoked_at}
        if status.reason and status.reason != "unspecified":
            info["revocation_reason"] = status.reason
        return ocsp.CertStatus(name="revoked", value=info)
    return ocsp.CertStatus(name="unknown", value=core.Null())


def _status_only(status: str) -> bytes:
    return ocsp.OCSPResponse({"response_status": status}).dump()


# --- the client side: requests, and checking answers ----------------------------------------------


def build_request(
    certificate: asn1_x509.Certificate,
    issuer: asn1_x509.Certificate,
    *,
    nonce: bytes | None = None,
    hash_algorithm: str = "sha1",
) -> bytes:
    """A DER OCSPRequest for one certificate (what ``openssl ocsp -reqout`` makes)."""
    cert_id = {
        "hash_algorithm": {"algorithm": hash_algorithm},
        "issuer_name_hash": _hash(hash_algorithm, issuer.subject.dump()),
        "issuer_key_hash": _hash(hash_algorithm, _key_bits(issuer)),
        "serial_number": certificate.serial_number,
    }
    extensions = [{"extn_id": "nonce", "critical": False, "extn_value": nonce}] if nonce else None
    return ocsp.OCSPRequest(
        {"tbs_request": {"request_list": [{"req_cert": cert_id}], "request_extensions": extensions}}
    ).dump()


def verify_response(
    der: bytes,
    *,
    certificate: asn1_x509.Certificate,
    issuer: asn1_x509.Certificate,
    nonce: bytes | None = None,
    at: dt.datetime | None = None,
    allow_empty_sm2_id: bool = False,
    clock_skew: dt.timedelta = dt.timedelta(minutes=5),
    source: str = "OCSP response",
) -> Verdict:
    """Check an OCSP answer about ``certificate`` from its ``issuer``'s responder, one named check
    per fact: ``response_status``, ``responder`` (the issuer itself, or a certificate it issued for
    OCSPSigning), ``signature``, ``cert_status`` (good PASSED, revoked FAILED, unknown
    INDETERMINATE), ``nonce`` (when one was sent), ``freshness`` (thisUpdate/nextUpdate around ``at``)."""
    from govnet.pki.verify import Policy
    from govnet.pki.verify import _signature as signature_result

    serial = x509.serial_hex(certificate.serial_number)
    subject = f"OCSP status of {x509.name_text(certificate.subject)} (serial {serial})"
    at = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    try:
        response = ocsp.OCSPResponse.load(bytes(der), strict=True)
        status = response["response_status"].native
        if status != "successful":
            return Verdict(subject, (CheckResult.failed("response_status", f"the responder said {status}"),))
        basic = response["response_bytes"]["response"].parsed
        basic.native  # noqa: B018
    except _ASN1_ERRORS:
        return Verdict(subject, (CheckResult.failed("response_status", f"{source}: not a DER OCSPResponse"),))
    checks = [CheckResult.passed("response_status", "successful")]
    data = basic["tbs_response_data"]
    signer_cert, responder_check = _responder(basic, issuer, allow_empty_sm2_id)
    checks.append(responder_check)
    if signer_cert is not None:
        check = x509.verify_signature(
            x509.certificate_public_key(signer_cert, "responder certificate"),
            basic["signature_algorithm"]["algorithm"].dotted,
            bytes(basic["signature"].native),
            data.dump(),
        )
        checks.append(
            signature_result(
                check, "signature", Policy(allow_empty_sm2_id=allow_empty_sm2_id), "the response"
            )
        )
    single = _single_for(data, certificate, issuer)
    if single is None:
        checks.append(CheckResult.failed("cert_status", "the response says nothing about this certificate"))
        return Verdict(subject, tuple(checks))
    state = single["cert_status"]
    if state.name == "good":
        checks.append(CheckResult.passed("cert_status", "good"))
    elif state.name == "revoked":
        info = state.chosen
        when = info["revocation_time"].native
        reason = info["revocation_reason"].native if info["revocation_reason"].native else "unspecified"
        checks.append(
            CheckResult.failed(
                "cert_status",
                f"REVOKED on {when:%Y-%m-%d %H:%M:%S}Z ({x509.reason_label(reason)})",
                revoked_at=when.isoformat(),
                revocation_reason=x509.reason_label(reason),
            )
        )
    else:
        checks.append(CheckResult.indeterminate("cert_status", "unknown to the responder"))
    if nonce is not None:
        echoed = next(
            (
                e["extn_value"].native
                for e in data["response_extensions"] or []
                if e["extn_id"].native == "nonce"
            ),
            None,
        )
        checks.append(
            CheckResult.passed("nonce", "echoed")
            if echoed is not None and hmac.compare_digest(bytes(echoed), nonce)
            else CheckResult.failed("nonce", "the response does not echo the request's nonce (a replay?)")
        )
    this_update, next_update = single["this_update"].native, single["next_update"].native
    if this_update > at + clock_skew:
        checks.append(
            CheckResult.failed("freshness", f"thisUpdate {this_update:%Y-%m-%d %H:%M:%S}Z is in the future")
        )
    elif next_update is not None and next_update < at:
        checks.append(
            CheckResult.failed("freshness", f"stale: nextUpdate was {next_update:%Y-%m-%d %H:%M:%S}Z")
        )
    else:
        checks.append(
            CheckResult.passed(
                "freshness",
                f"thisUpdate {this_update:%Y-%m-%d %H:%M:%S}Z"
                + (f", nextUpdate {next_update:%Y-%m-%d %H:%M:%S}Z" if next_update else ""),
            )
        )
    return Verdict(subject, tuple(checks))


def _single_for(
    data: ocsp.ResponseData, certificate: asn1_x509.Certificate, issuer: asn1_x509.Certificate
) -> Any:
    for single in data["responses"]:
        cert_id = single["cert_id"]
        algorithm = cert_id["hash_algorithm"]["algorithm"].native
        if algorithm not in _HASHES or cert_id["serial_number"].native != certificate.serial_number:
            continue
        if _hash(algorithm, issuer.subject.dump()) == bytes(cert_id["issuer_name_hash"].native) and _hash(
            algorithm, _key_bits(issuer)
        ) == bytes(cert_id["issuer_key_hash"].native):
            return single
    return None


def _responder(
    basic: ocsp.BasicOCSPResponse, issuer: asn1_x509.Certificate, allow_empty_sm2_id: bool
) -> tuple[asn1_x509.Certificate | None, CheckResult]:
    """Who signed (RFC 6960 4.2.2.2): the issuer itself, or a certificate in the response that the
    issuer signed and that carries EKU OCSPSigning."""
    responder_id = basic["tbs_response_data"]["responder_id"]

    def named(cert: asn1_x509.Certificate) -> bool:
        if responder_id.name == "by_key":
            return hashlib.sha1(_key_bits(cert), usedforsecurity=False).digest() == bytes(
                responder_id.chosen.native
            )
        return cert.subject.hashable == responder_id.chosen.hashable

    if named(issuer):
        return issuer, CheckResult.passed("responder", f"the CA itself ({x509.name_text(issuer.subject)})")
    for cert in basic["certs"] or []:
        if not named(cert):
            continue
        check = x509.check_certificate_signature(cert, x509.certificate_public_key(issuer, "issuer"))
        if not check.valid or (check.signer_id is x509.SignerId.EMPTY and not allow_empty_sm2_id):
            return None, CheckResult.failed(
                "responder", "the responder's certificate is not signed by the CA"
            )
        eku = x509.extension(cert, "extended_key_usage")
        if eku is None or OCSP_SIGNING not in {p.dotted for p in eku}:
            return None, CheckResult.failed("responder", "the responder's certificate lacks EKU OCSPSigning")
        not_before, not_after = x509.validity(cert)
        now = dt.datetime.now(dt.UTC)
        if not not_before <= now <= not_after:
            return None, CheckResult.failed("responder", "the responder's certificate is not valid now")
        return cert, CheckResult.passed(
            "responder", f"delegated by the CA: {x509.name_text(cert.subject)} (OCSPSigning)"
        )
    return None, CheckResult.failed("responder", "signed by neither the CA nor a responder it delegated")
