"""Finding an OFD's documents, pages and signature lists in a package: the reading both signing and
verification start from."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from govnet.pki.ofd.container import OfdError, OfdPackage, folder_of, loc_candidates
from govnet.pki.ofd.model import (
    DocBody,
    PageRef,
    SignatureList,
    parse_document,
    parse_ofd_entry,
    parse_signature_list,
)
from govnet.pki.ofd.xmlparse import parse_xml

ENTRY = "OFD.xml"


def read_xml(pkg: OfdPackage, name: str) -> Element:
    return parse_xml(pkg.read_xml_bytes(name), f"{pkg.source}: part {name}")


def resolve_or_fail(pkg: OfdPackage, loc: str, base_dirs: tuple[str, ...], what: str) -> str:
    found = resolve_any(pkg, loc, base_dirs)
    if found is None:
        raise OfdError(f"{pkg.source}: {what} {loc!r} names a part that is missing")
    return found


def resolve_any(pkg: OfdPackage, loc: str, base_dirs: tuple[str, ...]) -> str | None:
    """The first existing part among ``loc`` read against each base folder in turn, then the root.
    OfdError when ``loc`` escapes the package from every one of them."""
    error: OfdError | None = None
    readable = False
    for base in (*base_dirs, ""):
        try:
            candidates = loc_candidates(loc, base, pkg.source)
        except OfdError as exc:
            error = error or exc
            continue
        readable = True
        for candidate in candidates:
            if candidate in pkg:
                return candidate
    if not readable and error is not None:
        raise error
    return None


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, in document order
    id: str
    part: str | None  # the Content.xml part, None when missing


@dataclass(frozen=True)
class Document:
    index: int
    body: DocBody
    root_part: str  # Document.xml
    pages: tuple[Page, ...]
    signatures_part: str | None  # Signatures.xml when the entry names one and it exists

    @property
    def folder(self) -> str:
        return folder_of(self.root_part)

    def page(self, number: int) -> Page:
        if not 1 <= number <= len(self.pages):
            raise OfdError(f"page {number}: the document has {len(self.pages)} page(s)")
        return self.pages[number - 1]

    def page_by_id(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.id == page_id), None)


def read_entry(pkg: OfdPackage) -> list[DocBody]:
    if ENTRY not in pkg:
        raise OfdError(f"{pkg.source}: not an OFD document: the entry part OFD.xml is missing")
    return parse_ofd_entry(read_xml(pkg, ENTRY), f"{pkg.source}: part {ENTRY}")


def read_document(pkg: OfdPackage, index: int, body: DocBody) -> Document:
    root_part = resolve_or_fail(pkg, body.doc_root, (), "DocRoot")
    refs: list[PageRef] = parse_document(read_xml(pkg, root_part), f"{pkg.source}: part {root_part}")
    pages = tuple(
        Page(n, ref.id, resolve_any(pkg, ref.base_loc, (folder_of(root_part),)))
        for n, ref in enumerate(refs, 1)
    )
    signatures_part = resolve_any(pkg, body.signatures, ()) if body.signatures else None
    return Document(index, body, root_part, pages, signatures_part)


def read_documents(pkg: OfdPackage) -> list[Document]:
    return [read_document(pkg, index, body) for index, body in enumerate(read_entry(pkg))]


def read_signature_list(pkg: OfdPackage, part: str) -> SignatureList:
    return parse_signature_list(read_xml(pkg, part), f"{pkg.source}: part {part}")
