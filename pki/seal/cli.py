"""`govnet seal ...`: e-seals (GB/T 38540). Thin: parse options, call the seal service, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govnet.errors import InputError
from govnet.output import JsonOption, emit

if TYPE_CHECKING:
    from rich.console import Console

    from govnet.pki.keysource import KeySource
    from govnet.pki.seal.model import Extension
    from govnet.pki.seal.service import SealRecord, SealService
    from govnet.verdict import Verdict

app = typer.Typer(
    help="E-seals (GB/T 38540 v4, GM/T 0031 v1): make, sign, verify and inspect seals and signatures.",
    no_args_is_help=True,
)

KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key",
        help="The holder's private key file (govnet key file or PKCS#8/SEC1). Without it: the key the "
        "PKI store keeps in escrow (issued with --escrow).",
    ),
]
KeyPassphraseOption = Annotated[
    str | None,
    typer.Option("--key-passphrase", help="env:NAME or file:PATH: the passphrase of --key."),
]
_KEY_ADVICE = "give the holder's key file with --key FILE --key-passphrase env:NAME|file:PATH"


def key_source(key: Path | None, key_passphrase: str | None) -> KeySource:
    """--key/--key-passphrase as the services' key source: the holder's file, or the store's escrow."""
    from govnet.pki.keysource import ESCROWED, KeyInput
    from govnet.secrets import resolve_secret

    if key is None:
        if key_passphrase:
            raise InputError("--key-passphrase decrypts --key; give --key FILE too")
        return ESCROWED
    return KeyInput(
        _read(key, " the key"), str(key), resolve_secret(key_passphrase) if key_passphrase else None
    )


@contextmanager
def key_hints() -> Iterator[None]:
    """The key source's errors with what to type: a key file, or its passphrase."""
    from govnet.errors import SecretError, hint
    from govnet.pki.keys import PassphraseNeeded
    from govnet.pki.keysource import KeyNotAvailable

    try:
        with hint(KeyNotAvailable, _KEY_ADVICE):
            yield
    except PassphraseNeeded as exc:
        raise SecretError(f"{exc}: give it with --key-passphrase env:NAME|file:PATH") from None


@contextmanager
def _service() -> Iterator[SealService]:
    from govnet.pki.seal.service import SealService

    with SealService.open() as service:
        yield service


# Anything read whole is checked for size first: a seal, a signature, a picture or a certificate
# larger than this is a mistake (the document itself is hashed in pieces, never read whole).
MAX_FILE_BYTES = 16 << 20


def _read(path: Path, what: str = "") -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{path}: {size} bytes is too large for{what or ' this'} (at most {MAX_FILE_BYTES})"
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read{what}: {exc.strerror or exc}") from None


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.new")
        staging.write_bytes(data)
        staging.replace(path)  # a reader never sees half a signature
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def render_verdict(console: Console, verdict: Verdict) -> None:
    """The one verdict table (govnet.output's)."""
    from govnet import output

    output.render_verdict(console, verdict)


def _emit_verdict(verdict: Verdict, as_json: bool) -> None:
    emit(verdict.summary(), as_json=as_json, render=lambda c: render_verdict(c, verdict))


def _seal_table(console: Console, records: list[SealRecord], title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    colours = {"active": "green", "revoked": "red", "expired": "yellow"}
    table = Table(title=title)
    for column in ("seal id", "name", "vendor", "valid until", "status"):
        table.add_column(column, overflow="fold")
    for r in records:
        status = r.status()
        table.add_row(
            r.es_id, Text(r.name), r.vendor_id, f"{r.valid_end:%Y-%m-%d}", Text(status, colours[status])
        )
    console.print(table)


def _parse_time(text: str, option: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r} is not an ISO 8601 time (e.g. 2027-01-31T12:00:00)") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _extension(text: str) -> Extension:
    from govnet.pki.seal.model import Extension

    oid, sep, value = text.partition("=")
    critical = oid.startswith("!")
    oid = oid.removeprefix("!")
    try:
        data = bytes.fromhex(value)
    except ValueError:
        data = b""
        sep = ""
    if not sep or not all(part.isdigit() for part in oid.split(".")) or oid.count(".") < 1:
        raise InputError(f"--ext {text!r}: write OID=HEX (prefix the OID with ! for a critical extension)")
    return Extension(oid, critical, data)


@app.command()
def make(
    name: Annotated[str, typer.Option(help="The seal's name, e.g. 某市市场监督管理局公章.")],
    picture: Annotated[Path, typer.Option(help="The seal's picture: PNG, GIF or JPEG.")],
    signer: Annotated[
        list[str] | None, typer.Option(help="Serial of a signer's certificate in the store (repeat).")
    ] = None,
    signer_cert: Annotated[
        list[Path] | None, typer.Option(help="A signer's certificate file, PEM or DER (repeat).")
    ] = None,
    maker: Annotated[
        str | None,
        typer.Option(help="Serial of the seal maker's certificate (default: the only one for the key)."),
    ] = None,
    seal_type: Annotated[str, typer.Option("--type", help="organisation or person.")] = "organisation",
    width: Annotated[int, typer.Option(help="Picture width in mm.")] = 40,
    height: Annotated[int, typer.Option(help="Picture height in mm.")] = 40,
    days: Annotated[int, typer.Option(help="Validity in days (capped at the maker's certificate).")] = 1095,
    digests: Annotated[
        bool, typer.Option(help="List the signers' certificates by SM3 digest instead of in full.")
    ] = False,
    vendor: Annotated[str, typer.Option(help="The vendor id in the seal's header.")] = "govnet",
    es_id: Annotated[str | None, typer.Option("--id", help="The seal id (default: a random one).")] = None,
    ext: Annotated[
        list[str] | None, typer.Option(help="Extension data OID=HEX; !OID=HEX marks it critical (repeat).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Also write the seal (DER, .esl) here.")] = None,
    key: KeyOption = None,
    key_passphrase: KeyPassphraseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make a GB/T 38540 v4 seal, signed by the seal maker, and keep it in the store.

    The maker's key: its holder's key file (--key), or the one the PKI keeps in escrow."""
    from govnet.pki.seal.model import SealKind
    from govnet.pki.seal.service import MakeSealRequest

    request = MakeSealRequest(
        name=name,
        picture=_read(picture, " the picture"),
        width_mm=width,
        height_mm=height,
        kind=SealKind.parse(seal_type),
        signer_serials=tuple(signer or ()),
        signer_certificates=tuple((_read(p), str(p)) for p in signer_cert or ()),
        maker_serial=maker,
        days=days,
        as_digests=digests,
        vendor_id=vendor,
        es_id=es_id,
        extensions=tuple(_extension(e) for e in ext or ()),
    )
    source = key_source(key, key_passphrase)
    with _service() as service, key_hints():
        record = service.make(request, source)
    if out:
        _write(out, record.der)
    data = {**record.to_dict(), "file": str(out) if out else None}
    emit(data, as_json=as_json, render=lambda c: _seal_table(c, [record], "seal made"))


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="active | revoked | expired.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the seals in the store with their status."""
    with _service() as service:
        records = service.seals(status=status)
    emit(
        [r.to_dict() for r in records],
        as_json=as_json,
        render=lambda c: _seal_table(c, records, f"{len(records)} seal(s)"),
    )


@app.command()
def revoke(
    es_id: Annotated[str, typer.Argument(help="The seal id.")],
    reason: Annotated[str, typer.Option(help="Why (kept with the seal).")] = "unspecified",
    as_json: JsonOption = False,
) -> None:
    """Revoke a seal: it signs no more, and signatures verified here say it is revoked."""
    with _service() as service:
        record = service.revoke(es_id, reason)
    emit(record.to_dict(), as_json=as_json, render=lambda c: _seal_table(c, [record], "seal revoked"))


@app.command()
def export(
    es_id: Annotated[str, typer.Argument(help="The seal id.")],
    out: Annotated[Path, typer.Option(help="Write the seal (DER) here.")],
) -> None:
    """Write a stored seal to a file (DER, as other vendors' readers take it)."""
    with _service() as service:
        record = service.get(es_id)
    _write(out, record.der)


@app.command()
def sign(
    document: Annotated[Path, typer.Argument(help="Any file: its SM3 is signed (read in bounded memory).")],
    seal: Annotated[str, typer.Option(help="The seal id (from `govnet seal list`).")],
    signer: Annotated[str, typer.Option(help="Serial of the signer's certificate.")],
    out: Annotated[
        Path | None, typer.Option(help="Where to write the signature (default: FILE.ses).")
    ] = None,
    key: KeyOption = None,
    key_passphrase: KeyPassphraseOption = None,
    property_info: Annotated[
        str | None, typer.Option(help="TBS_Sign.propertyInfo (ASCII; default: the file's name).")
    ] = None,
    timestamp: Annotated[
        bool,
        typer.Option(
            "--timestamp",
            help="Time-stamp the signature value with this installation's TSA (RFC 3161, into the "
            "timeStamp field; `govnet pki issue --profile tsa` makes the TSA).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Sign a file with a seal: a detached SES_Signature (v4).

    The signer's key: its holder's key file (--key), or the one the PKI keeps in escrow."""
    from govnet.pki.sm3 import sm3_file

    target = out or document.with_name(document.name + ".ses")
    digest = sm3_file(document)
    info = property_info if property_info is not None else document.name
    if not info.isascii():
        info = "document"  # propertyInfo is an IA5String: a Chinese file name cannot go there
    source = key_source(key, key_passphrase)
    with _service() as service, key_hints():
        from govnet.errors import NotFoundError, hint
        from govnet.pki.cli import TSA_ADVICE
        from govnet.pki.tsa import TimeStampAuthority

        with hint(NotFoundError, TSA_ADVICE):
            authority = TimeStampAuthority.open(service.pki) if timestamp else None
        der = service.sign(seal, signer, digest, key=source, property_info=info, time_stamp=authority)
    _write(target, der)
    data = {
        "signature": str(target),
        "document": str(document),
        "sm3": digest.hex(),
        "seal": seal,
        "time_stamped": timestamp,
    }
    emit(data, as_json=as_json, render=lambda c: c.print(f"signed {document} with seal {seal}: {target}"))


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="A seal signature (or a seal alone).")],
    document: Annotated[Path | None, typer.Option(help="The signed file (its SM3 is compared).")] = None,
    trust: Annotated[
        list[Path] | None, typer.Option(help="Extra trusted roots besides the store's (repeat).")
    ] = None,
    chain: Annotated[list[Path] | None, typer.Option(help="Intermediate certificates (repeat).")] = None,
    crl: Annotated[list[Path] | None, typer.Option(help="CRLs besides the store's (repeat).")] = None,
    at: Annotated[
        str | None, typer.Option(help="Judge validity at this time (ISO 8601, UTC if no zone).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a seal signature against a document (or a seal on its own); exit 1 unless PASSED."""
    from govnet.pki.seal.reader import detect
    from govnet.pki.seal.service import VerifyRequest
    from govnet.pki.sm3 import sm3_file

    data = _read(file)
    when = _parse_time(at, "--at") if at else None
    digest = sm3_file(document) if document else None
    trusted = [(_read(p), str(p)) for p in trust or ()]
    intermediates = [(_read(p), str(p)) for p in chain or ()]
    crls = [(_read(p), str(p)) for p in crl or ()]
    with _service() as service:
        try:
            kind, _version = detect(data, str(file))
        except InputError:
            kind = "signature"  # the verdict's structure check says what is wrong
        if kind == "seal":
            if document is not None:
                raise InputError(f"{file} is a seal, not a signature: it signs no document")
            verdict = service.verify_seal(
                data, source=str(file), at=when, trusted=trusted, intermediates=intermediates, crls=crls
            )
        else:
            verdict = service.verify(
                VerifyRequest(
                    signature=data,
                    source=str(file),
                    data_hash=digest,
                    trusted=trusted,
                    intermediates=intermediates,
                    crls=crls,
                    at=when,
                )
            )
    _emit_verdict(verdict, as_json)
    if not verdict.ok:
        raise typer.Exit(1)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="A seal or a seal signature, v4 or v1 (DER or base64).")],
    picture: Annotated[Path | None, typer.Option(help="Write the seal's picture here.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Print what a seal or seal signature says: version, vendor, names, dates, certificates, picture."""
    from govnet.pki.seal import inspect as inspection
    from govnet.pki.seal.model import Seal
    from govnet.pki.seal.reader import read_any

    parsed = read_any(_read(file), str(file))
    facts = inspection.describe(parsed)
    if picture is not None:
        seal = parsed if isinstance(parsed, Seal) else parsed.seal
        _write(picture, seal.picture.data)
        facts["picture_file"] = str(picture)
    emit(facts, as_json=as_json, render=lambda c: inspection.render(c, facts))
