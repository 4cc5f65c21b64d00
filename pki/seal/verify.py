"""Verify seals and seal signatures: a Verdict with one named check per fact.

    structure            the bytes parse as a v4 or v1 structure (quirks accepted are listed as
                         ``quirk[name]`` notes, each PASSED with what was found)
    seal_signature       the seal maker's SM2 signature over what the version says is signed
    seal_validity        the judged time lies within the seal's validStart..validEnd
    seal_status          the seal is not revoked in this installation's store (when the store knows it)
    signer_listed        the signer's certificate is one the seal lists (as a certificate or a digest)
    signer_signature     the signer's SM2 signature over the DER of TBS_Sign
    document_hash        the SM3 the caller computed equals TBS_Sign's dataHash
    chain[seal maker]    the certificate paths to trusted roots, by ``govnet.pki.verify.verify_path``
    chain[signer]        (an untrusted issuer is INDETERMINATE: untrusted, never a bad signature)
    revocation[...]      each certificate on those paths against its issuer's newest CRL
    signing_time         the claimed signing time lies within the seal's and both certificates'
                         validity periods, not after the validation time, and not after the
                         signature's own time-stamp
    time_stamp           (only when the signature carries one) the RFC 3161 token over the signature
                         value: its SM2 signature, the TSA's chain and EKU, and its imprint equal to
                         the hash of the signature value (``govnet.pki.tsa.verify_token``); the
                         time-stamp's time is in the reason and the evidence

When each time-dependent check is judged is ``govnet.pki.seal.timing``'s decision: at the validation
time (now, or ``SealPolicy.at``), or -- when the time-stamp PASSED, so is proof of existence -- at its
genTime. Expired since signing without proof is INDETERMINATE, never FAILED; revocations are judged
against the proof. Every such check's evidence says which time judged it (``judged_at``, ``basis``).
The SM2 ID rule is the PKI core's: the default ID verifies; the empty one only when allowed, and named.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509

from govnet.errors import InputError
from govnet.pki import x509
from govnet.pki.seal.model import Quirk, Seal, SealSignature
from govnet.pki.seal.reader import read_seal, read_signature
from govnet.pki.seal.timing import Timing, from_time_stamp, rejudge, validation_time
from govnet.pki.seal.writer import listed
from govnet.pki.verify import Policy, verify_path
from govnet.pki.verify import _issuer_key as certificate_key  # parsed once per certificate
from govnet.pki.verify import _signature as signature_result  # the PKI core's SM2 ID rule
from govnet.verdict import CheckResult, Status, Verdict, combine


@dataclass(frozen=True)
class Trust:
    """What a verifier trusts: roots, extra intermediates, CRLs, and seal statuses it knows."""

    roots: Sequence[asn1_x509.Certificate] = ()
    intermediates: Sequence[asn1_x509.Certificate] = ()
    crls: Sequence[asn1_crl.CertificateList] = ()
    seal_status: Mapping[str, str] = field(default_factory=dict)  # esID -> active | revoked
    _paths: dict[tuple[bytes, Policy], Verdict] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Objects built in memory re-encode themselves on every dump(); path building dumps each
        # certificate many times. Parsed ones keep their bytes: hold parsed copies.
        object.__setattr__(self, "roots", tuple(asn1_x509.Certificate.load(c.dump()) for c in self.roots))
        object.__setattr__(
            self, "intermediates", tuple(asn1_x509.Certificate.load(c.dump()) for c in self.intermediates)
        )
        object.__setattr__(self, "crls", tuple(asn1_crl.CertificateList.load(c.dump()) for c in self.crls))

    def path(self, cert: asn1_x509.Certificate, policy: Policy) -> Verdict:
        """``verify_path`` against this trust, remembered per (certificate, policy): a verifier sees
        the same seal makers' certificates in signature after signature. Exact, because the answer
        depends on nothing else (the trust is fixed, and ``policy.at`` is whole seconds)."""
        key = (cert.dump(), policy)
        verdict = self._paths.get(key)
        if verdict is None:
            if len(self._paths) >= 256:
                self._paths.clear()
            verdict = verify_path(
                cert, intermediates=self.intermediates, roots=self.roots, crls=self.crls, policy=policy
            )
            self._paths[key] = verdict
        return verdict


@dataclass(frozen=True)
class SealPolicy:
    allow_empty_sm2_id: bool = False
    at: dt.datetime | None = None
    clock_skew: dt.timedelta = dt.timedelta(minutes=5)  # a signing time this far ahead is tolerated

    def pki(self, at: dt.datetime) -> Policy:
        return Policy(allow_empty_sm2_id=self.allow_empty_sm2_id, at=at)


def verify_signature(
    der: bytes,
    *,
    data_hash: bytes | None,
    trust: Trust,
    policy: SealPolicy = SealPolicy(),
    source: str = "signature",
) -> Verdict:
    """Verify a SES_Signature (v4 or v1) against the document hash the caller computed."""
    try:
        parsed = read_signature(der, source)
    except InputError as exc:
        return Verdict(source, (CheckResult.failed("structure", str(exc)),))
    return check_signature(parsed, data_hash=data_hash, trust=trust, policy=policy)


def verify_seal(
    der: bytes, *, trust: Trust, policy: SealPolicy = SealPolicy(), source: str = "seal"
) -> Verdict:
    """Verify a seal on its own: structure, the maker's signature, validity, status, the maker's chain."""
    try:
        seal = read_seal(der, source)
    except InputError as exc:
        return Verdict(source, (CheckResult.failed("structure", str(exc)),))
    timing = Timing(_validation_time(policy), alone=True)  # no signature to date
    checks = [_structure(seal.version, "seal", seal.vendor_id), *_quirks(seal.quirks)]
    checks += _seal_checks(seal, trust, policy, timing)
    checks += _chain(seal.maker_certificate, "seal maker", trust, policy, timing)
    return Verdict(_seal_subject(seal), tuple(checks))


def check_signature(
    sig: SealSignature, *, data_hash: bytes | None, trust: Trust, policy: SealPolicy = SealPolicy()
) -> Verdict:
    at = _validation_time(policy)
    seal = sig.seal
    # The time-stamp first: when it is proof of existence, everything time-dependent is judged at
    # its genTime (``timing``); the checks that do not depend on time are the same either way.
    stamp = _time_stamp(sig, trust, policy, at) if sig.time_stamp is not None else None
    timing = from_time_stamp(at, sig.sign_time, stamp)
    checks = [_structure(sig.version, "signature", seal.vendor_id), *_quirks(sig.quirks)]
    checks += _seal_checks(seal, trust, policy, timing)
    checks.append(_signer_listed(sig))
    checks.append(
        _sm2(
            "signer_signature",
            sig.signer_certificate,
            sig.algorithm,
            sig.signature,
            sig.signed_bytes,
            policy,
            "the signer's signature over TBS_Sign",
        )
    )
    checks.append(_document_hash(sig, data_hash))
    checks += _chain(seal.maker_certificate, "seal maker", trust, policy, timing)
    checks += _chain(sig.signer_certificate, "signer", trust, policy, timing)
    checks.append(_signing_time(sig, timing, policy))
    if stamp is not None:
        checks.append(stamp)
    subject = f"{_seal_subject(seal)}, signed by {x509.common_name(sig.signer_certificate.subject)}"
    return Verdict(subject, tuple(checks))


def _validation_time(policy: SealPolicy) -> dt.datetime:
    return validation_time(policy.at)


def _seal_subject(seal: Seal) -> str:
    return f"seal {seal.name!r} ({seal.es_id})"


def _structure(version: int, kind: str, vendor: str) -> CheckResult:
    standard = "GB/T 38540-2020" if version == 4 else "GM/T 0031-2014"
    return CheckResult.passed(
        "structure", f"{kind}, structure version {version} ({standard}), vendor {vendor!r}", version=version
    )


def _quirks(quirks: Sequence[Quirk]) -> list[CheckResult]:
    return [CheckResult.passed(f"quirk[{q.name}]", f"accepted: {q.detail}") for q in quirks]


def _seal_checks(seal: Seal, trust: Trust, policy: SealPolicy, timing: Timing) -> list[CheckResult]:
    checks = [
        _sm2(
            "seal_signature",
            seal.maker_certificate,
            seal.algorithm,
            seal.signature,
            seal.signed_bytes,
            policy,
            "the seal maker's signature over "
            + ("SES_SealInfo" if seal.version == 4 else "SEQUENCE(sealInfo, cert, algorithm)"),
        ),
        timing.validity("seal_validity", "the seal", seal.valid_start, seal.valid_end),
    ]
    status = trust.seal_status.get(seal.es_id)
    if status == "revoked":
        checks.append(CheckResult.failed("seal_status", "the seal is revoked in this installation's store"))
    elif status is not None:
        checks.append(CheckResult.passed("seal_status", f"{status} in this installation's store"))
    return checks


def _sm2(
    name: str,
    cert: asn1_x509.Certificate,
    algorithm: str,
    signature: bytes,
    data: bytes,
    policy: SealPolicy,
    what: str,
) -> CheckResult:
    try:
        key = certificate_key(cert.dump())
    except InputError as exc:
        return CheckResult.failed(name, f"{what}: the certificate's key cannot verify it ({exc})")
    check = x509.verify_signature(key, algorithm, signature, data)
    return signature_result(check, name, policy.pki(dt.datetime.now(dt.UTC)), what)


def _signer_listed(sig: SealSignature) -> CheckResult:
    who = x509.name_text(sig.signer_certificate.subject)
    how = "certificates" if sig.seal.cert_list_type == 1 else "certificate digests"
    if listed(sig.seal, sig.signer_certificate):
        return CheckResult.passed("signer_listed", f"{who} is among the seal's {how}")
    return CheckResult.failed(
        "signer_listed", f"{who} is not among the seal's {len(sig.seal.cert_list)} {how}: not a holder"
    )


def _document_hash(sig: SealSignature, data_hash: bytes | None) -> CheckResult:
    if data_hash is None:
        return CheckResult.indeterminate("document_hash", "no document given to compare dataHash with")
    if hmac.compare_digest(bytes(data_hash), sig.data_hash):
        return CheckResult.passed(
            "document_hash", "SM3 of the document equals dataHash", sm3=sig.data_hash.hex()
        )
    return CheckResult.failed(
        "document_hash",
        "the document's SM3 differs from the signed dataHash: the document was changed",
        expected=sig.data_hash.hex(),
        actual=bytes(data_hash).hex(),
    )


def _chain(
    cert: asn1_x509.Certificate, role: str, trust: Trust, policy: SealPolicy, timing: Timing
) -> list[CheckResult]:
    """The PKI core's path validation at ``timing.judged_at``, its validity and revocation checks
    judged by ``timing``, folded into one chain check and one revocation check."""
    verdict = trust.path(cert, policy.pki(timing.judged_at))
    judged = rejudge(verdict.checks, timing)
    revocation = [c for c in judged if c.name.startswith("revocation[")]
    rest = [c for c in judged if not c.name.startswith("revocation[")]
    rest.append(_signing_usage(cert))
    anchor = next(c for c in rest if c.name == "chain")
    details = [c.to_dict() for c in rest]
    name = f"chain[{role}]"
    evidence = {"checks": details, **timing.evidence()}
    if anchor.status is not Status.PASSED:
        # Untrusted is INDETERMINATE -- unless something is wrong whoever the issuer is (a broken
        # signature on the way up, a key not for signing, not yet valid): that stays FAILED.
        broken = [f"{c.name}: {c.reason}" for c in rest if c.status is Status.FAILED and c is not anchor]
        status = Status.FAILED if broken else Status.INDETERMINATE
        expired = [f"{c.name}: {c.reason}" for c in rest if c.status is Status.INDETERMINATE]
        reason = "; ".join([f"untrusted: {anchor.reason}", *broken, *expired])
        chain = CheckResult(name, status, reason, evidence)
    else:
        status = combine(c.status for c in rest)
        problems = [f"{c.name}: {c.reason}" for c in rest if c.status is not Status.PASSED]
        chain = CheckResult(
            name, status, "; ".join(problems) or f"{anchor.reason}, {timing.note()}", evidence
        )
    revoked = CheckResult(
        f"revocation[{role}]",
        combine(c.status for c in revocation),
        "; ".join(f"{c.name.removeprefix('revocation')}: {c.reason}" for c in revocation)
        or "a trusted root: nothing to revoke",
        {"checks": [c.to_dict() for c in revocation], **timing.evidence()},
    )
    return [chain, revoked]


def _signing_usage(cert: asn1_x509.Certificate) -> CheckResult:
    """A seal maker's or signer's key must be for signing: a certificate whose key usage names neither
    digitalSignature nor nonRepudiation (a CA's, say) signs no seal. No key usage: unrestricted."""
    usage = x509.extension(cert, "key_usage")
    allowed = set(usage.native) if usage is not None else None
    name = "key_usage[signing]"
    if allowed is not None and not allowed & {"digital_signature", "non_repudiation"}:
        return CheckResult.failed(
            name, "its key usage (" + ", ".join(sorted(allowed)) + ") does not allow signing documents"
        )
    return CheckResult.passed(name, "the key may sign documents")


def _time_stamp(sig: SealSignature, trust: Trust, policy: SealPolicy, at: dt.datetime) -> CheckResult:
    """The timeStamp field (GB/T 38540: a time-stamp of the signature value), folded into one check."""
    from govnet.pki.tsa import digest, read_token, verify_token

    try:
        algorithm = read_token(sig.time_stamp or b"", "the time-stamp token").hash_algorithm
        expected = digest(sig.signature, algorithm)
    except InputError as exc:
        return CheckResult.failed("time_stamp", f"the time-stamp token is unreadable: {exc}")
    verdict = verify_token(
        sig.time_stamp or b"",
        expected,
        trust=trust,
        allow_empty_sm2_id=policy.allow_empty_sm2_id,
        at=at,
        source="the time-stamp token",
    )
    # The TSA's own certificates are judged at the validation time: one that has expired since gives
    # no proof (that would take an archive time-stamp), but says nothing against the signature.
    checks = rejudge(verdict.checks, Timing(at, sig.sign_time))
    status = combine(c.status for c in checks)
    problems = [f"{c.name}: {c.reason}" for c in checks if c.status is not Status.PASSED]
    stamp = next((c for c in checks if c.name == "tst_info" and c.status is Status.PASSED), None)
    when = stamp.evidence.get("gen_time") if stamp else None
    reason = f"time-stamped at {when} ({verdict.subject})" if when else "the time-stamp token is invalid"
    if status is Status.PASSED:
        reason += ": proof that the signature existed then"
    return CheckResult(
        "time_stamp",
        status,
        "; ".join([reason, *problems]) if problems else reason,
        {"time_stamp": when, "tsa": verdict.subject, "checks": [c.to_dict() for c in checks]},
    )


def _signing_time(sig: SealSignature, timing: Timing, policy: SealPolicy) -> CheckResult:
    """The signer's claimed signTime: inside every validity period, not in the future, and not after
    the time-stamp that proves the signature existed (a claim the proof contradicts is false)."""
    when = sig.sign_time
    periods = [("the seal", sig.seal.valid_start, sig.seal.valid_end)]
    for role, cert in (
        ("the seal maker's certificate", sig.seal.maker_certificate),
        ("the signer's certificate", sig.signer_certificate),
    ):
        not_before, not_after = x509.validity(cert)
        periods.append((role, not_before, not_after))
    outside = [
        f"{what} ({start:%Y-%m-%d %H:%M}Z..{end:%Y-%m-%d %H:%M}Z)"
        for what, start, end in periods
        if not start <= when <= end
    ]
    evidence = {"sign_time": when.isoformat(), **timing.evidence()}
    if when > timing.at + policy.clock_skew:
        return CheckResult.failed(
            "signing_time", f"signed at {when:%Y-%m-%d %H:%M:%S}Z, in the future", **evidence
        )
    if timing.proof and when > timing.proof + policy.clock_skew:
        return CheckResult.failed(
            "signing_time",
            f"claims to be signed at {when:%Y-%m-%d %H:%M:%S}Z, after its own time-stamp "
            f"({timing.proof:%Y-%m-%d %H:%M:%S}Z)",
            **evidence,
        )
    if outside:
        return CheckResult.failed(
            "signing_time",
            f"signed at {when:%Y-%m-%d %H:%M:%S}Z, outside the validity of " + "; ".join(outside),
            **evidence,
        )
    proven = (
        f"; the time-stamp proves it existed at {timing.proof:%Y-%m-%d %H:%M:%S}Z"
        if timing.proof
        else "; a claim only (no time-stamp proves it)"
    )
    return CheckResult.passed(
        "signing_time",
        f"signed at {when:%Y-%m-%d %H:%M:%S}Z, within the seal's and both certificates' validity{proven}",
        **evidence,
    )
