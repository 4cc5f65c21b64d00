"""The seal service: make, list, revoke, sign and verify over the store and the PKI core.

What the CLI, the demo and the signing service call. Inputs are values and bytes (no paths, no CLI
options). The seal maker's and the signer's keys come from a ``KeySource`` the caller names
(``govnet.pki.keysource``): the holder's key file, or a key the PKI store keeps in escrow. Seals are
kept in the ``seal_seals`` table (``schema.py``) with their status.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from asn1crypto import x509 as asn1_x509
from sqlalchemy import select

from govnet.errors import InputError, NotFoundError
from govnet.pki import x509
from govnet.pki.ca import CertificateRecord
from govnet.pki.keysource import KeyInput, KeySource, load_key, matching, signing_key
from govnet.pki.schema import CUSTODY_ESCROW
from govnet.pki.seal.model import GOVNET_VENDOR, Extension, Seal, SealKind
from govnet.pki.seal.reader import read_seal
from govnet.pki.seal.schema import seal_seals
from govnet.pki.seal.verify import SealPolicy, Trust, verify_seal, verify_signature
from govnet.pki.seal.writer import SealRequest, build_seal, sign_digest
from govnet.pki.service import PkiService
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import TimeStampAuthority
from govnet.settings import Settings, load_settings
from govnet.store import Store, StoreConflict
from govnet.verdict import Verdict

log = logging.getLogger(__name__)

DEFAULT_DAYS = 3 * 365


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class SealRecord:
    es_id: str
    name: str
    kind: int
    vendor_id: str
    maker_serial: str
    valid_start: dt.datetime
    valid_end: dt.datetime
    stored_status: str  # active | revoked
    revoked_at: dt.datetime | None
    reason: str | None
    der: bytes

    def status(self, at: dt.datetime | None = None) -> str:
        """active, revoked or expired (derived from the validity at ``at``, default now)."""
        if self.stored_status == "revoked":
            return "revoked"
        if (at or dt.datetime.now(dt.UTC)) > self.valid_end:
            return "expired"
        return self.stored_status

    @cached_property
    def seal(self) -> Seal:
        return read_seal(self.der, f"stored seal {self.es_id}")

    def to_dict(self) -> dict[str, object]:
        return {
            "es_id": self.es_id,
            "name": self.name,
            "kind": SealKind(self.kind).name.lower() if self.kind in (1, 2) else self.kind,
            "vendor_id": self.vendor_id,
            "maker_serial": self.maker_serial,
            "valid_start": self.valid_start.isoformat(),
            "valid_end": self.valid_end.isoformat(),
            "status": self.status(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "reason": self.reason,
        }


def seal_record(row: object) -> SealRecord:
    """A seal row (seal_seals' columns, by name) as the record every caller gets."""
    m = row._mapping  # type: ignore[attr-defined]
    return SealRecord(
        es_id=m["es_id"],
        name=m["name"],
        kind=m["kind"],
        vendor_id=m["vendor_id"],
        maker_serial=m["maker_serial"],
        valid_start=_aware(m["valid_start"]),
        valid_end=_aware(m["valid_end"]),
        stored_status=m["status"],
        revoked_at=_aware(m["revoked_at"]) if m["revoked_at"] else None,
        reason=m["reason"],
        der=bytes(m["der"]),
    )


@dataclass(frozen=True)
class MakeSealRequest:
    name: str
    picture: bytes
    width_mm: int = 40
    height_mm: int = 40
    kind: SealKind = SealKind.ORGANISATION
    signer_serials: Sequence[str] = ()  # signers' certificates in the store
    signer_certificates: Sequence[tuple[bytes, str]] = ()  # other signers' certificates (data, source)
    maker_serial: str | None = None  # default: the one valid seal-maker certificate for the maker's key
    days: int = DEFAULT_DAYS
    valid_start: dt.datetime | None = None
    as_digests: bool = False
    vendor_id: str = GOVNET_VENDOR
    es_id: str | None = None
    extensions: Sequence[Extension] = field(default_factory=tuple)


@dataclass(frozen=True)
class VerifyRequest:
    signature: bytes
    source: str = "signature"
    data_hash: bytes | None = None
    trusted: Sequence[tuple[bytes, str]] = ()
    intermediates: Sequence[tuple[bytes, str]] = ()
    crls: Sequence[tuple[bytes, str]] = ()
    at: dt.datetime | None = None


class _StoreSealStatus(Mapping[str, str]):
    """esID -> status, read from the store when asked (a verifier asks about one or two seals)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getitem__(self, es_id: str) -> str:
        with self._store.connect() as conn:
            row = conn.execute(select(seal_seals).where(seal_seals.c.es_id == es_id)).first()
        if row is None:
            raise KeyError(es_id)
        return seal_record(row).status()

    def __iter__(self) -> Iterator[str]:
        with self._store.connect() as conn:
            return iter([r.es_id for r in conn.execute(select(seal_seals.c.es_id))])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def trust_from_store(
    store: Store,
    *,
    trusted: Sequence[tuple[bytes, str]] = (),
    intermediates: Sequence[tuple[bytes, str]] = (),
    crls: Sequence[tuple[bytes, str]] = (),
) -> Trust:
    """govnet's own CA as a relying party sees it -- its roots, its CA certificates, the newest CRLs
    and the seals' statuses -- plus extra (data, source) roots, intermediates and CRLs."""
    from govnet.pki import ca

    roots = [c for data, where in trusted for c in x509.load_certificates(data, where)]
    roots += [x509.load_certificate(der, "store") for der in ca.trusted_roots(store)]
    inters = [c for data, where in intermediates for c in x509.load_certificates(data, where)]
    inters += [r.certificate for r in ca.list_certificates(store, profile="intermediate")]
    lists = [x509.load_crl(data, where) for data, where in crls]
    lists += [x509.load_crl(der, "store") for der in ca.latest_crls(store)]
    return Trust(roots=roots, intermediates=inters, crls=lists, seal_status=_StoreSealStatus(store))


@dataclass(frozen=True)
class SealService:
    store: Store
    settings: Settings

    @classmethod
    @contextmanager
    def open(cls, settings: Settings | None = None) -> Iterator[SealService]:
        settings = settings or load_settings()
        with Store.open(settings.effective_store_url) as store:
            yield cls(store, settings)

    @property
    def pki(self) -> PkiService:
        return PkiService(self.store, self.settings)

    # --- making and keeping seals ----------------------------------------------------------------

    def _maker(self, serial: str | None, source: KeySource) -> tuple[CertificateRecord, SM2PrivateKey]:
        """The seal maker's certificate (named, or the only one that fits the key) and its key."""
        if serial:
            record = self.pki.certificate(serial)
            self._check_maker(record)
            return record, signing_key(self.pki, record, source)
        now = dt.datetime.now(dt.UTC)
        makers = [r for r in self.pki.certificates(profile="seal-maker", status="valid") if r.not_after > now]
        if isinstance(source, KeyInput):
            key = load_key(source)
            point = key.public_key().point()
            makers = [r for r in makers if x509.certificate_public_key(r.certificate).point() == point]
            if len(makers) == 1:
                return makers[0], matching(key, makers[0], source.source)
            which = f"for the key in {source.source}"
        else:
            makers = [r for r in makers if r.key_custody == CUSTODY_ESCROW]
            which = "whose key the store keeps in escrow"
        if len(makers) != 1:
            raise InputError(
                f"the store holds {len(makers)} valid seal-maker certificates {which}: "
                "name one with its serial (the PKI issues them with the seal-maker profile)"
            )
        return makers[0], signing_key(self.pki, makers[0], source)

    @staticmethod
    def _check_maker(record: CertificateRecord) -> None:
        if record.profile != "seal-maker":
            raise InputError(
                f"certificate {record.serial} is a {record.profile} certificate, not a seal maker's"
            )
        if record.status != "valid":
            raise InputError(f"the seal maker's certificate {record.serial} is revoked")

    def make(
        self, request: MakeSealRequest, maker_key: KeySource, *, now: dt.datetime | None = None
    ) -> SealRecord:
        """Make a v4 seal signed by the seal maker with ``maker_key``, and keep it (active)."""
        now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        if not 0 < request.days <= 36_525:
            raise InputError(f"days must be between 1 and 36525, got {request.days}")
        certificates: list[asn1_x509.Certificate] = [
            self.pki.certificate(s).certificate for s in request.signer_serials
        ]
        certificates += [x509.load_certificate(data, source) for data, source in request.signer_certificates]
        if not certificates:
            raise InputError("name at least one signer's certificate (its serial, or a certificate file)")
        maker_record, maker_key_value = self._maker(request.maker_serial, maker_key)
        start = request.valid_start or now
        end = min(start + dt.timedelta(days=request.days), maker_record.not_after)
        es_id = request.es_id or uuid.uuid4().hex
        der = build_seal(
            SealRequest(
                es_id=es_id,
                kind=request.kind,
                name=request.name,
                certificates=tuple(certificates),
                valid_start=start,
                valid_end=end,
                picture=request.picture,
                width_mm=request.width_mm,
                height_mm=request.height_mm,
                as_digests=request.as_digests,
                vendor_id=request.vendor_id,
                extensions=tuple(request.extensions),
                created=now,
            ),
            maker_key_value,
            maker_record.certificate,
        )
        values = {
            "es_id": es_id,
            "name": request.name,
            "kind": int(request.kind),
            "vendor_id": request.vendor_id,
            "maker_serial": maker_record.serial,
            "valid_start": start,
            "valid_end": end,
            "status": "active",
            "revoked_at": None,
            "reason": None,
            "der": der,
            "created_at": dt.datetime.now(dt.UTC),
        }
        try:
            with self.store.begin() as conn:
                conn.execute(seal_seals.insert().values(**values))
        except StoreConflict:
            raise InputError(f"a seal with id {es_id!r} exists already") from None
        log.info("seal: made %s (%s)", es_id, request.name)
        return self.get(es_id)

    def get(self, es_id: str) -> SealRecord:
        with self.store.connect() as conn:
            row = conn.execute(select(seal_seals).where(seal_seals.c.es_id == es_id)).first()
        if row is None:
            raise NotFoundError(f"no seal {es_id!r} in the store")
        return seal_record(row)

    def seals(self, *, status: str | None = None) -> list[SealRecord]:
        if status not in (None, "active", "revoked", "expired"):
            raise InputError(f"status must be active, revoked or expired, got {status!r}")
        with self.store.connect() as conn:
            rows = conn.execute(select(seal_seals).order_by(seal_seals.c.created_at)).all()
        records = [seal_record(r) for r in rows]
        return [r for r in records if status is None or r.status() == status]

    def revoke(
        self, es_id: str, reason: str = "unspecified", *, now: dt.datetime | None = None
    ) -> SealRecord:
        record = self.get(es_id)
        if record.stored_status == "revoked":
            raise InputError(f"seal {es_id!r} was revoked already")
        with self.store.begin() as conn:
            conn.execute(
                seal_seals.update()
                .where(seal_seals.c.es_id == es_id)
                .values(status="revoked", revoked_at=now or dt.datetime.now(dt.UTC), reason=reason)
            )
        return self.get(es_id)

    # --- signing and verifying ---------------------------------------------------------------------

    def sign(
        self,
        es_id: str,
        signer_serial: str,
        data_hash: bytes,
        *,
        key: KeySource,
        property_info: str = "",
        sign_time: dt.datetime | None = None,
        time_stamp: TimeStampAuthority | None = None,
    ) -> bytes:
        """A detached SES_Signature (v4) over ``data_hash`` with a stored, active seal, signed with
        the signer's ``key``; with ``time_stamp`` (e.g. ``TimeStampAuthority.open(pki)``) its
        signature value is time-stamped into the timeStamp field."""
        record = self.get(es_id)
        status = record.status()
        if status != "active":
            raise InputError(f"seal {es_id!r} is {status}: it cannot sign")
        signer = self.pki.certificate(signer_serial)
        if signer.status != "valid":
            raise InputError(f"the signer's certificate {signer.serial} is revoked")
        return sign_digest(
            record.der,
            signing_key(self.pki, signer, key),
            signer.certificate,
            data_hash,
            property_info=property_info,
            sign_time=sign_time,
            time_stamper=(lambda value: time_stamp.stamp(sm3(value), "sm3")) if time_stamp else None,
        )

    def trust(
        self,
        *,
        trusted: Sequence[tuple[bytes, str]] = (),
        intermediates: Sequence[tuple[bytes, str]] = (),
        crls: Sequence[tuple[bytes, str]] = (),
    ) -> Trust:
        """The store's roots, CA certificates, newest CRLs and seal statuses, plus what is given."""
        return trust_from_store(self.store, trusted=trusted, intermediates=intermediates, crls=crls)

    def policy(self, at: dt.datetime | None = None) -> SealPolicy:
        return SealPolicy(allow_empty_sm2_id=self.settings.pki.allow_empty_sm2_id, at=at)

    def verify(self, request: VerifyRequest) -> Verdict:
        trust = self.trust(trusted=request.trusted, intermediates=request.intermediates, crls=request.crls)
        return verify_signature(
            request.signature,
            data_hash=request.data_hash,
            trust=trust,
            policy=self.policy(request.at),
            source=request.source,
        )

    def verify_seal(
        self,
        der: bytes,
        *,
        source: str = "seal",
        at: dt.datetime | None = None,
        trusted: Sequence[tuple[bytes, str]] = (),
        intermediates: Sequence[tuple[bytes, str]] = (),
        crls: Sequence[tuple[bytes, str]] = (),
    ) -> Verdict:
        """A seal on its own, against the store's trust plus the (data, source) roots,
        intermediates and CRLs given -- as a signature is verified."""
        trust = self.trust(trusted=trusted, intermediates=intermediates, crls=crls)
        return verify_seal(der, trust=trust, policy=self.policy(at), source=source)
