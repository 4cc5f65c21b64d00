"""`govnet ofd ...`: sign OFD documents with seals, verify every signature in them. Thin: parse, call
``govnet.pki.ofd.service``, render."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govnet.errors import InputError
from govnet.output import JsonOption, emit
from govnet.pki.cli import _parse_time
from govnet.pki.cms.cli import ChainOption, CrlOption, TrustOption, trust_files
from govnet.pki.seal.cli import KeyOption, KeyPassphraseOption, key_hints, key_source

if TYPE_CHECKING:
    from rich.console import Console

    from govnet.pki.ofd.verify import OfdReport
    from govnet.verdict import Verdict

app = typer.Typer(
    help="OFD documents (GB/T 33190): sign with an e-seal on a page, verify every signature.",
    no_args_is_help=True,
)


def _pair(text: str, option: str) -> tuple[float, float]:
    try:
        first, second = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        raise InputError(f"{option} {text!r}: expected two numbers in millimetres, like 120,200") from None
    if not all(v == v and abs(v) < 10_000 for v in (first, second)):
        raise InputError(f"{option} {text!r}: out of range")
    return first, second


@app.command()
def sign(
    file: Annotated[Path, typer.Argument(help="The OFD to sign.")],
    signer: Annotated[str, typer.Option(help="Serial of the signer's certificate.")],
    out: Annotated[Path, typer.Option(help="Where to write the signed OFD.")],
    key: KeyOption = None,
    key_passphrase: KeyPassphraseOption = None,
    seal: Annotated[
        str | None,
        typer.Option(help="The seal id (`govnet seal list`); without it, a plain signature (Type=Sign)."),
    ] = None,
    page: Annotated[int | None, typer.Option(help="Page for the stamp (1 = first).")] = None,
    at: Annotated[str | None, typer.Option(help="The stamp's top-left corner X,Y in mm.")] = None,
    size: Annotated[
        str | None, typer.Option(help="The stamp's width,height in mm (default: the seal picture's).")
    ] = None,
    protect_list: Annotated[
        bool,
        typer.Option(help="Also protect Signatures.xml: no further signature can be added afterwards."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Sign an OFD with a seal on a page at a position (or with a plain signature).

    The signer's key: its holder's key file (--key), or the one the PKI keeps in escrow."""
    from govnet.pki.ofd.service import sign_file
    from govnet.pki.ofd.sign import Placement
    from govnet.pki.seal.service import SealService

    if (page is None) != (at is None):
        raise InputError("--page and --at go together: the page and the position of the stamp")
    if seal is not None and page is None:
        raise InputError("a seal needs a place: give --page and --at X,Y")
    if file.resolve() == out.resolve():
        raise InputError("--out must differ from the input file")
    placement = None
    if page is not None and at is not None:
        x, y = _pair(at, "--at")
        width, height = _pair(size, "--size") if size else (None, None)
        placement = Placement(page, x, y, width, height)
    source = key_source(key, key_passphrase)
    with SealService.open() as service, key_hints():
        result = sign_file(
            service, file, out, signer_serial=signer, signer_key=source, es_id=seal, placement=placement,
            protect_signature_list=protect_list,
        )  # fmt: skip
    emit(
        result.to_dict(),
        as_json=as_json,
        render=lambda c: c.print(
            f"signed {file} ({result.type}, {result.references} parts protected) -> {out}: "
            f"signature {result.signature_id} at {result.signature_loc}"
        ),
    )


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="The signed OFD.")],
    trust: TrustOption = None,
    chain: ChainOption = None,
    crl: CrlOption = None,
    at: Annotated[
        str | None, typer.Option(help="Judge validity at this time (ISO 8601, UTC if no zone).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Verify every signature in an OFD, per signature and per reference; exit 1 unless all PASSED."""
    from govnet.pki.ofd.service import verify_file
    from govnet.pki.seal.service import SealService

    when = _parse_time(at) if at else None
    with SealService.open() as service:
        report = verify_file(
            service,
            file,
            **trust_files(trust, chain, crl),
            at=when,
        )
    emit(report.summary(), as_json=as_json, render=lambda c: render_report(c, report))
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def sample(
    out: Annotated[Path, typer.Argument(help="Where to write the OFD.")],
    line: Annotated[list[str] | None, typer.Option(help="A line of text on the page (repeat).")] = None,
) -> None:
    """Write a small valid OFD with one page of text (to try signing and verifying)."""
    from govnet.pki.ofd.sample import build_sample_ofd

    data = build_sample_ofd([line or ["govnet sample document", "示例文档"]])
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from None
    print(out)


def _condensed(verdict: Verdict, keep: int = 8) -> Verdict:
    """For people: many matching references shown as one row (failing ones always shown; --json has all)."""
    from govnet.verdict import CheckResult, Status, Verdict

    matching = [c for c in verdict.checks if c.name.startswith("reference[") and c.status is Status.PASSED]
    if len(matching) <= keep:
        return verdict
    checks: list[CheckResult] = []
    for check in verdict.checks:
        if check in matching:
            if check is matching[0]:
                checks.append(
                    CheckResult.passed("references", f"{len(matching)} parts match their SM3 check values")
                )
            continue
        checks.append(check)
    return Verdict(verdict.subject, tuple(checks))


def render_report(console: Console, report: OfdReport) -> None:
    from govnet.pki.seal.cli import render_verdict

    colours = {"PASSED": "green", "FAILED": "red", "INDETERMINATE": "yellow"}
    if report.document.failures:
        render_verdict(console, report.document)
    for signature in report.signatures:
        render_verdict(console, _condensed(signature.verdict))
    by_status = report.summary()["by_status"]
    counts = ", ".join(f"{n} {status}" for status, n in by_status.items() if n)
    colour = colours[report.status.value]
    console.print(
        f"{report.source}: {len(report.signatures)} signature(s) ({counts or 'none'}); "
        f"verdict: [bold {colour}]{report.status.value}[/]"
    )
