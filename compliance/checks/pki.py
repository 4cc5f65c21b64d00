"""PKI and e-seal checks on a ``PkiAsset`` snapshot: national algorithms, keys at rest, certificate
validity, chain health, CRL freshness and the signing service's audit chain."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from govnet.compliance.checks.registry import check
from govnet.compliance.model import Evidence, Judgement, Outcome, failed, not_applicable, passed
from govnet.compliance.pki import PkiAsset

if TYPE_CHECKING:
    from govnet.pki.ca import CertificateRecord

SHOWN = 10  # names listed in a reason; the evidence value lists them all

# The checks that say whether a path holds together; validity and revocation have their own checks.
_CHAIN_PARTS = ("chain", "signature[", "basic_constraints[", "key_usage[", "critical_extensions[")


def _listed(names: list[str]) -> str:
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


def _cert_label(record: CertificateRecord) -> str:
    return f"{record.serial[:16]}… ({record.subject})"


def _algorithms(cert: Any) -> tuple[str, str]:
    """(public-key algorithm, signature algorithm) of a certificate, as OIDs (the SM2 curve for EC)."""
    info = cert["tbs_certificate"]["subject_public_key_info"]["algorithm"]
    key = info["algorithm"].dotted
    if key == "1.2.840.10045.2.1" and info["parameters"].name == "named":
        key = info["parameters"].chosen.dotted
    return key, cert["signature_algorithm"]["algorithm"].dotted


@check(
    "pki.national-algorithms", "pki", "Certificates, CRLs and seals use SM2 keys and SM2-with-SM3 signatures"
)
def national_algorithms(asset: PkiAsset) -> Judgement:
    """Every certificate in the store has an SM2 key and an SM2-with-SM3 signature; every CA's CRL
    and every seal is signed with SM2-with-SM3 (GB/T 32918, GB/T 32905, GM/T 0015)."""
    from govnet.pki import x509
    from govnet.pki.oids import describe

    bad: list[dict[str, str]] = []
    for record in asset.certificates:
        key, signature = _algorithms(record.certificate)
        if key != x509.SM2_CURVE_OID or signature != x509.SM2_SM3_OID:
            bad.append(
                {
                    "what": f"certificate {_cert_label(record)}",
                    "key": describe(key),
                    "signature": describe(signature),
                }
            )
    for der in asset.crls:
        crl = x509.load_crl(der, "store")
        signature = crl["signature_algorithm"]["algorithm"].dotted
        if signature != x509.SM2_SM3_OID:
            issuer = x509.name_text(crl["tbs_cert_list"]["issuer"])
            bad.append({"what": f"CRL of {issuer}", "signature": describe(signature)})
    for seal in asset.seals:
        if seal.algorithm != x509.SM2_SM3_OID:
            bad.append({"what": f"seal {seal.es_id}", "signature": seal.problem or describe(seal.algorithm)})
    counted = (
        f"{len(asset.certificates)} certificate(s), {len(asset.crls)} CRL(s), {len(asset.seals)} seal(s)"
    )
    ev = Evidence(asset.source, metric="not_national_algorithms", value=bad, note=counted)
    if bad:
        shown = [f"{b['what']}: {b.get('key', '')} {b['signature']}".replace(":  ", ": ") for b in bad]
        return failed(f"{len(bad)} object(s) not on SM2/SM3: {_listed(shown)}", ev)
    return passed(f"SM2 keys and SM2-with-SM3 signatures throughout ({counted})", ev)


@check(
    "pki.key-protection", "pki", "Private keys encrypted at rest and their files readable by the owner only"
)
def key_protection(asset: PkiAsset) -> Judgement:
    """Every key the store holds is in govnet's SM4-GCM format; every private-key file found (in
    $GOVNET_HOME/pki and the paths given) is encrypted and mode 0600; the SQLite store and the
    passphrase file are not readable by group or others."""
    problems: list[str] = []
    problems += [
        f"stored key {k.id} ({k.owner}) is not encrypted: {k.problem}" for k in asset.keys if not k.encrypted
    ]
    for f in asset.key_files:
        if not f.encrypted:
            problems.append(f"{f.path}: a plaintext private key")
        if not f.private:
            problems.append(f"{f.path}: mode {oct(f.mode)}, readable beyond its owner")
    problems += [
        f"{f.path} ({f.form}): mode {oct(f.mode)}, readable beyond its owner"
        for f in asset.protected_files
        if not f.private
    ]
    counted = (
        f"{len(asset.keys)} stored key(s), {len(asset.key_files)} key file(s), "
        f"{len(asset.protected_files)} store/passphrase file(s)"
    )
    ev = Evidence(asset.source, metric="unprotected_keys", value=problems, note=counted)
    if problems:
        return failed(f"{len(problems)} key protection problem(s): {_listed(problems)}", ev)
    return passed(f"keys encrypted at rest, files 0600 ({counted})", ev)


def _in_service(asset: PkiAsset) -> list[CertificateRecord]:
    """Unrevoked certificates not superseded by a later certificate of the same subject and profile
    (an expired certificate that was renewed is history, not a problem)."""
    latest: dict[tuple[str, str], dt.datetime] = {}
    for r in asset.certificates:
        if r.status == "valid":
            key = (r.subject, r.profile)
            latest[key] = max(latest.get(key, r.not_after), r.not_after)
    return [
        r for r in asset.certificates if r.status == "valid" and r.not_after == latest[(r.subject, r.profile)]
    ]


@check("pki.certificate-validity", "pki", "Certificates in service are neither expired nor about to expire")
def certificate_validity(asset: PkiAsset) -> Judgement:
    """No unrevoked, unsuperseded certificate (CAs included) has expired or expires within the
    warning window (default 30 days); not yet valid ones are named too."""
    soon = asset.at + dt.timedelta(days=asset.expiring_days)
    expired, expiring, early = [], [], []
    for r in _in_service(asset):
        if r.not_after <= asset.at:
            expired.append(f"{_cert_label(r)} expired {r.not_after:%Y-%m-%d}")
        elif r.not_after <= soon:
            expiring.append(f"{_cert_label(r)} expires {r.not_after:%Y-%m-%d}")
        elif r.not_before > asset.at:
            early.append(f"{_cert_label(r)} valid only from {r.not_before:%Y-%m-%d}")
    bad = expired + expiring + early
    judged = len(_in_service(asset))
    ev = Evidence(
        asset.source,
        metric="certificates_out_of_validity",
        value=bad,
        note=f"{judged} certificate(s) in service judged at {asset.at:%Y-%m-%d %H:%M} UTC, "
        f"warning window {asset.expiring_days} days",
    )
    if bad:
        parts = [
            f"{len(x)} {w}"
            for x, w in ((expired, "expired"), (expiring, "expiring"), (early, "not yet valid"))
            if x
        ]
        return failed(f"{', '.join(parts)}: {_listed(bad)}", ev)
    return passed(f"all {judged} certificate(s) in service valid beyond {asset.expiring_days} days", ev)


@check("pki.chain-health", "pki", "Every certificate in service chains to the root with valid SM2 signatures")
def chain_health(asset: PkiAsset) -> Judgement:
    """govnet.pki.verify builds each unrevoked, unexpired certificate's path to this PKI's root and
    checks its signatures, basic constraints, key usage and critical extensions."""
    from govnet.pki import x509
    from govnet.pki.verify import Policy, verify_path

    roots = [x509.load_certificate(a.record.der, "store") for a in asset.authorities if a.role == "root"]
    inters = [x509.load_certificate(a.record.der, "store") for a in asset.authorities if a.role != "root"]
    policy = Policy(allow_empty_sm2_id=asset.allow_empty_sm2_id, at=asset.at)
    broken: list[str] = []
    judged = 0
    for r in _in_service(asset):
        if not r.not_before <= asset.at < r.not_after:
            continue  # the validity check names it
        judged += 1
        verdict = verify_path(r.certificate, intermediates=inters, roots=roots, policy=policy)
        bad = [c for c in verdict.checks if c.name.startswith(_CHAIN_PARTS) and c.status.value != "PASSED"]
        if bad:
            broken.append(f"{_cert_label(r)}: " + "; ".join(f"{c.name}: {c.reason}" for c in bad))
    ev = Evidence(
        asset.source, metric="broken_chains", value=broken, note=f"{judged} certificate(s) verified"
    )
    if not roots:
        return failed("the store has no root CA to chain to", ev)
    if broken:
        return failed(f"{len(broken)} certificate(s) with a broken chain: {_listed(broken)}", ev)
    return passed(f"all {judged} certificate(s) in service chain to the root", ev)


@check("pki.crl-freshness", "pki", "Every CA has a current CRL, signed with SM2-with-SM3")
def crl_freshness(asset: PkiAsset) -> Judgement:
    """Each CA of this installation has a CRL in the store whose nextUpdate has not passed and whose
    signature verifies with the CA's key."""
    from govnet.pki import x509

    crls = {}
    for der in asset.crls:
        crl = x509.load_crl(der, "store")
        crls[x509.name_text(crl["tbs_cert_list"]["issuer"])] = crl
    problems, fresh = [], []
    for authority in asset.authorities:
        record = authority.record
        crl = crls.get(record.subject)
        if crl is None:
            problems.append(f"{authority.role} CA {record.subject}: no CRL published")
            continue
        tbs = crl["tbs_cert_list"]
        next_update = tbs["next_update"].native if tbs["next_update"].native else None
        number = crl.crl_number_value.native if crl.crl_number_value is not None else "?"
        if next_update is None:
            problems.append(f"CRL #{number} of {record.subject}: no nextUpdate")
        elif next_update <= asset.at:
            problems.append(
                f"CRL #{number} of {record.subject}: nextUpdate {next_update:%Y-%m-%d %H:%M} passed"
            )
        elif not x509.check_crl_signature(crl, x509.certificate_public_key(record.certificate)).valid:
            problems.append(
                f"CRL #{number} of {record.subject}: its signature does not verify with the CA's key"
            )
        else:
            fresh.append(f"CRL #{number} of {record.subject} until {next_update:%Y-%m-%d %H:%M}")
    ev = Evidence(asset.source, metric="stale_crls", value=problems, note="; ".join(fresh))
    if problems:
        return failed(f"{len(problems)} CA(s) without a current CRL: {_listed(problems)}", ev)
    return passed(f"{len(fresh)} CA(s) with a current CRL", ev)


@check("pki.audit-chain", "pki", "The signing service's audit chain is intact")
def audit_chain(asset: PkiAsset) -> Judgement:
    """govnet.signing.audit.verify_chain over the store: every audit record chained by SM3 to the
    one before, none missing or altered. Not applicable where no signing service is installed."""
    if asset.audit_problem:
        return Judgement(Outcome.ERROR, asset.audit_problem, Evidence(asset.source, metric="audit_chain"))
    if asset.audit is None:
        return not_applicable(
            asset.audit_note or "no signing service", Evidence(asset.source, note=asset.audit_note)
        )
    v = asset.audit
    ev = Evidence(asset.source, metric="audit_chain", value=v.status.value, note=v.subject)
    reasons = "; ".join(f"{c.name}: {c.reason}" for c in v.checks if c.status.value != "PASSED")
    if v.status.value == "FAILED":
        return failed(f"the audit chain is broken: {reasons}", ev)
    if v.status.value == "INDETERMINATE":
        return Judgement(Outcome.ERROR, f"the audit chain could not be judged: {reasons}", ev)
    return passed(f"the audit chain verifies ({v.subject})", ev)
