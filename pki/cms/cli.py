"""`govnet sign ...`: signatures without seals (GM/T 0029 server operations). Thin: parse, call
``govnet.pki.cms.service``, render."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govnet.errors import InputError
from govnet.output import JsonOption, emit
from govnet.pki.cli import _parse_time
from govnet.pki.seal.cli import KeyOption, KeyPassphraseOption, _read, _write, key_hints, key_source

if TYPE_CHECKING:
    from govnet.verdict import Verdict

app = typer.Typer(
    help="Signatures without seals: GM/T 0010 SM2 SignedData (PKCS#7) and raw SM2 over data or a hash.",
    no_args_is_help=True,
)

TrustOption = Annotated[
    list[Path] | None, typer.Option(help="Extra trusted roots besides the store's (repeat).")
]
ChainOption = Annotated[list[Path] | None, typer.Option(help="Intermediate certificates (repeat).")]
CrlOption = Annotated[list[Path] | None, typer.Option(help="CRLs besides the store's (repeat).")]
IdOption = Annotated[str, typer.Option("--id", help="The signer's SM2 ID (GM/T 0009).")]


def trust_files(
    trust: list[Path] | None, chain: list[Path] | None, crl: list[Path] | None
) -> dict[str, list[tuple[bytes, str]]]:
    """--trust/--chain/--crl files as (data, source) pairs, the shape the services take."""
    return {
        "trusted": [(_read(p), str(p)) for p in trust or ()],
        "intermediates": [(_read(p), str(p)) for p in chain or ()],
        "crls": [(_read(p), str(p)) for p in crl or ()],
    }


def _hash(text: str) -> bytes:
    try:
        value = bytes.fromhex(text.strip())
    except ValueError:
        raise InputError(f"--hash {text[:20]!r}…: not hexadecimal") from None
    if len(value) != 32:
        raise InputError(f"--hash: e = SM3(Z || M) is 32 bytes (64 hex digits), got {len(value)}")
    return value


def _signature_bytes(data: bytes) -> bytes:
    """DER, raw r||s, or either in base64 (what HTTP APIs return)."""
    stripped = data.strip()
    if data[:1] == b"\x30" or len(data) == 64 or not stripped.isascii():
        return data
    try:
        return base64.b64decode(stripped, validate=True)
    except (binascii.Error, ValueError):
        return data


def _emit_verdict(verdict: Verdict, as_json: bool) -> None:
    from govnet.pki.seal.cli import render_verdict

    emit(verdict.summary(), as_json=as_json, render=lambda c: render_verdict(c, verdict))
    if not verdict.ok:
        raise typer.Exit(1)


@app.command("p7-sign")
def p7_sign(
    file: Annotated[Path, typer.Argument(help="The content to sign.")],
    signer: Annotated[str, typer.Option(help="Serial of the signer's certificate.")],
    out: Annotated[Path, typer.Option(help="Where to write the SignedData.")],
    key: KeyOption = None,
    key_passphrase: KeyPassphraseOption = None,
    detached: Annotated[bool, typer.Option(help="Leave the content out of the SignedData.")] = False,
    style: Annotated[
        str,
        typer.Option(help="gm: GM/T 0010 OIDs (1.2.156.10197.6.1.4.2.x); pkcs7: PKCS#7 OIDs (OpenSSL's)."),
    ] = "gm",
    attributes: Annotated[
        bool, typer.Option(help="Sign contentType, signingTime and messageDigest attributes.")
    ] = True,
    pem: Annotated[bool, typer.Option(help="Write PEM (PKCS7) instead of DER.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Make GM/T 0010 SM2 SignedData over a file (attached or detached)."""
    from asn1crypto import pem as asn1_pem

    from govnet.pki.cms import Style
    from govnet.pki.cms.service import sign_p7
    from govnet.pki.service import PkiService

    if style not in ("gm", "pkcs7"):
        raise InputError(f"--style {style!r}: choose gm or pkcs7")
    content = _read(file)
    source = key_source(key, key_passphrase)
    with PkiService.open() as pki, key_hints():
        der = sign_p7(
            pki,
            signer,
            content,
            key=source,
            detached=detached,
            style=Style(style),
            signed_attributes=attributes,
        )
    _write(out, asn1_pem.armor("PKCS7", der) if pem else der)
    data = {"out": str(out), "style": style, "detached": detached, "bytes": len(der)}
    emit(data, as_json=as_json, render=lambda c: c.print(f"signed {file}: {out} ({style}, {len(der)} bytes)"))


@app.command("p7-verify")
def p7_verify(
    signature: Annotated[Path, typer.Argument(help="SignedData, DER or PEM (GM/T 0010 or PKCS#7 OIDs).")],
    content: Annotated[
        Path | None, typer.Option(help="The signed content, for a detached signature.")
    ] = None,
    trust: TrustOption = None,
    chain: ChainOption = None,
    crl: CrlOption = None,
    at: Annotated[str | None, typer.Option(help="Judge validity at this time (ISO 8601).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Verify SM2 SignedData: structure, digest, signature, the signer's chain and revocation."""
    from govnet.pki.cms.service import trust as store_trust
    from govnet.pki.cms.service import verify_p7
    from govnet.pki.service import PkiService

    when = _parse_time(at) if at else None
    with PkiService.open() as pki:
        given = store_trust(
            pki,
            **trust_files(trust, chain, crl),
        )
        verdict = verify_p7(
            pki,
            _read(signature),
            content=_read(content) if content else None,
            source=str(signature),
            trust_given=given,
            at=when,
        )
    _emit_verdict(verdict, as_json)


@app.command("sm2-sign")
def sm2_sign(
    signer: Annotated[str, typer.Option(help="Serial of the signer's certificate.")],
    out: Annotated[Path, typer.Option(help="Where to write the signature.")],
    key: KeyOption = None,
    key_passphrase: KeyPassphraseOption = None,
    file: Annotated[Path | None, typer.Argument(help="The data to sign (or give --hash).")] = None,
    hash: Annotated[
        str | None, typer.Option("--hash", help="e = SM3(Z || M) in hex, computed by the caller.")
    ] = None,
    id: IdOption = "1234567812345678",
    raw: Annotated[bool, typer.Option(help="Write 64-byte r||s instead of DER.")] = False,
    as_json: JsonOption = False,
) -> None:
    """A raw SM2 signature over a file's data, or over a hash e the caller computed."""
    from govnet.pki.cms import raw as raw_sm2
    from govnet.pki.cms.service import signer as stored_signer
    from govnet.pki.service import PkiService

    if (file is None) == (hash is None):
        raise InputError("give either FILE or --hash, not both or neither")
    source = key_source(key, key_passphrase)
    with PkiService.open() as pki, key_hints():
        who = stored_signer(pki, signer, source)
    encoding = raw_sm2.Encoding.RAW if raw else raw_sm2.Encoding.DER
    if file is not None:
        signature = raw_sm2.sign(who.key, data=_read(file), id=id.encode(), encoding=encoding)
    else:
        signature = raw_sm2.sign(who.key, e=_hash(hash or ""), encoding=encoding)
    _write(out, signature)
    data = {"out": str(out), "encoding": encoding.value, "signature": signature.hex()}
    emit(data, as_json=as_json, render=lambda c: c.print(f"{out}: {signature.hex()}"))


@app.command("sm2-verify")
def sm2_verify(
    signature: Annotated[Path, typer.Argument(help="The signature: DER, 64-byte r||s, or base64.")],
    cert: Annotated[Path, typer.Option(help="The signer's certificate (PEM or DER).")],
    file: Annotated[Path | None, typer.Option("--data", help="The signed data (or give --hash).")] = None,
    hash: Annotated[str | None, typer.Option("--hash", help="The signed e = SM3(Z || M), hex.")] = None,
    id: IdOption = "1234567812345678",
    chain_check: Annotated[
        bool, typer.Option("--chain-check/--no-chain-check", help="Also verify the certificate's path.")
    ] = True,
    trust: TrustOption = None,
    chain: ChainOption = None,
    crl: CrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a raw SM2 signature with a certificate's key (and the certificate's path)."""
    from govnet.pki import x509
    from govnet.pki.cms.service import trust as store_trust
    from govnet.pki.cms.service import verify_sm2
    from govnet.pki.service import PkiService

    if (file is None) == (hash is None):
        raise InputError("give either --data FILE or --hash, not both or neither")
    certificate = x509.load_certificate(_read(cert), str(cert))
    with PkiService.open() as pki:
        given = (
            store_trust(
                pki,
                **trust_files(trust, chain, crl),
            )
            if chain_check
            else None
        )
        allow_empty = pki.settings.pki.allow_empty_sm2_id
    verdict = verify_sm2(
        certificate,
        _signature_bytes(_read(signature)),
        data=_read(file) if file else None,
        e=_hash(hash) if hash else None,
        id=id.encode(),
        chain_trust=given,
        allow_empty_sm2_id=allow_empty,
    )
    _emit_verdict(verdict, as_json)
