"""Who may do what: clients, their API tokens, their grants (a seal, the signer whose key signs with
it, the operations, an optional PIN), PIN failure counters and locks. Deny by default.

Tokens look like ``gvt_<id>_<secret>``: the id finds the row, the store keeps only SHA-256 of the
whole token (256 random bits: a fast hash is enough), compared in constant time. PINs are short and
guessable, so they are kept as Argon2id hashes (argon2-cffi, the reference implementation, whose
verify compares in constant time) and a lock after repeated failures stops guessing.
Everything here reads and writes the store only: workers share no state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from govnet.errors import InputError, NotFoundError
from govnet.settings import ServiceSettings
from govnet.signing.errors import Forbidden, PinRefused, Unauthenticated
from govnet.signing.schema import signing_clients, signing_grants, signing_pin_failures, signing_tokens
from govnet.store import Store, StoreConflict

ROLES = ("client", "admin")
OPERATIONS = ("sign", "sign-ofd", "sm2-sign", "p7-sign")
_CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TOKEN = re.compile(r"gvt_([0-9a-f]{16})_([A-Za-z0-9_-]{20,128})")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    client_id: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Client:
    id: str
    description: str
    role: str
    status: str
    cert_sha256: str | None
    created_at: dt.datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "description": self.description,
            "role": self.role,
            "status": self.status,
            "cert_sha256": self.cert_sha256,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Grant:
    id: int
    client_id: str
    es_id: str
    signer_serial: str
    operations: tuple[str, ...]
    pin_hash: str | None
    status: str

    @property
    def needs_pin(self) -> bool:
        return self.pin_hash is not None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "es_id": self.es_id,
            "signer_serial": self.signer_serial,
            "operations": list(self.operations),
            "pin": self.needs_pin,
            "status": self.status,
        }


@dataclass(frozen=True)
class IssuedToken:
    id: str
    client_id: str
    token: str  # shown once; the store keeps its hash only

    def __repr__(self) -> str:  # never print the secret by accident
        return f"IssuedToken(id={self.id!r}, client_id={self.client_id!r})"


@dataclass(frozen=True)
class BearerToken:
    """An API token not checked yet: the signing path authenticates it in the same read as the
    grant, certificate and seal it needs (``govnet.signing.context``)."""

    token: str

    def __repr__(self) -> str:  # never print the secret by accident
        return "BearerToken(…)"


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _client(row: object) -> Client:
    m = row._mapping  # type: ignore[attr-defined]
    created = _aware(m["created_at"])
    assert created is not None
    return Client(m["id"], m["description"] or "", m["role"], m["status"], m["cert_sha256"], created)


def _grant(row: object) -> Grant:
    m = row._mapping  # type: ignore[attr-defined]
    ops = tuple(op for op in m["operations"].split(",") if op)
    return Grant(m["id"], m["client_id"], m["es_id"], m["signer_serial"], ops, m["pin_hash"], m["status"])


def token_id_of(token: str) -> str:
    """The public part of ``gvt_<id>_<secret>`` that finds the token's row."""
    match = _TOKEN.fullmatch(token.strip())
    if match is None:
        raise Unauthenticated("the API token is malformed")
    return match.group(1)


def check_token(token: str, row: Mapping[Any, Any] | None) -> None:
    """Unauthenticated unless ``row`` (the token's ``sha256`` and ``status``, None when no row has
    its id) is an active token whose hash is the token's."""
    # compare even when there is no row, so that timing does not tell ids apart
    expected = row["sha256"] if row is not None else "0" * 64
    if not hmac.compare_digest(expected, token_sha256(token.strip())) or row is None:
        raise Unauthenticated("the API token is not valid")
    if row["status"] != "active":
        raise Unauthenticated("the API token is revoked")


def principal_of(client: Client) -> Principal:
    if client.status != "active":
        raise Unauthenticated("this client is revoked")
    return Principal(client.id, client.role)


class Access:
    """Clients, tokens, grants and PINs over one store."""

    def __init__(self, store: Store, settings: ServiceSettings) -> None:
        self.store = store
        self.settings = settings
        self._hasher = PasswordHasher(
            time_cost=settings.pin_time_cost, memory_cost=settings.pin_memory_kib, parallelism=1
        )

    # --- authentication ---------------------------------------------------------------------------

    def authenticate(self, token: str | None, cert_sha256: str | None = None) -> Principal:
        """The client a bearer token and/or a TLS client certificate's SHA-256 belong to; both given,
        they must name the same client. Unauthenticated otherwise (never saying which part failed)."""
        by_token = self._by_token(token) if token else None
        by_cert = self._by_certificate(cert_sha256) if cert_sha256 else None
        if by_token is None and by_cert is None:
            raise Unauthenticated(
                "a valid API token (Authorization: Bearer …) or client certificate is needed"
            )
        if by_token and by_cert and by_token.id != by_cert.id:
            raise Unauthenticated("the token and the client certificate belong to different clients")
        client = by_token or by_cert
        assert client is not None
        return principal_of(client)

    def _by_token(self, token: str) -> Client | None:
        token_id = token_id_of(token)
        with self.store.connect() as conn:
            row = conn.execute(
                select(signing_tokens.c.sha256, signing_tokens.c.status, signing_tokens.c.client_id).where(
                    signing_tokens.c.id == token_id
                )
            ).first()
        check_token(token, row._mapping if row is not None else None)
        assert row is not None
        return self._get_client(row._mapping["client_id"])

    def _by_certificate(self, cert_sha256: str) -> Client | None:
        with self.store.connect() as conn:
            row = conn.execute(
                select(signing_clients).where(signing_clients.c.cert_sha256 == cert_sha256.lower())
            ).first()
        if row is None:
            raise Unauthenticated("the client certificate belongs to no client")
        return _client(row)

    # --- clients and tokens -------------------------------------------------------------------------

    def add_client(
        self, client_id: str, *, role: str = "client", description: str = "", cert_sha256: str | None = None
    ) -> Client:
        if not _CLIENT_ID.fullmatch(client_id):
            raise InputError(
                f"client id {client_id!r}: 1-64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        if role not in ROLES:
            raise InputError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if cert_sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", cert_sha256):
            raise InputError("cert_sha256 must be 64 hex digits (SHA-256 of the client certificate's DER)")
        try:
            with self.store.begin() as conn:
                conn.execute(
                    signing_clients.insert().values(
                        id=client_id,
                        description=description,
                        role=role,
                        status="active",
                        cert_sha256=cert_sha256.lower() if cert_sha256 else None,
                        created_at=_now(),
                    )
                )
        except StoreConflict:
            raise InputError(f"client {client_id!r} (or its certificate) exists already") from None
        return self._get_client(client_id)

    def _get_client(self, client_id: str) -> Client:
        with self.store.connect() as conn:
            row = conn.execute(select(signing_clients).where(signing_clients.c.id == client_id)).first()
        if row is None:
            raise NotFoundError(f"no client {client_id!r}")
        return _client(row)

    def client(self, client_id: str) -> Client:
        return self._get_client(client_id)

    def clients(self) -> list[Client]:
        with self.store.connect() as conn:
            rows = conn.execute(select(signing_clients).order_by(signing_clients.c.created_at)).all()
        return [_client(r) for r in rows]

    def revoke_client(self, client_id: str) -> Client:
        """The client and all its tokens stop working at once (every worker reads the store)."""
        client = self._get_client(client_id)
        if client.status == "revoked":
            raise InputError(f"client {client_id!r} was revoked already")
        now = _now()
        with self.store.begin() as conn:
            conn.execute(
                signing_clients.update()
                .where(signing_clients.c.id == client_id)
                .values(status="revoked", revoked_at=now)
            )
            conn.execute(
                signing_tokens.update()
                .where(signing_tokens.c.client_id == client_id, signing_tokens.c.status == "active")
                .values(status="revoked", revoked_at=now)
            )
        return self._get_client(client_id)

    def issue_token(self, client_id: str) -> IssuedToken:
        client = self._get_client(client_id)
        if client.status != "active":
            raise InputError(f"client {client_id!r} is revoked: it gets no token")
        token_id = secrets.token_hex(8)
        token = f"gvt_{token_id}_{secrets.token_urlsafe(32)}"
        with self.store.begin() as conn:
            conn.execute(
                signing_tokens.insert().values(
                    id=token_id,
                    client_id=client_id,
                    sha256=token_sha256(token),
                    status="active",
                    created_at=_now(),
                )
            )
        return IssuedToken(token_id, client_id, token)

    def revoke_token(self, token_id: str) -> None:
        with self.store.begin() as conn:
            done = conn.execute(
                signing_tokens.update()
                .where(signing_tokens.c.id == token_id, signing_tokens.c.status == "active")
                .values(status="revoked", revoked_at=_now())
            )
        if done.rowcount != 1:
            raise NotFoundError(f"no active token {token_id!r}")

    def tokens(self, client_id: str | None = None) -> list[dict[str, object]]:
        query = select(
            signing_tokens.c.id,
            signing_tokens.c.client_id,
            signing_tokens.c.status,
            signing_tokens.c.created_at,
        ).order_by(signing_tokens.c.created_at)
        if client_id:
            query = query.where(signing_tokens.c.client_id == client_id)
        with self.store.connect() as conn:
            return [
                {"id": r.id, "client_id": r.client_id, "status": r.status, "created_at": str(r.created_at)}
                for r in conn.execute(query)
            ]

    # --- grants ---------------------------------------------------------------------------------------

    def add_grant(
        self,
        client_id: str,
        es_id: str,
        signer_serial: str,
        operations: Sequence[str] = OPERATIONS,
        *,
        pin: str | None = None,
    ) -> Grant:
        """Grant a client a seal, signing with ``signer_serial``'s key; a revoked grant is replaced.
        The caller checks that the seal and the certificate exist (the facade does)."""
        client = self._get_client(client_id)
        if client.status != "active":
            raise InputError(f"client {client_id!r} is revoked")
        ops = tuple(dict.fromkeys(op.strip() for op in operations if op.strip()))
        unknown = [op for op in ops if op not in OPERATIONS]
        if unknown or not ops:
            raise InputError(
                f"operations must be some of {', '.join(OPERATIONS)}; got {', '.join(ops) or 'none'}"
            )
        if pin is not None and not 4 <= len(pin) <= 64:
            raise InputError("a PIN must be 4 to 64 characters long")
        values = {
            "signer_serial": signer_serial,
            "operations": ",".join(ops),
            "pin_hash": self._hasher.hash(pin) if pin is not None else None,
            "status": "active",
            "created_at": _now(),
            "revoked_at": None,
        }
        with self.store.begin() as conn:
            row = conn.execute(
                select(signing_grants.c.status).where(
                    signing_grants.c.client_id == client_id, signing_grants.c.es_id == es_id
                )
            ).first()
            if row is not None and row.status == "active":
                raise InputError(
                    f"client {client_id!r} holds a grant for seal {es_id!r} already: revoke it first"
                )
            if row is not None:
                conn.execute(
                    signing_grants.update()
                    .where(signing_grants.c.client_id == client_id, signing_grants.c.es_id == es_id)
                    .values(**values)
                )
            else:
                conn.execute(signing_grants.insert().values(client_id=client_id, es_id=es_id, **values))
            conn.execute(
                signing_pin_failures.delete().where(
                    signing_pin_failures.c.client_id == client_id, signing_pin_failures.c.es_id == es_id
                )
            )
        grant = self.grant(client_id, es_id)
        assert grant is not None
        return grant

    def grant(self, client_id: str, es_id: str) -> Grant | None:
        with self.store.connect() as conn:
            row = conn.execute(
                select(signing_grants).where(
                    signing_grants.c.client_id == client_id, signing_grants.c.es_id == es_id
                )
            ).first()
        return _grant(row) if row is not None else None

    def grants(self, client_id: str | None = None, *, active_only: bool = False) -> list[Grant]:
        query = select(signing_grants).order_by(signing_grants.c.id)
        if client_id:
            query = query.where(signing_grants.c.client_id == client_id)
        if active_only:
            query = query.where(signing_grants.c.status == "active")
        with self.store.connect() as conn:
            return [_grant(r) for r in conn.execute(query)]

    def revoke_grant(self, client_id: str, es_id: str) -> Grant:
        with self.store.begin() as conn:
            done = conn.execute(
                signing_grants.update()
                .where(
                    signing_grants.c.client_id == client_id,
                    signing_grants.c.es_id == es_id,
                    signing_grants.c.status == "active",
                )
                .values(status="revoked", revoked_at=_now())
            )
        if done.rowcount != 1:
            raise NotFoundError(f"client {client_id!r} holds no active grant for seal {es_id!r}")
        grant = self.grant(client_id, es_id)
        assert grant is not None
        return grant

    # --- authorisation -----------------------------------------------------------------------------------

    def authorise(
        self, who: Principal, es_id: str, operation: str, pin: str | None, *, grant: Grant | None = None
    ) -> Grant:
        """The client's active grant of ``es_id`` for ``operation``, its PIN checked; Forbidden
        otherwise. The same refusal for a seal that does not exist and one of another client.
        ``grant``: the client's grant of ``es_id`` when the caller has read it already."""
        if operation not in OPERATIONS:
            raise Forbidden(f"unknown operation {operation!r}")
        grant = grant if grant is not None else self.grant(who.client_id, es_id)
        if grant is None or grant.status != "active" or operation not in grant.operations:
            raise Forbidden(f"client {who.client_id!r} may not {operation} with seal {es_id!r}")
        if grant.pin_hash is not None:
            self._check_pin(grant, pin)
        return grant

    def _check_pin(self, grant: Grant, pin: str | None) -> None:
        now = _now()
        key = (
            signing_pin_failures.c.client_id == grant.client_id,
            signing_pin_failures.c.es_id == grant.es_id,
        )
        with self.store.connect() as conn:
            row = conn.execute(select(signing_pin_failures).where(*key)).first()
        locked_until = _aware(row.locked_until) if row is not None else None
        if locked_until is not None and locked_until > now:
            raise PinRefused(
                f"seal {grant.es_id!r} is locked for this client until {locked_until:%Y-%m-%dT%H:%M:%SZ} "
                "after repeated wrong PINs",
                code="pin_locked",
            )
        if not pin:
            raise PinRefused(f"seal {grant.es_id!r} needs a PIN (X-Seal-PIN)", code="pin_required")
        try:
            self._hasher.verify(grant.pin_hash or "", pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            self._count_failure(grant, now)
        else:
            if row is not None and (row.failures or locked_until is not None):
                with self.store.begin() as conn:
                    conn.execute(signing_pin_failures.delete().where(*key))

    def _count_failure(self, grant: Grant, now: dt.datetime) -> None:
        key = (
            signing_pin_failures.c.client_id == grant.client_id,
            signing_pin_failures.c.es_id == grant.es_id,
        )
        limit = self.settings.pin_max_failures
        with self.store.begin() as conn:
            # the increment happens in the database: two workers counting at once both count
            done = conn.execute(
                signing_pin_failures.update().where(*key).values(failures=signing_pin_failures.c.failures + 1)
            )
            if done.rowcount == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            signing_pin_failures.insert().values(
                                client_id=grant.client_id, es_id=grant.es_id, failures=1, locked_until=None
                            )
                        )
                except IntegrityError:  # another worker inserted it first: count on its row
                    conn.execute(
                        signing_pin_failures.update()
                        .where(*key)
                        .values(failures=signing_pin_failures.c.failures + 1)
                    )
            failures = conn.execute(select(signing_pin_failures.c.failures).where(*key)).scalar_one()
            locked = failures >= limit
            if locked:
                conn.execute(
                    signing_pin_failures.update()
                    .where(*key)
                    .values(
                        failures=0, locked_until=now + dt.timedelta(seconds=self.settings.pin_lock_seconds)
                    )
                )
        if locked:
            raise PinRefused(
                f"wrong PIN for seal {grant.es_id!r}: {limit} in a row, the seal is locked for this client "
                f"for {self.settings.pin_lock_seconds} s",
                code="pin_locked",
            )
        raise PinRefused(f"wrong PIN for seal {grant.es_id!r} ({failures} of {limit} before a lock)")
