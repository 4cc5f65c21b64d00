"""The API's hot path -- a seal signature whose bearer token is authenticated in the same single read
as the grant, the certificate and the seal (``govnet.signing.context``) -- refuses exactly what the
separate reads refuse, at once after each change in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from signing_kit import ADMIN, World

from govnet.pki.sm3 import sm3
from govnet.signing.access import BearerToken
from govnet.signing.errors import Forbidden, Unauthenticated
from govnet.verdict import Status

DIGEST = sm3("不动产登记证明 2026-0042".encode())


def _token(world: World, name: str = "land", *, signer: str | None = None) -> BearerToken:
    s = world.service
    s.add_client(ADMIN, name)
    s.add_grant(ADMIN, name, world.seal_a, signer or world.signer)
    return BearerToken(s.issue_token(ADMIN, name).token)


def _records(world: World) -> int:
    return len(world.service.audit.records(limit=10_000))


def test_a_bearer_token_signs_as_its_client_and_the_signature_verifies(world: World) -> None:
    s = world.service
    token = _token(world)
    out = s.sign_hash(token, world.seal_a, DIGEST)
    who = s.authenticate(token.token)
    assert s.verify_seal_signature(who, out.data, DIGEST).status is Status.PASSED
    record = s.audit.records(after=out.audit_seq - 1, limit=1)[0]
    assert (record["actor"], record["operation"], record["result"]) == ("land", "sign", "ok")
    assert record["serial"] == world.signer == out.signer_serial


def test_bad_revoked_or_foreign_tokens_are_unauthenticated_and_leave_no_record(world: World) -> None:
    s = world.service
    token = _token(world)
    before = _records(world)
    altered = token.token[:-1] + ("B" if token.token.endswith("A") else "A")  # one character other
    for bad in ("gvt_0123456789abcdef_" + "x" * 43, altered, "Bearer nonsense", ""):
        with pytest.raises(Unauthenticated):
            s.sign_hash(BearerToken(bad), world.seal_a, DIGEST)
    s.revoke_token(ADMIN, token.token.split("_")[1])
    with pytest.raises(Unauthenticated, match="revoked"):
        s.sign_hash(token, world.seal_a, DIGEST)
    second = BearerToken(s.issue_token(ADMIN, "land").token)
    assert s.sign_hash(second, world.seal_a, DIGEST).data
    s.revoke_client(ADMIN, "land")
    with pytest.raises(Unauthenticated, match="revoked"):  # its tokens go with it
        s.sign_hash(second, world.seal_a, DIGEST)
    # the refusals wrote nothing; the admin actions and the one signature did
    assert _records(world) == before + 4


def test_grant_certificate_and_seal_changes_refuse_the_next_signature(world: World) -> None:
    s = world.service
    token = _token(world)
    assert s.sign_hash(token, world.seal_a, DIGEST).data  # the worker has prepared the seal now
    for es_id in (world.seal_b, "NO-SUCH-SEAL"):
        with pytest.raises(Forbidden):
            s.sign_hash(token, es_id, DIGEST)
    s.revoke_grant(ADMIN, "land", world.seal_a)
    with pytest.raises(Forbidden):
        s.sign_hash(token, world.seal_a, DIGEST)
    s.add_grant(ADMIN, "land", world.seal_a, world.signer)
    s.pki.revoke(world.signer, "keyCompromise")
    with pytest.raises(Forbidden) as refused:
        s.sign_hash(token, world.seal_a, DIGEST)
    assert refused.value.code == "signer_invalid"
    refusals = s.audit.records(after=_records(world) - 1, limit=1)
    assert (refusals[0]["result"], refusals[0]["serial"]) == ("refused", world.signer)


def test_a_revoked_seal_is_refused_on_the_hot_path(world: World) -> None:
    s = world.service
    token = _token(world)
    assert s.sign_hash(token, world.seal_a, DIGEST).data
    s.revoke_seal(ADMIN, world.seal_a, "lost")
    with pytest.raises(Forbidden) as refused:
        s.sign_hash(token, world.seal_a, DIGEST)
    assert refused.value.code == "seal_inactive"


def test_a_grant_naming_its_signer_by_a_serial_prefix_still_signs(world: World) -> None:
    prefix = world.signer[:12]  # the store resolves it as `govnet pki show` does
    token = _token(world, signer=prefix)
    out = world.service.sign_hash(token, world.seal_a, DIGEST)
    assert out.signer_serial == world.signer
