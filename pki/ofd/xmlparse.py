"""Parsing OFD XML parts safely, and reading them without caring about namespace prefixes.

defusedxml refuses any DTD, so entity declarations (billion laughs, quadratic blow-up) and external
entities (XXE: reading local files or URLs) never reach the parser's expansion. OFD parts never need a
DTD. Producers differ in namespaces: ``ofd:`` bound to http://www.ofdspec.org/2016 (the standard),
elements without a prefix inside an ``ofd:`` document (seen in the field), or no namespace at all, so
elements are matched by their local name.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from govnet.pki.ofd.container import OfdError

OFD_NS = "http://www.ofdspec.org/2016"


def parse_xml(data: bytes, where: str) -> Element:
    """The root element of ``data``; OfdError naming ``where`` (and the line) when it is refused."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden) as exc:
        raise OfdError(
            f"{where}: XML with a DTD or entity declarations is refused (entity expansion / XXE): {exc}"
        ) from None
    except ExternalReferenceForbidden as exc:
        raise OfdError(f"{where}: XML with external references is refused (XXE): {exc}") from None
    except DefusedXmlException as exc:
        raise OfdError(f"{where}: XML refused: {exc}") from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise OfdError(f"{where}: line {line}, column {column + 1}: not well-formed XML ({exc})") from None
    except (ValueError, LookupError, RecursionError) as exc:  # LookupError: unknown encoding
        raise OfdError(f"{where}: not readable XML ({type(exc).__name__})") from None


def local(tag: object) -> str:
    """``{ns}Name`` or ``prefix:Name`` or ``Name`` -> ``Name``."""
    text = tag if isinstance(tag, str) else ""
    if text.startswith("{"):
        text = text.rpartition("}")[2]
    return text.rpartition(":")[2]


def children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if local(child.tag) == name)


def child(element: Element, name: str) -> Element | None:
    return next(children(element, name), None)


def text_of(element: Element, name: str) -> str | None:
    found = child(element, name)
    if found is None:
        return None
    return (found.text or "").strip()


def attr(element: Element, name: str) -> str | None:
    """An attribute by local name (namespaced attributes are rare in OFD, but seen)."""
    if name in element.attrib:
        return element.attrib[name]
    for key, value in element.attrib.items():
        if local(key) == name:
            return value
    return None
