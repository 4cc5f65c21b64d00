"""Inspection reports what a seal or signature says, for either version, quirks included."""

from __future__ import annotations

import io

from rich.console import Console
from seal_kit import Kit, forge_v1, forge_v4

from govnet.pki.seal import inspect, reader


def test_a_v1_signature_is_described_with_its_seal_and_quirks(kit: Kit) -> None:
    _seal, sig = forge_v1(kit, time_info=b"2026-04-21 10:16:00", raw=True)
    facts = inspect.describe(reader.read_any(sig, "v1.ses"))
    assert facts["kind"] == "signature" and facts["standard"] == "GM/T 0031-2014"
    assert facts["sign_time"] == "2026-04-21T02:16:00+00:00"
    assert facts["seal"]["vendor_id"] == "HebeiGede" and facts["seal"]["type"] == "person"
    assert facts["signature_encoding"] == "raw r||s"
    assert {q["name"] for q in facts["quirks"]} >= {"local-time", "raw-signature"}
    out = io.StringIO()
    inspect.render(Console(file=out, width=200), facts)
    assert "王小明个人章" in out.getvalue() and "local-time" in out.getvalue()


def test_a_seal_listing_digests_is_described(kit: Kit) -> None:
    facts = inspect.describe(reader.read_any(kit.seal(as_digests=True), "seal.esl"))
    assert facts["kind"] == "seal" and facts["cert_list_type"] == "certificate digests"
    assert facts["cert_list"][0]["digest_type"] == "SM3" and len(facts["cert_list"][0]["digest"]) == 64
    assert facts["maker_certificate"]["subject"].startswith("serialNumber=")


def test_vendor_algorithm_identifiers_are_described_by_name(kit: Kit) -> None:
    _seal, sig = forge_v4(kit, alg="null", vendor="ofdrw")
    facts = inspect.describe(reader.read_any(sig, "x"))
    assert facts["algorithm"] == "SM2-with-SM3 (1.2.156.10197.1.501)"
    assert any(q["name"] == "algorithm-identifier" for q in facts["quirks"])
