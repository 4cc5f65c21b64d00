"""The certificate authority's service functions: init, issue, revoke, CRL, list, export.

Each takes the store and the settings as arguments (the CLI, the demo and the tests pass their
own). Everything that can fail on the operator's input — a bad CSR, an unknown serial, a wrong
passphrase — fails before the first write, and each operation writes in one transaction, so a
failure leaves the store as it was.

The CA keys live in the store encrypted under the PKI passphrase (``govnet.pki.keystore``); the
passphrase comes from settings (``pki.passphrase_file`` or the variable ``pki.passphrase_env``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from asn1crypto import x509 as asn1_x509
from sqlalchemy import Connection, func, select

from govnet.errors import InputError, NotFoundError, SecretError
from govnet.pki import x509
from govnet.pki.errors import FieldError
from govnet.pki.keystore import decrypt_private_key, encrypt_private_key, resolve_passphrase
from govnet.pki.profiles import (
    END_ENTITY_PROFILES,
    PROFILES,
    AltName,
    Profile,
    Subject,
    check_request,
    check_subject_values,
    get_profile,
    parse_san,
    parse_subject,
)
from govnet.pki.schema import (
    CUSTODY_CA,
    CUSTODY_ESCROW,
    CUSTODY_HELD,
    pki_authorities,
    pki_certificates,
    pki_crls,
    pki_keys,
    pki_revocations,
)
from govnet.pki.sm2 import SM2PrivateKey, SM2PublicKey
from govnet.settings import Settings
from govnet.store import Store, StoreConflict

log = logging.getLogger(__name__)

REASONS = x509.REASONS


# The longest validity any command accepts: a century. Longer is surely a typo, and far longer
# overflows the calendar (X.509 times end in 9999).
MAX_DAYS = 36_525


class NoAuthorityError(NotFoundError):
    """The store holds no certificate authority yet."""

    def __init__(self) -> None:
        super().__init__("no certificate authority yet: initialise one first")


def check_days(days: int | None, field: str = "days", what: str = "the validity") -> None:
    """Refuse a validity that is not a positive number of days, or absurdly long."""
    if days is not None and not 0 < days <= MAX_DAYS:
        raise FieldError(field, f"{what} must be between 1 and {MAX_DAYS} days, got {days}")


CRL_URL_SCHEMES = ("http", "https", "ftp", "ldap", "file")


def check_crl_url(url: str, field: str = "crl_url") -> None:
    """A CRL distribution point is written into every certificate the CA signs, for its lifetime:
    refuse anything a relying party could not fetch (RFC 5280 4.2.1.13: a URI with a scheme)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    ok = parts.scheme in CRL_URL_SCHEMES and not any(c.isspace() for c in url)
    ok = ok and (bool(parts.path) if parts.scheme == "file" else bool(parts.netloc))
    if not ok:
        raise FieldError(
            field,
            f"the CRL URL {url!r} is not a URL a relying party can fetch a CRL from; "
            f"use {', '.join(s + '://' for s in CRL_URL_SCHEMES)}...",
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every datetime we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# --- records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateRecord:
    serial: str
    subject: str
    issuer: str
    issuer_serial: str | None
    profile: str
    not_before: dt.datetime
    not_after: dt.datetime
    status: str
    is_ca: bool
    der: bytes
    key_id: str | None
    revoked_at: dt.datetime | None = None
    reason: str | None = None
    key_custody: str | None = None  # why the store holds its private key (schema.CUSTODY_*), if it does

    @cached_property
    def certificate(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.der)

    @property
    def pem(self) -> bytes:
        return x509.to_pem(x509.PEM_CERTIFICATE, self.der)

    def to_dict(self) -> dict[str, object]:
        return {
            "serial": self.serial,
            "subject": self.subject,
            "issuer": self.issuer,
            "profile": self.profile,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "status": self.status,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "reason": self.reason,
            "key_custody": self.key_custody,
        }


_SELECT = (
    select(pki_certificates, pki_revocations.c.revoked_at, pki_revocations.c.reason, pki_keys.c.custody)
    .select_from(pki_certificates.outerjoin(pki_revocations).outerjoin(pki_keys))
    .order_by(pki_certificates.c.created_at, pki_certificates.c.serial)
)


def certificate_record(row: object) -> CertificateRecord:
    """A certificate row (pki_certificates' columns, by name) as the record every caller gets."""
    m = row._mapping  # type: ignore[attr-defined]
    return CertificateRecord(
        serial=m["serial"],
        subject=m["subject"],
        issuer=m["issuer"],
        issuer_serial=m["issuer_serial"],
        profile=m["profile"],
        not_before=_aware(m["not_before"]),
        not_after=_aware(m["not_after"]),
        status=m["status"],
        is_ca=bool(m["is_ca"]),
        der=bytes(m["der"]),
        key_id=m["key_id"],
        revoked_at=_aware(m["revoked_at"]) if m["revoked_at"] else None,
        reason=x509.reason_label(m["reason"]) if m["reason"] else None,
        key_custody=m["custody"],
    )


def resolve_serial(store: Store, serial: str) -> str:
    """The stored serial ``serial`` names: the whole serial (hex, ``0x``/colons allowed) or, as git
    takes short hashes, a prefix of exactly one. An ambiguous prefix lists its candidates."""
    exact = x509.serial_hex(x509.parse_serial(serial))  # also refuses what is not hex
    prefix = serial.strip().lower().removeprefix("0x").replace(":", "").lstrip("0") or "0"
    with store.connect() as conn:
        if conn.execute(select(pki_certificates.c.serial).where(pki_certificates.c.serial == exact)).first():
            return exact
        rows = conn.execute(
            select(pki_certificates.c.serial, pki_certificates.c.subject)
            .where(pki_certificates.c.serial.like(f"{prefix}%"))
            .order_by(pki_certificates.c.serial)
            .limit(11)
        ).all()
    if not rows:
        raise NotFoundError(f"no certificate with serial {serial} in the store")
    if len(rows) > 1:
        shown = "; ".join(f"{r.serial} ({r.subject})" for r in rows[:10])
        more = ", and more" if len(rows) > 10 else ""
        raise InputError(f"serial prefix {serial!r} is ambiguous: it matches {shown}{more}; give more digits")
    return str(rows[0].serial)


def get_certificate(store: Store, serial: str) -> CertificateRecord:
    """The certificate with this serial, or a unique prefix of it (``resolve_serial``)."""
    key = resolve_serial(store, serial)
    with store.connect() as conn:
        row = conn.execute(_SELECT.where(pki_certificates.c.serial == key)).first()
    if row is None:  # pragma: no cover - deleted between the two reads; govnet never deletes
        raise NotFoundError(f"no certificate with serial {serial} in the store")
    return certificate_record(row)


def find_by_serial(store: Store, serial: int) -> CertificateRecord | None:
    """The store's certificate with this exact serial, if any (no prefix matching)."""
    with store.connect() as conn:
        row = conn.execute(_SELECT.where(pki_certificates.c.serial == x509.serial_hex(serial))).first()
    return certificate_record(row) if row is not None else None


def list_certificates(
    store: Store, *, profile: str | None = None, status: str | None = None, batch: int = 500
) -> Iterator[CertificateRecord]:
    """Stream the store's certificates (bounded memory however many there are)."""
    query = _SELECT
    if profile:
        get_profile(profile)
        query = query.where(pki_certificates.c.profile == profile)
    if status:
        query = query.where(pki_certificates.c.status == status)
    with store.connect() as conn:
        for row in conn.execution_options(yield_per=batch).execute(query):
            yield certificate_record(row)


def chain_of(store: Store, serial: str) -> list[CertificateRecord]:
    """The certificate and its issuers up to the root, leaf first."""
    chain = [get_certificate(store, serial)]
    while chain[-1].issuer_serial and chain[-1].issuer_serial != chain[-1].serial and len(chain) < 10:
        chain.append(get_certificate(store, chain[-1].issuer_serial))
    return chain


# --- authorities ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    record: CertificateRecord
    role: str
    name: str
    crl_url: str
    issuing: bool


def authorities(store: Store) -> list[Authority]:
    """This installation's CAs, the root first (one query: verification reads them every time)."""
    query = _SELECT.add_columns(
        pki_authorities.c.role,
        pki_authorities.c.name.label("authority_name"),
        pki_authorities.c.crl_url,
        pki_authorities.c.issuing,
    ).join(pki_authorities, pki_authorities.c.serial == pki_certificates.c.serial)
    with store.connect() as conn:
        rows = conn.execute(query).all()
    return [
        Authority(certificate_record(r), r.role, r.authority_name, r.crl_url, bool(r.issuing))
        for r in sorted(rows, key=lambda r: r.role != "root")
    ]


def issuing_authority(store: Store) -> Authority:
    for authority in authorities(store):
        if authority.issuing:
            return authority
    raise NoAuthorityError()


def authority_for(store: Store, serial: str) -> Authority:
    for authority in authorities(store):
        if authority.record.serial == serial:
            return authority
    raise NotFoundError(f"certificate {serial} is not one of this installation's CAs")


def passphrase(settings: Settings) -> str:
    """The PKI passphrase named by settings; SecretError (saying where it was looked for) when absent."""
    return resolve_passphrase(settings.pki)


def _load_key(conn: Connection, key_id: str | None, passphrase_value: str) -> SM2PrivateKey:
    row = conn.execute(select(pki_keys.c.blob).where(pki_keys.c.id == key_id)).first() if key_id else None
    if row is None:
        raise NotFoundError(f"the CA's private key {key_id} is not in the store")
    return decrypt_private_key(bytes(row.blob), passphrase_value)


def _signer(store: Store, authority: Authority, passphrase_value: str) -> x509.Issuer:
    with store.connect() as conn:
        key = _load_key(conn, authority.record.key_id, passphrase_value)
    cert = authority.record.certificate
    if key.public_key().point() != x509.certificate_public_key(cert).point():
        raise SecretError(
            f"the stored key {authority.record.key_id} does not match CA {authority.record.serial}"
        )
    return x509.Issuer(cert["tbs_certificate"]["subject"], x509.key_identifier(key.public_key()), key)


def authority_signer(store: Store, settings: Settings, authority: Authority) -> x509.Issuer:
    """A CA's key, decrypted with the PKI passphrase (for CRLs and OCSP answers it signs itself)."""
    return _signer(store, authority, passphrase(settings))


def _insert_certificate(
    conn: Connection,
    cert: asn1_x509.Certificate,
    *,
    profile: str,
    issuer_serial: str | None,
    key_id: str | None,
) -> CertificateRecord:
    tbs = cert["tbs_certificate"]
    not_before, not_after = x509.validity(cert)
    values = {
        "serial": x509.serial_hex(tbs["serial_number"].native),
        "subject": x509.name_text(tbs["subject"]),
        "issuer": x509.name_text(tbs["issuer"]),
        "issuer_serial": issuer_serial,
        "profile": profile,
        "not_before": not_before,
        "not_after": not_after,
        "der": cert.dump(),
        "status": "valid",
        "is_ca": get_profile(profile).is_ca,
        "key_id": key_id,
        "created_at": dt.datetime.now(dt.UTC),  # full precision: orders the listing
    }
    conn.execute(pki_certificates.insert().values(**values))
    return CertificateRecord(**{k: v for k, v in values.items() if k != "created_at"})


def _insert_key(
    conn: Connection, key_id: str, owner: str, blob: bytes, now: dt.datetime, custody: str
) -> None:
    conn.execute(pki_keys.insert().values(id=key_id, owner=owner, blob=blob, created_at=now, custody=custody))


def _retry_on_conflict(attempt: int, exc: StoreConflict) -> None:
    # Another worker took the same CRL number first, or (practically never) two random 159-bit
    # serials met: try again with a fresh one.
    if attempt >= 4:
        raise exc
    log.info("store conflict (%s); retrying", exc)


# --- init ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitResult:
    root: CertificateRecord
    intermediate: CertificateRecord | None
    warnings: tuple[str, ...] = ()


CRL_PORT = 8443  # where the signing service serves /crl/<ca-key-id>.crl


def crl_base_url(settings: Settings) -> str:
    """The configured CRL base URL (``pki.crl_base_url``), else the signing service on this host."""
    import socket

    base = settings.pki.crl_base_url or f"http://{socket.getfqdn()}:{CRL_PORT}/crl/"
    return base if base.endswith("/") else base + "/"


def ocsp_url(settings: Settings) -> str | None:
    """Where relying parties ask about certificates (authorityInfoAccess): ``pki.ocsp_url``; when
    empty, ``/ocsp`` at the host of ``pki.crl_base_url`` (the signing service that serves the CRLs);
    None for ``none``: no AIA extension."""
    from urllib.parse import urlsplit

    configured = settings.pki.ocsp_url.strip()
    if configured.lower() == "none":
        return None
    if configured:
        parts = urlsplit(configured)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in configured):
            raise FieldError(
                "ocsp_url", f"pki.ocsp_url {configured!r} is not an http(s) URL an OCSP client can reach"
            )
        return configured
    parts = urlsplit(crl_base_url(settings))
    return f"{parts.scheme}://{parts.netloc}/ocsp"


def default_crl_url(settings: Settings, key_id: bytes) -> str:
    """<base URL><the CA's key identifier, hex>.crl: stable across re-issued CA certificates."""
    return f"{crl_base_url(settings)}{key_id.hex()}.crl"


def crl_url_warnings(url: str, *, given: bool, what: str) -> list[str]:
    """What a person should hear about a distribution point before it goes into certificates: at
    most one line per URL, naming every problem."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    problems = []
    if parts.scheme == "file":
        problems.append("a file on this machine, which relying parties elsewhere cannot fetch")
    elif host in ("localhost", "127.0.0.1", "::1") or host.startswith("localhost."):
        problems.append("a loopback name, which others cannot reach")
    if not given:
        problems.append("the default; set pki.crl_base_url to the address relying parties use")
    return [f"{what} {url} is " + ", and ".join(problems)] if problems else []


def init_ca(
    store: Store,
    settings: Settings,
    *,
    name: str,
    organisation: str | None = None,
    credit_code: str | None = None,
    intermediate_name: str | None = None,
    crl_url: str | None = None,
    intermediate_crl_url: str | None = None,
    root_days: int | None = None,
    intermediate_days: int | None = None,
    now: dt.datetime | None = None,
) -> InitResult:
    """Create the root CA (and an issuing intermediate if named); refuse if a CA exists already."""
    now = now or _now()
    check_days(root_days, "root_days", "the root's validity")
    check_days(intermediate_days, "intermediate_days", "the intermediate's validity")
    for option, url in (("crl_url", crl_url), ("intermediate_crl_url", intermediate_crl_url)):
        if url is not None:
            check_crl_url(url, option)
    if authorities(store):
        raise InputError("this store already has a certificate authority; init runs once")
    secret = passphrase(settings)
    root_request = check_request(
        PROFILES["root"], parse_subject(name, organisation=organisation, credit_code=credit_code), ()
    )
    inter_request = (
        check_request(
            PROFILES["intermediate"],
            parse_subject(intermediate_name, organisation=organisation, credit_code=credit_code),
            (),
        )
        if intermediate_name
        else None
    )
    root_key = SM2PrivateKey.generate()
    root_serial = x509.random_serial()
    root_hex = x509.serial_hex(root_serial)
    root_name = x509.build_name(root_request.subject)
    root_issuer = x509.Issuer(root_name, x509.key_identifier(root_key.public_key()), root_key)
    root_crl = crl_url or default_crl_url(settings, x509.key_identifier(root_key.public_key()))
    root_not_after = now + dt.timedelta(days=root_days or PROFILES["root"].default_days)
    root_cert = x509.build_certificate(
        profile=PROFILES["root"],
        serial=root_serial,
        subject=root_name,
        public_key=root_key.public_key(),
        issuer=root_issuer,
        not_before=now,
        not_after=root_not_after,
        crl_url=root_crl,
    )
    inter: tuple[SM2PrivateKey, asn1_x509.Certificate, str, str] | None = None
    if inter_request:
        inter_key = SM2PrivateKey.generate()
        inter_serial = x509.random_serial()
        inter_hex = x509.serial_hex(inter_serial)
        inter_cert = x509.build_certificate(
            profile=PROFILES["intermediate"],
            serial=inter_serial,
            subject=x509.build_name(inter_request.subject),
            public_key=inter_key.public_key(),
            issuer=root_issuer,
            not_before=now,
            not_after=min(
                now + dt.timedelta(days=intermediate_days or PROFILES["intermediate"].default_days),
                root_not_after,
            ),
            crl_url=root_crl,  # the root's CRL is where the intermediate's revocation is published
            ocsp_url=ocsp_url(settings),  # the root's answers come from the same responder
        )
        inter = (
            inter_key,
            inter_cert,
            inter_hex,
            intermediate_crl_url or default_crl_url(settings, x509.key_identifier(inter_key.public_key())),
        )
    with store.begin() as conn:
        _insert_key(conn, f"key-{root_hex}", name, encrypt_private_key(root_key, secret), now, CUSTODY_CA)
        root_record = _insert_certificate(
            conn, root_cert, profile="root", issuer_serial=root_hex, key_id=f"key-{root_hex}"
        )
        conn.execute(
            pki_authorities.insert().values(
                serial=root_hex, role="root", name=name, crl_url=root_crl, issuing=inter is None
            )
        )
        inter_record = None
        if inter and intermediate_name:
            inter_key, inter_cert, inter_hex, inter_crl = inter
            _insert_key(
                conn,
                f"key-{inter_hex}",
                intermediate_name,
                encrypt_private_key(inter_key, secret),
                now,
                CUSTODY_CA,
            )
            inter_record = _insert_certificate(
                conn,
                inter_cert,
                profile="intermediate",
                issuer_serial=root_hex,
                key_id=f"key-{inter_hex}",
            )
            conn.execute(
                pki_authorities.insert().values(
                    serial=inter_hex,
                    role="intermediate",
                    name=intermediate_name,
                    crl_url=inter_crl,
                    issuing=True,
                )
            )
    configured = bool(settings.pki.crl_base_url)  # the operator chose the base: no "defaults to" note
    warnings = crl_url_warnings(root_crl, given=configured or crl_url is not None, what="the root's CRL URL")
    if inter:
        warnings += crl_url_warnings(
            inter[3], given=configured or intermediate_crl_url is not None, what="the issuing CA's CRL URL"
        )
    log.info("pki: created root CA %s", root_hex)
    return InitResult(root_record, inter_record, tuple(warnings))


# --- issue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueResult:
    record: CertificateRecord
    chain: list[CertificateRecord]  # issuers, nearest first
    private_key: SM2PrivateKey | None  # set when govnet generated (or was given) the key pair
    csr_signer_id: x509.SignerId | None  # which SM2 ID the CSR's signature verified with


def issue_certificate(
    store: Store,
    settings: Settings,
    *,
    profile: str,
    subject: str | None = None,
    csr_data: bytes | None = None,
    csr_source: str = "CSR",
    organisation: str | None = None,
    credit_code: str | None = None,
    san: Sequence[str] = (),
    days: int | None = None,
    now: dt.datetime | None = None,
    signer: x509.Issuer | None = None,
    existing_key: SM2PrivateKey | None = None,
    escrow: bool = False,
    before_signing: Callable[[], None] | None = None,
) -> IssueResult:
    """Issue an end-entity certificate from a CSR (its signature checked), for an existing private key
    (``existing_key``, e.g. an imported PKCS#8 file) or for a new key pair.

    Key custody (docs/pki.md, "Key custody"): for non-repudiation profiles (seal maker, signer) the
    store keeps no private key — not the requester's, and a generated one only when ``escrow`` is
    asked for (recorded as such); the caller hands a generated key over once (``private_key``). For
    other profiles a generated or given key is held, encrypted, for export to the device.

    ``signer`` (from ``open_signer``) lets a batch decrypt the CA key once instead of per certificate.
    ``before_signing`` runs once the request itself has been checked: a caller's own refusals come
    after the request's (a typo in the subject is reported first).
    """
    now = now or _now()
    chosen = get_profile(profile)
    if not chosen.end_entity:
        raise InputError(
            f"profile {profile!r} is for CAs (made by init); issue one of: {', '.join(END_ENTITY_PROFILES)}"
        )
    check_days(days)
    if escrow and not chosen.non_repudiation:
        raise FieldError(
            "escrow", f"escrow is for non-repudiation profiles; {chosen.name} keys are held anyway"
        )
    if escrow and (csr_data is not None or existing_key is not None):
        raise FieldError("escrow", "escrow is for keys the CA generates; the requester keeps its own key")
    authority = issuing_authority(store)
    alt_names: tuple[AltName, ...] = tuple(parse_san(s) for s in san)
    public_key: SM2PublicKey
    private_key: SM2PrivateKey | None = None
    signer_id: x509.SignerId | None = None
    if csr_data is not None and existing_key is not None:
        raise InputError("give a certificate request or a key, not both")
    if csr_data is not None:
        request = x509.load_csr(csr_data, csr_source)
        public_key, check = x509.check_csr_signature(request, csr_source)
        if not check.valid:
            raise InputError(
                f"{csr_source}: the request's SM2 signature does not verify "
                "(neither with the default nor with the empty ID)"
            )
        if check.signer_id is x509.SignerId.EMPTY and not settings.pki.allow_empty_sm2_id:
            raise InputError(
                f"{csr_source}: the request is signed with the EMPTY SM2 ID "
                "(OpenSSL's command-line default); "
                "re-create it with `openssl req ... -sigopt distid:1234567812345678`, or allow it with "
                "pki.allow_empty_sm2_id"
            )
        signer_id = check.signer_id
        requested = x509.subject_from_name(request["certification_request_info"]["subject"], csr_source)
        parsed_subject = (
            parse_subject(subject, organisation=organisation, credit_code=credit_code)
            if subject
            else _with(requested, organisation, credit_code, csr_source)
        )
        alt_names = alt_names or x509.csr_alt_names(request, csr_source)
    else:
        if not subject:
            raise InputError("give a subject or a certificate request")
        parsed_subject = parse_subject(subject, organisation=organisation, credit_code=credit_code)
        private_key = existing_key or SM2PrivateKey.generate()
        public_key = private_key.public_key()
    checked = check_request(chosen, parsed_subject, alt_names)
    if before_signing is not None:
        before_signing()
    custody = _custody(chosen, generated=existing_key is None, escrow=escrow) if private_key else None
    secret = passphrase(settings) if signer is None or custody is not None else ""
    issuer = signer or _signer(store, authority, secret)  # a wrong passphrase fails here, before any write
    if issuer.name.dump() != authority.record.certificate.subject.dump():
        raise InputError("the signer given is not the issuing CA")
    not_after = min(now + dt.timedelta(days=days or chosen.default_days), authority.record.not_after)
    # slow (a memory-hard KDF): outside the transaction
    encrypted_key = encrypt_private_key(private_key, secret) if private_key and custody else None
    for attempt in range(5):
        serial = x509.random_serial()
        serial_text = x509.serial_hex(serial)
        cert = x509.build_certificate(
            profile=chosen,
            serial=serial,
            subject=x509.build_name(checked.subject),
            public_key=public_key,
            issuer=issuer,
            not_before=now,
            not_after=not_after,
            alt_names=checked.alt_names,
            crl_url=authority.crl_url,
            ocsp_url=ocsp_url(settings),
        )
        try:
            with store.begin() as conn:
                key_id = None
                if encrypted_key is not None and custody is not None:
                    key_id = f"key-{serial_text}"
                    _insert_key(conn, key_id, x509.name_text(cert.subject), encrypted_key, now, custody)
                record = _insert_certificate(
                    conn,
                    cert,
                    profile=chosen.name,
                    issuer_serial=authority.record.serial,
                    key_id=key_id,
                )
            break
        except StoreConflict as exc:  # pragma: no cover - needs a 159-bit collision
            _retry_on_conflict(attempt, exc)
    log.info("pki: issued %s certificate %s", chosen.name, record.serial)
    return IssueResult(record, chain_of(store, record.serial)[1:], private_key, signer_id)


def _custody(profile: Profile, *, generated: bool, escrow: bool) -> str | None:
    """Whether (and why) the store keeps an end entity's private key: see issue_certificate."""
    if not profile.non_repudiation:
        return CUSTODY_HELD
    return CUSTODY_ESCROW if generated and escrow else None


def open_signer(store: Store, settings: Settings) -> x509.Issuer:
    """The issuing CA's key, decrypted once, for issuing many certificates in one process."""
    return _signer(store, issuing_authority(store), passphrase(settings))


def _with(subject: Subject, organisation: str | None, credit_code: str | None, source: str) -> Subject:
    pairs = list(subject.attributes)
    for attribute, value in (("organization_name", organisation), ("serial_number", credit_code)):
        if value:
            pairs = [p for p in pairs if p[0] != attribute] + [(attribute, value)]
    check_subject_values(pairs, f"{source}: subject", unique=False)  # a CSR may repeat OU, say
    if not any(a == "country_name" for a, _ in pairs):
        pairs.append(("country_name", "CN"))
    return Subject(tuple(pairs))


def private_key_of(store: Store, settings: Settings, serial: str) -> SM2PrivateKey:
    """The private key govnet generated for a certificate (decrypted with the PKI passphrase)."""
    record = get_certificate(store, serial)
    if record.key_id is None:
        raise NotFoundError(
            f"certificate {record.serial}: its private key is its holder's and is not held here"
        )
    if get_profile(record.profile).non_repudiation and record.key_custody != CUSTODY_ESCROW:
        raise InputError(
            f"certificate {record.serial} is a {record.profile} certificate: its private key is not "
            "handed out (kept before escrow had to be asked for; see docs/pki.md, key custody)"
        )
    secret = passphrase(settings)
    with store.connect() as conn:
        return _load_key(conn, record.key_id, secret)


# --- revoke and CRLs ----------------------------------------------------------------------------


def revoke_certificate(
    store: Store, serial: str, reason: str = "unspecified", *, now: dt.datetime | None = None
) -> CertificateRecord:
    now = now or _now()
    if reason not in REASONS:
        raise InputError(f"unknown revocation reason {reason!r}; choose one of: {', '.join(REASONS)}")
    record = get_certificate(store, serial)
    if record.profile == "root":
        raise InputError(
            f"certificate {record.serial} is the root CA: a root is withdrawn by distrusting it, not revoked"
        )
    if record.status == "revoked":
        raise InputError(
            f"certificate {record.serial} was already revoked on {record.revoked_at:%Y-%m-%d %H:%M:%S}Z"
        )
    if record.issuer_serial is None:
        raise InputError(f"certificate {record.serial} was not issued by this CA")
    with store.begin() as conn:
        updated = conn.execute(
            pki_certificates.update()
            .where(pki_certificates.c.serial == record.serial, pki_certificates.c.status == "valid")
            .values(status="revoked")
        )
        if updated.rowcount != 1:
            raise InputError(f"certificate {record.serial} was revoked meanwhile")
        conn.execute(
            pki_revocations.insert().values(
                serial=record.serial,
                issuer_serial=record.issuer_serial,
                reason=REASONS[reason],
                revoked_at=now,
            )
        )
    log.info("pki: revoked %s (%s)", record.serial, reason)
    return get_certificate(store, record.serial)


@dataclass(frozen=True)
class CrlResult:
    issuer: CertificateRecord
    number: int
    this_update: dt.datetime
    next_update: dt.datetime
    revoked: int
    der: bytes

    @property
    def pem(self) -> bytes:
        return x509.to_pem(x509.PEM_CRL, self.der)


def issue_crl(
    store: Store,
    settings: Settings,
    *,
    ca_serial: str | None = None,
    days: int = 7,
    now: dt.datetime | None = None,
) -> CrlResult:
    """Sign a fresh CRL for one CA (default: the issuing CA) listing every certificate it revoked."""
    now = now or _now()
    check_days(days, what="the CRL's validity")
    authority = (
        authority_for(store, resolve_serial(store, ca_serial)) if ca_serial else issuing_authority(store)
    )
    issuer = _signer(store, authority, passphrase(settings))
    next_update = now + dt.timedelta(days=days)
    for attempt in range(5):
        with store.connect() as conn:
            number = (
                conn.execute(
                    select(func.max(pki_crls.c.number)).where(
                        pki_crls.c.issuer_serial == authority.record.serial
                    )
                ).scalar()
                or 0
            ) + 1
            rows = conn.execute(
                select(pki_revocations).where(pki_revocations.c.issuer_serial == authority.record.serial)
            ).all()
        entries = [x509.RevokedEntry(int(r.serial, 16), _aware(r.revoked_at), r.reason) for r in rows]
        crl = x509.build_crl(
            issuer=issuer, number=number, this_update=now, next_update=next_update, revoked=entries
        )
        try:
            with store.begin() as conn:
                conn.execute(
                    pki_crls.insert().values(
                        issuer_serial=authority.record.serial,
                        number=number,
                        this_update=now,
                        next_update=next_update,
                        der=crl.dump(),
                    )
                )
            break
        except StoreConflict as exc:  # another worker published the same number first
            _retry_on_conflict(attempt, exc)
    return CrlResult(authority.record, number, now, next_update, len(entries), crl.dump())


def latest_crls(store: Store) -> list[bytes]:
    """The newest CRL of each CA, DER."""
    with store.connect() as conn:
        newest = (
            select(pki_crls.c.issuer_serial, func.max(pki_crls.c.number).label("number"))
            .group_by(pki_crls.c.issuer_serial)
            .subquery()
        )
        rows = conn.execute(
            select(pki_crls.c.der).join(
                newest,
                (pki_crls.c.issuer_serial == newest.c.issuer_serial) & (pki_crls.c.number == newest.c.number),
            )
        ).all()
    return [bytes(r.der) for r in rows]


def trusted_roots(store: Store) -> list[bytes]:
    return [a.record.der for a in authorities(store) if a.role == "root"]
