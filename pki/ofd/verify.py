"""Verifying every signature in a signed OFD: one Verdict per signature, one check per fact.

For each entry of each document's ``Signatures.xml``:
- ``signature_file``: its ``Signature.xml`` is there and well-formed;
- ``check_method``: the references' digest is SM3;
- ``reference[/path]``: each referenced part exists and its SM3 equals the check value;
- ``coverage``: the document's own parts (Document.xml, every page) are among the references;
- ``signed_value``: the ``SignedValue.dat`` is there;
- for an e-seal signature (Type="Seal"), the SES_Signature's checks from ``govnet.pki.seal`` (prefixed
  ``ses:``), with the document hash being the SM3 of the ``Signature.xml`` bytes — that is how the
  references are covered by the signer's signature — and ``seal_file`` when a ``Seal.esl`` is named;
- for a plain digital signature (Type="Sign"), the GM/T 0010 SignedData's checks (prefixed ``cms:``);
- ``stamp_annot[ID]``: the stamp's page exists and its boundary is a box.

Container-level refusals (zip bombs, traversal, a missing OFD.xml) raise ``OfdError``; a problem in one
signature fails that signature's verdict and the others are still checked.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from govnet.errors import InputError
from govnet.pki.ofd.container import DEFAULT_LIMITS, Limits, OfdError, OfdPackage, as_loc, folder_of
from govnet.pki.ofd.document import Document, read_documents, read_signature_list, resolve_any
from govnet.pki.ofd.model import SignatureEntry, SignatureFile, is_sm3, parse_signature_file
from govnet.pki.ofd.xmlparse import parse_xml
from govnet.pki.sm3 import sm3
from govnet.verdict import CheckResult, Status, Verdict, combine

MAX_SIGNED_VALUE = 16 << 20


@dataclass(frozen=True)
class VerifyOptions:
    """What to trust and how strict to be; passed through to the seal and CMS verifiers."""

    trust: Any = None  # govnet.pki.seal.Trust (roots, intermediates, crls)
    allow_empty_sm2_id: bool = False
    at: Any = None  # datetime: judge validity at this time instead of now
    limits: Limits = DEFAULT_LIMITS


@dataclass(frozen=True)
class ReferenceResult:
    file_ref: str
    part: str | None
    status: Status
    expected: str
    actual: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file_ref": self.file_ref,
            "part": self.part,
            "status": self.status.value,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass(frozen=True)
class SignatureReport:
    document: int
    id: str
    type: str
    location: str  # the Signature.xml's absolute location, or its BaseLoc when missing
    verdict: Verdict
    references: tuple[ReferenceResult, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return self.verdict.status

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "id": self.id,
            "type": self.type,
            "location": self.location,
            "status": self.status.value,
            "details": self.details,
            "references": [r.to_dict() for r in self.references],
            "checks": [c.to_dict() for c in self.verdict.checks],
        }


@dataclass(frozen=True)
class OfdReport:
    source: str
    document: Verdict  # container-level checks: the documents and their signature lists
    signatures: tuple[SignatureReport, ...]

    @property
    def status(self) -> Status:
        return combine([self.document.status, *(s.status for s in self.signatures)])

    @property
    def ok(self) -> bool:
        return self.status is Status.PASSED

    def summary(self) -> dict[str, Any]:
        counts = {s.value: 0 for s in Status}
        for signature in self.signatures:
            counts[signature.status.value] += 1
        return {
            "source": self.source,
            "status": self.status.value,
            "signatures": len(self.signatures),
            "by_status": counts,
            "document_checks": [c.to_dict() for c in self.document.checks],
            "signature_reports": [s.to_dict() for s in self.signatures],
        }


def verify_ofd(source: str | Path | bytes | BinaryIO, options: VerifyOptions = VerifyOptions()) -> OfdReport:
    """Verify every signature of every document in the OFD ``source``."""
    with OfdPackage(source, limits=options.limits) as pkg:
        return verify_package(pkg, options)


def verify_package(pkg: OfdPackage, options: VerifyOptions) -> OfdReport:
    documents = read_documents(pkg)
    doc_checks: list[CheckResult] = [
        CheckResult.passed("entry", f"{len(documents)} document(s)", parts=len(pkg.names()))
    ]
    reports: list[SignatureReport] = []
    for document in documents:
        label = f"signature_list[{document.folder or document.root_part}]"
        if document.body.signatures is None:
            continue
        if document.signatures_part is None:
            doc_checks.append(
                CheckResult.failed(label, f"OFD.xml names {document.body.signatures!r}, which is missing")
            )
            continue
        try:
            listing = read_signature_list(pkg, document.signatures_part)
        except OfdError as exc:
            doc_checks.append(CheckResult.failed(label, str(exc)))
            continue
        doc_checks.append(
            CheckResult.passed(
                label, f"{len(listing.entries)} signature(s) in {as_loc(document.signatures_part)}"
            )
        )
        for entry in listing.entries:
            reports.append(_verify_entry(pkg, document, entry, options))
    if not reports:
        doc_checks.append(CheckResult.failed("signatures", "the document has no signatures"))
    return OfdReport(pkg.source, Verdict(f"{pkg.source}", tuple(doc_checks)), tuple(reports))


def _verify_entry(
    pkg: OfdPackage, document: Document, entry: SignatureEntry, options: VerifyOptions
) -> SignatureReport:
    assert document.signatures_part is not None
    list_folder = folder_of(document.signatures_part)
    part, problem = _resolve(pkg, entry.base_loc, (list_folder,))
    location = as_loc(part) if part else entry.base_loc

    def report(
        checks: list[CheckResult], refs: tuple[ReferenceResult, ...] = (), **details: Any
    ) -> SignatureReport:
        subject = f"signature {entry.id} ({entry.type}) at {location}"
        return SignatureReport(
            document.index, entry.id, entry.type, location, Verdict(subject, tuple(checks)), refs, details
        )

    if part is None:
        return report([CheckResult.failed("signature_file", problem)])
    try:
        signature_bytes = pkg.read_xml_bytes(part)
        parsed = parse_signature_file(
            parse_xml(signature_bytes, f"{pkg.source}: part {part}"), f"{pkg.source}: part {part}"
        )
    except OfdError as exc:
        return report([CheckResult.failed("signature_file", str(exc))])
    checks = [
        CheckResult.passed(
            "signature_file",
            f"{len(parsed.references)} reference(s), provider {parsed.provider.get('ProviderName', '?')}",
            provider=parsed.provider,
            signature_method=parsed.signature_method,
            signature_datetime=parsed.signature_datetime,
        )
    ]
    bases = (folder_of(part), list_folder)
    references = _check_references(pkg, parsed, bases, checks)
    checks.append(_coverage(document, references))
    details: dict[str, Any] = {
        "provider": parsed.provider,
        "signature_method": parsed.signature_method,
        "signature_datetime": parsed.signature_datetime,
    }
    value_part, problem = _resolve(pkg, parsed.signed_value, bases)
    if value_part is None:
        checks.append(CheckResult.failed("signed_value", problem))
    else:
        try:
            signed_value = pkg.read(value_part, max_size=MAX_SIGNED_VALUE)
        except OfdError as exc:
            checks.append(CheckResult.failed("signed_value", str(exc)))
        else:
            checks.append(
                CheckResult.passed("signed_value", f"{as_loc(value_part)}, {len(signed_value)} bytes")
            )
            if entry.type.lower() == "sign":
                checks += _verify_plain_signature(signed_value, signature_bytes, options)
            else:
                checks += _verify_seal_signature(
                    pkg, parsed, bases, signed_value, signature_bytes, part, value_part, options, details
                )
    checks += [_stamp_annot(document, annot) for annot in parsed.stamp_annots]
    return report(checks, tuple(references), **details)


def _resolve(pkg: OfdPackage, loc: str, bases: tuple[str, ...]) -> tuple[str | None, str]:
    """(the part, "") or (None, why not): a missing part or a location outside the package."""
    try:
        part = resolve_any(pkg, loc, bases)
    except OfdError as exc:
        return None, str(exc)
    return part, "" if part else f"{loc!r} names a part that is missing"


def _check_references(
    pkg: OfdPackage, parsed: SignatureFile, bases: tuple[str, ...], checks: list[CheckResult]
) -> list[ReferenceResult]:
    method = parsed.check_method
    if not parsed.references:
        checks.append(CheckResult.failed("references", "the signature protects no part (no <Reference>)"))
        return []
    if method is not None and not is_sm3(method):
        checks.append(
            CheckResult.failed(
                "check_method", f"CheckMethod {method!r} is not SM3; refusing to judge the references"
            )
        )
        return []
    checks.append(
        CheckResult.passed(
            "check_method", f"SM3 ({method})" if method else "SM3 (no CheckMethod given: SM3 assumed)"
        )
    )
    results = []
    for ref in parsed.references:
        name = f"reference[{ref.file_ref}]"
        try:
            part = resolve_any(pkg, ref.file_ref, bases)
        except OfdError as exc:
            checks.append(CheckResult.failed(name, str(exc)))
            results.append(ReferenceResult(ref.file_ref, None, Status.FAILED, ref.check_value_text, None))
            continue
        if ref.check_value is None:
            checks.append(
                CheckResult.failed(name, f"check value {ref.check_value_text[:60]!r} is not base64")
            )
            results.append(ReferenceResult(ref.file_ref, part, Status.FAILED, ref.check_value_text, None))
            continue
        expected = base64.b64encode(ref.check_value).decode()
        if part is None:
            checks.append(CheckResult.failed(name, "the referenced part is missing", expected=expected))
            results.append(ReferenceResult(ref.file_ref, None, Status.FAILED, expected, None))
            continue
        try:
            actual_bytes = pkg.sm3(part)
        except OfdError as exc:
            checks.append(CheckResult.failed(name, str(exc)))
            results.append(ReferenceResult(ref.file_ref, part, Status.FAILED, expected, None))
            continue
        actual = base64.b64encode(actual_bytes).decode()
        if actual_bytes == ref.check_value:
            checks.append(CheckResult.passed(name, "SM3 matches", part=as_loc(part)))
            results.append(ReferenceResult(ref.file_ref, part, Status.PASSED, expected, actual))
        else:
            checks.append(
                CheckResult.failed(
                    name,
                    "the part was changed after signing: SM3 differs",
                    part=as_loc(part),
                    expected=expected,
                    actual=actual,
                )
            )
            results.append(ReferenceResult(ref.file_ref, part, Status.FAILED, expected, actual))
    return results


def _coverage(document: Document, references: Sequence[ReferenceResult]) -> CheckResult:
    covered = {r.part for r in references if r.part}
    wanted = [document.root_part, *(p.part for p in document.pages if p.part)]
    missing = [as_loc(p) for p in wanted if p not in covered]
    if missing:
        return CheckResult.failed(
            "coverage", "parts of the document are not protected: " + ", ".join(missing), unprotected=missing
        )
    return CheckResult.passed("coverage", f"Document.xml and all {len(document.pages)} page(s) are protected")


def _stamp_annot(document: Document, annot: Any) -> CheckResult:
    name = f"stamp_annot[{annot.id}]"
    page = document.page_by_id(annot.page_ref)
    if page is None:
        return CheckResult.failed(name, f"PageRef {annot.page_ref!r} is not a page of the document")
    if annot.boundary is None:
        return CheckResult.failed(name, f"Boundary {annot.boundary_text!r} is not 'x y width height'")
    x, y, w, h = annot.boundary
    return CheckResult.passed(
        name, f"page {page.number}, at {x:g},{y:g} mm, {w:g}x{h:g} mm", page=page.number
    )


def _verify_seal_signature(
    pkg: OfdPackage,
    parsed: SignatureFile,
    bases: tuple[str, ...],
    signed_value: bytes,
    signature_bytes: bytes,
    part: str,
    value_part: str,
    options: VerifyOptions,
    details: dict[str, Any],
) -> list[CheckResult]:
    from govnet.pki.seal.reader import read_signature
    from govnet.pki.seal.verify import SealPolicy, Trust, check_signature

    source = f"{pkg.source}: {as_loc(value_part)}"
    try:
        ses = read_signature(signed_value, source)
    except InputError as exc:
        return [CheckResult.failed("ses:structure", str(exc))]
    policy = SealPolicy(allow_empty_sm2_id=options.allow_empty_sm2_id, at=options.at)
    verdict = check_signature(
        ses, data_hash=sm3(signature_bytes), trust=options.trust or Trust(), policy=policy
    )
    checks = [CheckResult(f"ses:{c.name}", c.status, c.reason, c.evidence) for c in verdict.checks]
    details.update(seal_name=ses.seal.name, seal_id=ses.seal.es_id, property_info=ses.property_info)
    if ses.property_info and ses.property_info.strip() not in (as_loc(part), part):
        checks.append(
            CheckResult.passed(
                "property_info",
                f"names {ses.property_info!r}, not this Signature.xml "
                "(informational: the standard does not fix it)",
            )
        )
    if parsed.seal_loc:
        checks.append(_seal_file(pkg, parsed.seal_loc, bases, ses.seal.der))
    return checks


def _seal_file(pkg: OfdPackage, loc: str, bases: tuple[str, ...], seal_der: bytes) -> CheckResult:
    part, problem = _resolve(pkg, loc, bases)
    if part is None:
        return CheckResult.failed("seal_file", f"<Seal>: {problem}")
    try:
        data = pkg.read(part, max_size=MAX_SIGNED_VALUE)
    except OfdError as exc:
        return CheckResult.failed("seal_file", str(exc))
    if data != seal_der:
        return CheckResult.failed("seal_file", f"{as_loc(part)} is not the seal inside the signed value")
    return CheckResult.passed("seal_file", f"{as_loc(part)} is the seal inside the signed value")


def _verify_plain_signature(
    signed_value: bytes, signature_bytes: bytes, options: VerifyOptions
) -> list[CheckResult]:
    from govnet.pki.cms import CmsTrust, parse_signed_data, verify_signed_data
    from govnet.pki.seal.timing import Timing, rejudge, validation_time

    try:
        carried = parse_signed_data(signed_value).content
    except InputError:
        carried = None  # the verdict below names the structure problem
    # GB/T 35275 / GM/T 0099: the SignedData carries SM3(Signature.xml) (some readers want it base64);
    # a detached SignedData covers Signature.xml's bytes themselves.
    verdict = verify_signed_data(
        signed_value,
        content=None if carried is not None else signature_bytes,
        trust=options.trust or CmsTrust(),
        allow_empty_sm2_id=options.allow_empty_sm2_id,
        at=options.at,
    )
    # Judged by the seal verifier's time model: expired since signing is INDETERMINATE, not FAILED.
    claimed = next(
        (c.evidence.get("signing_time") for c in verdict.checks if c.name.startswith("signing_time")), None
    )
    timing = Timing(validation_time(options.at), dt.datetime.fromisoformat(claimed) if claimed else None)
    checks = [
        CheckResult(f"cms:{c.name}", c.status, c.reason, c.evidence) for c in rejudge(verdict.checks, timing)
    ]
    if carried is not None:
        checks.append(_document_hash(carried, signature_bytes))
    return checks


def _document_hash(carried: bytes, signature_bytes: bytes) -> CheckResult:
    digest = sm3(signature_bytes)
    forms = {digest: "SM3", base64.b64encode(digest): "base64 of SM3", signature_bytes: "the file itself"}
    form = forms.get(carried)
    if form is None:
        return CheckResult.failed(
            "document_hash",
            "the signed content is not SM3(Signature.xml): Signature.xml was changed after signing",
            expected=carried.hex()[:128],
            actual=digest.hex(),
        )
    return CheckResult.passed("document_hash", f"the signed content is Signature.xml's {form}")
