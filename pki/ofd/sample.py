"""A small, valid OFD document (GB/T 33190-2016) made from lines of text: for the demo, tests and benchmarks.

One A4 page per list of lines, a public font resource, the parts laid out as OFD writers lay them
(``OFD.xml``, ``Doc_0/Document.xml``, ``Doc_0/PublicRes.xml``, ``Doc_0/Pages/Page_N/Content.xml``). Extra
parts (images, attachments) can be added to make large documents.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'

LINE_HEIGHT_MM = 8.0
FONT_SIZE_MM = 4.2


def _ofd_xml(title: str, created: dt.date) -> str:
    return (
        f'{XML_DECL}<ofd:OFD {NS} Version="1.1" DocType="OFD">\n'
        "<ofd:DocBody>\n"
        "<ofd:DocInfo>\n"
        f"<ofd:DocID>{uuid.uuid4().hex}</ofd:DocID>\n"
        f"<ofd:Title>{escape(title)}</ofd:Title>\n"
        f"<ofd:CreationDate>{created.isoformat()}</ofd:CreationDate>\n"
        "<ofd:Creator>govnet</ofd:Creator>\n"
        "</ofd:DocInfo>\n"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>\n"
        "</ofd:DocBody>\n"
        "</ofd:OFD>\n"
    )


def _document_xml(page_count: int, max_id: int) -> str:
    pages = "".join(
        f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>\n' for i in range(page_count)
    )
    return (
        f"{XML_DECL}<ofd:Document {NS}>\n"
        "<ofd:CommonData>\n"
        f"<ofd:MaxUnitID>{max_id}</ofd:MaxUnitID>\n"
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>\n"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>\n"
        "</ofd:CommonData>\n"
        f"<ofd:Pages>\n{pages}</ofd:Pages>\n"
        "</ofd:Document>\n"
    )


PUBLIC_RES = (
    f'{XML_DECL}<ofd:Res {NS} BaseLoc="Res">\n'
    "<ofd:Fonts>\n"
    '<ofd:Font ID="1" FontName="SimSun" FamilyName="宋体"/>\n'
    "</ofd:Fonts>\n"
    "</ofd:Res>\n"
)


def _delta_x(line: str) -> str:
    """Glyph advances (readers place each glyph with them): full width for CJK, about half for Latin."""
    advances = [FONT_SIZE_MM if ord(c) >= 0x2E80 else FONT_SIZE_MM * 0.55 for c in line[:-1]]
    return f' DeltaX="{" ".join(f"{a:.3g}" for a in advances)}"' if advances else ""


def _page_xml(lines: Sequence[str], first_id: int) -> str:
    objects = []
    for index, line in enumerate(lines):
        top = 20.0 + index * LINE_HEIGHT_MM
        objects.append(
            f'<ofd:TextObject ID="{first_id + index}" Boundary="20 {top:g} 170 {LINE_HEIGHT_MM:g}" '
            f'Font="1" Size="{FONT_SIZE_MM:g}">\n'
            '<ofd:FillColor Value="0 0 0"/>\n'
            f'<ofd:TextCode X="0" Y="{FONT_SIZE_MM + 1:g}"{_delta_x(line)}>{escape(line)}</ofd:TextCode>\n'
            "</ofd:TextObject>\n"
        )
    return (
        f"{XML_DECL}<ofd:Page {NS}>\n"
        "<ofd:Content>\n"
        f'<ofd:Layer ID="{first_id - 1}">\n{"".join(objects)}</ofd:Layer>\n'
        "</ofd:Content>\n"
        "</ofd:Page>\n"
    )


def build_sample_ofd(
    pages: Sequence[Sequence[str]],
    *,
    title: str = "govnet sample",
    extra_parts: Mapping[str, bytes] | None = None,
    created: dt.date | None = None,
) -> bytes:
    """The bytes of an OFD with one page per entry of ``pages`` (each a list of text lines)."""
    if not pages:
        raise ValueError("an OFD needs at least one page")
    parts: dict[str, bytes] = {}
    next_id = 100
    page_parts = {}
    for index, lines in enumerate(pages):
        page_parts[f"Doc_0/Pages/Page_{index}/Content.xml"] = _page_xml(lines, next_id + 1).encode()
        next_id += len(lines) + 2
    parts["OFD.xml"] = _ofd_xml(title, created or dt.date.today()).encode()
    parts["Doc_0/Document.xml"] = _document_xml(len(pages), next_id).encode()
    parts["Doc_0/PublicRes.xml"] = PUBLIC_RES.encode()
    parts.update(page_parts)
    parts.update(extra_parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()
