"""`govnet serve` (the signing service), `govnet serve admin …` (clients, tokens, grants) and
`govnet audit verify`. Thin: parse options, call ``SigningService``, render. Secrets (PINs, the TLS
key's passphrase) come from the environment or 0600 files, never from the command line; a token is
printed once, when issued."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govnet.errors import InputError
from govnet.output import JsonOption, console, emit

if TYPE_CHECKING:
    from govnet.signing.access import Principal
    from govnet.signing.service import SigningService

app = typer.Typer(
    help="The signing service: an HTTP API for seal signatures, OFD, SM2 and SignedData, per-client grants.",
    invoke_without_command=True,
)
admin_app = typer.Typer(help="Administer the signing service over its store: clients, tokens, grants.")
client_app = typer.Typer(help="API clients.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (stored as hashes; shown once).", no_args_is_help=True)
grant_app = typer.Typer(
    help="Which client may sign with which seal, how, and with what PIN.", no_args_is_help=True
)
app.add_typer(admin_app, name="admin")
admin_app.add_typer(client_app, name="client")
admin_app.add_typer(token_app, name="token")
admin_app.add_typer(grant_app, name="grant")

audit_app = typer.Typer(help="The signing service's audit chain.", no_args_is_help=True)


def _listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--listen {value!r}: give HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:8443")
    return host, int(port)


@app.callback()
def serve(
    ctx: typer.Context,
    listen: Annotated[
        str | None, typer.Option(help="HOST:PORT (default: service.listen, 127.0.0.1:8443).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (stateless; share the store).")
    ] = 1,
    tls_cert: Annotated[
        Path | None, typer.Option(help="Server certificate (PEM, e.g. a govnet tls-server).")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="Its private key (PEM, PKCS#8 encrypted or not).")
    ] = None,
    tls_key_passphrase: Annotated[
        str | None, typer.Option(help="env:NAME or file:PATH: the passphrase of --tls-key.")
    ] = None,
    client_ca: Annotated[
        Path | None, typer.Option(help="CA certificates (PEM) client certificates must chain to: mutual TLS.")
    ] = None,
) -> None:
    """Run the signing service (FastAPI on uvicorn) until interrupted."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from govnet.settings import load_settings
    from govnet.signing.tls import TlsOptions
    from govnet.store import Store

    settings = load_settings()
    host, port = _listen(listen or settings.service.listen)
    options: dict[str, object] = {}
    if tls_cert or tls_key or client_ca:
        if not (tls_cert and tls_key):
            raise InputError("TLS needs both --tls-cert and --tls-key (and --client-ca for mutual TLS)")
        from govnet.secrets import resolve_secret

        secret = resolve_secret(tls_key_passphrase) if tls_key_passphrase else None
        options = TlsOptions(tls_cert, tls_key, secret, client_ca).uvicorn_kwargs()
    elif tls_key_passphrase:
        raise InputError("--tls-key-passphrase goes with --tls-key")
    with Store.open(settings.effective_store_url):  # migrate once, before the workers start
        pass
    scheme = "https" if options else "http"
    console.print(
        f"govnet signing service on {scheme}://{host}:{port} ({workers} worker(s))", highlight=False
    )
    uvicorn.run(
        "govnet.signing.api:app_from_settings",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,  # request lines carry no secret, but seal ids per client stay in the audit log
        **options,  # type: ignore[arg-type]
    )


# --- administration over the store --------------------------------------------------------------------


def _admin() -> Principal:
    from govnet.signing.access import Principal

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return Principal(f"admin-cli:{user}"[:64], "admin")


@contextmanager
def _service() -> Iterator[SigningService]:
    from govnet.settings import load_settings
    from govnet.signing.service import SigningService
    from govnet.store import Store

    settings = load_settings()
    with Store.open(settings.effective_store_url) as store:
        yield SigningService(store, settings)


@client_app.command("add")
def client_add(
    client_id: Annotated[str, typer.Argument(help="A name: letters, digits, '.', '_', '-'.")],
    role: Annotated[str, typer.Option(help="client or admin.")] = "client",
    description: Annotated[str, typer.Option(help="Who this is.")] = "",
    cert: Annotated[
        Path | None, typer.Option(help="The client's TLS certificate: mutual TLS identifies it.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Register an API client."""
    from govnet.signing.tls import client_cert_sha256

    fingerprint = client_cert_sha256(_read(cert)) if cert else None
    with _service() as service:
        client = service.add_client(
            _admin(), client_id, role=role, description=description, cert_sha256=fingerprint
        )
    emit(
        client.to_dict(),
        as_json=json,
        render=lambda out: out.print(f"client {client.id} ({client.role}) added"),
    )


@client_app.command("list")
def client_list(json: JsonOption = False) -> None:
    """Every client with its role and status."""
    with _service() as service:
        clients = [c.to_dict() for c in service.clients(_admin())]

    def render(out) -> None:
        for c in clients:
            out.print(f"{c['id']:<24} {c['role']:<7} {c['status']:<8} {c['description']}", highlight=False)

    emit(clients, as_json=json, render=render)


@client_app.command("revoke")
def client_revoke(client_id: str, json: JsonOption = False) -> None:
    """Revoke a client and all its tokens, at once for every worker."""
    with _service() as service:
        client = service.revoke_client(_admin(), client_id)
    emit(client.to_dict(), as_json=json, render=lambda out: out.print(f"client {client.id} revoked"))


@token_app.command("issue")
def token_issue(client_id: str, json: JsonOption = False) -> None:
    """Issue an API token for a client. It is printed this once; the store keeps only its hash."""
    with _service() as service:
        issued = service.issue_token(_admin(), client_id)
    data = {"id": issued.id, "client_id": issued.client_id, "token": issued.token}
    emit(data, as_json=json, render=lambda out: out.print(issued.token, highlight=False, soft_wrap=True))


@token_app.command("list")
def token_list(
    client_id: Annotated[str | None, typer.Option("--client")] = None, json: JsonOption = False
) -> None:
    """Tokens by id (never their value)."""
    with _service() as service:
        tokens = service.access.tokens(client_id)

    def render(out) -> None:
        for t in tokens:
            out.print(f"{t['id']}  {t['client_id']:<24} {t['status']}", highlight=False)

    emit(tokens, as_json=json, render=render)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id: the part after gvt_ (see token list).")],
) -> None:
    """Revoke one token."""
    with _service() as service:
        service.revoke_token(_admin(), token_id)
    console.print(f"token {token_id} revoked")


@grant_app.command("add")
def grant_add(
    client_id: str,
    seal: Annotated[str, typer.Option("--seal", help="The seal's id (esID).")],
    signer: Annotated[str, typer.Option("--signer", help="Serial of the signer whose escrowed key signs.")],
    operations: Annotated[
        str, typer.Option("--operations", help="Comma-separated: sign,sign-ofd,sm2-sign,p7-sign.")
    ] = "sign,sign-ofd,sm2-sign,p7-sign",
    pin_env: Annotated[
        str | None, typer.Option("--pin-env", help="Environment variable holding the PIN asked at every use.")
    ] = None,
    pin_file: Annotated[Path | None, typer.Option("--pin-file", help="A 0600 file holding the PIN.")] = None,
    json: JsonOption = False,
) -> None:
    """Let a client sign with a seal (and its signer's key)."""
    from govnet.secrets import read_secret_file, resolve_secret

    if pin_env and pin_file:
        raise InputError("give the PIN with --pin-env or --pin-file, not both")
    pin = resolve_secret(f"env:{pin_env}") if pin_env else read_secret_file(pin_file) if pin_file else None
    with _service() as service:
        grant = service.add_grant(_admin(), client_id, seal, signer, operations.split(","), pin=pin)
    emit(
        grant.to_dict(),
        as_json=json,
        render=lambda out: out.print(
            f"{client_id} may {','.join(grant.operations)} with seal {seal}"
            + (" (PIN)" if grant.needs_pin else ""),
            highlight=False,
        ),
    )


@grant_app.command("list")
def grant_list(
    client_id: Annotated[str | None, typer.Option("--client")] = None, json: JsonOption = False
) -> None:
    with _service() as service:
        grants = [g.to_dict() for g in service.grants(_admin(), client_id)]

    def render(out) -> None:
        for g in grants:
            pin = "PIN" if g["pin"] else "-"
            ops = ",".join(g["operations"])  # type: ignore[arg-type]
            out.print(
                f"{g['client_id']:<20} {g['es_id']:<20} {g['signer_serial']:<20} "
                f"{ops:<30} {pin:<4} {g['status']}",
                highlight=False,
            )

    emit(grants, as_json=json, render=render)


@grant_app.command("revoke")
def grant_revoke(
    client_id: str, seal: Annotated[str, typer.Option("--seal")], json: JsonOption = False
) -> None:
    with _service() as service:
        grant = service.revoke_grant(_admin(), client_id, seal)
    emit(
        grant.to_dict(), as_json=json, render=lambda out: out.print(f"grant of {seal} to {client_id} revoked")
    )


@audit_app.command("verify")
def audit_verify(json: JsonOption = False) -> None:
    """Check the whole audit chain; exit 0 intact, 1 broken (saying where)."""
    from govnet.output import emit_verdict

    with _service() as service:
        verdict = service.verify_audit()
    emit_verdict(verdict, as_json=json)
    raise typer.Exit(0 if verdict.ok else 1)


@audit_app.command("sign-head")
def audit_sign_head() -> None:
    """Sign the chain's current head now with the service key (service.audit_signer)."""
    with _service() as service:
        if service.audit.signer is None:
            raise InputError(
                "no service key: set service.audit_signer to a certificate serial whose key the store holds"
            )
        seq = service.audit.sign_head()
    console.print(f"signed the audit chain head at record {seq}" if seq else "the audit chain is empty")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
