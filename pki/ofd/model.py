"""The OFD parts that signing and verification read, as plain data (GB/T 33190-2016 clauses 7 and 18).

Pure parsing of already-parsed XML elements: ``OFD.xml`` (the entry: each document's root and its
signature list), ``Document.xml`` (the pages), ``Signatures.xml`` (the signature list) and each
``Signature.xml`` (what was signed: references with SM3 check values, the stamp's appearance, where the
signed value is). Locations are kept as written; ``container.OfdPackage.resolve`` finds their parts.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from govnet.pki.ofd.container import OfdError
from govnet.pki.ofd.xmlparse import attr, child, children, local, text_of

SM3_OID = "1.2.156.10197.1.401"
SM2_SM3_OID = "1.2.156.10197.1.501"
# What producers write for SM3 in References/@CheckMethod (GB/T 33190 leaves the spelling open).
SM3_NAMES = frozenset({SM3_OID, "sm3", "1.2.156.10197.1.401.1", "oid:1.2.156.10197.1.401"})


def is_sm3(method: str | None) -> bool:
    return method is not None and method.strip().lower() in SM3_NAMES


def _expect(root: Element, name: str, where: str) -> None:
    if local(root.tag) != name:
        raise OfdError(f"{where}: root element is <{local(root.tag)}>, expected <{name}>")


@dataclass(frozen=True)
class DocBody:
    doc_root: str  # location of Document.xml, as written
    signatures: str | None  # location of Signatures.xml, as written


def parse_ofd_entry(root: Element, where: str) -> list[DocBody]:
    _expect(root, "OFD", where)
    bodies = []
    for index, body in enumerate(children(root, "DocBody")):
        doc_root = text_of(body, "DocRoot")
        if not doc_root:
            raise OfdError(f"{where}: DocBody {index + 1} has no DocRoot")
        bodies.append(DocBody(doc_root, text_of(body, "Signatures") or None))
    if not bodies:
        raise OfdError(f"{where}: no DocBody (an OFD names at least one document)")
    return bodies


@dataclass(frozen=True)
class PageRef:
    id: str
    base_loc: str


def parse_document(root: Element, where: str) -> list[PageRef]:
    _expect(root, "Document", where)
    pages_el = child(root, "Pages")
    pages = []
    for page in children(pages_el, "Page") if pages_el is not None else ():
        page_id, base_loc = attr(page, "ID"), attr(page, "BaseLoc")
        if not page_id or not base_loc:
            raise OfdError(f"{where}: a <Page> lacks its ID or BaseLoc")
        pages.append(PageRef(page_id.strip(), base_loc.strip()))
    return pages


@dataclass(frozen=True)
class SignatureEntry:
    id: str
    type: str  # "Seal" (e-seal, SES_Signature) or "Sign" (a plain digital signature)
    base_loc: str


@dataclass(frozen=True)
class SignatureList:
    max_sign_id: str | None
    entries: tuple[SignatureEntry, ...]


def parse_signature_list(root: Element, where: str) -> SignatureList:
    _expect(root, "Signatures", where)
    entries = []
    for index, item in enumerate(children(root, "Signature")):
        base_loc = attr(item, "BaseLoc")
        if not base_loc:
            raise OfdError(f"{where}: signature {index + 1} has no BaseLoc")
        # Type is optional and defaults to Seal (GB/T 33190 table 66).
        entries.append(
            SignatureEntry(
                (attr(item, "ID") or str(index + 1)).strip(),
                (attr(item, "Type") or "Seal").strip(),
                base_loc.strip(),
            )
        )
    return SignatureList(text_of(root, "MaxSignId") or None, tuple(entries))


@dataclass(frozen=True)
class Reference:
    file_ref: str
    check_value: bytes | None  # None when the base64 does not decode
    check_value_text: str


@dataclass(frozen=True)
class StampAnnot:
    id: str
    page_ref: str
    boundary: tuple[float, float, float, float] | None  # x y w h in mm; None when unreadable
    boundary_text: str


@dataclass(frozen=True)
class SignatureFile:
    provider: dict[str, str]
    signature_method: str | None
    signature_datetime: str | None
    check_method: str | None
    references: tuple[Reference, ...]
    stamp_annots: tuple[StampAnnot, ...]
    seal_loc: str | None
    signed_value: str


_SPACES = re.compile(r"\s+")


def parse_box(text: str) -> tuple[float, float, float, float] | None:
    """ST_Box ``x y w h``; None unless four finite numbers with w, h > 0."""
    try:
        values = [float(v) for v in _SPACES.split(text.strip())]
    except ValueError:
        return None
    if len(values) != 4 or any(v != v or v in (float("inf"), float("-inf")) for v in values):
        return None
    if values[2] <= 0 or values[3] <= 0:
        return None
    return values[0], values[1], values[2], values[3]


def _decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(_SPACES.sub("", text), validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_signature_file(root: Element, where: str) -> SignatureFile:
    _expect(root, "Signature", where)
    info = child(root, "SignedInfo")
    if info is None:
        raise OfdError(f"{where}: no <SignedInfo>")
    signed_value = text_of(root, "SignedValue")
    if not signed_value:
        raise OfdError(f"{where}: no <SignedValue> (the location of the signed value file)")
    provider_el = child(info, "Provider")
    provider = {local(k): v for k, v in provider_el.attrib.items()} if provider_el is not None else {}
    refs_el = child(info, "References")
    references = []
    check_method = None
    if refs_el is not None:
        check_method = attr(refs_el, "CheckMethod")
        for index, ref in enumerate(children(refs_el, "Reference")):
            file_ref = attr(ref, "FileRef")
            if not file_ref:
                raise OfdError(f"{where}: reference {index + 1} has no FileRef")
            value_text = text_of(ref, "CheckValue") or ""
            references.append(Reference(file_ref.strip(), _decode(value_text), value_text))
    annots = []
    for index, annot in enumerate(children(info, "StampAnnot")):
        boundary_text = attr(annot, "Boundary") or ""
        annots.append(
            StampAnnot(
                (attr(annot, "ID") or str(index + 1)).strip(),
                (attr(annot, "PageRef") or "").strip(),
                parse_box(boundary_text),
                boundary_text,
            )
        )
    seal_el = child(info, "Seal")
    seal_loc = text_of(seal_el, "BaseLoc") if seal_el is not None else None
    return SignatureFile(
        provider=provider,
        signature_method=text_of(info, "SignatureMethod"),
        signature_datetime=text_of(info, "SignatureDateTime"),
        check_method=check_method.strip() if check_method else None,
        references=tuple(references),
        stamp_annots=tuple(annots),
        seal_loc=seal_loc or None,
        signed_value=signed_value,
    )
