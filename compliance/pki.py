"""The PKI and e-seal service as an asset: a snapshot the PKI checks judge without further I/O.

``read_pki`` opens the configured store through ``govnet.pki.service.PkiService`` (and the seal
service's table), and gathers what the checks need: every certificate, the CAs, each CA's newest
CRL, the stored keys (never decrypted: only their at-rest format is looked at), the private-key files
on disk with their modes, the seals, and — once the signing service exists — the audit chain's
verdict (``govnet.signing.audit.verify_chain``). A store that cannot be opened is an error asset.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from govnet.errors import GovnetError
from govnet.settings import Settings
from govnet.verdict import Verdict

if TYPE_CHECKING:
    from govnet.pki.ca import Authority, CertificateRecord
    from govnet.store import Store

KEY_FILE_MAX_BYTES = 1 << 20  # a private-key file is a few hundred bytes; bigger files are not keys


@dataclass(frozen=True)
class StoredKey:
    id: str
    owner: str
    custody: str | None
    encrypted: bool  # the blob is govnet's SM4-GCM key format (header parsed, nothing decrypted)
    problem: str = ""


@dataclass(frozen=True)
class KeyFile:
    path: str
    mode: int  # permission bits
    form: str  # govnet-sm4-gcm | encrypted-pkcs8 | encrypted-pem | plaintext

    @property
    def encrypted(self) -> bool:
        return self.form != "plaintext"

    @property
    def private(self) -> bool:
        return not self.mode & (stat.S_IRWXG | stat.S_IRWXO)


@dataclass(frozen=True)
class SealInfo:
    es_id: str
    maker_serial: str
    algorithm: str  # the seal maker's signature algorithm OID, "" when the seal does not parse
    problem: str = ""


@dataclass(frozen=True)
class PkiAsset:
    asset_type: ClassVar[str] = "pki"
    name: str
    source: str  # the store URL, password masked
    at: dt.datetime  # when the snapshot was taken: validity and freshness are judged at this time
    certificates: tuple[CertificateRecord, ...] = ()
    authorities: tuple[Authority, ...] = ()
    crls: tuple[bytes, ...] = ()  # each CA's newest CRL, DER
    keys: tuple[StoredKey, ...] = ()
    key_files: tuple[KeyFile, ...] = ()
    protected_files: tuple[KeyFile, ...] = ()  # files holding keys or their passphrase (store, passphrase)
    seals: tuple[SealInfo, ...] = ()
    audit: Verdict | None = None  # None: no signing service installed (see audit_note)
    audit_note: str = ""
    audit_problem: str = ""  # the signing service is installed but its chain could not be read
    allow_empty_sm2_id: bool = False
    expiring_days: int = 30
    problem: str = ""
    notes: tuple[str, ...] = ()
    vendor: str | None = None
    truncated: bool = False


def key_file_form(data: bytes) -> str | None:
    """How a file holds a private key (None: it holds none): govnet's SM4-GCM format, encrypted
    PKCS#8, a legacy PEM with ``Proc-Type: 4,ENCRYPTED``, or plaintext PKCS#8 / SEC1."""
    from govnet.pki.keys import parse_pem
    from govnet.pki.keystore import MAGIC, PEM_LABEL

    if data[:4] == MAGIC:
        return "govnet-sm4-gcm"
    if b"PRIVATE KEY-----" not in data:
        return None
    try:
        blocks = parse_pem(data, "key file")
    except GovnetError:
        return "plaintext"  # a damaged PEM still shows the key's label: judge it as unprotected
    forms = []
    for block in blocks:
        if block.label == PEM_LABEL:
            forms.append("govnet-sm4-gcm")
        elif block.label == "ENCRYPTED PRIVATE KEY":
            forms.append("encrypted-pkcs8")
        elif block.label.endswith("PRIVATE KEY"):
            encrypted = "ENCRYPTED" in block.headers.get("Proc-Type", "")
            forms.append("encrypted-pem" if encrypted else "plaintext")
    if not forms:
        return None
    return "plaintext" if "plaintext" in forms else forms[0]


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink())
        elif path.is_file():
            yield path


def scan_key_files(paths: Iterable[Path]) -> tuple[list[KeyFile], list[str]]:
    """The private-key files among ``paths`` (files, or folders read recursively) and notes on
    files that could not be read."""
    found, notes = [], []
    for path in _files(paths):
        try:
            info = path.stat()
            if info.st_size > KEY_FILE_MAX_BYTES:
                continue
            data = path.read_bytes()
        except OSError as exc:
            notes.append(f"{path}: cannot read ({exc.strerror or exc})")
            continue
        form = key_file_form(data)
        if form is not None:
            found.append(KeyFile(str(path), stat.S_IMODE(info.st_mode), form))
    return found, notes


def _protected(path: Path, form: str) -> KeyFile | None:
    try:
        return KeyFile(str(path), stat.S_IMODE(path.stat().st_mode), form)
    except OSError:
        return None


def _stored_keys(store: Store) -> list[StoredKey]:
    from sqlalchemy import select

    from govnet.pki.keystore import read_public_key
    from govnet.pki.schema import pki_keys

    out = []
    with store.connect() as conn:
        rows = conn.execute(
            select(pki_keys.c.id, pki_keys.c.owner, pki_keys.c.custody, pki_keys.c.blob).order_by(
                pki_keys.c.id
            )
        ).all()
    for row in rows:
        try:
            read_public_key(bytes(row.blob), source=f"stored key {row.id}")
        except GovnetError as exc:
            out.append(StoredKey(row.id, row.owner, row.custody, False, str(exc)))
        else:
            out.append(StoredKey(row.id, row.owner, row.custody, True))
    return out


def _seals(store: Store, settings: Settings) -> list[SealInfo]:
    from govnet.pki.seal.service import SealService

    out = []
    for record in SealService(store, settings).seals():
        try:
            algorithm = record.seal.algorithm
        except GovnetError as exc:
            out.append(SealInfo(record.es_id, record.maker_serial, "", str(exc)))
            continue
        out.append(SealInfo(record.es_id, record.maker_serial, algorithm))
    return out


AuditCheck = Callable[["Store"], Verdict]


def audit_function() -> AuditCheck | None:
    """``govnet.signing.audit.verify_chain`` when the signing service is installed. Imported before
    the store opens, so that the signing service's tables are registered and migrated with it."""
    try:
        from govnet.signing.audit import verify_chain  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return cast(AuditCheck, verify_chain)


def audit_verdict(store: Store, verify_chain: AuditCheck | None) -> tuple[Verdict | None, str, str]:
    """(verdict, note, problem): the signing service's audit chain verdict; None with a note when
    there is no signing service, or None with a problem when its chain could not be read."""
    if verify_chain is None:
        return None, "no signing service installed here (govnet.signing.audit is absent)", ""
    try:
        verdict = verify_chain(store)
    except GovnetError as exc:
        return None, "", f"the audit chain could not be read: {exc}"
    records = next((c.evidence.get("records") for c in verdict.checks if c.name == "chain"), None)
    if verdict.ok and records == 0:  # no record and no head: the service never ran on this store
        return None, "the signing service has kept no audit records in this store", ""
    return verdict, "", ""


def read_pki(
    settings: Settings,
    *,
    key_paths: Iterable[Path] = (),
    at: dt.datetime | None = None,
    expiring_days: int = 30,
) -> PkiAsset:
    """Snapshot the configured PKI (an unreadable store is an error asset, never an exception).
    Key files are looked for in ``$GOVNET_HOME/pki`` and in ``key_paths``."""
    from govnet.pki import ca
    from govnet.pki import schema as _pki_schema  # noqa: F401  (registers the pki tables)
    from govnet.pki.seal import schema as _seal_schema  # noqa: F401  (and the seals')
    from govnet.pki.service import PkiService
    from govnet.store import Store

    at = at or dt.datetime.now(dt.UTC)
    verify_chain = audit_function()
    url = settings.effective_store_url
    try:
        store = Store.open(url)
    except GovnetError as exc:
        return PkiAsset("pki", url, at, problem=f"the PKI store cannot be opened: {exc}")
    with store:
        source = store.url_masked
        try:
            pki = PkiService(store, settings)
            certificates = tuple(pki.certificates())
            authorities = tuple(pki.authorities())
            crls = tuple(ca.latest_crls(store))
            keys = tuple(_stored_keys(store))
            seals = tuple(_seals(store, settings))
            audit, audit_note, audit_problem = audit_verdict(store, verify_chain)
        except GovnetError as exc:
            return PkiAsset("pki", source, at, problem=f"the PKI store cannot be read: {exc}")
    if not certificates:
        return PkiAsset("pki", source, at, problem="the store holds no PKI (run govnet pki init)")
    files, notes = scan_key_files([settings.home / "pki", *key_paths])
    protected = []
    if store.dialect == "sqlite" and store.engine.url.database not in (None, "", ":memory:"):
        protected.append(_protected(Path(str(store.engine.url.database)), "store"))
    if settings.pki.passphrase_file is not None:
        protected.append(_protected(Path(settings.pki.passphrase_file).expanduser(), "passphrase"))
    return PkiAsset(
        "pki",
        source,
        at,
        certificates,
        authorities,
        crls,
        keys,
        tuple(files),
        tuple(p for p in protected if p is not None),
        seals,
        audit,
        audit_note,
        audit_problem,
        settings.pki.allow_empty_sm2_id,
        expiring_days,
        notes=tuple(notes),
    )
