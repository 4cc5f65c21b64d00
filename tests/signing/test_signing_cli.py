"""`govnet serve`, `govnet serve admin …` and `govnet audit verify` as a user runs them: clients,
tokens and grants (the PIN from the environment), the service over real HTTP with two workers
signing and refusing, the audit chain intact (exit 0) and then tampered with (exit 1, saying where);
bad input exits 2 without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from govnet_cli import RunGovnet, assert_clean_input_error
from served import serving
from signing_kit import World
from sqlalchemy import update

from govnet.pki.sm3 import sm3
from govnet.signing.schema import signing_audit

DOC = "通知 2026 第 7 号".encode()


@pytest.fixture
def cli_world(sqlite_world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("GOVNET_STORE_URL", sqlite_world.service.store.engine.url.render_as_string())
    monkeypatch.setenv("GOVNET_SERVICE__AUDIT_SIGNER", sqlite_world.audit_signer)
    monkeypatch.setenv("GOVNET_SERVICE__AUDIT_SIGN_EVERY", "3")
    return sqlite_world


def test_admin_cli_then_the_service_signs_refuses_and_audits(cli_world: World, run_govnet: RunGovnet) -> None:
    w = cli_world
    run_govnet("serve", "admin", "client", "add", "tax", "--description", "税务局", check=True)
    issued = json.loads(run_govnet("serve", "admin", "token", "issue", "tax", "--json", check=True).stdout)
    token = issued["token"]
    run_govnet("serve", "admin", "grant", "add", "tax", "--seal", w.seal_a, "--signer", w.signer,
               "--pin-env", "TAX_PIN", env={"TAX_PIN": "86420"}, check=True)  # fmt: skip
    listed = json.loads(run_govnet("serve", "admin", "grant", "list", "--json", check=True).stdout)
    assert [(g["client_id"], g["es_id"], g["pin"]) for g in listed] == [("tax", w.seal_a, True)]
    tokens = run_govnet("serve", "admin", "token", "list", check=True).stdout
    assert issued["id"] in tokens and token not in tokens

    headers = {"Authorization": f"Bearer {token}", "X-Seal-PIN": "86420"}
    with serving("--workers", "2") as base:
        signed = httpx.post(f"{base}/v1/seals/{w.seal_a}/sign", content=DOC, headers=headers, timeout=30)
        assert signed.status_code == 200, signed.text
        refused = httpx.post(f"{base}/v1/seals/{w.seal_b}/sign", content=DOC, headers=headers, timeout=30)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
        verdict = httpx.post(
            f"{base}/v1/verify/seal-signature",
            json={"signature": signed.json()["signature"], "document_hash": sm3(DOC).hex()},
            headers=headers,
            timeout=30,
        )
        assert verdict.json()["status"] == "PASSED", verdict.text
        assert httpx.get(f"{base}/openapi.json", timeout=10).status_code == 200

    intact = run_govnet("audit", "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "head_signatures" in intact.stdout
    with w.service.store.begin() as conn:
        conn.execute(update(signing_audit).where(signing_audit.c.seq == 2).values(actor="someone-else"))
    broken = run_govnet("audit", "verify", "--json")
    assert broken.returncode == 1
    failures = [c["name"] for c in json.loads(broken.stdout)["checks"] if c["status"] == "FAILED"]
    assert failures == ["record[2]"]


def test_revoking_over_the_cli_locks_the_client_out(cli_world: World, run_govnet: RunGovnet) -> None:
    run_govnet("serve", "admin", "client", "add", "tax", check=True)
    token = json.loads(run_govnet("serve", "admin", "token", "issue", "tax", "--json", check=True).stdout)[
        "token"
    ]
    assert cli_world.service.authenticate(token).client_id == "tax"
    run_govnet("serve", "admin", "client", "revoke", "tax", check=True)
    from govnet.signing.errors import Unauthenticated

    with pytest.raises(Unauthenticated):
        cli_world.service.authenticate(token)


def test_bad_cli_input_exits_2_cleanly(cli_world: World, run_govnet: RunGovnet, tmp_path: Path) -> None:
    assert_clean_input_error(run_govnet("serve", "--listen", "nonsense"), "HOST:PORT")
    run_govnet("serve", "admin", "client", "add", "tax", check=True)
    assert_clean_input_error(
        run_govnet(
            "serve",
            "admin",
            "grant",
            "add",
            "tax",
            "--seal",
            "SEAL-A",
            "--signer",
            cli_world.signer,
            "--pin-env",
            "NO_SUCH_VARIABLE",
        ),
        "NO_SUCH_VARIABLE",
    )
    assert_clean_input_error(
        run_govnet(
            "serve", "admin", "grant", "add", "tax", "--seal", "SEAL-A", "--signer", cli_world.other_signer
        ),
        "does not list",
    )
    assert_clean_input_error(run_govnet("serve", "admin", "client", "add", "bad name!"), "client id")
    pem = tmp_path / "x.pem"
    pem.write_text("not a certificate")
    assert_clean_input_error(
        run_govnet("serve", "--tls-cert", str(pem), "--tls-key", str(pem)), "TLS certificate"
    )


def test_two_workers_on_postgresql_sign_concurrently_into_one_chain(
    postgres_server, fast_kdf: None, isolated_govnet_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    from signing_kit import ADMIN, build_world

    from govnet.settings import load_settings
    from govnet.signing.audit import verify_chain
    from govnet.store import Store

    url = postgres_server.create_database()
    monkeypatch.setenv("GOVNET_STORE_URL", url)
    with Store.open(url) as store:
        w = build_world(store, load_settings(home=isolated_govnet_home))
        w.service.add_client(ADMIN, "tax")
        w.service.add_grant(ADMIN, "tax", w.seal_a, w.signer)
        headers = {"Authorization": f"Bearer {w.service.issue_token(ADMIN, 'tax').token}"}
        before = len(w.service.audit.records(limit=1000))
        with (
            serving("--workers", "2") as base,
            httpx.Client(base_url=base, headers=headers, timeout=60) as client,
        ):

            def sign(i: int) -> int:
                return client.post(f"/v1/seals/{w.seal_a}/sign?hash={i:064x}").status_code

            with ThreadPoolExecutor(8) as pool:
                codes = list(pool.map(sign, range(40)))
        assert codes == [200] * 40
        verdict = verify_chain(store)
        assert verdict.ok, verdict.summary()
        assert verdict.checks[0].evidence["records"] == before + 40
