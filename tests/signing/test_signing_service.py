"""The signing service's domain on SQLite and PostgreSQL: grants decide who signs with which seal
(deny by default), PINs lock after repeated failures, tokens authenticate only while active, every
action lands in the audit chain before a signature is returned, and what it signs verifies."""

from __future__ import annotations

import pytest
from signing_kit import ADMIN, World

from govnet.pki.sm3 import sm3
from govnet.signing.access import Principal
from govnet.signing.audit import verify_chain
from govnet.signing.errors import Forbidden, PinRefused, Unauthenticated
from govnet.signing.schema import signing_audit
from govnet.verdict import Status

DOC = "营业执照 2026-0001".encode()


def _client(world: World, name: str = "tax", *, pin: str | None = None) -> tuple[Principal, str]:
    s = world.service
    s.add_client(ADMIN, name)
    token = s.issue_token(ADMIN, name).token
    s.add_grant(ADMIN, name, world.seal_a, world.signer, pin=pin)
    return s.authenticate(token), token


def test_a_granted_seal_signs_and_the_signature_verifies(world: World) -> None:
    who, _ = _client(world)
    out = world.service.sign_hash(who, world.seal_a, sm3(DOC))
    verdict = world.service.verify_seal_signature(who, out.data, sm3(DOC))
    assert verdict.status is Status.PASSED, verdict.summary()
    assert out.signer_serial == world.signer and out.audit_seq > 0


def test_a_seal_granted_to_nobody_or_another_client_is_refused(world: World) -> None:
    who, _ = _client(world)
    with pytest.raises(Forbidden):
        world.service.sign_hash(who, world.seal_b, sm3(DOC))
    with pytest.raises(Forbidden):
        world.service.sign_hash(who, "NO-SUCH-SEAL", sm3(DOC))
    with pytest.raises(Forbidden):
        world.service.sm2_sign(who, world.seal_b, data=DOC)


def test_an_operation_outside_the_grant_is_refused(world: World) -> None:
    s = world.service
    s.add_client(ADMIN, "ofd-only")
    s.add_grant(ADMIN, "ofd-only", world.seal_a, world.signer, ["sign-ofd"])
    who = Principal("ofd-only", "client")
    with pytest.raises(Forbidden):
        s.sign_hash(who, world.seal_a, sm3(DOC))


def test_a_wrong_pin_is_refused_then_the_seal_locks_for_that_client(world: World) -> None:
    who, _ = _client(world, pin="123456")
    s = world.service
    with pytest.raises(PinRefused) as missing:
        s.sign_hash(who, world.seal_a, sm3(DOC))
    assert missing.value.code == "pin_required"
    limit = s.settings.service.pin_max_failures
    for attempt in range(1, limit + 1):
        with pytest.raises(PinRefused) as wrong:
            s.sign_hash(who, world.seal_a, sm3(DOC), pin="000000")
        assert wrong.value.code == ("pin_locked" if attempt == limit else "pin_invalid")
    with pytest.raises(PinRefused) as locked:  # locked: even the right PIN is refused now
        s.sign_hash(who, world.seal_a, sm3(DOC), pin="123456")
    assert locked.value.code == "pin_locked"


def test_the_right_pin_signs_and_resets_the_count(world: World) -> None:
    who, _ = _client(world, pin="123456")
    s = world.service
    for _ in range(s.settings.service.pin_max_failures - 1):
        with pytest.raises(PinRefused):
            s.sign_hash(who, world.seal_a, sm3(DOC), pin="999999")
    s.sign_hash(who, world.seal_a, sm3(DOC), pin="123456")
    with pytest.raises(PinRefused) as wrong:  # counted from zero again, so not locked
        s.sign_hash(who, world.seal_a, sm3(DOC), pin="999999")
    assert wrong.value.code == "pin_invalid"


def test_revoked_tokens_and_clients_no_longer_authenticate(world: World) -> None:
    s = world.service
    _, token = _client(world)
    token_id = token.split("_")[1]
    s.revoke_token(ADMIN, token_id)
    with pytest.raises(Unauthenticated):
        s.authenticate(token)
    second = s.issue_token(ADMIN, "tax").token
    assert s.authenticate(second).client_id == "tax"
    s.revoke_client(ADMIN, "tax")
    with pytest.raises(Unauthenticated):
        s.authenticate(second)
    altered = token[:-1] + ("B" if token.endswith("A") else "A")  # 1 in 64 tokens ends in A
    for bad in ("", "gvt_0123456789abcdef_" + "x" * 43, "Bearer nonsense", altered):
        with pytest.raises(Unauthenticated):
            s.authenticate(bad or None)


def test_the_store_keeps_no_token_or_pin(world: World) -> None:
    from sqlalchemy import select

    from govnet.signing.schema import signing_grants, signing_tokens

    _, token = _client(world, pin="271828")
    with world.service.store.connect() as conn:
        rows = [*conn.execute(select(signing_tokens)), *conn.execute(select(signing_grants))]
        audit = list(conn.execute(select(signing_audit)))
    text = repr(rows) + repr(audit)
    assert token not in text and token.split("_")[2] not in text and "271828" not in text


def test_admin_operations_are_refused_to_clients_and_audited(world: World) -> None:
    who, _ = _client(world)
    for action in (
        lambda: world.service.add_client(who, "mallory"),
        lambda: world.service.issue_token(who, "tax"),
        lambda: world.service.add_grant(who, "tax", world.seal_b, world.other_signer),
        lambda: world.service.revoke_seal(who, world.seal_a),
    ):
        with pytest.raises(Forbidden) as refused:
            action()
        assert refused.value.code == "admin_only"
    records = world.service.audit.records(limit=1000)
    assert [r["operation"] for r in records if r["result"] == "refused"] == [
        "client-add",
        "token-issue",
        "grant-add",
        "seal-revoke",
    ]


def test_a_grant_needs_a_signer_the_seal_lists(world: World) -> None:
    from govnet.errors import InputError

    world.service.add_client(ADMIN, "tax")
    with pytest.raises(InputError, match="does not list"):
        world.service.add_grant(ADMIN, "tax", world.seal_a, world.other_signer)


def test_sm2_and_p7_signatures_from_a_grant_verify(world: World) -> None:
    who, _ = _client(world)
    s = world.service
    sig = s.sm2_sign(who, world.seal_a, data=DOC)
    assert s.sm2_verify(who, sig.data, serial=world.signer, data=DOC).ok
    assert not s.sm2_verify(who, sig.data, serial=world.signer, data=DOC + b"!").ok
    p7 = s.p7_sign(who, world.seal_a, DOC)
    verdict = s.p7_verify(who, p7.data, None)
    assert verdict.ok, verdict.summary()


def test_a_revoked_seal_signs_no_more(world: World) -> None:
    who, _ = _client(world)
    world.service.revoke_seal(ADMIN, world.seal_a, "lost")
    with pytest.raises(Forbidden) as refused:
        world.service.sign_hash(who, world.seal_a, sm3(DOC))
    assert refused.value.code == "seal_inactive"


def test_every_action_is_in_one_intact_audit_chain(world: World) -> None:
    who, _ = _client(world)
    world.service.sign_hash(who, world.seal_a, sm3(DOC))
    with pytest.raises(Forbidden):
        world.service.sign_hash(who, world.seal_b, sm3(DOC))
    records = world.service.audit.records(limit=100)
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert [(r["operation"], r["result"]) for r in records][-2:] == [("sign", "ok"), ("sign", "refused")]
    assert records[-2]["document_hash"] == sm3(DOC).hex() and records[-2]["actor"] == "tax"
    verdict = verify_chain(world.service.store)
    assert verdict.status is Status.PASSED, verdict.summary()


def test_a_seal_revoked_after_signing_is_refused_though_the_worker_prepared_it(world: World) -> None:
    who, _ = _client(world)
    s = world.service
    assert s.sign_hash(who, world.seal_a, sm3(DOC)).data  # the seal is now parsed and kept
    assert s._prepared
    s.revoke_seal(ADMIN, world.seal_a, "lost")
    with pytest.raises(Forbidden) as refused:
        s.sign_hash(who, world.seal_a, sm3(DOC))
    assert refused.value.code == "seal_inactive"
