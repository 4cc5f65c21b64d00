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
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509

from govnet.errors import GovnetError
from govnet.fsutil import atomic_write
from govnet.pki import ca, x509
from govnet.pki.ca import CertificateRecord, CrlResult, InitResult, IssueResult
from govnet.pki.errors import FieldError
from govnet.pki.keystore import load_private_key
from govnet.pki.schema import CUSTODY_ESCROW
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.verify import Policy, RevocationRecord, verify_path
from govnet.settings import Settings, load_settings
from govnet.store import Store
from govnet.verdict import Verdict

log = logging.getLogger(__name__)


class CrlPublishError(GovnetError):
    """A CRL was signed and stored, but writing it where its distribution point says failed."""

    def __init__(self, crl: CrlResult, problem: str, *, several: bool = False) -> None:
        super().__init__(
            f"the CRLs are signed and stored, but publishing failed: {problem}"
            if several
            else f"CRL #{crl.number} is signed and stored, but publishing it failed: {problem}"
        )
        self.crl = crl
        self.problem = problem


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
    """A private key its holder gives, as file bytes: a govnet key file, or PKCS#8 or SEC1 (PEM or
    DER), with the passphrase it is encrypted under."""

    data: bytes = field(repr=False)
    source: str
    passphrase: str | None = field(default=None, repr=False)


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
    # The passphrase a generated key is handed over under. The holder's own, required for
    # non-repudiation profiles (and never the CA's); for others it defaults to the PKI passphrase.
    key_passphrase: str | None = None
    escrow: bool = False  # keep an encrypted copy of a generated non-repudiation key (recorded)


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
class IssueOutcome(Outcome):
    result: IssueResult
    # A generated private key as encrypted PKCS#8 PEM, for its holder: handed over this once.
    key_file: bytes | None = None

    @property
    def record(self) -> CertificateRecord:
        return self.result.record


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
            from govnet.pki.profiles import issuing_ca_subject, parse_subject, subject_text

            root = parse_subject(name, organisation=organisation, credit_code=credit_code)
            intermediate_name = subject_text(issuing_ca_subject(root))
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
        return InitOutcome(result, warnings=result.warnings)

    def issue(self, request: IssueRequest) -> IssueOutcome:
        """Issue a certificate; a generated key comes back once, encrypted (``key_file``)."""
        from govnet.pki import keys
        from govnet.pki.profiles import get_profile

        profile = get_profile(request.profile)
        generates = request.csr is None and request.key is None
        handover = request.key_passphrase

        def check_handover() -> None:
            if not (generates and profile.non_repudiation):
                return
            if not handover:
                raise FieldError(
                    "key_passphrase",
                    f"a {profile.name} key is generated for its holder and handed over once, encrypted "
                    "under a passphrase the holder chooses: give one",
                )
            if handover == ca.passphrase(self.settings):
                raise FieldError(
                    "key_passphrase",
                    "the key's passphrase must be the holder's own, not the CA's (the PKI passphrase)",
                )

        existing: SM2PrivateKey | None = None
        if request.key is not None:
            existing = load_private_key(request.key.data, request.key.passphrase, source=request.key.source)
        result = ca.issue_certificate(
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
            escrow=request.escrow,
            before_signing=check_handover,
        )
        key_file = None
        if generates and result.private_key is not None:
            key_file = keys.dump_private_key_pem(result.private_key, handover or ca.passphrase(self.settings))
        return IssueOutcome(result, key_file)

    def revoke(self, serial: str, reason: str = "unspecified") -> CertificateRecord:
        return ca.revoke_certificate(self.store, serial, reason)

    def publish_crl(self, *, ca_serial: str | None = None, days: int = 7) -> PublishedCrl:
        """Sign a fresh CRL for one CA (default: the issuing CA), store it, and write it where a
        ``file:`` distribution point names (serving it over http is the signing service's job)."""
        crl = ca.issue_crl(self.store, self.settings, ca_serial=ca_serial, days=days)
        url = ca.authority_for(self.store, crl.issuer.serial).crl_url
        target = crl_file_for(url, self.settings.home / "pki" / "crl")
        if target is None:
            return PublishedCrl(crl, None)
        try:
            write_crl_file(target, crl.der)
        except OSError as exc:
            raise CrlPublishError(crl, f"{target}: cannot write: {exc.strerror or exc}") from None
        return PublishedCrl(crl, str(target))

    def publish_all_crls(self, *, days: int = 7) -> list[PublishedCrl]:
        """A fresh CRL from every CA of this installation, the root first. Each is signed and stored
        even if writing another fails; the failures are raised together at the end."""
        published, failed = [], []
        for authority in ca.authorities(self.store):
            try:
                published.append(self.publish_crl(ca_serial=authority.record.serial, days=days))
            except CrlPublishError as exc:
                failed.append(exc)
        if failed:
            raise CrlPublishError(failed[0].crl, "; ".join(e.problem for e in failed), several=True)
        return published

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
            raise FieldError("status", f"status must be valid or revoked, got {status!r}")
        return ca.list_certificates(self.store, profile=profile, status=status)

    def export_private_key(self, serial: str, passphrase: str | None = None) -> bytes:
        """The private key the store holds for a certificate, as encrypted PKCS#8 PEM under
        ``passphrase``. An escrowed non-repudiation key is released only under a passphrase given
        for its holder (never the CA's); a held device or server key defaults to the PKI passphrase.
        Keys of non-repudiation certificates that were not escrowed on request are never handed out."""
        from govnet.pki import keys

        record = ca.get_certificate(self.store, serial)
        key = ca.private_key_of(self.store, self.settings, record.serial)
        if record.key_custody == CUSTODY_ESCROW:
            if not passphrase:
                raise FieldError(
                    "key_passphrase",
                    "an escrowed key goes out only under a passphrase for its holder: give one",
                )
            if passphrase == ca.passphrase(self.settings):
                raise FieldError(
                    "key_passphrase",
                    "the key's passphrase must be the holder's own, not the CA's (the PKI passphrase)",
                )
        return keys.dump_private_key_pem(key, passphrase or ca.passphrase(self.settings))

    # --- verification ---------------------------------------------------------------------------

    def verify(self, request: VerifyRequest) -> Verdict:
        """Verify a certificate against the store's trust anchors, CAs and CRLs, plus the request's."""
        target = x509.load_certificate(request.certificate, request.source)
        intermediates = [
            c for data, where in request.intermediates for c in x509.load_certificates(data, where)
        ]
        roots = [c for data, where in request.trusted for c in x509.load_certificates(data, where)]
        crls = [x509.load_crl(data, where) for data, where in request.crls]
        authorities = ca.authorities(self.store)
        roots += [_store_certificate(a.record.der) for a in authorities if a.role == "root"]
        intermediates += [_store_certificate(a.record.der) for a in authorities if a.role != "root"]
        crls += [_store_crl(der) for der in ca.latest_crls(self.store)]
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


@lru_cache(maxsize=64)
def _store_certificate(der: bytes) -> asn1_x509.Certificate:
    return x509.load_certificate(der, "store")


@lru_cache(maxsize=64)
def _store_crl(der: bytes) -> asn1_crl.CertificateList:
    # A CRL is parsed once per process, not once per verification: a service verifies many
    # certificates against the same few CRLs, and a large CRL costs milliseconds to parse.
    return x509.load_crl(der, "store")


def crl_file_for(url: str, served_folder: Path) -> Path | None:
    """Where a CRL for ``url`` is written: the file a ``file:`` URL names, or for ``http(s):`` the
    file of that name in ``served_folder`` (``$GOVNET_HOME/pki/crl``), which the signing service — or
    any web server — serves at the base URL. None for other schemes (published elsewhere)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if parts.scheme in ("http", "https"):
        name = Path(unquote(parts.path)).name
        return served_folder / name if name else None
    return None


def write_crl_file(path: Path, der: bytes) -> None:
    """Write a CRL atomically: a reader sees the old CRL or the new one, never half of one."""
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory")
    atomic_write(path, der)
