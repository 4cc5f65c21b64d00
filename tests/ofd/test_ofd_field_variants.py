"""Signed OFDs as other vendors write them: relative locations, prefix-less elements, numeric IDs,
other CheckMethod spellings, a default namespace, GM/T 0031 v1 signatures. Each must verify.

The shapes are those seen in public OFD code and samples (see fixtures/SOURCES.md); the files here are
written by the test, around govnet's own sample document.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from ofd_zip import parts_of, zip_of
from seal_kit import Kit, forge_v1, forge_v4

from govnet.pki.ofd import verify_ofd
from govnet.pki.seal.writer import sign_digest
from govnet.pki.sm3 import sm3
from govnet.verdict import Status

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
DOC_PARTS = (
    "Doc_0/Document.xml",
    "Doc_0/PublicRes.xml",
    "Doc_0/Pages/Page_0/Content.xml",
    "Doc_0/Pages/Page_1/Content.xml",
)


def _assemble(
    sample: bytes,
    *,
    entry_loc: str,
    listing: str,
    signature: Callable[[Callable[[str], str]], str],
    signature_part: str,
    value_part: str,
    sign: Callable[[bytes], bytes],
) -> bytes:
    parts = parts_of(sample)
    parts["OFD.xml"] = parts["OFD.xml"].replace(
        b"</ofd:DocBody>", f"<ofd:Signatures>{entry_loc}</ofd:Signatures></ofd:DocBody>".encode()
    )

    def check_value(name: str) -> str:
        return base64.b64encode(sm3(parts[name])).decode()

    signature_xml = signature(check_value).encode()
    parts["Doc_0/Signs/Signatures.xml"] = listing.encode()
    parts[signature_part] = signature_xml
    parts[value_part] = sign(signature_xml)
    return zip_of(parts)


def _seal_v4(kit: Kit) -> Callable[[bytes], bytes]:
    seal = kit.seal()
    return lambda xml: sign_digest(seal, kit.signer.key, kit.signer.cert, sm3(xml))


def _verdicts(data: bytes, options) -> list[tuple[Status, list[str]]]:
    report = verify_ofd(data, options)
    return [(s.status, [c.name for c in s.verdict.failures]) for s in report.signatures]


def test_relative_locations_prefixless_elements_and_numeric_ids(sample_ofd, kit, options):
    """BaseLoc relative to the Signs folder, FileRef without a leading slash (from the root),
    <Reference> without the ofd: prefix, SignedValue relative to Signature.xml, IDs "1"."""

    def signature(cv: Callable[[str], str]) -> str:
        refs = "".join(
            f'<Reference FileRef="{p}"><CheckValue>{cv(p)}</CheckValue></Reference>' for p in DOC_PARTS
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Signature {NS}><ofd:SignedInfo>'
            '<ofd:Provider ProviderName="VGVzdA==" Version="1" Company="RzRC" />'
            "<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"
            "<ofd:SignatureDateTime>20200928165140Z</ofd:SignatureDateTime>"
            f'<ofd:References CheckMethod="1.2.156.10197.1.401"> {refs}</ofd:References>'
            '<ofd:StampAnnot ID="1" PageRef="10" Boundary="80.95 144.95 49.30 49.30" />'
            "</ofd:SignedInfo><ofd:SignedValue>SignatureValue.dat</ofd:SignedValue></ofd:Signature>"
        )

    data = _assemble(
        sample_ofd,
        entry_loc="Doc_0/Signs/Signatures.xml",
        listing=f'<ofd:Signatures {NS}><ofd:Signature ID="1" Type="Seal" BaseLoc="Sign_0/Signature.xml"/>'
        "</ofd:Signatures>",
        signature=signature,
        signature_part="Doc_0/Signs/Sign_0/Signature.xml",
        value_part="Doc_0/Signs/Sign_0/SignatureValue.dat",
        sign=_seal_v4(kit),
    )
    assert _verdicts(data, options) == [(Status.PASSED, [])]


def test_default_namespace_sm3_by_name_and_no_type(sample_ofd, kit, options):
    """No prefixes at all (a default xmlns), CheckMethod="SM3" (ofdrw), Type omitted (means Seal),
    FileRefs relative to the Signature.xml folder."""

    def signature(cv: Callable[[str], str]) -> str:
        refs = "".join(
            f'<Reference FileRef="../../{p.removeprefix("Doc_0/")}">'
            f"<CheckValue>{cv(p)}</CheckValue></Reference>"
            for p in DOC_PARTS
        )
        return (
            '<Signature xmlns="http://www.ofdspec.org/2016"><SignedInfo><Provider ProviderName="x"/>'
            f'<References CheckMethod="SM3">{refs}</References></SignedInfo>'
            "<SignedValue>/Doc_0/Signs/S1/SignedValue.dat</SignedValue></Signature>"
        )

    data = _assemble(
        sample_ofd,
        entry_loc="/Doc_0/Signs/Signatures.xml",
        listing='<Signatures xmlns="http://www.ofdspec.org/2016">'
        '<Signature ID="s1" BaseLoc="/Doc_0/Signs/S1/Signature.xml"/></Signatures>',
        signature=signature,
        signature_part="Doc_0/Signs/S1/Signature.xml",
        value_part="Doc_0/Signs/S1/SignedValue.dat",
        sign=_seal_v4(kit),
    )
    assert _verdicts(data, options) == [(Status.PASSED, [])]


def _plain_signature(cv: Callable[[str], str]) -> str:
    refs = "".join(
        f'<ofd:Reference FileRef="/{p}"><ofd:CheckValue>{cv(p)}</ofd:CheckValue></ofd:Reference>'
        for p in DOC_PARTS
    )
    return (
        f'<ofd:Signature {NS}><ofd:SignedInfo><ofd:Provider ProviderName="vendor"/>'
        f'<ofd:References CheckMethod="1.2.156.10197.1.401">{refs}</ofd:References>'
        '<ofd:StampAnnot ID="2" PageRef="11" Boundary="10 10 40 40"/>'
        "</ofd:SignedInfo><ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>"
    )


LISTING = (
    f'<ofd:Signatures {NS}><ofd:Signature ID="1" BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"/>'
    "</ofd:Signatures>"
)


@pytest.mark.parametrize("forge", [forge_v1, forge_v4], ids=["gmt0031-v1", "vendor-v4-GOMAIN"])
def test_other_vendors_seal_signatures_verify(sample_ofd, kit, forge):
    def sign(xml: bytes) -> bytes:
        return forge(kit, document=xml)[1]

    data = _assemble(
        sample_ofd,
        entry_loc="/Doc_0/Signs/Signatures.xml",
        listing=LISTING,
        signature=_plain_signature,
        signature_part="Doc_0/Signs/Sign_0/Signature.xml",
        value_part="Doc_0/Signs/Sign_0/SignedValue.dat",
        sign=sign,
    )
    from govnet.pki.ofd import VerifyOptions

    [(status, failed)] = _verdicts(data, VerifyOptions(trust=kit.trust()))
    assert failed == [], failed
    assert status in (Status.PASSED, Status.INDETERMINATE)


def test_an_unknown_check_method_is_refused_not_guessed(sample_ofd, kit, options):
    data = _assemble(
        sample_ofd,
        entry_loc="/Doc_0/Signs/Signatures.xml",
        listing=LISTING,
        signature=lambda cv: _plain_signature(cv).replace("1.2.156.10197.1.401", "SHA-256"),
        signature_part="Doc_0/Signs/Sign_0/Signature.xml",
        value_part="Doc_0/Signs/Sign_0/SignedValue.dat",
        sign=_seal_v4(kit),
    )
    [(status, failed)] = _verdicts(data, options)
    assert status is Status.FAILED and "check_method" in failed


def test_a_reference_that_climbs_out_of_the_package_is_a_named_failure(sample_ofd, kit, options):
    def signature(cv: Callable[[str], str]) -> str:
        return _plain_signature(cv).replace(
            'FileRef="/Doc_0/PublicRes.xml"', 'FileRef="../../../../etc/passwd"'
        )

    data = _assemble(
        sample_ofd,
        entry_loc="/Doc_0/Signs/Signatures.xml",
        listing=LISTING,
        signature=signature,
        signature_part="Doc_0/Signs/Sign_0/Signature.xml",
        value_part="Doc_0/Signs/Sign_0/SignedValue.dat",
        sign=_seal_v4(kit),
    )
    [(_, failed)] = _verdicts(data, options)
    assert "reference[../../../../etc/passwd]" in failed


@pytest.mark.parametrize("base64_hash", [False, True], ids=["sm3", "base64-of-sm3"])
def test_gbt35275_plain_signatures_verify(sample_ofd, kit, options, base64_hash):
    """Type="Sign": SignedData whose content is SM3(Signature.xml), or its base64 as some readers want."""
    from govnet.pki.cms import Style, sign_data

    def sign(xml: bytes) -> bytes:
        content = base64.b64encode(sm3(xml)) if base64_hash else sm3(xml)
        return sign_data(content, kit.signer.key, kit.signer.cert, style=Style.GM, signed_attributes=False)

    data = _assemble(
        sample_ofd,
        entry_loc="/Doc_0/Signs/Signatures.xml",
        listing=LISTING.replace('ID="1"', 'ID="1" Type="Sign"'),
        signature=_plain_signature,
        signature_part="Doc_0/Signs/Sign_0/Signature.xml",
        value_part="Doc_0/Signs/Sign_0/SignedValue.dat",
        sign=sign,
    )
    report = verify_ofd(data, options)
    assert report.status is Status.PASSED, report.summary()
    check = next(c for c in report.signatures[0].verdict.checks if c.name == "document_hash")
    assert ("base64" in check.reason) is base64_hash
