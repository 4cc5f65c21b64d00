"""Hostile OFD containers are refused with a clear error naming the archive and the part."""

from __future__ import annotations

import contextlib
import io
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ofd_zip import parts_of, replaced, zip_of

from govnet.errors import InputError
from govnet.pki.ofd import Limits, OfdError, OfdPackage, verify_ofd
from govnet.pki.ofd.container import normalise_loc
from govnet.pki.ofd.xmlparse import parse_xml


def _open(data: bytes, **limits: int) -> OfdPackage:
    return OfdPackage(data, limits=Limits(**limits))


def test_a_sample_ofd_opens_and_lists_its_parts(sample_ofd):
    with OfdPackage(sample_ofd) as pkg:
        assert "OFD.xml" in pkg
        assert "Doc_0/Pages/Page_0/Content.xml" in pkg.names()


def test_zip_bomb_by_ratio_is_refused():
    bomb = zip_of({"OFD.xml": b"<x/>", "Doc_0/Res/big.bin": b"\0" * (8 << 20)})
    with pytest.raises(OfdError, match=r"Doc_0/Res/big.bin: compressed \d+:1.*zip bomb"):
        OfdPackage(bomb)


def test_zip_bomb_by_total_size_is_refused():
    data = zip_of({f"Doc_0/Res/{i}.bin": bytes(range(256)) * 8 for i in range(10)})
    with pytest.raises(OfdError, match="add up to more than the 10000 bytes"):
        _open(data, max_total_size=10_000)


def test_a_part_too_large_is_refused():
    with pytest.raises(OfdError, match="more than the 100 allowed for one part"):
        _open(zip_of({"OFD.xml": b"x" * 200}), max_part_size=100)


def test_too_many_entries_are_refused():
    with pytest.raises(OfdError, match="12 entries, more than the 10"):
        _open(zip_of({f"p{i}": b"" for i in range(12)}), max_entries=10)


def test_a_central_directory_lying_about_sizes_is_caught_while_reading():
    data = bytearray(zip_of({"OFD.xml": b"<a>" + b"z" * 5000 + b"</a>"}))
    # shrink the declared uncompressed size in the local header and the central directory
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 10)
    struct.pack_into("<I", data, central + 24, 10)
    with OfdPackage(bytes(data)) as pkg, pytest.raises(OfdError, match=r"OFD.xml: damaged"):
        pkg.read("OFD.xml")


def test_overlapping_entries_are_refused():
    data = bytearray(zip_of({"a.xml": b"<a/>", "b.xml": b"<b/>"}, zipfile.ZIP_STORED))
    first = data.index(b"PK\x01\x02")
    second = data.index(b"PK\x01\x02", first + 4)
    offset_a = struct.unpack_from("<I", data, first + 42)[0]
    struct.pack_into("<I", data, second + 42, offset_a)
    with pytest.raises(OfdError, match="overlap"):
        OfdPackage(bytes(data))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.xml", "path traversal"),
        ("Doc_0/../../evil.xml", "path traversal"),
        ("/etc/passwd", "absolute"),
        ("Doc_0\\Document.xml", "backslash"),
        ("C:/Windows/x.xml", "drive letter"),
    ],
)
def test_dangerous_part_names_are_refused(name, reason):
    info = zipfile.ZipInfo("placeholder")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info.filename = name
        info.orig_filename = name
        archive.writestr(info, b"x")
    with pytest.raises(OfdError, match=reason):
        OfdPackage(out.getvalue())


def test_duplicate_part_names_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, pytest.warns(UserWarning):
        archive.writestr("OFD.xml", b"<a/>")
        archive.writestr("OFD.xml", b"<b/>")
    with pytest.raises(OfdError, match="appears twice"):
        OfdPackage(out.getvalue())


def test_not_a_zip_is_refused_clearly(tmp_path):
    path = tmp_path / "x.ofd"
    path.write_bytes(b"%PDF-1.7 not an ofd")
    with pytest.raises(OfdError, match=r"x.ofd: not an OFD file"):
        OfdPackage(path)


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        OfdPackage(tmp_path / "nope.ofd")


def test_missing_entry_part_is_refused(sample_ofd):
    parts = parts_of(sample_ofd)
    del parts["OFD.xml"]
    with pytest.raises(OfdError, match=r"OFD.xml is missing"):
        verify_ofd(zip_of(parts))


def test_missing_document_part_is_refused(sample_ofd):
    parts = parts_of(sample_ofd)
    del parts["Doc_0/Document.xml"]
    with pytest.raises(OfdError, match=r"DocRoot 'Doc_0/Document.xml' names a part that is missing"):
        verify_ofd(zip_of(parts))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>&lol3;</ofd:DocRoot></ofd:DocBody></ofd:OFD>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>&x;</ofd:DocRoot></ofd:DocBody></ofd:OFD>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_declarations_are_refused(sample_ofd, xml):
    with pytest.raises(OfdError, match=r"part OFD.xml: XML with a DTD or entity declarations is refused"):
        verify_ofd(replaced(sample_ofd, "OFD.xml", xml))


def test_a_plain_doctype_is_refused_too():
    with pytest.raises(OfdError, match="DTD"):
        parse_xml(b'<!DOCTYPE OFD SYSTEM "http://example.invalid/ofd.dtd"><OFD/>', "OFD.xml")


def test_malformed_xml_names_the_line():
    with pytest.raises(OfdError, match=r"OFD.xml: line 2, column"):
        parse_xml(b"<OFD>\n<DocBody></OFD>", "OFD.xml")


def test_locations_resolve_relative_to_their_folder_and_refuse_climbing_out():
    assert normalise_loc("Pages/Page_0/Content.xml", "Doc_0", "t") == "Doc_0/Pages/Page_0/Content.xml"
    assert normalise_loc("/Doc_0/Document.xml", "Doc_0/Signs", "t") == "Doc_0/Document.xml"
    assert normalise_loc("../Res/a.png", "Doc_0/Pages", "t") == "Doc_0/Res/a.png"
    for bad in ("../../x", "/../x", "C:\\x", "http://example.invalid/x"):
        with pytest.raises(OfdError):
            normalise_loc(bad, "Doc_0", "t")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_archives_never_crash_the_reader(sample_ofd, data):
    blob = bytearray(sample_ofd)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(blob) - 1))
        blob[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        blob = blob[: data.draw(st.integers(0, len(blob)))]
    try:
        report = verify_ofd(bytes(blob))
    except InputError:
        return
    assert report.status.value in ("PASSED", "FAILED", "INDETERMINATE")


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.text(alphabet="<>/=\"' &;!?[]:ofdDocBodyRt\n", max_size=40),
        lambda inner: st.builds(lambda a, b: f"<ofd:{a[:5] or 'x'}>{b}</ofd:{a[:5] or 'x'}>", inner, inner),
        max_leaves=8,
    )
)
def test_fuzzed_xml_is_parsed_or_refused_never_crashes(text):
    with contextlib.suppress(OfdError):
        parse_xml(text.encode(), "fuzz.xml")


def test_a_part_is_hashed_once_however_many_signatures_reference_it(sample_ofd, monkeypatch):
    with OfdPackage(sample_ofd) as pkg:
        reads = []
        original = pkg.chunks
        monkeypatch.setattr(pkg, "chunks", lambda name: reads.append(name) or original(name))
        first = pkg.sm3("Doc_0/Document.xml")
        assert pkg.sm3("Doc_0/Document.xml") == first
        assert reads == ["Doc_0/Document.xml"]
