"""No secret leaks: a session over real HTTP with good and wrong PINs, malformed, unknown, forged and
revoked tokens, administrative actions that carry tokens and PINs, bad input of every kind, and a
second server started with the wrong PKI passphrase. Then every secret -- tokens, PINs, passphrases,
the store's password, every private key the store holds (raw, hex, base64, PEM) -- is looked for in
the servers' logs, in every response (an issued token only in the answer that issues it) and in every
row of every table of the store, audit records included: none is there."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from scale_kit import deploy
from served import start_server
from signing_kit import ADMIN, HOLDER, PASSPHRASE, World
from sqlalchemy import make_url, select

from govnet.errors import GovnetError
from govnet.pki import ca
from govnet.pki.keys import dump_private_key_pem
from govnet.pki.sm3 import sm3
from govnet.signing.access import OPERATIONS
from govnet.store import metadata

PIN = "pin-7f3a-5b21"
ADMIN_GRANTED_PIN = "pin-c0de-9e44"
WRONG_PINS = [f"wrong-pin-{i}-d41d" for i in range(6)]
OVERLONG_PIN = "overlong-pin-" + "z" * 60  # refused by validation: its text must not be echoed
WRONG_PASSPHRASE = "not the passphrase 5e1f"
STORE_PASSWORD = "store-password-90ab"
FORGED_SECRET = "forgedsecretpartthatisnotreal0123456789"


@dataclass
class Session:
    """What was sent and answered; secrets by name."""

    secrets: dict[str, str] = field(default_factory=dict)
    responses: list[tuple[str, httpx.Response]] = field(default_factory=list)
    issued: dict[int, str] = field(default_factory=dict)  # response index -> the token it issued

    def send(self, label: str, method: str, url: str, **kwargs: object) -> httpx.Response:
        response = httpx.request(method, url, timeout=60, **kwargs)  # type: ignore[arg-type]
        self.responses.append((label, response))
        return response


def _token_forms(name: str, token: str) -> dict[str, str]:
    secret_part = token.split("_", 2)[2]
    return {name: token, f"{name} (secret part)": secret_part}


def _key_forms(name: str, key: object) -> dict[str, str | bytes]:
    raw: bytes = key.secret_scalar_bytes()  # type: ignore[attr-defined]
    pem = dump_private_key_pem(key)  # type: ignore[arg-type]
    body = b"".join(pem.splitlines()[1:-1])
    return {
        f"{name} raw": raw,
        f"{name} hex": raw.hex(),
        f"{name} HEX": raw.hex().upper(),
        f"{name} base64": base64.b64encode(raw).decode(),
        f"{name} PEM body": body.decode(),
        f"{name} PEM first line": pem.splitlines()[1].decode(),
    }


def _store_held_keys(world: World) -> dict[str, str | bytes]:
    forms: dict[str, str | bytes] = {}
    pki = world.service.pki
    for record in pki.certificates():
        try:  # every key the store holds and hands out: the CAs', the escrowed signers', the audit key
            key = ca.private_key_of(pki.store, pki.settings, record.serial)
        except GovnetError:  # a holder's own key (the seal maker's): never in the store in clear anyway
            continue
        forms |= _key_forms(f"key of {record.profile} {record.serial}", key)
    assert len(forms) >= 5 * 6, "the CA, intermediate, both signers' and the audit signer's keys"
    return forms


def _store_rows(world: World) -> Iterator[tuple[str, object]]:
    with world.service.store.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for column, value in row._mapping.items():
                    yield f"{table.name}.{column}", value


def _leaks(secrets: dict[str, str | bytes], where: str, value: object) -> Iterable[str]:
    for name, secret in secrets.items():
        if isinstance(value, bytes | memoryview):
            blob = bytes(value)
            needle = secret if isinstance(secret, bytes) else secret.encode()
            if needle in blob:
                yield f"{name} in {where}"
        elif isinstance(secret, str) and secret in str(value):
            yield f"{name} in {where}"


def _session(base: str, world: World, token: str, s: Session) -> None:
    seal, doc = world.seal_a, sm3(b"secrets session").hex()
    auth = {"Authorization": f"Bearer {token}"}
    sign = f"{base}/v1/seals/{seal}/sign"
    assert (
        s.send("sign", "POST", sign, params={"hash": doc}, headers=auth | {"X-Seal-PIN": PIN}).status_code
        == 200
    )
    assert s.send("sm2", "POST", f"{base}/v1/sm2/sign", json={"es_id": seal, "data": "aGVsbG8="},
                  headers=auth | {"X-Seal-PIN": PIN}).status_code == 200  # fmt: skip
    assert s.send("p7", "POST", f"{base}/v1/p7/sign", params={"es_id": seal}, content=b"content",
                  headers=auth | {"X-Seal-PIN": PIN}).status_code == 200  # fmt: skip
    assert s.send("no pin", "POST", sign, params={"hash": doc}, headers=auth).status_code == 403
    assert (
        s.send(
            "long pin", "POST", sign, params={"hash": doc}, headers=auth | {"X-Seal-PIN": OVERLONG_PIN}
        ).status_code
        == 422
    )
    for wrong in WRONG_PINS:  # the last ones find the seal locked
        assert s.send(
            "wrong pin", "POST", sign, params={"hash": doc}, headers=auth | {"X-Seal-PIN": wrong}
        ).status_code in (403, 423)
    locked = s.send("locked", "POST", sign, params={"hash": doc}, headers=auth | {"X-Seal-PIN": PIN})
    assert locked.status_code in (403, 423), locked.text

    token_id = token.split("_")[1]
    for label, header in (
        ("malformed token", f"Bearer {FORGED_SECRET}"),
        ("forged token", f"Bearer gvt_{token_id}_{FORGED_SECRET}"),
        ("unknown token", f"Bearer gvt_0123456789abcdef_{FORGED_SECRET}"),
        ("basic auth", "Basic " + base64.b64encode(f"admin:{PASSPHRASE}".encode()).decode()),
        ("token scheme", f"Token {token}"),
    ):
        assert (
            s.send(label, "POST", sign, params={"hash": doc}, headers={"Authorization": header}).status_code
            == 401
        )
    assert s.send("bad hash", "POST", sign, params={"hash": PIN}, headers=auth).status_code in (400, 422)
    assert s.send("bad base64", "POST", f"{base}/v1/verify/seal-signature", json={"signature": PASSPHRASE},
                  headers=auth).status_code == 400  # fmt: skip
    assert (
        s.send(
            "admin as client", "POST", f"{base}/v1/admin/clients", json={"id": "x"}, headers=auth
        ).status_code
        == 403
    )


def _admin_session(base: str, world: World, admin_token: str, s: Session) -> None:
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert (
        s.send(
            "add client", "POST", f"{base}/v1/admin/clients", json={"id": "second"}, headers=admin
        ).status_code
        == 201
    )
    issued = s.send("issue", "POST", f"{base}/v1/admin/clients/second/tokens", headers=admin)
    assert issued.status_code == 201, issued.text
    second = issued.json()["token"]
    s.issued[len(s.responses) - 1] = second
    s.secrets |= _token_forms("token issued over the API", second)
    grant = {
        "client_id": "second",
        "es_id": world.seal_b,
        "signer_serial": world.other_signer,
        "pin": ADMIN_GRANTED_PIN,
    }
    assert s.send("grant", "POST", f"{base}/v1/admin/grants", json=grant, headers=admin).status_code == 201
    short = grant | {"pin": "abc"}
    assert (
        s.send("short pin", "POST", f"{base}/v1/admin/grants", json=short, headers=admin).status_code == 422
    )
    second_auth = {"Authorization": f"Bearer {second}", "X-Seal-PIN": ADMIN_GRANTED_PIN}
    signed = s.send(
        "second signs",
        "POST",
        f"{base}/v1/seals/{world.seal_b}/sign",
        params={"hash": "00" * 32},
        headers=second_auth,
    )
    assert signed.status_code == 200, signed.text
    token_id = second.split("_")[1]
    assert (
        s.send("revoke", "POST", f"{base}/v1/admin/tokens/{token_id}/revoke", headers=admin).status_code
        == 200
    )
    refused = s.send(
        "revoked",
        "POST",
        f"{base}/v1/seals/{world.seal_b}/sign",
        params={"hash": "00" * 32},
        headers=second_auth,
    )
    assert refused.status_code == 401
    assert (
        s.send(
            "records", "GET", f"{base}/v1/admin/audit/records", params={"limit": 1000}, headers=admin
        ).status_code
        == 200
    )


def test_no_secret_reaches_the_logs_the_responses_or_the_store(world: World, tmp_path: Path) -> None:
    d = deploy(world, pin=PIN, sign_every=2, operations=OPERATIONS)
    service = world.service
    service.add_client(ADMIN, "ops-admin", role="admin")
    admin_token = service.issue_token(ADMIN, "ops-admin").token
    s = Session()
    s.secrets |= {
        "PKI passphrase": PASSPHRASE,
        "holder's passphrase": HOLDER,
        "wrong passphrase": WRONG_PASSPHRASE,
        "PIN": PIN,
        "PIN granted over the API": ADMIN_GRANTED_PIN,
        "overlong PIN": OVERLONG_PIN,
        "forged token secret": FORGED_SECRET,
    }
    s.secrets |= {f"wrong PIN {i}": p for i, p in enumerate(WRONG_PINS)}
    s.secrets |= _token_forms("client token", d.token) | _token_forms("admin token", admin_token)
    env = dict(d.env)
    if (
        service.store.dialect == "postgresql"
    ):  # trust authentication takes any password: it only has to stay hidden
        env["GOVNET_STORE_URL"] = (
            make_url(env["GOVNET_STORE_URL"])
            .set(password=STORE_PASSWORD)
            .render_as_string(hide_password=False)
        )
        s.secrets["store password"] = STORE_PASSWORD

    server = start_server(env=env, log_path=tmp_path / "server.log")
    try:
        _session(server.base, world, d.token, s)
        _admin_session(server.base, world, admin_token, s)
    finally:
        server.stop()
    # a client whose seal is not locked, on a server that cannot open the keys
    service.add_client(ADMIN, "third")
    service.add_grant(ADMIN, "third", world.seal_b, world.other_signer, ["sign"])
    third = service.issue_token(ADMIN, "third").token
    s.secrets |= _token_forms("third client's token", third)
    wrong_key = start_server(
        env=env | {"GOVNET_PKI_PASSPHRASE": WRONG_PASSPHRASE}, log_path=tmp_path / "wrong.log"
    )
    try:
        answer = s.send("wrong passphrase", "POST", f"{wrong_key.base}/v1/seals/{world.seal_b}/sign",
                        params={"hash": "11" * 32}, headers={"Authorization": f"Bearer {third}"})  # fmt: skip
        assert answer.status_code == 503, answer.text
    finally:
        wrong_key.stop()

    secrets: dict[str, str | bytes] = {**s.secrets, **_store_held_keys(world)}
    found: list[str] = []
    for path in (server.log_path, wrong_key.log_path):
        text = path.read_text(errors="replace")
        assert "signing service on http" in text  # the log really was captured
        found += _leaks(secrets, f"log {path.name}", text)
        found += _leaks(secrets, f"log {path.name}", path.read_bytes())
    for index, (label, response) in enumerate(s.responses):
        issued = s.issued.get(index, "")  # the answer that issues a token shows it, once
        allowed = {k: v for k, v in secrets.items() if not (isinstance(v, str) and v in issued)}
        where = f"response {index} ({label}, {response.status_code})"
        found += _leaks(allowed, where, response.content)
        found += _leaks(allowed, where, str(response.headers))
    for where, value in _store_rows(world):
        found += _leaks(secrets, f"store {where}", value)
    assert not found, sorted(set(found))
    assert sum(1 for _ in _store_rows(world)) > 100  # the store really was read
