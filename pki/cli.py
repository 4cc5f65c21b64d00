"""`govnet pki ...`: the certificate authority's commands. Thin: parse, call pki.ca / pki.verify, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govnet.errors import GovnetError, InputError
from govnet.fsutil import atomic_write
from govnet.output import JsonOption, emit, emit_verdict

if TYPE_CHECKING:
    from rich.console import Console

    from govnet.pki.ca import CertificateRecord
    from govnet.settings import Settings
    from govnet.store import Store

app = typer.Typer(
    help="The certificate authority: SM2/SM3 certificates, CRLs and verification.", no_args_is_help=True
)


@contextmanager
def _service() -> Iterator[tuple[Store, Settings]]:
    from govnet.settings import load_settings
    from govnet.store import Store

    settings = load_settings()
    with Store.open(settings.effective_store_url) as store:
        yield store, settings


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None


def _check_writable(path: Path) -> None:
    """Fail before anything is issued when an output file cannot be written: an error then must not
    leave a certificate (or a key) in the store that the user never received."""
    import contextlib
    import os

    probe = path.with_name(f".{path.name}.govnet-probe")
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def _cert_table(console: Console, records: list[CertificateRecord], title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for column in ("serial", "profile", "subject", "not after", "status"):
        table.add_column(column, overflow="fold")
    for r in records:
        status = Text("valid", "green") if r.status == "valid" else Text(f"revoked ({r.reason})", "red")
        table.add_row(r.serial, r.profile, Text(r.subject), f"{r.not_after:%Y-%m-%d}", status)
    console.print(table)


@app.command()
def init(
    name: Annotated[str, typer.Option(help="The root CA's subject: a common name or CN=...,O=...,C=CN.")],
    org: Annotated[str | None, typer.Option(help="Organisation (O=) for the CA certificates.")] = None,
    credit_code: Annotated[
        str | None, typer.Option(help="The organisation's unified social credit code.")
    ] = None,
    intermediate: Annotated[bool, typer.Option(help="Also create an issuing intermediate CA.")] = False,
    intermediate_name: Annotated[
        str | None, typer.Option(help="The intermediate's subject (default: '<name> Issuing CA').")
    ] = None,
    crl_url: Annotated[
        str | None, typer.Option(help="Where the root's CRL is published (CRL distribution point).")
    ] = None,
    intermediate_crl_url: Annotated[
        str | None, typer.Option(help="Where the intermediate's CRL is published.")
    ] = None,
    days: Annotated[int | None, typer.Option(help="Root validity in days (default 7300).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Create the root CA (SM2 key, self-signed SM3withSM2 certificate) and optionally an intermediate."""
    from govnet.pki.ca import init_ca
    from govnet.pki.profiles import parse_subject

    inter_name = intermediate_name or (
        f"CN={parse_subject(name).common_name} Issuing CA" if intermediate else None
    )
    with _service() as (store, settings):
        result = init_ca(
            store,
            settings,
            name=name,
            organisation=org,
            credit_code=credit_code,
            intermediate_name=inter_name,
            crl_url=crl_url,
            intermediate_crl_url=intermediate_crl_url,
            root_days=days,
        )
    records = [result.root] + ([result.intermediate] if result.intermediate else [])
    emit(
        {
            "root": result.root.to_dict(),
            "intermediate": result.intermediate.to_dict() if result.intermediate else None,
        },
        as_json=as_json,
        render=lambda c: _cert_table(c, records, "certificate authority created"),
    )


@app.command()
def issue(
    profile: Annotated[str, typer.Option(help="seal-maker | signer | tls-server | device.")],
    subject: Annotated[
        str | None, typer.Option(help="Common name or CN=...,O=...,C=CN (default: the CSR's).")
    ] = None,
    csr: Annotated[Path | None, typer.Option(help="PKCS#10 request (PEM or DER) signed with SM2.")] = None,
    key: Annotated[
        Path | None,
        typer.Option(
            help="Certify this existing SM2 private key (PKCS#8, encrypted or not, or SEC1; PEM or DER)."
        ),
    ] = None,
    org: Annotated[str | None, typer.Option(help="Organisation (O=).")] = None,
    credit_code: Annotated[
        str | None, typer.Option(help="Unified social credit code (统一社会信用代码).")
    ] = None,
    san: Annotated[
        list[str] | None, typer.Option(help="subjectAltName: DNS:name, IP:addr, email:addr (repeat).")
    ] = None,
    days: Annotated[int | None, typer.Option(help="Validity in days (default: the profile's).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the certificate here (PEM; DER with --der).")
    ] = None,
    der: Annotated[bool, typer.Option(help="Write DER instead of PEM.")] = False,
    key_out: Annotated[
        Path | None, typer.Option(help="Write the generated private key here (encrypted PKCS#8, mode 0600).")
    ] = None,
    key_passphrase: Annotated[
        str | None,
        typer.Option(
            help="env:NAME or file:PATH: decrypts an encrypted --key (no default); encrypts --key-out "
            "(default: the PKI passphrase)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Issue an end-entity certificate from a CSR, for an existing key, or for a new SM2 key pair."""
    from govnet.pki import keys
    from govnet.pki.ca import issue_certificate, passphrase
    from govnet.secrets import resolve_secret, write_secret_file

    if key_out and (csr or key):
        raise InputError("--key-out is for generated keys; with --csr or --key the requester keeps its key")
    if csr and key:
        raise InputError("give --csr or --key, not both")
    for target in (out, key_out):
        if target is not None:
            _check_writable(target)
    with _service() as (store, settings):
        key_secret = resolve_secret(key_passphrase) if key_passphrase else None
        if key_out and key_secret is None:
            key_secret = passphrase(settings)
        existing = keys.load_private_key(_read(key), key_secret, source=str(key)) if key else None
        result = issue_certificate(
            store,
            settings,
            profile=profile,
            subject=subject,
            csr_data=_read(csr) if csr else None,
            csr_source=str(csr),
            existing_key=existing,
            organisation=org,
            credit_code=credit_code,
            san=san or (),
            days=days,
        )
    if out:
        _write(out, result.record.der if der else result.record.pem)
    if key_out and result.private_key is not None and key_secret is not None:
        write_secret_file(key_out, keys.dump_private_key_pem(result.private_key, key_secret))
    data = {
        **result.record.to_dict(),
        "csr_sm2_id": result.csr_signer_id,
        "certificate_file": str(out) if out else None,
    }
    emit(data, as_json=as_json, render=lambda c: _cert_table(c, [result.record], "certificate issued"))


@app.command()
def revoke(
    serial: Annotated[str, typer.Argument(help="The certificate's serial (hex).")],
    reason: Annotated[
        str, typer.Option(help="keyCompromise, cACompromise, affiliationChanged, superseded, ...")
    ] = "unspecified",
    as_json: JsonOption = False,
) -> None:
    """Revoke a certificate; it appears on the issuer's next CRL."""
    from govnet.pki.ca import revoke_certificate

    with _service() as (store, _settings):
        record = revoke_certificate(store, serial, reason)
    emit(record.to_dict(), as_json=as_json, render=lambda c: _cert_table(c, [record], "certificate revoked"))


@app.command()
def crl(
    ca: Annotated[
        str | None, typer.Option(help="Serial of the CA whose CRL to sign (default: the issuing CA).")
    ] = None,
    days: Annotated[int, typer.Option(help="Days until nextUpdate.")] = 7,
    out: Annotated[Path | None, typer.Option(help="Also write the CRL here.")] = None,
    der: Annotated[bool, typer.Option(help="Write DER instead of PEM to --out.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Sign a CRL (SM3withSM2) listing the CA's revoked certificates, and publish it."""
    from govnet.pki.ca import authority_for, issue_crl

    with _service() as (store, settings):
        result = issue_crl(store, settings, ca_serial=ca, days=days)
        try:
            published = _publish(authority_for(store, result.issuer.serial).crl_url, result.der)
        except InputError as exc:
            # The CRL is signed and in the store (`verify` consults it): say so, and exit 1, not 2.
            raise GovnetError(
                f"CRL #{result.number} is signed and stored, but publishing it failed: {exc}; "
                "fix that and run `govnet pki crl` again"
            ) from None
    if out:
        _write(out, result.der if der else result.pem)
    data = {
        "issuer": result.issuer.subject,
        "number": result.number,
        "this_update": result.this_update.isoformat(),
        "next_update": result.next_update.isoformat(),
        "revoked": result.revoked,
        "published": published,
        "file": str(out) if out else None,
    }

    def render(console: Console) -> None:
        from rich.markup import escape

        console.print(
            f"CRL #{result.number} from {escape(result.issuer.subject)}: {result.revoked} revoked, "
            f"next update {result.next_update:%Y-%m-%d %H:%M}Z"
            + (f", published to {published}" if published else "")
        )

    emit(data, as_json=as_json, render=render)


def _publish(url: str, der: bytes) -> str | None:
    """Write the CRL where a file: distribution point names it (http publication is a web server's job)."""
    if not url.startswith("file://"):
        return None
    from urllib.parse import unquote, urlparse

    path = Path(unquote(urlparse(url).path))
    try:  # atomically: a reader sees the old CRL or the new one, never half of one
        atomic_write(path, der)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None
    return str(path)


@app.command("list")
def list_(
    profile: Annotated[str | None, typer.Option(help="Only this profile.")] = None,
    status: Annotated[str | None, typer.Option(help="valid | revoked.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the certificates in the store."""
    import json

    from govnet.pki.ca import list_certificates

    if status not in (None, "valid", "revoked"):
        raise InputError(f"--status must be valid or revoked, got {status!r}")
    with _service() as (store, _settings):
        if as_json:  # stream: one certificate at a time, however many there are
            print("[")
            for index, record in enumerate(list_certificates(store, profile=profile, status=status)):
                print(("  " if index == 0 else ", ") + json.dumps(record.to_dict(), ensure_ascii=False))
            print("]")
            return
        records = list(list_certificates(store, profile=profile, status=status))
    emit(None, as_json=False, render=lambda c: _cert_table(c, records, f"{len(records)} certificate(s)"))


@app.command()
def export(
    serial: Annotated[str, typer.Argument(help="The certificate's serial (hex).")],
    der: Annotated[bool, typer.Option(help="DER instead of PEM (one certificate only).")] = False,
    chain: Annotated[bool, typer.Option(help="Include the issuers up to the root (PEM).")] = False,
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
    key: Annotated[
        Path | None,
        typer.Option(help="Also write the private key govnet generated (encrypted PKCS#8, 0600)."),
    ] = None,
    key_passphrase: Annotated[
        str | None,
        typer.Option(help="env:NAME or file:PATH to encrypt --key with (default: the PKI passphrase)."),
    ] = None,
) -> None:
    """Export a certificate (and optionally its chain or its private key)."""
    import sys

    from govnet.pki import keys
    from govnet.pki.ca import chain_of, get_certificate, passphrase, private_key_of
    from govnet.secrets import resolve_secret, write_secret_file

    if der and chain:
        raise InputError("--der writes one certificate; use PEM for --chain")
    with _service() as (store, settings):
        records = chain_of(store, serial) if chain else [get_certificate(store, serial)]
        private = private_key_of(store, settings, serial) if key else None
        key_secret = (
            (resolve_secret(key_passphrase) if key_passphrase else passphrase(settings)) if key else None
        )
    data = records[0].der if der else b"".join(r.pem for r in records)
    if key and private is not None and key_secret is not None:
        _check_writable(key)
        write_secret_file(key, keys.dump_private_key_pem(private, key_secret))
    if out:
        _write(out, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@app.command()
def verify(
    cert: Annotated[Path, typer.Argument(help="The certificate to verify (PEM or DER).")],
    chain: Annotated[
        list[Path] | None, typer.Option(help="Intermediate certificates (PEM bundle or DER; repeat).")
    ] = None,
    trust: Annotated[
        list[Path] | None, typer.Option(help="Extra trusted roots besides the store's (repeat).")
    ] = None,
    crl_file: Annotated[
        list[Path] | None, typer.Option("--crl", help="CRLs to consult besides the store's (repeat).")
    ] = None,
    purpose: Annotated[
        str | None, typer.Option(help="Check fitness for a profile: seal-maker, signer, tls-server, device.")
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="Validate at this time (ISO 8601, UTC if no zone) instead of now.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a certificate: chain to trusted roots, signatures, validity, usage, constraints, CRL status."""
    from govnet.pki import x509
    from govnet.pki.ca import latest_crls, list_certificates, trusted_roots
    from govnet.pki.verify import Policy, verify_path

    when = _parse_time(at) if at else None
    target = x509.load_certificate(_read(cert), str(cert))
    intermediates = [c for p in chain or [] for c in x509.load_certificates(_read(p), str(p))]
    roots = [c for p in trust or [] for c in x509.load_certificates(_read(p), str(p))]
    crls = [x509.load_crl(_read(p), str(p)) for p in crl_file or []]
    with _service() as (store, settings):
        roots += [x509.load_certificate(der, "store") for der in trusted_roots(store)]
        crls += [x509.load_crl(der, "store") for der in latest_crls(store)]
        store_cas = [
            x509.load_certificate(r.der, "store") for r in list_certificates(store, profile="intermediate")
        ]
        policy = Policy(allow_empty_sm2_id=settings.pki.allow_empty_sm2_id, at=when, purpose=purpose)
    verdict = verify_path(
        target, intermediates=[*intermediates, *store_cas], roots=roots, crls=crls, policy=policy
    )
    emit_verdict(verdict, as_json=as_json)
    if not verdict.ok:
        raise typer.Exit(1)


def _parse_time(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--at {text!r} is not an ISO 8601 time (e.g. 2027-01-31T12:00:00)") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
