"""What a signing request needs from the store, read in one query on one connection.

A seal signature asks the store for the token and its client (authentication), the client's grant of
the seal, the grant's certificate with its revocation, and the seal with its status. Read one by one
that was six pool checkouts and about ten statements per request, more than the SM2 signature itself
costs; here it is one statement, built once, whose rows become the same records the areas' own reads
give (``access``, ``pki.ca``, ``pki.seal.service``), so every check that follows is unchanged and still
sees the store as it is now: a revoked token, client, grant, certificate or seal refuses the very
next request, on every worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Label, and_, bindparam, select

from govnet.pki.ca import CertificateRecord, certificate_record
from govnet.pki.schema import pki_certificates, pki_keys, pki_revocations
from govnet.pki.seal.schema import seal_seals
from govnet.pki.seal.service import SealRecord, seal_record
from govnet.signing.access import (
    Grant,
    Principal,
    _client,
    _grant,
    check_token,
    principal_of,
    token_id_of,
)
from govnet.signing.schema import signing_clients, signing_grants, signing_tokens
from govnet.store import Store


@dataclass(frozen=True)
class SigningContext:
    """The caller and, as the store holds them now, its grant of the seal, the grant's certificate
    (None when the grant names it by a prefix: the caller resolves it) and the seal (None: no such
    seal)."""

    principal: Principal
    grant: Grant | None
    signer: CertificateRecord | None
    seal: SealRecord | None


def _labelled(prefix: str, columns: Any) -> list[Label[Any]]:
    return [column.label(f"{prefix}{column.name}") for column in columns]


class _Row:
    """One table's columns of the joined row, shaped as the areas' row-to-record functions read
    them (``row._mapping[name]``)."""

    def __init__(self, row: Mapping[Any, Any], prefix: str, names: list[str]) -> None:
        self._mapping = {name: row[prefix + name] for name in names}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._mapping[name]
        except KeyError:
            raise AttributeError(name) from None


_es_id: BindParameter[str] = bindparam("es_id")
_CERTIFICATE = [
    *pki_certificates.c,
    pki_revocations.c.revoked_at,
    pki_revocations.c.reason,
    pki_keys.c.custody,
]
_QUERY = (
    select(
        signing_tokens.c.sha256.label("t_sha256"),
        signing_tokens.c.status.label("t_status"),
        *_labelled("c_", signing_clients.c),
        *_labelled("g_", signing_grants.c),
        *_labelled("x_", _CERTIFICATE),
        *_labelled("s_", seal_seals.c),
    )
    .select_from(
        signing_tokens.join(signing_clients, signing_clients.c.id == signing_tokens.c.client_id)
        .outerjoin(
            signing_grants,
            and_(signing_grants.c.client_id == signing_clients.c.id, signing_grants.c.es_id == _es_id),
        )
        .outerjoin(pki_certificates, pki_certificates.c.serial == signing_grants.c.signer_serial)
        .outerjoin(pki_revocations, pki_revocations.c.serial == pki_certificates.c.serial)
        .outerjoin(pki_keys, pki_keys.c.id == pki_certificates.c.key_id)
        .outerjoin(seal_seals, seal_seals.c.es_id == _es_id)
    )
    .where(signing_tokens.c.id == bindparam("token_id"))
)


_CLIENT, _GRANT = [c.name for c in signing_clients.c], [c.name for c in signing_grants.c]
_CERT, _SEAL = [c.name for c in _CERTIFICATE], [c.name for c in seal_seals.c]


def read_context(store: Store, token: str, es_id: str) -> SigningContext:
    """Authenticate ``token`` and read what signing with ``es_id`` needs; Unauthenticated as
    ``Access.authenticate`` says it."""
    token_id = token_id_of(token)
    with store.connect() as conn:
        found = conn.execute(_QUERY, {"token_id": token_id, "es_id": es_id}).first()
    row = found._mapping if found is not None else None
    check_token(token, {"sha256": row["t_sha256"], "status": row["t_status"]} if row is not None else None)
    assert row is not None
    principal = principal_of(_client(_Row(row, "c_", _CLIENT)))
    grant = _grant(_Row(row, "g_", _GRANT)) if row["g_id"] is not None else None
    signer = certificate_record(_Row(row, "x_", _CERT)) if row["x_serial"] is not None else None
    seal = seal_record(_Row(row, "s_", _SEAL)) if row["s_es_id"] is not None else None
    return SigningContext(principal, grant, signer, seal)
