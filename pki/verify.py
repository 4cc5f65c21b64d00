"""Certificate path validation for SM2 certificates → a Verdict with one CheckResult per check.

The path is built from the certificate up through the given intermediates to a trusted root. Then,
for every certificate on it: its signature (and which SM2 ID verified it), its validity period, its
basic constraints and key usage (an issuer must be a CA allowed to sign certificates), and — for all
but the trust anchor — its revocation status on a CRL signed by its issuer. Each check is named after
what it checked and on which certificate (``signature[leaf: CN=...]``), so a FAILED verdict says
exactly what failed. A missing or stale CRL makes the verdict INDETERMINATE, not PASSED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509

from govnet.errors import InputError
from govnet.pki import x509
from govnet.pki.profiles import get_profile
from govnet.pki.sm2 import SM2PublicKey
from govnet.verdict import CheckResult, Verdict

MAX_PATH = 8

EMPTY_ID_REFUSED = (
    "signature verifies only with the EMPTY SM2 ID (OpenSSL's command-line default), "
    "which is not accepted unless pki.allow_empty_sm2_id is set"
)


@dataclass(frozen=True)
class Policy:
    allow_empty_sm2_id: bool = False
    at: dt.datetime | None = None
    purpose: str | None = None  # an end-entity profile name: check KU/EKU for it


@dataclass(frozen=True)
class RevocationRecord:
    """What the operator's own records (govnet's store) say about a certificate they issued: known
    at once, before any CRL is signed. ``der`` is the recorded certificate, so that a certificate
    from elsewhere with the same serial never matches."""

    der: bytes
    serial: str
    status: str  # "valid" | "revoked"
    revoked_at: dt.datetime | None = None
    reason: str | None = None
    source: str = "store"


RecordLookup = Callable[[asn1_x509.Certificate], RevocationRecord | None]


def _der(cert: asn1_x509.Certificate) -> bytes:
    return cert.dump()


def _label(cert: asn1_x509.Certificate, position: str) -> str:
    return f"{position}: {x509.common_name(cert.subject)}"


def _key_id(cert: asn1_x509.Certificate, name: str) -> bytes | None:
    value = x509.extension(cert, name)
    if value is None:
        return None
    if name == "authority_key_identifier":
        return value["key_identifier"].native
    return value.native


def _signature(cert_or_crl_check: x509.SignatureCheck, name: str, policy: Policy, what: str) -> CheckResult:
    check = cert_or_crl_check
    if not check.valid:
        if check.algorithm != x509.SM2_SM3_OID:
            return CheckResult.failed(
                name, f"{what} is signed with {check.algorithm}, not SM2-with-SM3", algorithm=check.algorithm
            )
        return CheckResult.failed(name, f"{what}'s SM2 signature does not verify with the issuer's key")
    if check.signer_id is x509.SignerId.EMPTY:
        if not policy.allow_empty_sm2_id:
            return CheckResult.failed(name, EMPTY_ID_REFUSED, sm2_id="empty")
        return CheckResult.passed(
            name, "verified with the EMPTY SM2 ID (allowed by pki.allow_empty_sm2_id)", sm2_id="empty"
        )
    return CheckResult.passed(name, "verified with the default SM2 ID 1234567812345678", sm2_id="default")


def _find_issuer(
    cert: asn1_x509.Certificate, pool: Sequence[asn1_x509.Certificate], path: Sequence[asn1_x509.Certificate]
) -> asn1_x509.Certificate | None:
    in_path = {_der(c) for c in path}
    candidates = [c for c in pool if c.subject.hashable == cert.issuer.hashable and _der(c) not in in_path]
    aki = _key_id(cert, "authority_key_identifier")
    if aki is not None:
        candidates.sort(key=lambda c: _key_id(c, "key_identifier") != aki)
    for candidate in candidates:  # the first whose key verifies the signature, else the best match
        if _signs(candidate, cert):
            return candidate
    return candidates[0] if candidates else None


def _signs(issuer: asn1_x509.Certificate, cert: asn1_x509.Certificate) -> bool:
    try:
        return _certificate_signature(cert.dump(), issuer.dump()).valid
    except InputError:
        return False


# Signature results keyed by the exact bytes checked: a batch of leaves under one CA re-checks the
# same intermediate and root links, and path building checks each link once more. Deterministic, so
# caching cannot change an answer.
@lru_cache(maxsize=1024)
def _certificate_signature(cert_der: bytes, issuer_der: bytes) -> x509.SignatureCheck:
    cert = asn1_x509.Certificate.load(cert_der)
    return x509.check_certificate_signature(cert, _issuer_key(issuer_der))


@lru_cache(maxsize=64)
def _crl_signature(crl_der: bytes, issuer_der: bytes) -> x509.SignatureCheck:
    crl = asn1_crl.CertificateList.load(crl_der)
    return x509.check_crl_signature(crl, _issuer_key(issuer_der))


@lru_cache(maxsize=256)
def _issuer_key(issuer_der: bytes) -> SM2PublicKey:
    # Parsing a point into a libcrypto key costs about as much as a verification: once per CA.
    return x509.certificate_public_key(asn1_x509.Certificate.load(issuer_der))


@dataclass(frozen=True)
class _Revoked:
    when: dt.datetime
    reason: str


@lru_cache(maxsize=16)
def _revoked_index(crl_der: bytes) -> dict[int, _Revoked]:
    """serial -> revocation, so a large CRL is scanned once, not once per certificate."""
    crl = asn1_crl.CertificateList.load(crl_der)
    index = {}
    for entry in crl["tbs_cert_list"]["revoked_certificates"]:
        reason = entry.crl_reason_value
        index[entry["user_certificate"].native] = _Revoked(
            entry["revocation_date"].native, reason.native if reason is not None else "unspecified"
        )
    return index


def build_path(
    cert: asn1_x509.Certificate,
    intermediates: Sequence[asn1_x509.Certificate],
    roots: Sequence[asn1_x509.Certificate],
) -> tuple[list[asn1_x509.Certificate], bool, str]:
    """(path leaf-first, whether it ends at a trusted root, why not)."""
    trusted = {_der(r) for r in roots}
    pool = [*roots, *intermediates]
    path = [cert]
    while len(path) <= MAX_PATH:
        current = path[-1]
        if _der(current) in trusted:
            return path, True, ""
        issuer = _find_issuer(current, pool, path)
        if current.self_issued and (issuer is None or not _signs(issuer, current)):
            return (
                path,
                False,
                f"the chain ends at the self-signed '{x509.name_text(current.subject)}', "
                "which is not a trusted root",
            )
        if issuer is None:
            return (
                path,
                False,
                f"no issuer '{x509.name_text(current.issuer)}' for '{x509.common_name(current.subject)}' "
                "among the trusted roots and the given chain",
            )
        path.append(issuer)
    return path, False, f"the chain is longer than {MAX_PATH} certificates"


def _validity(cert: asn1_x509.Certificate, name: str, at: dt.datetime) -> CheckResult:
    not_before, not_after = x509.validity(cert)
    evidence = {"not_before": not_before.isoformat(), "not_after": not_after.isoformat()}
    if at < not_before:
        return CheckResult.failed(name, f"not valid before {not_before:%Y-%m-%d %H:%M:%S}Z", **evidence)
    if at > not_after:
        return CheckResult.failed(name, f"expired on {not_after:%Y-%m-%d %H:%M:%S}Z", **evidence)
    return CheckResult.passed(name, f"valid until {not_after:%Y-%m-%d}", **evidence)


def _basic_constraints(cert: asn1_x509.Certificate, name: str, below: int | None) -> CheckResult:
    """``below``: how many CA certificates sit under this one on the path (None for the leaf)."""
    bc = x509.extension(cert, "basic_constraints")
    is_ca = bool(bc and bc["ca"].native)
    path_len = bc["path_len_constraint"].native if bc else None
    if below is None:
        return CheckResult.passed(name, "CA certificate" if is_ca else "end entity (CA:FALSE)", ca=is_ca)
    if not is_ca:
        return CheckResult.failed(
            name, "issues certificates but is not a CA (basicConstraints CA:TRUE missing)", ca=False
        )
    if path_len is not None and below > path_len:
        return CheckResult.failed(
            name, f"path length {below} below it exceeds its pathLenConstraint {path_len}", path_len=path_len
        )
    return CheckResult.passed(
        name, "CA:TRUE" + (f", pathlen {path_len}" if path_len is not None else ""), ca=True
    )


# Extensions this validator acts on (or that never restrict use); RFC 5280 4.2: a certificate with
# any other extension marked critical must be rejected.
_UNDERSTOOD = {
    "basic_constraints",
    "key_usage",
    "extended_key_usage",
    "subject_alt_name",
    "key_identifier",
    "authority_key_identifier",
    "crl_distribution_points",
}


def _critical_extensions(cert: asn1_x509.Certificate, name: str) -> CheckResult:
    unknown = sorted(
        ext["extn_id"].native
        for ext in cert["tbs_certificate"]["extensions"]
        if ext["critical"].native and ext["extn_id"].native not in _UNDERSTOOD
    )
    if unknown:
        return CheckResult.failed(
            name, "unrecognised critical extension(s): " + ", ".join(unknown), unknown=unknown
        )
    return CheckResult.passed(name, "no unrecognised critical extension")


def _usages(cert: asn1_x509.Certificate) -> tuple[set[str] | None, set[str] | None]:
    ku = x509.extension(cert, "key_usage")
    eku = x509.extension(cert, "extended_key_usage")
    return (set(ku.native) if ku is not None else None, {p.dotted for p in eku} if eku is not None else None)


def _key_usage(cert: asn1_x509.Certificate, name: str, issuer: bool, purpose: str | None) -> CheckResult:
    ku, eku = _usages(cert)
    evidence = {"key_usage": sorted(ku) if ku is not None else None}
    if issuer:
        if ku is not None and "key_cert_sign" not in ku:
            return CheckResult.failed(
                name, "issues certificates but its key usage lacks keyCertSign", **evidence
            )
        return CheckResult.passed(name, "keyCertSign allowed", **evidence)
    if purpose is None:
        return CheckResult.passed(
            name, "no purpose asked; key usage " + ", ".join(sorted(ku or [])), **evidence
        )
    profile = get_profile(purpose)
    missing = sorted(profile.key_usage - (ku or set())) if ku is not None else []
    wanted = {_purpose_oid(p) for p in profile.extended_key_usage}
    missing_eku = sorted(_purpose_name(o) for o in wanted - eku) if eku is not None else []
    if missing or missing_eku:
        parts = []
        if missing:
            parts.append("key usage lacks " + ", ".join(missing))
        if missing_eku:
            parts.append("extended key usage lacks " + ", ".join(missing_eku))
        return CheckResult.failed(name, f"not fit for {profile.name}: " + "; ".join(parts), **evidence)
    return CheckResult.passed(name, f"fit for {profile.name}", **evidence)


def _purpose_name(oid: str) -> str:
    name = asn1_x509.KeyPurposeId._map.get(oid)
    return f"{name} ({oid})" if name else oid


def _purpose_oid(name: str) -> str:
    if name[0].isdigit():
        return name
    return str(asn1_x509.KeyPurposeId.unmap(name))


def _crl_for(
    issuer: asn1_x509.Certificate, crls: Iterable[asn1_crl.CertificateList], policy: Policy
) -> tuple[asn1_crl.CertificateList | None, str]:
    """The newest CRL from ``issuer`` whose signature verifies (under the ID policy), or why none."""
    best: asn1_crl.CertificateList | None = None
    why = f"no CRL from '{x509.common_name(issuer.subject)}' (run `govnet pki crl` or pass --crl)"
    for crl in crls:
        if crl["tbs_cert_list"]["issuer"].hashable != issuer.subject.hashable:
            continue
        try:
            check = _crl_signature(crl.dump(), issuer.dump())
        except InputError:  # the issuer's key is not SM2: nothing it signed can be checked here
            check = x509.SignatureCheck(None, crl["signature_algorithm"]["algorithm"].dotted)
        if not check.valid:
            why = f"the CRL from '{x509.common_name(issuer.subject)}' has a signature that does not verify"
            continue
        if check.signer_id is x509.SignerId.EMPTY and not policy.allow_empty_sm2_id:
            why = f"the CRL from '{x509.common_name(issuer.subject)}': {EMPTY_ID_REFUSED}"
            continue
        if best is None or _crl_number(crl) > _crl_number(best):
            best = crl
    return best, why


def _crl_number(crl: asn1_crl.CertificateList) -> int:
    number = crl.crl_number_value
    return int(number.native) if number is not None else 0


def _revocation(
    cert: asn1_x509.Certificate,
    issuer: asn1_x509.Certificate,
    name: str,
    crls: Sequence[asn1_crl.CertificateList],
    policy: Policy,
    at: dt.datetime,
) -> CheckResult:
    crl, why = _crl_for(issuer, crls, policy)
    if crl is None:
        return CheckResult.indeterminate(name, why)
    tbs = crl["tbs_cert_list"]
    number = _crl_number(crl)
    next_update = tbs["next_update"].native
    revoked = _revoked_index(crl.dump()).get(cert.serial_number)
    if revoked is not None:
        return CheckResult.failed(
            name,
            f"revoked on {revoked.when:%Y-%m-%d %H:%M:%S}Z, reason: {x509.reason_label(revoked.reason)} "
            f"(CRL #{number})",
            revoked_at=revoked.when.isoformat(),
            revocation_reason=x509.reason_label(revoked.reason),
            crl_number=number,
        )
    if next_update is not None and at > next_update:
        return CheckResult.indeterminate(
            name, f"the newest CRL (#{number}) expired on {next_update:%Y-%m-%d %H:%M:%S}Z", crl_number=number
        )
    return CheckResult.passed(
        name,
        f"not revoked (CRL #{number}, next update {next_update:%Y-%m-%d %H:%M}Z)"
        if next_update
        else "not revoked",
        crl_number=number,
    )


def _revocation_record(cert: asn1_x509.Certificate, name: str, lookup: RecordLookup) -> CheckResult | None:
    record = lookup(cert)
    if record is None or record.der != cert.dump():
        return None  # not a certificate these records hold
    evidence = {"source": record.source, "serial": record.serial, "status": record.status}
    if record.status != "revoked":
        return CheckResult.passed(name, f"not revoked in the {record.source}'s records", **evidence)
    when = record.revoked_at
    return CheckResult.failed(
        name,
        "REVOKED"
        + (f" on {when:%Y-%m-%d %H:%M:%S}Z" if when else "")
        + (f", reason: {record.reason}" if record.reason else "")
        + f" (recorded in the {record.source}; listed from the issuer's next CRL on)",
        **evidence,
        revoked_at=when.isoformat() if when else None,
        revocation_reason=record.reason,
    )


def verify_path(
    cert: asn1_x509.Certificate,
    *,
    intermediates: Sequence[asn1_x509.Certificate] = (),
    roots: Sequence[asn1_x509.Certificate],
    crls: Sequence[asn1_crl.CertificateList] = (),
    policy: Policy = Policy(),
    records: RecordLookup | None = None,
) -> Verdict:
    """Validate ``cert``'s path (see the module docstring). ``records``, when given, tells what the
    issuing CA's own records say: a certificate they hold as revoked fails at once
    (``revocation_record[...]``), whatever the CRLs say yet."""
    at = policy.at or dt.datetime.now(dt.UTC)
    if policy.purpose is not None:
        get_profile(policy.purpose)
    path, anchored, why = build_path(cert, intermediates, roots)
    positions = ["leaf"] + ["intermediate"] * (len(path) - 2) + (["root"] if len(path) > 1 else [])
    if len(path) > 1 and not anchored:
        positions[-1] = "issuer"
    if len(path) == 1 and anchored:
        positions = ["root"]
    if anchored and not path[-1].self_issued:
        positions[-1] = "anchor"  # a trusted intermediate, not a root
    labels = [_label(c, p) for c, p in zip(path, positions, strict=True)]
    checks: list[CheckResult] = []
    route = " → ".join(x509.common_name(c.subject) for c in path)
    if anchored:
        checks.append(
            CheckResult.passed(
                "chain", f"{route} (trusted root)", path=[x509.name_text(c.subject) for c in path]
            )
        )
    else:
        checks.append(CheckResult.failed("chain", why, path=[x509.name_text(c.subject) for c in path]))
    for index, current in enumerate(path):
        label = labels[index]
        issuer = path[index + 1] if index + 1 < len(path) else (current if anchored else None)
        if issuer is None:
            checks.append(CheckResult.indeterminate(f"signature[{label}]", "its issuer was not found"))
        elif issuer is current and not current.self_issued:
            checks.append(CheckResult.passed(f"signature[{label}]", "a trust anchor: trusted as configured"))
        else:
            try:
                check = _certificate_signature(current.dump(), issuer.dump())
            except InputError as exc:
                checks.append(CheckResult.failed(f"signature[{label}]", str(exc)))
            else:
                checks.append(_signature(check, f"signature[{label}]", policy, "the certificate"))
        checks.append(_validity(current, f"validity[{label}]", at))
        below = None if index == 0 else index - 1
        checks.append(_basic_constraints(current, f"basic_constraints[{label}]", below))
        checks.append(_key_usage(current, f"key_usage[{label}]", index > 0, policy.purpose))
        checks.append(_critical_extensions(current, f"critical_extensions[{label}]"))
        is_anchor = anchored and index == len(path) - 1
        if not is_anchor:
            name = f"revocation[{label}]"
            if index + 1 < len(path):
                checks.append(_revocation(current, path[index + 1], name, crls, policy, at))
            else:
                checks.append(
                    CheckResult.indeterminate(name, "its issuer was not found, so neither was its CRL")
                )
            recorded = (
                _revocation_record(current, f"revocation_record[{label}]", records) if records else None
            )
            if recorded is not None:
                checks.append(recorded)
    subject = f"{x509.name_text(cert.subject)} (serial {x509.serial_hex(cert.serial_number)})"
    return Verdict(subject, tuple(checks))
