"""The PKI as a service: what the CLI, the demo and the signing service call.

One typed entry point per operation — init, issue, revoke, publish CRLs, export, verify — over a
store and settings the caller passes in (``PkiService(store, settings)``, or ``PkiService.open()``
for the configured ones). Inputs are values and bytes (never paths to read, never CLI options); the
errors name fields (``FieldError.field``), not command-line flags, so each edge can say them its own
way. ``govnet.pki.ca`` holds the operations on the store that this composes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from asn1crypto import x509 as asn1_x509

from govnet.errors import GovnetError
from govnet.pki import ca, x509
from govnet.pki.ca import CertificateRecord, CrlResult, InitResult, IssueResult
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.verify import Policy, RevocationRecord, verify_path
from govnet.settings import Settings, load_settings
from govnet.store import Store
from govnet.verdict import Verdict

log = logging.getLogger(__name__)


class CrlPublishError(GovnetError):
    """A CRL was signed and stored, but writing it where its distribution point says failed."""

    def __init__(self, crl: CrlResult, problem: str) -> None:
        super().__init__(f"CRL #{crl.number} is signed and stored, but publishing it failed: {problem}")
        self.crl = crl


@dataclass(frozen=True)
class PublishedCrl:
    crl: CrlResult
    published_to: str | None  # the file written for a file: distribution point; None for http etc.

    def to_dict(self) -> dict[str, object]:
        return {
            "issuer": self.crl.issuer.subject,
            "issuer_serial": self.crl.issuer.serial,
            "number": self.crl.number,
            "this_update": self.crl.this_update.isoformat(),
            "next_update": self.crl.next_update.isoformat(),
            "revoked": self.crl.revoked,
            "published": self.published_to,
        }


@dataclass(frozen=True)
class KeyInput:
    """A private key the requester already has, as file bytes (PKCS#8 or SEC1, PEM or DER)."""

    data: bytes
    source: str
    passphrase: str | None = None


@dataclass(frozen=True)
class IssueRequest:
    profile: str
    subject: str | None = None
    csr: bytes | None = None
    csr_source: str = "CSR"
    key: KeyInput | None = None
    organisation: str | None = None
    credit_code: str | None = None
    san: Sequence[str] = ()
    days: int | None = None


@dataclass(frozen=True)
class VerifyRequest:
    """A certificate to verify, with what the relying party brings besides the store's trust."""

    certificate: bytes
    source: str = "certificate"
    intermediates: Sequence[tuple[bytes, str]] = ()  # (PEM bundle or DER, where from)
    trusted: Sequence[tuple[bytes, str]] = ()
    crls: Sequence[tuple[bytes, str]] = ()
    purpose: str | None = None
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Outcome:
    """An operation's result plus warnings a person should see (the CLI prints them on stderr)."""

    warnings: tuple[str, ...] = field(default=(), kw_only=True)


@dataclass(frozen=True)
class InitOutcome(Outcome):
    result: InitResult


@dataclass(frozen=True)
class PkiService:
    store: Store
    settings: Settings

    @classmethod
    @contextmanager
    def open(cls, settings: Settings | None = None) -> Iterator[PkiService]:
        """The service over the configured store (closed when the block ends)."""
        settings = settings or load_settings()
        with Store.open(settings.effective_store_url) as store:
            yield cls(store, settings)

    # --- the authority ------------------------------------------------------------------------

    def init(
        self,
        *,
        name: str,
        organisation: str | None = None,
        credit_code: str | None = None,
        intermediate: bool = False,
        intermediate_name: str | None = None,
        crl_url: str | None = None,
        intermediate_crl_url: str | None = None,
        root_days: int | None = None,
        intermediate_days: int | None = None,
    ) -> InitOutcome:
        """Create the root CA, and an issuing intermediate when asked (or when it is named)."""
        if intermediate and not intermediate_name:
            from govnet.pki.profiles import parse_subject

            intermediate_name = f"CN={parse_subject(name).common_name} Issuing CA"
        result = ca.init_ca(
            self.store,
            self.settings,
            name=name,
            organisation=organisation,
            credit_code=credit_code,
            intermediate_name=intermediate_name,
            crl_url=crl_url,
            intermediate_crl_url=intermediate_crl_url,
            root_days=root_days,
            intermediate_days=intermediate_days,
        )
        return InitOutcome(result)

    def issue(self, request: IssueRequest) -> IssueResult:
        from govnet.pki import keys

        existing: SM2PrivateKey | None = None
        if request.key is not None:
            existing = keys.load_pkcs8_or_sec1_key(
                request.key.data, request.key.passphrase, source=request.key.source
            )
        return ca.issue_certificate(
            self.store,
            self.settings,
            profile=request.profile,
            subject=request.subject,
            csr_data=request.csr,
            csr_source=request.csr_source,
            existing_key=existing,
            organisation=request.organisation,
            credit_code=request.credit_code,
            san=request.san,
            days=request.days,
        )

    def revoke(self, serial: str, reason: str = "unspecified") -> CertificateRecord:
        return ca.revoke_certificate(self.store, serial, reason)

    def publish_crl(self, *, ca_serial: str | None = None, days: int = 7) -> PublishedCrl:
        """Sign a fresh CRL for one CA (default: the issuing CA), store it, and write it where a
        ``file:`` distribution point names (serving it over http is the signing service's job)."""
        crl = ca.issue_crl(self.store, self.settings, ca_serial=ca_serial, days=days)
        url = ca.authority_for(self.store, crl.issuer.serial).crl_url
        try:
            published = write_crl_file(url, crl.der)
        except OSError as exc:
            raise CrlPublishError(crl, f"{url}: cannot write: {exc.strerror or exc}") from None
        return PublishedCrl(crl, published)

    # --- reading --------------------------------------------------------------------------------

    def authorities(self) -> list[ca.Authority]:
        """This installation's CAs, the root first."""
        return ca.authorities(self.store)

    def certificate(self, serial: str) -> CertificateRecord:
        return ca.get_certificate(self.store, serial)

    def chain(self, serial: str) -> list[CertificateRecord]:
        """The certificate and its issuers up to the root, leaf first."""
        return ca.chain_of(self.store, serial)

    def certificates(
        self, *, profile: str | None = None, status: str | None = None
    ) -> Iterator[CertificateRecord]:
        if status not in (None, "valid", "revoked"):
            raise ca.FieldError("status", f"must be valid or revoked, got {status!r}")
        return ca.list_certificates(self.store, profile=profile, status=status)

    def private_key(self, serial: str) -> SM2PrivateKey:
        """The private key the store holds for a certificate (decrypted with the PKI passphrase)."""
        return ca.private_key_of(self.store, self.settings, serial)

    # --- verification ---------------------------------------------------------------------------

    def verify(self, request: VerifyRequest) -> Verdict:
        """Verify a certificate against the store's trust anchors, CAs and CRLs, plus the request's."""
        target = x509.load_certificate(request.certificate, request.source)
        intermediates = [
            c for data, where in request.intermediates for c in x509.load_certificates(data, where)
        ]
        roots = [c for data, where in request.trusted for c in x509.load_certificates(data, where)]
        crls = [x509.load_crl(data, where) for data, where in request.crls]
        roots += [x509.load_certificate(der, "store") for der in ca.trusted_roots(self.store)]
        crls += [x509.load_crl(der, "store") for der in ca.latest_crls(self.store)]
        intermediates += [r.certificate for r in ca.list_certificates(self.store, profile="intermediate")]
        policy = Policy(
            allow_empty_sm2_id=self.settings.pki.allow_empty_sm2_id, at=request.at, purpose=request.purpose
        )
        return verify_path(
            target,
            intermediates=intermediates,
            roots=roots,
            crls=crls,
            policy=policy,
            records=self._revocation_record,
        )

    def _revocation_record(self, cert: asn1_x509.Certificate) -> RevocationRecord | None:
        record = ca.find_by_serial(self.store, cert.serial_number)
        if record is None:
            return None
        return RevocationRecord(
            record.der, record.serial, record.status, revoked_at=record.revoked_at, reason=record.reason
        )


def write_crl_file(url: str, der: bytes) -> str | None:
    """Write a CRL where a ``file:`` URL names it, atomically (a reader sees the old CRL or the new
    one, never half of one); other schemes are served, not written: None."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    path = Path(unquote(parts.path))
    staging = path.with_name(path.name + ".new")
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging.write_bytes(der)
    staging.replace(path)
    return str(path)
