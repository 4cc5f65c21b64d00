"""Signing an OFD with an e-seal (or a plain SM2 signature) on a page, at a position.

The layout is the one ofdrw-based and commercial readers look for (GB/T 33190 clause 18, GM/T 0099):

    OFD.xml                              DocBody gains <ofd:Signatures>/Doc_0/Signs/Signatures.xml</...>
    Doc_0/Signs/Signatures.xml           created or extended: MaxSignId, <ofd:Signature ID Type BaseLoc/>
    Doc_0/Signs/Sign_N/Signature.xml     SignedInfo: Provider, SignatureMethod (SM2-with-SM3),
                                         SignatureDateTime, References CheckMethod=SM3 with one
                                         Reference per part (SM3, base64), StampAnnot (ID, PageRef,
                                         Boundary in mm), Seal -> Seal.esl; SignedValue -> SignedValue.dat
    Doc_0/Signs/Sign_N/Seal.esl          the seal (SES_Seal DER), for readers that draw it from there
    Doc_0/Signs/Sign_N/SignedValue.dat   SES_Signature whose dataHash is SM3(Signature.xml) and whose
                                         propertyInfo is Signature.xml's location; for a plain signature
                                         a GB/T 35275 SignedData whose content is SM3(Signature.xml)

The references cover every part of the package except the new Signature.xml and SignedValue.dat and,
so that more signatures can follow, Signatures.xml (ofdrw's "continue" mode; ``protect_signature_list``
covers it too and closes the document to further signatures, as ofdrw's "whole" mode does). Every other
part is copied unchanged, byte for byte; OFD.xml and Signatures.xml change by textual insertion only.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from xml.sax.saxutils import escape, quoteattr

from asn1crypto import x509 as asn1_x509

from govnet import __version__
from govnet.errors import InputError
from govnet.pki.ofd.container import DEFAULT_LIMITS, Limits, OfdError, OfdPackage, as_loc, folder_of
from govnet.pki.ofd.document import (
    ENTRY,
    Document,
    read_documents,
    read_signature_list,
    read_xml,
    resolve_any,
)
from govnet.pki.ofd.model import SM2_SM3_OID, SM3_OID, parse_ofd_entry, parse_signature_file
from govnet.pki.ofd.xmlparse import parse_xml
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.sm3 import sm3

DEFAULT_STAMP_MM = 40.0
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


@dataclass(frozen=True)
class Placement:
    """Where the stamp appears: page (1-based), top-left corner and size in millimetres."""

    page: int
    x: float
    y: float
    width: float | None = None  # None: the seal picture's size (or 40 mm)
    height: float | None = None


@dataclass(frozen=True)
class SignResult:
    output: str
    signature_id: str
    signature_loc: str
    references: int
    page: int | None
    boundary: tuple[float, float, float, float] | None
    type: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "signature_id": self.signature_id,
            "signature": self.signature_loc,
            "type": self.type,
            "references": self.references,
            "page": self.page,
            "boundary": list(self.boundary) if self.boundary else None,
        }


@dataclass
class _Layout:
    list_part: str
    list_bytes: bytes
    entry_bytes: bytes | None  # the new OFD.xml when it has to name the signature list
    sign_dir: str
    signature_id: str
    annot_id: str


# --- IDs -------------------------------------------------------------------------------------------

_ID_NUMBER = re.compile(r"^[sS]?0*(\d+)$")


def _id_number(text: str | None) -> int:
    match = _ID_NUMBER.match((text or "").strip())
    return int(match.group(1)) if match else 0


def _format_id(number: int, numeric: bool) -> str:
    # GB/T 33190 recommends "sNNN"; a document whose signatures use plain numbers keeps its style.
    return str(number) if numeric else f"s{number:03d}"


# --- textual edits that keep everything else in a part as it was --------------------------------------


_HIDDEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)


def _closing_tags(text: str, name: str) -> list[re.Match[str]]:
    """End tags of ``name`` (any prefix), not counting look-alikes inside comments, CDATA or PIs."""
    hidden = [m.span() for m in _HIDDEN.finditer(text)]
    return [
        m
        for m in re.finditer(rf"</((?:[\w.-]+:)?){name}\s*>", text)
        if not any(start <= m.start() < end for start, end in hidden)
    ]


def _insert_signature_list_loc(entry: bytes, index: int, loc: str, source: str) -> bytes:
    text = entry.decode("utf-8")
    closings = _closing_tags(text, "DocBody")
    if index >= len(closings):
        raise OfdError(f"{source}: OFD.xml: cannot find the end of DocBody {index + 1}")
    match = closings[index]
    prefix = match.group(1)
    element = f"<{prefix}Signatures>{escape(loc)}</{prefix}Signatures>\n"
    updated = (text[: match.start()] + element + text[match.start() :]).encode("utf-8")
    where = f"{source}: OFD.xml after adding the signature list"
    bodies = parse_ofd_entry(parse_xml(updated, where), where)
    if index >= len(bodies) or bodies[index].signatures != loc:  # e.g. an end tag inside a comment
        raise OfdError(f"{where}: the edit did not land in DocBody {index + 1}; OFD.xml is unusual here")
    return updated


def _new_signature_list(max_id: str, item: str) -> bytes:
    body = f"<ofd:MaxSignId>{max_id}</ofd:MaxSignId>\n{item}\n"
    return f"{XML_DECL}<ofd:Signatures {NS}>\n{body}</ofd:Signatures>\n".encode()


def _extend_signature_list(current: bytes, max_id: str, item_template: str, source: str) -> bytes:
    text = current.decode("utf-8")
    closings = _closing_tags(text, "Signatures")
    if not closings:
        raise OfdError(f"{source}: Signatures.xml: cannot find its end tag")
    prefix = closings[-1].group(1)
    item = item_template.replace("ofd:", prefix)
    text = text[: closings[-1].start()] + item + "\n" + text[closings[-1].start() :]
    max_pattern = re.compile(r"(<(?:[\w.-]+:)?MaxSignId\s*>)[^<]*(</(?:[\w.-]+:)?MaxSignId\s*>)")
    if max_pattern.search(text):
        text = max_pattern.sub(lambda m: f"{m.group(1)}{max_id}{m.group(2)}", text, count=1)
    else:  # MaxSignId comes first (GB/T 33190 table 66)
        opening = re.search(r"<(?:[\w.-]+:)?Signatures\b[^>]*>", text)
        if opening is None:
            raise OfdError(f"{source}: Signatures.xml: cannot find its start tag")
        text = (
            text[: opening.end()]
            + f"\n<{prefix}MaxSignId>{max_id}</{prefix}MaxSignId>"
            + text[opening.end() :]
        )
    updated = text.encode("utf-8")
    parse_xml(updated, f"{source}: Signatures.xml after adding a signature")
    return updated


# --- planning ------------------------------------------------------------------------------------------


def _plan(pkg: OfdPackage, document: Document, signature_type: str, stamped: bool) -> _Layout:
    entry_bytes = None
    numbers = [0]
    numeric = False
    if document.body.signatures is not None and document.signatures_part is None:
        raise OfdError(
            f"{pkg.source}: OFD.xml names the signature list {document.body.signatures!r}, which is missing"
        )
    if document.signatures_part is not None:
        list_part = document.signatures_part
        listing = read_signature_list(pkg, list_part)
        numbers += [_id_number(listing.max_sign_id), *(_id_number(e.id) for e in listing.entries)]
        ids = [e.id for e in listing.entries]
        numeric = bool(ids) and all(i.strip().isdigit() for i in ids)
        for entry in listing.entries:
            _refuse_if_list_protected(pkg, entry.id, entry.base_loc, list_part, numbers)
        list_bytes = pkg.read_xml_bytes(list_part)
    else:
        list_part = "/".join(p for p in (document.folder, "Signs", "Signatures.xml") if p)
        if list_part in pkg:
            raise OfdError(f"{pkg.source}: {as_loc(list_part)} exists but OFD.xml does not name it")
        list_bytes = b""
        entry_bytes = _insert_signature_list_loc(
            pkg.read_xml_bytes(ENTRY), document.index, as_loc(list_part), pkg.source
        )
    signs = folder_of(list_part)
    prefix = f"{signs}/" if signs else ""
    taken = {name[len(prefix) :].split("/")[0] for name in pkg.names() if name.startswith(prefix)}
    n = next(i for i in range(len(taken) + 1) if f"Sign_{i}" not in taken)
    sign_dir = "/".join(p for p in (signs, f"Sign_{n}") if p)
    top = max(numbers)
    signature_id, annot_id = _format_id(top + 1, numeric), _format_id(top + 2, numeric)
    max_id = annot_id if stamped else signature_id
    base_loc = f"{as_loc(sign_dir)}/Signature.xml"
    item = f'<ofd:Signature ID="{signature_id}" Type="{signature_type}" BaseLoc="{base_loc}"/>'
    if list_bytes:
        list_bytes = _extend_signature_list(list_bytes, max_id, item, f"{pkg.source}: {as_loc(list_part)}")
    else:
        list_bytes = _new_signature_list(max_id, item)
    return _Layout(list_part, list_bytes, entry_bytes, sign_dir, signature_id, annot_id)


def _refuse_if_list_protected(
    pkg: OfdPackage, sig_id: str, base_loc: str, list_part: str, numbers: list[int]
) -> None:
    part = resolve_any(pkg, base_loc, (folder_of(list_part),))
    if part is None:
        return  # verification reports it; it does not stop another signature
    try:
        parsed = parse_signature_file(read_xml(pkg, part), f"{pkg.source}: part {part}")
    except OfdError:
        return
    numbers.extend(_id_number(a.id) for a in parsed.stamp_annots)
    for ref in parsed.references:
        try:
            covered = resolve_any(pkg, ref.file_ref, (folder_of(part), folder_of(list_part)))
        except OfdError:
            continue
        if covered == list_part:
            raise OfdError(
                f"{pkg.source}: signature {sig_id} protects {as_loc(list_part)}: the document is closed to "
                "further signatures"
            )


# --- building ---------------------------------------------------------------------------------------


def _signature_xml(
    *,
    references: Iterable[tuple[str, bytes]],
    when: dt.datetime,
    stamp: tuple[str, str, tuple[float, float, float, float]] | None,
    seal_loc: str | None,
    signed_value_loc: str,
) -> bytes:
    lines = [
        f"{XML_DECL}<ofd:Signature {NS}>",
        "<ofd:SignedInfo>",
        f'<ofd:Provider ProviderName="govnet" Company="govnet" Version={quoteattr(__version__)}/>',
        f"<ofd:SignatureMethod>{SM2_SM3_OID}</ofd:SignatureMethod>",
        f"<ofd:SignatureDateTime>{when.astimezone(dt.UTC):%Y%m%d%H%M%S}Z</ofd:SignatureDateTime>",
        f'<ofd:References CheckMethod="{SM3_OID}">',
    ]
    for loc, digest in references:
        value = base64.b64encode(digest).decode()
        check = f"<ofd:CheckValue>{value}</ofd:CheckValue>"
        lines.append(f"<ofd:Reference FileRef={quoteattr(loc)}>{check}</ofd:Reference>")
    lines.append("</ofd:References>")
    if stamp is not None:
        annot_id, page_id, (x, y, w, h) = stamp
        boundary = f"{x:g} {y:g} {w:g} {h:g}"
        lines.append(f'<ofd:StampAnnot ID="{annot_id}" PageRef={quoteattr(page_id)} Boundary="{boundary}"/>')
    if seal_loc is not None:
        lines.append(f"<ofd:Seal><ofd:BaseLoc>{escape(seal_loc)}</ofd:BaseLoc></ofd:Seal>")
    lines += [
        "</ofd:SignedInfo>",
        f"<ofd:SignedValue>{escape(signed_value_loc)}</ofd:SignedValue>",
        "</ofd:Signature>",
    ]
    return ("\n".join(lines) + "\n").encode()


class ValueSigner(Protocol):
    """Makes the SignedValue.dat for a Signature.xml digest: an e-seal or a plain signature."""

    @property
    def type(self) -> str:
        """ "Seal" (SES_Signature) or "Sign" (GB/T 35275 SignedData)."""
        ...

    @property
    def seal(self) -> bytes | None:
        """The SES_Seal DER written to Seal.esl, or None."""
        ...

    def signed_value(self, digest: bytes, property_info: str, when: dt.datetime) -> bytes: ...


@dataclass(frozen=True)
class SealSigner:
    """An e-seal signature (SES_Signature v4) with a key and certificate the seal lists."""

    key: SM2PrivateKey
    certificate: asn1_x509.Certificate
    seal: bytes
    type: str = "Seal"

    def signed_value(self, digest: bytes, property_info: str, when: dt.datetime) -> bytes:
        from govnet.pki.seal.writer import sign_digest

        return sign_digest(
            self.seal, self.key, self.certificate, digest, property_info=property_info, sign_time=when
        )


@dataclass(frozen=True)
class PlainSigner:
    """A digital signature without a seal: GB/T 35275 SignedData whose content is SM3(Signature.xml)."""

    key: SM2PrivateKey
    certificate: asn1_x509.Certificate
    seal: None = None
    type: str = "Sign"

    def signed_value(self, digest: bytes, property_info: str, when: dt.datetime) -> bytes:
        from govnet.pki.cms import Style, sign_data

        return sign_data(digest, self.key, self.certificate, style=Style.GM, signed_attributes=False)


def _stamp_size(seal_der: bytes | None, placement: Placement) -> tuple[float, float]:
    width, height = placement.width, placement.height
    if (width is None or height is None) and seal_der is not None:
        from govnet.pki.seal.reader import read_seal

        picture = read_seal(seal_der, "the seal").picture
        width = width or float(picture.width_mm) or None
        height = height or float(picture.height_mm) or None
    return width or DEFAULT_STAMP_MM, height or DEFAULT_STAMP_MM


def sign_ofd(
    source: str | Path | bytes | BinaryIO,
    output: str | Path,
    signer: ValueSigner,
    *,
    placement: Placement | None = None,
    document: int = 0,
    protect_signature_list: bool = False,
    sign_time: dt.datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> SignResult:
    """Write ``output``: ``source`` with one more signature, made by ``signer`` (``SealSigner``: an
    e-seal, Type="Seal"; ``PlainSigner``: a plain digital signature, Type="Sign")."""
    seal_der = signer.seal
    if seal_der is not None and placement is None:
        raise InputError("an e-seal signature needs a place on a page (page and position)")
    when = sign_time or dt.datetime.now(dt.UTC)
    signature_type = signer.type
    with OfdPackage(source, limits=limits) as pkg:
        documents = read_documents(pkg)
        if not 0 <= document < len(documents):
            raise InputError(f"document {document}: the OFD has {len(documents)} document(s)")
        doc = documents[document]
        target: tuple[str, tuple[float, float, float, float]] | None = None
        if placement is not None:
            w, h = _stamp_size(seal_der, placement)
            if w <= 0 or h <= 0:
                raise InputError("the stamp's width and height must be positive")
            target = (doc.page(placement.page).id, (placement.x, placement.y, w, h))
        layout = _plan(pkg, doc, signature_type, target is not None)
        stamp = (layout.annot_id, *target) if target is not None else None
        signature_part = f"{layout.sign_dir}/Signature.xml"
        value_part = f"{layout.sign_dir}/SignedValue.dat"
        seal_part = f"{layout.sign_dir}/Seal.esl" if seal_der is not None else None
        changed: dict[str, bytes] = {layout.list_part: layout.list_bytes}
        if layout.entry_bytes is not None:
            changed[ENTRY] = layout.entry_bytes
        added: dict[str, bytes] = {}
        if layout.list_part not in pkg:
            added[layout.list_part] = changed.pop(layout.list_part)
        if seal_part is not None and seal_der is not None:
            added[seal_part] = seal_der
        references = []
        for name in [*pkg.names(), *added]:
            if name == layout.list_part and not protect_signature_list:
                continue
            data = changed.get(name, added.get(name))
            references.append((as_loc(name), sm3(data) if data is not None else pkg.sm3(name)))
        signature_xml = _signature_xml(
            references=references,
            when=when,
            stamp=stamp,
            seal_loc=as_loc(seal_part) if seal_part else None,
            signed_value_loc=as_loc(value_part),
        )
        added[signature_part] = signature_xml
        added[value_part] = signer.signed_value(sm3(signature_xml), as_loc(signature_part), when)
        _write(pkg, Path(output), changed, added)
    return SignResult(
        str(output),
        layout.signature_id,
        as_loc(signature_part),
        len(references),
        placement.page if placement else None,
        stamp[2] if stamp else None,
        signature_type,
    )


def _write(pkg: OfdPackage, output: Path, changed: dict[str, bytes], added: dict[str, bytes]) -> None:
    """Every original part (changed ones replaced, the rest copied as they are), then the new ones;
    written to a temporary file first, so a failure never leaves half an OFD."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as out:
            for name in pkg.names():
                info = pkg.info(name)
                target = zipfile.ZipInfo(name, date_time=info.date_time)
                target.compress_type = info.compress_type
                target.external_attr = info.external_attr
                if name in changed:
                    out.writestr(target, changed[name])
                    continue
                with out.open(target, "w", force_zip64=info.file_size > 0x7FFF0000) as sink:
                    for chunk in pkg.chunks(name):
                        sink.write(chunk)
            for name, data in added.items():
                out.writestr(name, data)
        os.replace(temp, output)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
