"""An RFC 3161 time-stamp authority signing with SM2/SM3, and the verification of its tokens.

A time-stamp token is GM/T 0010 / PKCS#7 SignedData (``govnet.pki.cms.signeddata``) whose content is a
DER ``TSTInfo`` (eContentType id-ct-TSTInfo, SignedData version 3), signed with the TSA certificate's
key (profile ``tsa``: EKU timeStamping, critical) over signed attributes contentType, signingTime,
messageDigest and the ESS signingCertificateV2 that binds the TSA certificate (SM3 hash). Requests are
DER ``TimeStampReq``; every answer is a DER ``TimeStampResp``: granted with a token, or a rejection
with a failInfo bit — never an exception, whatever the bytes (the signing service posts them as they
come). asn1crypto's ``tsp`` module holds the structures.

Serial numbers are 159 random bits, as certificates' are: unique across service workers with no
shared counter to lock. genTime is whole seconds, with an accuracy of one second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asn1crypto import core, tsp
from asn1crypto import x509 as asn1_x509

from govnet.errors import InputError, NotFoundError
from govnet.pki import x509
from govnet.pki.cms.signeddata import (
    CmsTrust,
    ParsedSignedData,
    Style,
    TrustLike,
    parse_signed_data,
    sign_data,
    verify_signed_data,
)
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey
from govnet.pki.sm3 import sm3
from govnet.verdict import CheckResult, Verdict

if TYPE_CHECKING:
    from govnet.pki.service import PkiService

log = logging.getLogger(__name__)

NO_TRUST = CmsTrust()  # verify the token alone: its chain is then INDETERMINATE (untrusted)

TST_INFO = "1.2.840.113549.1.9.16.1.4"  # id-ct-TSTInfo
SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12"  # ESS signingCertificate (SHA-1)
SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"  # ESS signingCertificateV2 (any hash)
TIME_STAMPING = "1.3.6.1.5.5.7.3.8"  # id-kp-timeStamping

# Hash algorithms a request may name (asn1crypto names), with their digest sizes.
HASHES = {"sm3": 32, "sha256": 32, "sha384": 48, "sha512": 64}
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


def digest(data: bytes, algorithm: str) -> bytes:
    """``data`` hashed with one of HASHES."""
    if algorithm == "sm3":
        return sm3(data)
    if algorithm in HASHES:
        return hashlib.new(algorithm, data).digest()
    raise InputError(f"hash algorithm {algorithm!r} is not one of {', '.join(HASHES)}")


def digest_file(path: Any, algorithm: str) -> bytes:
    """A file hashed with one of HASHES in bounded memory (``InputError`` naming an unreadable file)."""
    from govnet.pki.sm3 import sm3_file

    if algorithm not in HASHES:
        raise InputError(f"hash algorithm {algorithm!r} is not one of {', '.join(HASHES)}")
    try:
        if algorithm == "sm3":
            return sm3_file(path)
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, algorithm).digest()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


class Rejection(Exception):
    """Why a request is refused: the PKIFailureInfo bit and the text sent back."""

    def __init__(self, fail_info: str, text: str) -> None:
        super().__init__(text)
        self.fail_info = fail_info
        self.text = text


@dataclass(frozen=True)
class Request:
    """A time-stamp request's parts, as read from a TimeStampReq."""

    hash_algorithm: str
    digest: bytes
    nonce: int | None = None
    cert_req: bool = False
    policy: str | None = None


def parse_request(der: bytes) -> Request:
    """A TimeStampReq's content; Rejection for what this TSA cannot or will not answer."""
    try:
        request = tsp.TimeStampReq.load(bytes(der), strict=True)
        request.native  # noqa: B018 - parse every field now
    except _ASN1_ERRORS:
        raise Rejection("bad_data_format", "not a DER TimeStampReq") from None
    if request["version"].native != "v1":
        raise Rejection("bad_request", f"request version {request['version'].native} is not 1")
    imprint = request["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"]
    name = algorithm.native
    if name not in HASHES:
        raise Rejection(
            "bad_alg", f"hash algorithm {algorithm.dotted} is not SM3, SHA-256, SHA-384 or SHA-512"
        )
    value = bytes(imprint["hashed_message"].native)
    if len(value) != HASHES[name]:
        raise Rejection(
            "bad_data_format", f"a {name} imprint has {HASHES[name]} bytes, this one {len(value)}"
        )
    if request["extensions"].native:
        raise Rejection("unaccepted_extensions", "this TSA accepts no request extensions")
    policy = request["req_policy"].dotted if request["req_policy"].native is not None else None
    return Request(name, value, request["nonce"].native, bool(request["cert_req"].native), policy)


def build_request(
    data_digest: bytes, hash_algorithm: str = "sm3", *, nonce: int | None = None, cert_req: bool = True
) -> bytes:
    """A DER TimeStampReq for a digest (what ``openssl ts -query`` makes)."""
    return tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": hash_algorithm},
                "hashed_message": data_digest,
            },
            "nonce": nonce,
            "cert_req": cert_req,
        }
    ).dump()


class TimeStampResp(core.Sequence):
    """RFC 3161 TimeStampResp. asn1crypto's makes the token mandatory, so a rejection (which has
    none) could neither be written nor read with it; the token is kept as the exact bytes."""

    _fields = [  # noqa: RUF012 - asn1crypto's declaration style
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", core.Any, {"optional": True}),
    ]


def rejection(fail_info: str, text: str) -> bytes:
    """A DER TimeStampResp refusing with ``fail_info`` (asn1crypto's PKIFailureInfo name, such as
    ``system_failure``): also what a service without a TSA answers, as RFC 3161 clients expect."""
    return TimeStampResp(
        {"status": {"status": "rejection", "status_string": [text], "fail_info": {fail_info}}}
    ).dump()


@dataclass
class TimeStampAuthority:
    """Answers time-stamp requests with the TSA certificate's key (decrypted once)."""

    key: SM2PrivateKey = field(repr=False)
    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...] = ()  # the issuers, nearest first (sent on certReq)
    policy: str = ""
    sm2_id: bytes | None = field(default=None, repr=False)  # None: the default ID (tests pass b"")
    clock: Callable[[], dt.datetime] | None = field(default=None, repr=False)  # None: the system clock

    def __post_init__(self) -> None:
        if x509.certificate_public_key(self.certificate, "TSA certificate") != self.key.public_key():
            raise InputError("the TSA's private key does not belong to its certificate")
        problem = tsa_usage_problem(self.certificate)
        if problem:
            raise InputError(f"the certificate cannot sign time-stamps: {problem}")
        # Parsed from DER once: asn1crypto re-encodes objects built in memory on every dump().
        self._ess = tsp.SigningCertificateV2.load(_ess_attribute(self.certificate).dump())
        self._tsa_name = asn1_x509.GeneralName.load(
            asn1_x509.GeneralName(name="directory_name", value=self.certificate.subject).dump()
        )

    @classmethod
    def open(cls, pki: PkiService, serial: str | None = None) -> TimeStampAuthority:
        """The TSA of an open ``PkiService``: the certificate ``serial`` (default: the newest valid
        ``tsa`` certificate in the store) and its store-held key (the PKI passphrase decrypts it)."""
        from govnet.pki import ca

        if serial is None:
            now = dt.datetime.now(dt.UTC)
            found = [
                r
                for r in pki.certificates(profile="tsa", status="valid")
                if r.not_before <= now < r.not_after
            ]
            if not found:
                raise NotFoundError("no valid TSA certificate (profile tsa) in the store")
            serial = found[-1].serial
        record = pki.certificate(serial)
        if record.profile != "tsa":
            raise InputError(f"certificate {record.serial} is a {record.profile} certificate, not a TSA's")
        if record.status != "valid":
            raise InputError(f"TSA certificate {record.serial} is {record.status}")
        key = ca.private_key_of(pki.store, pki.settings, record.serial)
        chain = tuple(r.certificate for r in pki.chain(record.serial)[1:])
        return cls(key, record.certificate, chain, pki.settings.pki.tsa_policy)

    # --- answering ------------------------------------------------------------------------------

    def respond(self, request_der: bytes) -> bytes:
        """A DER TimeStampResp for a DER TimeStampReq: granted with a token, or a rejection."""
        try:
            request = parse_request(request_der)
            if request.policy is not None and request.policy != self.policy:
                raise Rejection("unaccepted_policy", f"this TSA answers under policy {self.policy} only")
            token = self._token(request)
        except Rejection as exc:
            return rejection(exc.fail_info, exc.text)
        except Exception:  # a service must answer every request; the cause goes to the log
            log.exception("tsa: could not answer a time-stamp request")
            return rejection("system_failure", "the time-stamp authority failed; try again")
        return TimeStampResp(
            {"status": {"status": "granted"}, "time_stamp_token": core.Any.load(token)}
        ).dump()

    def stamp(self, data_digest: bytes, hash_algorithm: str = "sm3", *, nonce: int | None = None) -> bytes:
        """A time-stamp token (DER ContentInfo) over a digest, with the TSA's certificates."""
        if hash_algorithm not in HASHES or len(data_digest) != HASHES.get(hash_algorithm, -1):
            raise InputError(
                f"a {hash_algorithm} digest must be {HASHES.get(hash_algorithm, '?')} bytes, "
                f"got {len(data_digest)}"
                if hash_algorithm in HASHES
                else f"hash algorithm {hash_algorithm!r} is not one of {', '.join(HASHES)}"
            )
        return self._token(Request(hash_algorithm, bytes(data_digest), nonce, cert_req=True))

    def _token(self, request: Request) -> bytes:
        now = (
            (self.clock() if self.clock else dt.datetime.now(dt.UTC))
            .astimezone(dt.UTC)
            .replace(microsecond=0)
        )
        info = tsp.TSTInfo(
            {
                "version": "v1",
                "policy": self.policy,
                "message_imprint": {
                    "hash_algorithm": {"algorithm": request.hash_algorithm},
                    "hashed_message": request.digest,
                },
                "serial_number": x509.random_serial(),
                "gen_time": now,
                "accuracy": {"seconds": 1},
                "nonce": request.nonce,
                "tsa": self._tsa_name,
            }
        )
        return sign_data(
            info.dump(),
            self.key,
            self.certificate,
            chain=self.chain,
            style=Style.PKCS7,
            signing_time=now,
            content_type=TST_INFO,
            extra_attributes=[(SIGNING_CERTIFICATE_V2, self._ess)],
            include_certificates=request.cert_req,
            sm2_id=DEFAULT_ID if self.sm2_id is None else self.sm2_id,
        )


def _ess_attribute(cert: asn1_x509.Certificate) -> tsp.SigningCertificateV2:
    """ESS signingCertificateV2 naming the TSA certificate by its SM3 hash, issuer and serial."""
    return tsp.SigningCertificateV2(
        {
            "certs": [
                {
                    "hash_algorithm": {"algorithm": "sm3"},
                    "cert_hash": sm3(cert.dump()),
                    "issuer_serial": {
                        "issuer": [asn1_x509.GeneralName(name="directory_name", value=cert.issuer)],
                        "serial_number": cert.serial_number,
                    },
                }
            ]
        }
    )


def tsa_usage_problem(cert: asn1_x509.Certificate) -> str | None:
    """What RFC 3161 2.3 finds wrong with a TSA certificate's extended key usage, or None."""
    found = [e for e in cert["tbs_certificate"]["extensions"] if e["extn_id"].native == "extended_key_usage"]
    if len(found) != 1:
        return "it has no extended key usage" if not found else "it has several extended key usage extensions"
    purposes = [p.dotted for p in found[0]["extn_value"].parsed]
    if purposes != [TIME_STAMPING]:
        return f"its extended key usage is {', '.join(purposes)}, not timeStamping alone"
    if not found[0]["critical"].native:
        return "its extended key usage timeStamping is not marked critical"
    return None


# --- reading and verifying tokens ---------------------------------------------------------------


@dataclass(frozen=True)
class TimeStamp:
    """What a token's TSTInfo says."""

    gen_time: dt.datetime
    serial: int
    policy: str
    hash_algorithm: str  # asn1crypto name, or the dotted OID when unknown
    digest: bytes
    nonce: int | None
    tsa: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "gen_time": self.gen_time.isoformat(),
            "serial": x509.serial_hex(self.serial),
            "policy": self.policy,
            "hash_algorithm": self.hash_algorithm,
            "digest": self.digest.hex(),
            "nonce": self.nonce,
            "tsa": self.tsa,
        }


@dataclass(frozen=True)
class Response:
    """A TimeStampResp: its status and, when granted, the token."""

    status: str
    fail_info: tuple[str, ...]
    text: str
    token: bytes | None


def read_response(der: bytes, source: str = "time-stamp response") -> Response:
    try:
        response = TimeStampResp.load(bytes(der), strict=True)
        status = response["status"]
        fail = status["fail_info"].native
        token = response["time_stamp_token"]
        return Response(
            str(status["status"].native),
            tuple(sorted(fail)) if fail else (),
            "; ".join(status["status_string"].native or []),
            None if isinstance(token, core.Void) else token.dump(),
        )
    except _ASN1_ERRORS:
        raise InputError(f"{source}: not a DER TimeStampResp") from None


def token_of(der: bytes, source: str = "time-stamp") -> bytes:
    """The token in ``der``: a TimeStampResp (``.tsr``, granted) or a bare token (ContentInfo)."""
    try:
        first = core.Sequence.load(bytes(der))[0]
    except _ASN1_ERRORS:
        raise InputError(f"{source}: neither a time-stamp response nor a token") from None
    if isinstance(first, core.Any) and first.contents and first.dump()[:1] == b"\x06":
        return bytes(der)  # ContentInfo starts with its content type OID
    response = read_response(der, source)
    if response.token is None:
        raise InputError(
            f"{source}: the response holds no token: {response.status}"
            + (f" ({', '.join(response.fail_info)})" if response.fail_info else "")
            + (f": {response.text}" if response.text else "")
        )
    return response.token


def read_token(token: bytes | ParsedSignedData, source: str = "time-stamp token") -> TimeStamp:
    """What a token's TSTInfo says (``token``: DER, or SignedData parsed already)."""
    parsed = token if isinstance(token, ParsedSignedData) else parse_signed_data(token, source)
    if parsed.content_type != TST_INFO or parsed.content is None:
        raise InputError(f"{source}: the signed content is {parsed.content_type}, not a TSTInfo")
    try:
        info = tsp.TSTInfo.load(parsed.content, strict=True)
        info.native  # noqa: B018
        algorithm = info["message_imprint"]["hash_algorithm"]["algorithm"]
        tsa = info["tsa"]
        return TimeStamp(
            gen_time=info["gen_time"].native,
            serial=info["serial_number"].native,
            policy=info["policy"].dotted,
            hash_algorithm=algorithm.native if algorithm.native in HASHES else algorithm.dotted,
            digest=bytes(info["message_imprint"]["hashed_message"].native),
            nonce=info["nonce"].native,
            tsa=x509.name_text(tsa.chosen) if tsa.name == "directory_name" else None,
        )
    except _ASN1_ERRORS:
        raise InputError(f"{source}: the TSTInfo is unreadable") from None


def verify_token(
    token: bytes,
    data_digest: bytes | None,
    *,
    hash_algorithm: str | None = None,
    trust: TrustLike = NO_TRUST,
    allow_empty_sm2_id: bool = False,
    at: dt.datetime | None = None,
    source: str = "time-stamp token",
) -> Verdict:
    """Verify a token: the SignedData's signature and the TSA's chain (``verify_signed_data``), then
    ``tst_info``, ``imprint`` (against ``data_digest``, made with the token's own hash algorithm
    unless ``hash_algorithm`` insists on one), ``tsa_certificate`` (EKU timeStamping alone, critical)
    and ``signing_certificate`` (the ESS attribute names the signer's certificate)."""
    try:
        parsed = parse_signed_data(token, source)
    except InputError as exc:
        return Verdict(source, (CheckResult.failed("structure", str(exc)),))
    verdict = verify_signed_data(
        parsed, trust=trust, allow_empty_sm2_id=allow_empty_sm2_id, at=at, source=source
    )
    checks = list(verdict.checks)
    try:
        stamp = read_token(parsed, source)
    except InputError as exc:
        return Verdict(verdict.subject, (*checks, CheckResult.failed("tst_info", str(exc))))
    checks.append(
        CheckResult.passed(
            "tst_info", f"time-stamped at {stamp.gen_time:%Y-%m-%d %H:%M:%S}Z", **stamp.to_dict()
        )
    )
    checks.append(_imprint_check(stamp, data_digest, hash_algorithm))
    signer = parsed.signers[0]
    cert = next(
        (
            c
            for c in (*parsed.certificates, *trust.intermediates, *trust.roots)
            if signer.serial == c.serial_number
            and signer.issuer is not None
            and c.issuer.hashable == signer.issuer.hashable
        ),
        None,
    )
    if cert is not None:
        problem = tsa_usage_problem(cert)
        checks.append(
            CheckResult.failed("tsa_certificate", f"not a TSA certificate: {problem}")
            if problem
            else CheckResult.passed("tsa_certificate", "extended key usage timeStamping alone, critical")
        )
        checks.append(_ess_check(signer.attributes, cert))
        not_before, not_after = x509.validity(cert)
        if not not_before <= stamp.gen_time <= not_after:
            checks.append(
                CheckResult.failed(
                    "gen_time",
                    f"genTime {stamp.gen_time:%Y-%m-%d %H:%M:%S}Z is outside the TSA certificate's validity",
                )
            )
    subject = f"time-stamp {stamp.gen_time:%Y-%m-%d %H:%M:%S}Z by {stamp.tsa or verdict.subject}"
    return Verdict(subject, tuple(checks))


def _imprint_check(stamp: TimeStamp, data_digest: bytes | None, wanted: str | None) -> CheckResult:
    evidence = {"hash_algorithm": stamp.hash_algorithm, "imprint": stamp.digest.hex()}
    if wanted is not None and stamp.hash_algorithm != wanted:
        return CheckResult.failed(
            "imprint", f"the token's imprint is {stamp.hash_algorithm}, {wanted} was expected", **evidence
        )
    if data_digest is None:
        return CheckResult.indeterminate("imprint", "no data given to compare the imprint with", **evidence)
    if hmac.compare_digest(bytes(data_digest), stamp.digest):
        return CheckResult.passed("imprint", f"the {stamp.hash_algorithm} of the data matches", **evidence)
    return CheckResult.failed(
        "imprint",
        "the time-stamp is over other data: its imprint differs from the data's hash",
        actual=bytes(data_digest).hex(),
        **evidence,
    )


def _ess_check(attributes: dict[str, list[bytes]], cert: asn1_x509.Certificate) -> CheckResult:
    """RFC 3161 2.4.1 / RFC 5816: the signed ESS attribute must name the TSA's certificate."""
    der = cert.dump()
    try:
        for value in attributes.get(SIGNING_CERTIFICATE_V2, []):
            ids = tsp.SigningCertificateV2.load(value)["certs"]
            first = ids[0]
            name = first["hash_algorithm"]["algorithm"].native
            if name in HASHES and hmac.compare_digest(digest(der, name), bytes(first["cert_hash"].native)):
                return CheckResult.passed(
                    "signing_certificate", f"ESS signingCertificateV2 ({name}) names it"
                )
            return CheckResult.failed(
                "signing_certificate", "ESS signingCertificateV2 names another certificate"
            )
        for value in attributes.get(SIGNING_CERTIFICATE, []):
            first = tsp.SigningCertificate.load(value)["certs"][0]
            sha1 = hashlib.sha1(der, usedforsecurity=False).digest()
            if hmac.compare_digest(sha1, bytes(first["cert_hash"].native)):
                return CheckResult.passed("signing_certificate", "ESS signingCertificate (SHA-1) names it")
            return CheckResult.failed(
                "signing_certificate", "ESS signingCertificate names another certificate"
            )
    except _ASN1_ERRORS:
        return CheckResult.failed(
            "signing_certificate", "the ESS signing-certificate attribute is unreadable"
        )
    return CheckResult.failed(
        "signing_certificate", "no ESS signingCertificate(V2) attribute: RFC 3161 requires one"
    )


def verify_response_or_token(
    data: bytes, data_digest: bytes | None, *, source: str, **kwargs: Any
) -> Verdict:
    """``verify_token`` over a TimeStampResp or a bare token; an unreadable or rejected response is a
    FAILED ``structure`` check."""
    try:
        token = token_of(data, source)
    except InputError as exc:
        return Verdict(source, (CheckResult.failed("structure", str(exc)),))
    return verify_token(token, data_digest, source=source, **kwargs)
