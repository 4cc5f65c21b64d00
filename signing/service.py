"""The signing service's facade: what the HTTP API and the admin CLI call.

Every operation takes the authenticated ``Principal``, authorises it (``access``), does the work with
the existing seal, OFD and CMS code (``govnet.pki.seal`` / ``ofd`` / ``cms``; nothing re-implemented
here), appends an audit record and only then returns. A signature whose audit record could not be
committed is never handed out (``Unavailable``). Keys come from a ``KeyBackend``. The object holds no
state that workers would have to share: everything lives in the store (the key cache aside).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from govnet.errors import GovnetError, InputError, NotFoundError
from govnet.pki import tsa as tsa_protocol
from govnet.pki import x509
from govnet.pki.ca import CertificateRecord
from govnet.pki.cms import raw as cms_raw
from govnet.pki.cms import service as cms_service
from govnet.pki.cms.signeddata import Style, sign_data
from govnet.pki.ocsp import OcspResponder
from govnet.pki.ofd.service import verify_file
from govnet.pki.ofd.sign import Placement, SealSigner, SignResult, sign_ofd
from govnet.pki.ofd.verify import OfdReport
from govnet.pki.seal.service import SealRecord, SealService, VerifyRequest
from govnet.pki.seal.writer import PreparedSigner, prepare_seal, prepare_signer, sign_prepared
from govnet.pki.service import PkiService
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import TimeStampAuthority
from govnet.settings import Settings
from govnet.signing.access import OPERATIONS, Access, BearerToken, Client, Grant, IssuedToken, Principal
from govnet.signing.audit import AuditEvent, AuditLog, verify_chain
from govnet.signing.context import SigningContext, read_context
from govnet.signing.errors import Forbidden, ServiceError, Unavailable
from govnet.signing.keys import KeyBackend, ServiceHeadSigner, StoreKeyBackend
from govnet.store import Store, StoreError
from govnet.verdict import Verdict

log = logging.getLogger(__name__)
T = TypeVar("T")
_PREPARED_MAX = 1024  # prepared (seal, signer) pairs kept per worker


@dataclass(frozen=True)
class SignOutcome:
    data: bytes
    es_id: str
    signer_serial: str
    audit_seq: int


@dataclass(frozen=True)
class _Authorised:
    grant: Grant
    signer: CertificateRecord
    key: SM2PrivateKey


class SigningService:
    def __init__(self, store: Store, settings: Settings, *, keys: KeyBackend | None = None) -> None:
        self.store = store
        self.settings = settings
        self.pki = PkiService(store, settings)
        self.seals = SealService(store, settings)
        self.keys: KeyBackend = keys or StoreKeyBackend(self.pki)
        self.access = Access(store, settings.service)
        signer = (
            ServiceHeadSigner(self.pki, self.keys, settings.service.audit_signer)
            if settings.service.audit_signer
            else None
        )
        self.audit = AuditLog(store, signer=signer, sign_every=settings.service.audit_sign_every)
        self._responders: dict[str, Any] = {}  # per worker: the TSA's and OCSP's keys decrypted once
        self._responders_lock = threading.Lock()
        # per worker: seals parsed and signers checked once (keyed by what they were built from, so a
        # changed seal or certificate is prepared afresh; a seal's status is still read every time)
        self._prepared: dict[tuple[str, bytes, bytes], PreparedSigner] = {}
        self._prepared_lock = threading.Lock()

    # --- time-stamps and OCSP (govnet.pki.tsa / govnet.pki.ocsp) --------------------------------------

    def _responder(self, kind: Any) -> Any:
        with self._responders_lock:
            if kind.__name__ not in self._responders:
                try:
                    self._responders[kind.__name__] = kind.open(self.pki)
                except NotFoundError as exc:
                    raise Unavailable(f"{exc}", code="not_configured") from None
            return self._responders[kind.__name__]

    def time_stamp_authority(self) -> TimeStampAuthority:
        """The PKI's TSA (its newest valid tsa certificate); Unavailable when there is none."""
        return self._responder(TimeStampAuthority)

    def time_stamp_response(self, request_der: bytes) -> bytes:
        """The DER TimeStampResp for ``POST /tsa``. Without a TSA certificate a rejection with
        failInfo systemFailure saying so: RFC 3161 clients read a TimeStampResp, not an HTTP error."""
        try:
            authority = self.time_stamp_authority()
        except Unavailable as exc:
            return tsa_protocol.rejection("system_failure", str(exc))
        return authority.respond(request_der)

    def ocsp_responder(self) -> OcspResponder:
        return self._responder(OcspResponder)

    # --- audit -------------------------------------------------------------------------------------

    def record(self, event: AuditEvent) -> int:
        """Append an audit record; Unavailable when it cannot be committed."""
        try:
            return self.audit.append(event)
        except StoreError as exc:
            log.error("audit: cannot append a record: %s", exc)
            raise Unavailable(
                "the audit record could not be written: the operation was not completed"
            ) from None

    def _audited(
        self, who: Principal, event: AuditEvent, work: Callable[[dict[str, str]], T]
    ) -> tuple[T, int]:
        """Run ``work`` (which may note facts such as the signer's serial for the record); append its
        audit record (ok, or refused/invalid with the reason) in any case; return its result and the
        record's position only once the record is committed."""
        facts: dict[str, str] = {}
        try:
            result = work(facts)
        except ServiceError as exc:
            self.record(_with(event, **facts, result="refused", detail=exc.code))
            raise
        except GovnetError as exc:
            self.record(_with(event, **facts, result="invalid", detail=type(exc).__name__))
            raise
        return result, self.record(_with(event, **facts))

    # --- authentication ----------------------------------------------------------------------------

    def authenticate(self, token: str | None, cert_sha256: str | None = None) -> Principal:
        return self.access.authenticate(token, cert_sha256)

    # --- signing -----------------------------------------------------------------------------------

    def _authorise(
        self,
        who: Principal,
        es_id: str,
        operation: str,
        pin: str | None,
        facts: dict[str, str],
        context: SigningContext | None = None,
    ) -> _Authorised:
        grant = context.grant if context is not None else self.access.grant(who.client_id, es_id)
        if grant is not None:
            facts["serial"] = grant.signer_serial  # audited even when the PIN is refused
        grant = self.access.authorise(who, es_id, operation, pin, grant=grant)
        signer = context.signer if context is not None else None
        if signer is None:  # not read yet, or the grant names its certificate by a serial prefix
            signer = self.pki.certificate(grant.signer_serial)
        now = dt.datetime.now(dt.UTC)
        if signer.status != "valid" or not signer.not_before <= now <= signer.not_after:
            state = signer.status if signer.status != "valid" else "not valid now"
            raise Forbidden(
                f"the signer's certificate {signer.serial} is {state}: it cannot sign", code="signer_invalid"
            )
        return _Authorised(grant, signer, self.keys.key_for(signer))

    def _active_seal(self, es_id: str, context: SigningContext | None = None) -> SealRecord:
        found = context.seal if context is not None else None
        record = found if found is not None else self.seals.get(es_id)
        status = record.status()
        if status != "active":
            raise Forbidden(f"seal {es_id!r} is {status}: it cannot sign", code="seal_inactive")
        return record

    def _prepared_signer(self, seal: SealRecord, allowed: _Authorised) -> PreparedSigner:
        """The seal parsed and the signer checked against it, once per worker for each seal DER,
        certificate DER and key."""
        signer_der = allowed.signer.der  # as stored: the certificate is not parsed on this path
        cache_key = (seal.es_id, hashlib.sha256(seal.der).digest(), hashlib.sha256(signer_der).digest())
        with self._prepared_lock:
            found = self._prepared.get(cache_key)
        if found is not None and found.key is allowed.key:
            return found
        prepared = prepare_signer(prepare_seal(seal.der), allowed.key, allowed.signer.certificate)
        with self._prepared_lock:
            if len(self._prepared) >= _PREPARED_MAX:
                self._prepared.clear()  # seals rarely change; a bound keeps replaced ones from piling up
            self._prepared[cache_key] = prepared
        return prepared

    def sign_hash(
        self,
        who: Principal | BearerToken,
        es_id: str,
        digest: bytes,
        *,
        pin: str | None = None,
        property_info: str = "",
        time_stamp: bool = False,
    ) -> SignOutcome:
        """A GB/T 38540 SES_Signature (v4) over an SM3 digest with a granted seal; with
        ``time_stamp`` its signature value carries an RFC 3161 token from the PKI's TSA. ``who``: an
        authenticated caller, or a bearer token to authenticate in the same read as the grant,
        certificate and seal (one statement instead of several: see ``signing.context``)."""
        context = read_context(self.store, who.token, es_id) if isinstance(who, BearerToken) else None
        if context is not None:
            who = context.principal
        assert isinstance(who, Principal)
        event = AuditEvent(who.client_id, "sign", "ok", es_id=es_id, document_hash=digest.hex())

        def work(facts: dict[str, str]) -> tuple[bytes, str]:
            if len(digest) != 32:
                raise InputError(f"the document hash must be 32 bytes (SM3), got {len(digest)}")
            allowed = self._authorise(who, es_id, "sign", pin, facts, context)
            seal = self._active_seal(es_id, context)
            stamper = None
            if time_stamp:
                tsa = self.time_stamp_authority()
                stamper = lambda value: tsa.stamp(sm3(value), "sm3")  # noqa: E731 - GB/T 38540 timeStamp
            der = sign_prepared(
                self._prepared_signer(seal, allowed),
                digest,
                property_info=property_info,
                time_stamper=stamper,
            )
            return der, allowed.signer.serial

        (der, serial), seq = self._audited(who, event, work)
        return SignOutcome(der, es_id, serial, seq)

    def sign_ofd(
        self,
        who: Principal,
        es_id: str,
        source: Path,
        output: Path,
        *,
        pin: str | None = None,
        placement: Placement | None = None,
    ) -> tuple[SignResult, int]:
        """Seal an OFD file with a granted seal (the stamp where ``placement`` says)."""
        from govnet.pki.sm3 import sm3_file

        event = AuditEvent(
            who.client_id,
            "sign-ofd",
            "ok",
            es_id=es_id,
            document_hash=sm3_file(source).hex(),
        )

        def work(facts: dict[str, str]) -> SignResult:
            allowed = self._authorise(who, es_id, "sign-ofd", pin, facts)
            seal = self._active_seal(es_id)
            signer = SealSigner(allowed.key, allowed.signer.certificate, seal.der)
            return sign_ofd(source, output, signer, placement=placement)

        return self._audited(who, event, work)

    def sm2_sign(
        self,
        who: Principal,
        es_id: str,
        *,
        data: bytes | None = None,
        e: bytes | None = None,
        pin: str | None = None,
        encoding: cms_raw.Encoding = cms_raw.Encoding.DER,
    ) -> SignOutcome:
        """A raw SM2 signature (GM/T 0029 SignData) with the key of the signer granted with ``es_id``."""
        digest = e if e is not None else sm3(data or b"")
        event = AuditEvent(
            who.client_id,
            "sm2-sign",
            "ok",
            es_id=es_id,
            document_hash=digest.hex(),
        )

        def work(facts: dict[str, str]) -> tuple[bytes, str]:
            allowed = self._authorise(who, es_id, "sm2-sign", pin, facts)
            return cms_raw.sign(allowed.key, data=data, e=e, encoding=encoding), allowed.signer.serial

        (der, serial), seq = self._audited(who, event, work)
        return SignOutcome(der, es_id, serial, seq)

    def p7_sign(
        self,
        who: Principal,
        es_id: str,
        content: bytes,
        *,
        pin: str | None = None,
        detached: bool = False,
        style: Style = Style.GM,
    ) -> SignOutcome:
        """GM/T 0010 SignedData over ``content`` with the key of the signer granted with ``es_id``."""
        event = AuditEvent(
            who.client_id,
            "p7-sign",
            "ok",
            es_id=es_id,
            document_hash=sm3(content).hex(),
        )

        def work(facts: dict[str, str]) -> tuple[bytes, str]:
            allowed = self._authorise(who, es_id, "p7-sign", pin, facts)
            chain = tuple(
                r.certificate
                for r in self.pki.chain(allowed.signer.serial)
                if r.serial != allowed.signer.serial
            )
            der = sign_data(
                content, allowed.key, allowed.signer.certificate, detached=detached, chain=chain, style=style
            )
            return der, allowed.signer.serial

        (der, serial), seq = self._audited(who, event, work)
        return SignOutcome(der, es_id, serial, seq)

    # --- verifying (open to every authenticated client; audited) ------------------------------------

    def _verified(self, who: Principal, operation: str, digest: bytes | None, verdict: Verdict) -> Verdict:
        result = "ok" if verdict.ok else "invalid"
        self.record(
            AuditEvent(
                who.client_id,
                operation,
                result,
                document_hash=digest.hex() if digest else None,
                detail=verdict.status.value,
            )
        )
        return verdict

    def verify_seal_signature(self, who: Principal, signature: bytes, data_hash: bytes | None) -> Verdict:
        verdict = self.seals.verify(VerifyRequest(signature, source="request body", data_hash=data_hash))
        return self._verified(who, "verify-seal-signature", data_hash, verdict)

    def verify_ofd(self, who: Principal, source: Path) -> OfdReport:
        from govnet.pki.sm3 import sm3_file

        report = verify_file(self.seals, source)
        result = "ok" if report.status.value == "PASSED" else "invalid"
        self.record(
            AuditEvent(
                who.client_id,
                "verify-ofd",
                result,
                document_hash=sm3_file(source).hex(),
                detail=report.status.value,
            )
        )
        return report

    def p7_verify(self, who: Principal, der: bytes, content: bytes | None) -> Verdict:
        verdict = cms_service.verify_p7(
            self.pki, der, content=content, source="request body", trust_given=cms_service.trust(self.pki)
        )
        return self._verified(who, "p7-verify", sm3(content) if content is not None else sm3(der), verdict)

    def sm2_verify(
        self,
        who: Principal,
        signature: bytes,
        *,
        certificate: bytes | None = None,
        serial: str | None = None,
        data: bytes | None = None,
        e: bytes | None = None,
    ) -> Verdict:
        """A raw SM2 signature, with a certificate given (PEM/DER) or one of the store's by serial,
        and that certificate's path to the store's roots."""
        if (certificate is None) == (serial is None):
            raise InputError("give either the signer's certificate or its serial")
        cert = (
            self.pki.certificate(serial).certificate
            if serial is not None
            else x509.load_certificate(certificate or b"", "certificate")
        )
        verdict = cms_service.verify_sm2(
            cert,
            signature,
            data=data,
            e=e,
            chain_trust=cms_service.trust(self.pki),
            allow_empty_sm2_id=self.settings.pki.allow_empty_sm2_id,
        )
        return self._verified(who, "sm2-verify", e if e is not None else sm3(data or b""), verdict)

    # --- reading --------------------------------------------------------------------------------------

    def visible_seals(self, who: Principal) -> list[tuple[SealRecord, Grant | None]]:
        """An admin sees every seal; a client those it holds an active grant for."""
        if who.is_admin:
            return [(r, None) for r in self.seals.seals()]
        grants = {g.es_id: g for g in self.access.grants(who.client_id, active_only=True)}
        return [(r, grants[r.es_id]) for r in self.seals.seals() if r.es_id in grants]

    def seal(self, who: Principal, es_id: str) -> tuple[SealRecord, Grant | None]:
        grant = None
        if not who.is_admin:
            grant = self.access.grant(who.client_id, es_id)
            if grant is None or grant.status != "active":
                raise Forbidden(f"client {who.client_id!r} holds no grant for seal {es_id!r}")
        return self.seals.get(es_id), grant

    def certificate(self, serial: str) -> CertificateRecord:
        return self.pki.certificate(serial)

    # --- administration --------------------------------------------------------------------------------

    def _admin(self, who: Principal, operation: str, work: Callable[[], T], **fields: str | None) -> T:
        event = AuditEvent(who.client_id, operation, "ok", **fields)  # type: ignore[arg-type]

        def checked(_facts: dict[str, str]) -> T:
            if not who.is_admin:
                raise Forbidden(f"{operation} is an administrator's operation", code="admin_only")
            return work()

        result, _seq = self._audited(who, event, checked)
        return result

    def add_client(
        self,
        who: Principal,
        client_id: str,
        *,
        role: str = "client",
        description: str = "",
        cert_sha256: str | None = None,
    ) -> Client:
        return self._admin(
            who,
            "client-add",
            lambda: self.access.add_client(
                client_id, role=role, description=description, cert_sha256=cert_sha256
            ),
            detail=f"client {client_id} role {role}",
        )

    def clients(self, who: Principal) -> list[Client]:
        if not who.is_admin:
            raise Forbidden("listing clients is an administrator's operation", code="admin_only")
        return self.access.clients()

    def revoke_client(self, who: Principal, client_id: str) -> Client:
        return self._admin(
            who, "client-revoke", lambda: self.access.revoke_client(client_id), detail=f"client {client_id}"
        )

    def issue_token(self, who: Principal, client_id: str) -> IssuedToken:
        issued = self._admin(
            who, "token-issue", lambda: self.access.issue_token(client_id), detail=f"client {client_id}"
        )
        return issued

    def revoke_token(self, who: Principal, token_id: str) -> None:
        self._admin(
            who, "token-revoke", lambda: self.access.revoke_token(token_id), detail=f"token {token_id}"
        )

    def add_grant(
        self,
        who: Principal,
        client_id: str,
        es_id: str,
        signer_serial: str,
        operations: Sequence[str] = OPERATIONS,
        *,
        pin: str | None = None,
    ) -> Grant:
        def work() -> Grant:
            seal = self.seals.get(es_id)
            signer = self.pki.certificate(signer_serial)
            from govnet.pki.seal.writer import listed

            if not listed(seal.seal, signer.certificate):
                raise InputError(
                    f"seal {es_id!r} does not list certificate {signer_serial}: it cannot sign with it"
                )
            return self.access.add_grant(client_id, es_id, signer_serial, operations, pin=pin)

        return self._admin(
            who,
            "grant-add",
            work,
            es_id=es_id,
            serial=signer_serial,
            detail=f"client {client_id} {','.join(operations)}",
        )

    def grants(self, who: Principal, client_id: str | None = None) -> list[Grant]:
        if not who.is_admin:
            raise Forbidden("listing grants is an administrator's operation", code="admin_only")
        return self.access.grants(client_id)

    def revoke_grant(self, who: Principal, client_id: str, es_id: str) -> Grant:
        return self._admin(
            who,
            "grant-revoke",
            lambda: self.access.revoke_grant(client_id, es_id),
            es_id=es_id,
            detail=f"client {client_id}",
        )

    def revoke_seal(self, who: Principal, es_id: str, reason: str = "unspecified") -> SealRecord:
        return self._admin(
            who, "seal-revoke", lambda: self.seals.revoke(es_id, reason), es_id=es_id, detail=reason
        )

    def verify_audit(self) -> Verdict:
        return verify_chain(self.store)


def _with(event: AuditEvent, **changes: str | None) -> AuditEvent:
    from dataclasses import replace

    return replace(event, **changes)  # type: ignore[arg-type]


__all__ = ["NotFoundError", "SignOutcome", "SigningService"]
