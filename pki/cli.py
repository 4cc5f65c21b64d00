"""`govnet pki ...`: the certificate authority's commands. Thin: parse options, call
``govnet.pki.service``, render with ``govnet.output.emit``; it names its options in the service's
field errors and adds the hints a person at a terminal needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govnet.errors import GovnetError, InputError, NotFoundError
from govnet.output import emit

if TYPE_CHECKING:
    from rich.console import Console

    from govnet.pki.ca import CertificateRecord
    from govnet.pki.service import PkiService
    from govnet.verdict import Verdict

app = typer.Typer(
    help="The certificate authority: SM2/SM3 certificates, CRLs and verification.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


# Service field -> the option that sets it, so an error names what the user typed.
_OPTIONS = {
    "days": "--days",
    "root_days": "--days",
    "crl_url": "--crl-url",
    "intermediate_crl_url": "--intermediate-crl-url",
    "intermediate_days": "the intermediate's validity",
    "status": "--status",
}


@contextmanager
def _service() -> Iterator[PkiService]:
    """The service over the configured store; its errors said in this command line's terms."""
    from govnet.pki.ca import FieldError, NoAuthorityError
    from govnet.pki.service import PkiService

    try:
        with PkiService.open() as service:
            yield service
    except FieldError as exc:
        raise InputError(f"{_OPTIONS.get(exc.field, exc.field)} {exc.problem}") from None
    except NoAuthorityError as exc:
        raise NotFoundError(f"{exc}: run `govnet pki init --name ...`") from None


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
    with _service() as service:
        outcome = service.init(
            name=name,
            organisation=org,
            credit_code=credit_code,
            intermediate=intermediate,
            intermediate_name=intermediate_name,
            crl_url=crl_url,
            intermediate_crl_url=intermediate_crl_url,
            root_days=days,
        )
    _warn(outcome.warnings)
    result = outcome.result
    records = [result.root] + ([result.intermediate] if result.intermediate else [])
    emit(
        {
            "root": result.root.to_dict(),
            "intermediate": result.intermediate.to_dict() if result.intermediate else None,
            "warnings": list(outcome.warnings),
        },
        as_json=as_json,
        render=lambda c: _cert_table(c, records, "certificate authority created"),
    )


def _warn(warnings: tuple[str, ...]) -> None:
    from rich.markup import escape

    from govnet.output import err_console

    for warning in warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}")


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
    from govnet.pki.ca import passphrase
    from govnet.pki.service import IssueRequest, KeyInput
    from govnet.secrets import resolve_secret, write_secret_file

    if key_out and (csr or key):
        raise InputError("--key-out is for generated keys; with --csr or --key the requester keeps its key")
    if csr and key:
        raise InputError("give --csr or --key, not both")
    if not subject and not csr:
        raise InputError("give the subject (--subject) or a certificate request (--csr)")
    for target in (out, key_out):
        if target is not None:
            _check_writable(target)
    with _service() as service:
        key_secret = resolve_secret(key_passphrase) if key_passphrase else None
        if key_out and key_secret is None:
            key_secret = passphrase(service.settings)
        result = service.issue(
            IssueRequest(
                profile=profile,
                subject=subject,
                csr=_read(csr) if csr else None,
                csr_source=str(csr),
                key=KeyInput(_read(key), str(key), key_secret) if key else None,
                organisation=org,
                credit_code=credit_code,
                san=tuple(san or ()),
                days=days,
            )
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
    with _service() as service:
        record = service.revoke(serial, reason)
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
    from govnet.pki.service import CrlPublishError

    with _service() as service:
        try:
            published = service.publish_crl(ca_serial=ca, days=days)
        except CrlPublishError as exc:
            # The CRL is signed and in the store (`verify` consults it): say so, and exit 1, not 2.
            raise GovnetError(f"{exc}; fix that and run `govnet pki crl` again") from None
    result = published.crl
    if out:
        _write(out, result.der if der else result.pem)
    data = {**published.to_dict(), "file": str(out) if out else None}
    data.pop("issuer_serial")

    def render(console: Console) -> None:
        from rich.markup import escape

        console.print(
            f"CRL #{result.number} from {escape(result.issuer.subject)}: {result.revoked} revoked, "
            f"next update {result.next_update:%Y-%m-%d %H:%M}Z"
            + (f", published to {published.published_to}" if published.published_to else "")
        )

    emit(data, as_json=as_json, render=render)


@app.command("list")
def list_(
    profile: Annotated[str | None, typer.Option(help="Only this profile.")] = None,
    status: Annotated[str | None, typer.Option(help="valid | revoked.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the certificates in the store."""
    import json

    with _service() as service:
        found = service.certificates(profile=profile, status=status)
        if as_json:  # stream: one certificate at a time, however many there are
            print("[")
            for index, record in enumerate(found):
                print(("  " if index == 0 else ", ") + json.dumps(record.to_dict(), ensure_ascii=False))
            print("]")
            return
        records = list(found)
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
    from govnet.pki.ca import passphrase
    from govnet.secrets import resolve_secret, write_secret_file

    if der and chain:
        raise InputError("--der writes one certificate; use PEM for --chain")
    with _service() as service:
        records = service.chain(serial) if chain else [service.certificate(serial)]
        private = service.private_key(serial) if key else None
        key_secret = (
            (resolve_secret(key_passphrase) if key_passphrase else passphrase(service.settings))
            if key
            else None
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
    from govnet.pki.service import VerifyRequest

    request = VerifyRequest(
        certificate=_read(cert),
        source=str(cert),
        intermediates=[(_read(p), str(p)) for p in chain or []],
        trusted=[(_read(p), str(p)) for p in trust or []],
        crls=[(_read(p), str(p)) for p in crl_file or []],
        purpose=purpose,
        at=_parse_time(at) if at else None,
    )
    with _service() as service:
        verdict = service.verify(request)
    emit(verdict.summary(), as_json=as_json, render=lambda c: render_verdict(c, verdict))
    if not verdict.ok:
        raise typer.Exit(1)


def _parse_time(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--at {text!r} is not an ISO 8601 time (e.g. 2027-01-31T12:00:00)") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def render_verdict(console: Console, verdict: Verdict) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    colours = {"PASSED": "green", "FAILED": "red", "INDETERMINATE": "yellow"}
    table = Table(title=escape(verdict.subject), show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("reason", overflow="fold")
    for check in verdict.checks:
        colour = colours[check.status.value]
        table.add_row(Text(check.name), Text(check.status.value, colour), Text(check.reason))
    console.print(table)
    colour = colours[verdict.status.value]
    console.print(f"verdict: [bold {colour}]{verdict.status.value}[/]")
