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

from govnet.errors import GovnetError, InputError, NotFoundError, SecretError, hint
from govnet.output import JsonOption, emit, emit_verdict

if TYPE_CHECKING:
    from rich.console import Console

    from govnet.pki.ca import CertificateRecord
    from govnet.pki.service import PkiService

app = typer.Typer(
    help="The certificate authority: SM2/SM3 certificates, CRLs and verification.", no_args_is_help=True
)


# Where a time-stamp authority's certificate comes from, for commands that need one.
TSA_ADVICE = "issue one with `govnet pki issue --profile tsa --subject 'CN=...'`"

# Service field -> the option that sets it, added to the service's message.
_OPTIONS = {
    "days": "--days",
    "root_days": "--days",
    "crl_url": "--crl-url",
    "intermediate_crl_url": "--intermediate-crl-url",
    "status": "--status",
    "key_passphrase": "--key-passphrase env:NAME|file:PATH",
    "escrow": "--escrow",
    "organisation": "--org, or O= in --subject",
    "credit_code": "--credit-code",
    "san": "--san",
}


@contextmanager
def _service(options: dict[str, str] | None = None) -> Iterator[PkiService]:
    """The service over the configured store; its errors said in this command line's terms
    (``options``: this command's own names for service fields)."""
    from govnet.pki.ca import NoAuthorityError
    from govnet.pki.errors import FieldError
    from govnet.pki.keys import PassphraseNeeded
    from govnet.pki.service import PkiService

    try:
        with PkiService.open() as service:
            yield service
    except FieldError as exc:
        option = {**_OPTIONS, **(options or {})}.get(exc.field)
        raise InputError(f"{exc} ({option})" if option else str(exc)) from None
    except PassphraseNeeded as exc:
        raise SecretError(f"{exc}: give it with --key-passphrase env:NAME|file:PATH") from None
    except NoAuthorityError as exc:
        raise NotFoundError(f"{exc}: run `govnet pki init --name ...`") from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def _write(path: Path, data: bytes) -> None:
    from govnet.fsutil import atomic_write

    try:
        atomic_write(path, data)
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
        str | None,
        typer.Option(
            help="The intermediate's subject (default: the root's, CN 'X Root CA' → "
            "'X Issuing CA'; see docs/pki.md)."
        ),
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
    profile: Annotated[str, typer.Option(help="seal-maker | signer | tls-server | device | tsa | ocsp.")],
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
        Path | None,
        typer.Option(
            help="Hand the generated private key over in this file (encrypted PKCS#8, mode 0600); "
            "required for seal-maker and signer."
        ),
    ] = None,
    key_passphrase: Annotated[
        str | None,
        typer.Option(
            help="env:NAME or file:PATH: decrypts an encrypted --key; encrypts --key-out (seal-maker, "
            "signer: the holder's own, required; others: default the PKI passphrase)."
        ),
    ] = None,
    escrow: Annotated[
        bool,
        typer.Option(
            "--escrow",
            help="Also keep the generated seal-maker/signer key in the store, encrypted (key escrow; "
            "recorded as such). Without it the CA keeps no such key.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Issue an end-entity certificate from a CSR, for an existing key, or for a new SM2 key pair."""
    from govnet.pki.service import IssueRequest, KeyInput
    from govnet.secrets import resolve_secret, write_secret_file

    if key_out and (csr or key):
        raise InputError("--key-out is for generated keys; with --csr or --key the requester keeps its key")
    if csr and key:
        raise InputError("give --csr or --key, not both")
    if key_passphrase and not (key or key_out):
        raise InputError("--key-passphrase is for --key (to decrypt it) or --key-out (to encrypt it)")
    if not subject and not csr:
        raise InputError("give the subject (--subject) or a certificate request (--csr)")
    for target in (out, key_out):
        if target is not None:
            _check_writable(target)
    with _service({"key_passphrase": "--key-out FILE with --key-passphrase env:NAME|file:PATH"}) as service:
        key_secret = resolve_secret(key_passphrase) if key_passphrase else None
        outcome = service.issue(
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
                key_passphrase=key_secret if key_out else None,
                escrow=escrow,
            )
        )
    result = outcome.result
    if out:
        _write(out, result.record.der if der else result.record.pem)
    if key_out and outcome.key_file is not None:
        write_secret_file(key_out, outcome.key_file)
    data = {
        **result.record.to_dict(),
        "csr_sm2_id": result.csr_signer_id,
        "certificate_file": str(out) if out else None,
        "key_file": str(key_out) if key_out and outcome.key_file else None,
    }
    emit(data, as_json=as_json, render=lambda c: _cert_table(c, [result.record], "certificate issued"))


@app.command()
def revoke(
    serial: Annotated[str, typer.Argument(help="The certificate's serial (hex), or a unique prefix of it.")],
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
        str | None,
        typer.Option(
            help="Serial (or a unique prefix) of the CA whose CRL to sign (default: the issuing CA)."
        ),
    ] = None,
    all_cas: Annotated[
        bool, typer.Option("--all", help="Sign and publish a CRL for every CA here (root included).")
    ] = False,
    days: Annotated[int, typer.Option(help="Days until nextUpdate.")] = 7,
    out: Annotated[Path | None, typer.Option(help="Also write the CRL here (not with --all).")] = None,
    der: Annotated[bool, typer.Option(help="Write DER instead of PEM to --out.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Sign a CRL (SM3withSM2) listing the CA's revoked certificates, and publish it."""
    from govnet.pki.service import CrlPublishError

    if all_cas and (ca or out):
        raise InputError("--all publishes every CA's CRL into the served folder; drop --ca and --out")
    with _service() as service:
        try:
            published = (
                service.publish_all_crls(days=days)
                if all_cas
                else [service.publish_crl(ca_serial=ca, days=days)]
            )
        except CrlPublishError as exc:
            # The CRL is signed and in the store (`verify` consults it): say so, and exit 1, not 2.
            again = "govnet pki crl --all" if all_cas else "govnet pki crl"
            raise GovnetError(f"{exc}; fix that and run `{again}` again") from None
    if out:
        _write(out, published[0].crl.der if der else published[0].crl.pem)
    rows = []
    for item in published:
        row = {**item.to_dict(), "file": str(out) if out else None}
        if not all_cas:
            row.pop("issuer_serial")
        rows.append(row)

    def render(console: Console) -> None:
        from rich.markup import escape

        for item in published:
            result = item.crl
            console.print(
                f"CRL #{result.number} from {escape(result.issuer.subject)}: {result.revoked} revoked, "
                f"next update {result.next_update:%Y-%m-%d %H:%M}Z"
                + (f", published to {escape(item.published_to)}" if item.published_to else "")
            )

    emit(rows if all_cas else rows[0], as_json=as_json, render=render)


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
    serial: Annotated[str, typer.Argument(help="The certificate's serial (hex), or a unique prefix of it.")],
    der: Annotated[bool, typer.Option(help="DER instead of PEM (one certificate only).")] = False,
    chain: Annotated[bool, typer.Option(help="Include the issuers up to the root (PEM).")] = False,
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
    key: Annotated[
        Path | None,
        typer.Option(
            help="Also write the private key the store holds (encrypted PKCS#8, 0600): device and "
            "server keys, and escrowed seal-maker/signer keys. A holder's own key is never held."
        ),
    ] = None,
    key_passphrase: Annotated[
        str | None,
        typer.Option(
            help="env:NAME or file:PATH to encrypt --key with (an escrowed key: the holder's, required; "
            "others: default the PKI passphrase)."
        ),
    ] = None,
) -> None:
    """Export a certificate (and optionally its chain or its private key)."""
    import sys

    from govnet.secrets import resolve_secret, write_secret_file

    if der and chain:
        raise InputError("--der writes one certificate; use PEM for --chain")
    if key_passphrase and not key:
        raise InputError("--key-passphrase encrypts --key; give --key FILE too")
    if key:
        _check_writable(key)
    with _service() as service:
        records = service.chain(serial) if chain else [service.certificate(serial)]
        key_secret = resolve_secret(key_passphrase) if key_passphrase else None
        key_file = service.export_private_key(serial, key_secret) if key else None
    data = records[0].der if der else b"".join(r.pem for r in records)
    if key and key_file is not None:
        write_secret_file(key, key_file)
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
    emit_verdict(verdict, as_json=as_json)
    missing = [c.evidence["crl_issuer"] for c in verdict.checks if "crl_issuer" in c.evidence]
    if missing:
        from rich.markup import escape

        from govnet.output import err_console

        err_console.print(
            f"hint: no CRL from {escape(', '.join(missing))}: `govnet pki crl --all` publishes one for each "
            "CA of this installation; for a CA from elsewhere pass its CRL with --crl FILE"
        )
    if not verdict.ok:
        raise typer.Exit(1)


@app.command()
def timestamp(
    file: Annotated[Path | None, typer.Argument(help="The file to time-stamp (its hash is sent).")] = None,
    query: Annotated[
        Path | None, typer.Option(help="Answer this TimeStampReq instead (e.g. from `openssl ts -query`).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the TimeStampResp (default: FILE.tsr).")
    ] = None,
    hash_name: Annotated[str, typer.Option("--hash", help="sm3 | sha256 | sha384 | sha512.")] = "sm3",
    tsa: Annotated[
        str | None, typer.Option(help="Serial of the TSA certificate (default: the newest valid one).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Time-stamp a file (RFC 3161) with this installation's TSA (`pki issue --profile tsa` makes it)."""
    import secrets

    from govnet.pki.tsa import TimeStampAuthority, build_request, digest_file, read_response, read_token

    if (file is None) == (query is None):
        raise InputError("give the FILE to time-stamp or --query FILE.tsq to answer, not both")
    target = out or (file.with_name(file.name + ".tsr") if file else None)
    if target is None:
        raise InputError("--query needs --out FILE.tsr")
    request = (
        _read(query)
        if query
        else build_request(digest_file(file, hash_name), hash_name, nonce=secrets.randbits(63))
    )
    _check_writable(target)
    with _service() as service:
        with hint(NotFoundError, TSA_ADVICE):
            authority = TimeStampAuthority.open(service, tsa)
        response = authority.respond(request)
    result = read_response(response)
    if result.token is None:
        refused = ", ".join(result.fail_info)
        raise InputError(f"{query or file}: the time-stamp authority refused it ({refused}): {result.text}")
    _write(target, response)
    stamp = read_token(result.token)
    data = {"response": str(target), **stamp.to_dict()}
    emit(
        data,
        as_json=as_json,
        render=lambda c: c.print(f"time-stamped at {stamp.gen_time:%Y-%m-%d %H:%M:%S}Z: {target}"),
    )


@app.command("timestamp-verify")
def timestamp_verify(
    response: Annotated[Path, typer.Argument(help="A TimeStampResp (.tsr) or a bare token, DER.")],
    data: Annotated[Path | None, typer.Option(help="The time-stamped file (its hash is compared).")] = None,
    chain: Annotated[list[Path] | None, typer.Option(help="Intermediate certificates (repeat).")] = None,
    trust: Annotated[
        list[Path] | None, typer.Option(help="Extra trusted roots besides the store's (repeat).")
    ] = None,
    crl_file: Annotated[
        list[Path] | None, typer.Option("--crl", help="CRLs besides the store's (repeat).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a time-stamp: the TSA's SM2 signature and chain, its EKU, and the imprint against --data."""
    from govnet.pki.cms.service import trust as gather
    from govnet.pki.tsa import digest_file, read_token, token_of, verify_response_or_token

    raw = _read(response)
    expected = None
    if data is not None:
        try:
            expected = digest_file(
                data, read_token(token_of(raw, str(response)), str(response)).hash_algorithm
            )
        except InputError:
            expected = None  # the verdict's checks say what is wrong with the response
    with _service() as service:
        given = gather(
            service,
            trusted=[(_read(p), str(p)) for p in trust or []],
            intermediates=[(_read(p), str(p)) for p in chain or []],
            crls=[(_read(p), str(p)) for p in crl_file or []],
        )
        verdict = verify_response_or_token(
            raw,
            expected,
            source=str(response),
            trust=given,
            allow_empty_sm2_id=service.settings.pki.allow_empty_sm2_id,
        )
    emit_verdict(verdict, as_json=as_json)
    if not verdict.ok:
        raise typer.Exit(1)


@app.command()
def ocsp(
    cert: Annotated[Path, typer.Argument(help="The certificate to ask about (PEM or DER).")],
    issuer: Annotated[
        Path | None,
        typer.Option(help="Its issuer's certificate (default: found among this installation's CAs)."),
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="The responder (default: the OCSP URL in the certificate's AIA).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the responder.")] = 10.0,
    as_json: JsonOption = False,
) -> None:
    """Ask the certificate's OCSP responder whether it is revoked; exit 1 unless it answers good
    (signed by the issuer or its delegated responder, nonce echoed, fresh)."""
    from govnet.pki import x509
    from govnet.pki.ocsp_client import ask, responder_urls
    from govnet.settings import load_settings

    certificate = x509.load_certificate(_read(cert), str(cert))
    if url is None:
        named = responder_urls(certificate)
        if not named:
            raise InputError(f"{cert}: the certificate names no OCSP responder (AIA); give --url URL")
        url = named[0]
    if issuer is not None:
        issuer_cert = x509.load_certificate(_read(issuer), str(issuer))
    else:
        with _service() as service:
            found = [
                a.record.certificate
                for a in service.authorities()
                if a.record.certificate.subject == certificate.issuer
            ]
        if not found:
            raise InputError(f"{cert}: its issuer is not a CA of this installation; give --issuer FILE")
        issuer_cert = found[0]
    verdict = ask(
        url,
        certificate,
        issuer_cert,
        timeout=timeout,
        allow_empty_sm2_id=load_settings().pki.allow_empty_sm2_id,
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
