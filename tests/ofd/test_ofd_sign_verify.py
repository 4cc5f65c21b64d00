"""Signing OFDs with an e-seal or a plain signature, and verifying every signature in them."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ofd_zip import parts_of, replaced, zip_of

from govnet.errors import InputError
from govnet.pki.ofd import OfdError, Placement, PlainSigner, SealSigner, VerifyOptions, sign_ofd, verify_ofd
from govnet.pki.ofd.container import OfdPackage
from govnet.pki.ofd.document import read_documents
from govnet.pki.seal.verify import Trust
from govnet.verdict import Status

PAGE0 = "Doc_0/Pages/Page_0/Content.xml"
SIG0 = "Doc_0/Signs/Sign_0/Signature.xml"


@pytest.fixture
def sealed(tmp_path, sample_path, signer, seal):
    out = tmp_path / "sealed.ofd"
    sign_ofd(
        sample_path,
        out,
        SealSigner(signer.key, signer.cert, seal),
        placement=Placement(1, 120, 200),
    )
    return out


def _failed(report) -> list[str]:
    return [c.name for s in report.signatures for c in s.verdict.failures]


def test_a_sealed_ofd_verifies_with_every_check_passed(sealed, options):
    report = verify_ofd(sealed, options)
    assert report.status is Status.PASSED, report.summary()
    [signature] = report.signatures
    names = {c.name for c in signature.verdict.checks}
    assert {
        "signature_file",
        "check_method",
        "coverage",
        "signed_value",
        "seal_file",
        "stamp_annot[s002]",
    } <= names
    assert f"reference[/{PAGE0}]" in names
    assert any(n.startswith("ses:") for n in names)
    assert all(r.status is Status.PASSED for r in signature.references)
    assert signature.details["seal_name"] == "示例市市场监督管理局公章"


def test_signing_keeps_every_original_part_byte_identical(sealed, sample_ofd):
    before, after = parts_of(sample_ofd), parts_of(sealed)
    for name, data in before.items():
        if name != "OFD.xml":
            assert after[name] == data, name
    entry = after["OFD.xml"].decode()
    assert "<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>" in entry
    assert re.sub(r"<ofd:Signatures>[^<]*</ofd:Signatures>\n", "", entry) == before["OFD.xml"].decode()


def test_the_layout_is_what_ofdrw_readers_expect(sealed, seal):
    parts = parts_of(sealed)
    assert {"Doc_0/Signs/Signatures.xml", SIG0, "Doc_0/Signs/Sign_0/SignedValue.dat"} <= set(parts)
    assert parts["Doc_0/Signs/Sign_0/Seal.esl"] == seal
    listing = parts["Doc_0/Signs/Signatures.xml"].decode()
    assert '<ofd:Signature ID="s001" Type="Seal" BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"/>' in listing
    assert "<ofd:MaxSignId>s002</ofd:MaxSignId>" in listing
    signature = parts[SIG0].decode()
    assert '<ofd:References CheckMethod="1.2.156.10197.1.401">' in signature
    assert '<ofd:StampAnnot ID="s002" PageRef="10" Boundary="120 200 42 42"/>' in signature  # seal is 42 mm
    assert "<ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue>" in signature
    assert "Signatures.xml" not in signature  # left open for further signatures


def test_a_changed_page_fails_exactly_its_reference(sealed, options):
    parts = parts_of(sealed)
    parts[PAGE0] = parts[PAGE0].replace("营业执照".encode(), "吊销执照".encode())
    report = verify_ofd(zip_of(parts), options)
    assert _failed(report) == [f"reference[/{PAGE0}]"]
    [ref] = [r for r in report.signatures[0].references if r.status is Status.FAILED]
    assert ref.part == PAGE0 and ref.expected != ref.actual


def test_a_changed_signature_file_fails_the_document_hash(sealed, options):
    parts = parts_of(sealed)
    # forge the page and fix its check value in Signature.xml: now only the SES_Signature can tell
    parts[PAGE0] = parts[PAGE0] + b"\n"
    from govnet.pki.sm3 import sm3

    old = re.search(rb'FileRef="/Doc_0/Pages/Page_0/Content.xml"><ofd:CheckValue>([^<]+)<', parts[SIG0])
    assert old is not None
    parts[SIG0] = parts[SIG0].replace(old.group(1), base64.b64encode(sm3(parts[PAGE0])))
    failed = _failed(verify_ofd(zip_of(parts), options))
    assert failed and all(name.startswith("ses:") for name in failed)
    assert any("document" in name or "hash" in name for name in failed), failed


def test_a_replaced_seal_file_is_caught(sealed, options, kit):
    other = kit.seal(es_id="44030000000099")
    report = verify_ofd(replaced(sealed, "Doc_0/Signs/Sign_0/Seal.esl", other), options)
    assert "seal_file" in _failed(report)


def test_a_page_added_after_signing_fails_coverage(tmp_path, sample_path, signer, options):
    signed = tmp_path / "signed.ofd"
    sign_ofd(sample_path, signed, PlainSigner(signer.key, signer.cert))
    parts = parts_of(signed)
    parts["Doc_0/Document.xml"] = parts["Doc_0/Document.xml"]  # unchanged: the new page is only a part
    parts["Doc_0/Pages/Page_9/Content.xml"] = parts[PAGE0]
    parts["Doc_0/Document.xml"] = parts["Doc_0/Document.xml"].replace(
        b"</ofd:Pages>", b'<ofd:Page ID="99" BaseLoc="Pages/Page_9/Content.xml"/>\n</ofd:Pages>'
    )
    failed = _failed(verify_ofd(zip_of(parts), options))
    assert "coverage" in failed and "reference[/Doc_0/Document.xml]" in failed


def test_two_signatures_both_verify_and_ids_continue(tmp_path, sealed, signer, seal, options):
    twice = tmp_path / "twice.ofd"
    result = sign_ofd(
        sealed,
        twice,
        SealSigner(signer.key, signer.cert, seal),
        placement=Placement(2, 10, 10, 30, 30),
    )
    assert result.signature_id == "s003" and result.signature_loc == "/Doc_0/Signs/Sign_1/Signature.xml"
    report = verify_ofd(twice, options)
    assert [s.status for s in report.signatures] == [Status.PASSED, Status.PASSED]
    assert "<ofd:MaxSignId>s004</ofd:MaxSignId>" in parts_of(twice)["Doc_0/Signs/Signatures.xml"].decode()


def test_protecting_the_signature_list_closes_the_document(tmp_path, sample_path, signer, options):
    closed = tmp_path / "closed.ofd"
    sign_ofd(sample_path, closed, PlainSigner(signer.key, signer.cert), protect_signature_list=True)
    assert verify_ofd(closed, options).ok
    with pytest.raises(OfdError, match="closed to further signatures"):
        sign_ofd(closed, tmp_path / "again.ofd", PlainSigner(signer.key, signer.cert))


def test_a_plain_signature_is_a_gbt35275_signed_data_over_the_signature_file(
    tmp_path, sample_path, signer, options
):
    out = tmp_path / "plain.ofd"
    result = sign_ofd(sample_path, out, PlainSigner(signer.key, signer.cert))
    assert result.type == "Sign" and result.boundary is None
    report = verify_ofd(out, options)
    assert report.ok, report.summary()
    names = {c.name for c in report.signatures[0].verdict.checks}
    assert {"cms:signature", "document_hash"} <= names
    tampered = replaced(out, SIG0, parts_of(out)[SIG0].replace(b"govnet", b"GOVNET", 1))
    assert "document_hash" in _failed(verify_ofd(tampered, options))


def test_an_untrusted_issuer_is_reported_as_such(sealed):
    report = verify_ofd(sealed, VerifyOptions(trust=Trust()))
    assert _failed(report) == []
    assert report.status is Status.INDETERMINATE
    undecided = [c.name for c in report.signatures[0].verdict.checks if c.status is Status.INDETERMINATE]
    assert "ses:chain[signer]" in undecided


def test_an_unsigned_ofd_fails_with_no_signatures(sample_path, options):
    report = verify_ofd(sample_path, options)
    assert not report.ok
    assert [c.name for c in report.document.failures] == ["signatures"]


def test_a_missing_signature_file_fails_that_signature_only(tmp_path, sealed, signer, seal, options):
    twice = tmp_path / "twice.ofd"
    sign_ofd(sealed, twice, PlainSigner(signer.key, signer.cert))
    parts = parts_of(twice)
    del parts[SIG0]
    report = verify_ofd(zip_of(parts), options)
    first, second = report.signatures
    assert [c.name for c in first.verdict.failures] == ["signature_file"]
    # the second signature protects every part present when it was made, the first's files included
    assert [c.name for c in second.verdict.failures] == [f"reference[/{SIG0}]"]


def test_a_stamp_on_a_page_that_does_not_exist_is_refused_when_signing(sample_path, tmp_path, signer, seal):
    with pytest.raises(OfdError, match="page 7: the document has 2 page"):
        sign_ofd(
            sample_path,
            tmp_path / "o.ofd",
            SealSigner(signer.key, signer.cert, seal),
            placement=Placement(7, 1, 1),
        )


def test_a_seal_needs_a_placement(sample_path, tmp_path, signer, seal):
    with pytest.raises(InputError, match="needs a place"):
        sign_ofd(sample_path, tmp_path / "o.ofd", SealSigner(signer.key, signer.cert, seal))


def test_a_seal_that_does_not_list_the_signer_is_refused(sample_path, tmp_path, kit):
    stranger = kit.party(subject="CN=陌生人")
    with pytest.raises(InputError, match="does not list"):
        sign_ofd(
            sample_path,
            tmp_path / "o.ofd",
            SealSigner(stranger.key, stranger.cert, kit.seal()),
            placement=Placement(1, 1, 1),
        )


def test_a_failed_signing_leaves_no_output(sample_path, tmp_path, kit):
    stranger = kit.party(subject="CN=陌生人")
    with pytest.raises(InputError):
        sign_ofd(
            sample_path,
            tmp_path / "o.ofd",
            SealSigner(stranger.key, stranger.cert, kit.seal()),
            placement=Placement(1, 1, 1),
        )
    assert list(tmp_path.iterdir()) == [sample_path]


def test_the_sample_document_reads_as_two_pages(sample_ofd):
    with OfdPackage(sample_ofd) as pkg:
        [document] = read_documents(pkg)
    assert [p.number for p in document.pages] == [1, 2]
    assert document.pages[0].part == PAGE0


@pytest.fixture(scope="module")
def plain_signed(tmp_path_factory, sample_ofd, signer) -> bytes:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "in.ofd").write_bytes(sample_ofd)
    sign_ofd(folder / "in.ofd", folder / "out.ofd", PlainSigner(signer.key, signer.cert))
    return (folder / "out.ofd").read_bytes()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_signature_parts_never_crash_the_verifier(plain_signed, options, data):
    parts = parts_of(plain_signed)
    name = data.draw(
        st.sampled_from([SIG0, "Doc_0/Signs/Signatures.xml", "Doc_0/Signs/Sign_0/SignedValue.dat", "OFD.xml"])
    )
    original = parts[name]
    blob = bytearray(original)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(blob) - 1))
        blob[at] = data.draw(st.integers(0, 255))
    parts[name] = bytes(blob)
    try:
        report = verify_ofd(zip_of(parts), options)
    except InputError:
        return
    if name in (SIG0, "OFD.xml") and bytes(blob) != original:
        assert report.status is not Status.PASSED  # both are covered byte for byte


def test_a_signature_location_outside_the_package_fails_that_signature(sealed, options):
    listing = parts_of(sealed)["Doc_0/Signs/Signatures.xml"].replace(
        b'BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"', b'BaseLoc="/../../etc/passwd"'
    )
    report = verify_ofd(replaced(sealed, "Doc_0/Signs/Signatures.xml", listing), options)
    [signature] = report.signatures
    [failure] = signature.verdict.failures
    assert failure.name == "signature_file" and "climbs above the package root" in failure.reason


def test_end_tags_inside_comments_do_not_mislead_the_edit(tmp_path, sample_ofd, signer, options):
    parts = parts_of(sample_ofd)
    parts["OFD.xml"] = parts["OFD.xml"].replace(b"<ofd:DocRoot>", b"<!-- </ofd:DocBody> --><ofd:DocRoot>")
    source = tmp_path / "odd.ofd"
    source.write_bytes(zip_of(parts))
    sign_ofd(source, tmp_path / "out.ofd", PlainSigner(signer.key, signer.cert))
    assert verify_ofd(tmp_path / "out.ofd", options).ok
