"""`govnet ofd ...` and `govnet sign ...` end to end on a fresh store (the seal CLI tests' CA, seal
maker, signer and seal): exit codes 0 (ok), 1 (a verdict that is not PASSED), 2 (bad input)."""

from __future__ import annotations

import json
import zipfile

import pytest
from ofd_zip import parts_of, zip_of
from test_seal_cli import _json, govnet, sealed  # noqa: F401  (fixtures shared with the seal CLI tests)

PAGE0 = "Doc_0/Pages/Page_0/Content.xml"


@pytest.fixture
def ofd(govnet, tmp_path):  # noqa: F811
    path = tmp_path / "licence.ofd"
    code, _, err = govnet("ofd", "sample", str(path), "--line", "营业执照", "--line", "编号 2026-0001")
    assert code == 0, err
    return path


def test_sign_and_verify_an_ofd_with_a_stored_seal(govnet, sealed, ofd, tmp_path):  # noqa: F811
    out = tmp_path / "signed.ofd"
    result = _json(
        govnet, "ofd", "sign", str(ofd), "--seal", sealed["seal"]["es_id"], "--signer",
        sealed["signer"]["serial"], "--page", "1", "--at", "120,200", "--out", str(out),
    )  # fmt: skip
    assert result["type"] == "Seal" and result["signature"] == "/Doc_0/Signs/Sign_0/Signature.xml"
    report = _json(govnet, "ofd", "verify", str(out))
    assert report["status"] == "PASSED" and report["signatures"] == 1
    code, text, _ = govnet("ofd", "verify", str(out))
    assert code == 0 and "verdict: PASSED" in text

    parts = parts_of(out)
    parts[PAGE0] = parts[PAGE0].replace("营业执照".encode(), "吊销执照".encode())
    tampered = tmp_path / "tampered.ofd"
    tampered.write_bytes(zip_of(parts))
    code, text, _ = govnet("ofd", "verify", str(tampered), "--json")
    assert code == 1
    [signature] = json.loads(text)["signature_reports"]
    failed = [c["name"] for c in signature["checks"] if c["status"] == "FAILED"]
    assert failed == [f"reference[/{PAGE0}]"]


def test_a_plain_ofd_signature_with_a_stored_key(govnet, sealed, ofd, tmp_path):  # noqa: F811
    out = tmp_path / "signed.ofd"
    _json(govnet, "ofd", "sign", str(ofd), "--signer", sealed["signer"]["serial"], "--out", str(out))
    assert _json(govnet, "ofd", "verify", str(out))["status"] == "PASSED"


def test_hostile_or_missing_input_exits_2(govnet, sealed, tmp_path):  # noqa: F811
    bomb = tmp_path / "bomb.ofd"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", b"\0" * (8 << 20))
    code, _, err = govnet("ofd", "verify", str(bomb))
    assert code == 2 and "zip bomb" in err
    code, _, err = govnet("ofd", "verify", str(tmp_path / "missing.ofd"))
    assert code == 2 and "no such file" in err


def test_bad_options_exit_2(govnet, sealed, ofd, tmp_path):  # noqa: F811
    code, _, err = govnet(
        "ofd", "sign", str(ofd), "--seal", sealed["seal"]["es_id"], "--signer", sealed["signer"]["serial"],
        "--out", str(tmp_path / "o.ofd"),
    )  # fmt: skip
    assert code == 2 and "needs a place" in err
    code, _, err = govnet(
        "ofd", "sign", str(ofd), "--signer", sealed["signer"]["serial"], "--page", "1", "--at", "x,y",
        "--out", str(tmp_path / "o.ofd"),
    )  # fmt: skip
    assert code == 2 and "two numbers" in err


def test_p7_sign_and_verify_attached_and_detached(govnet, sealed, tmp_path):  # noqa: F811
    document = sealed["document"]
    serial = sealed["signer"]["serial"]
    for extra in ([], ["--detached"], ["--style", "pkcs7", "--pem"], ["--no-attributes"]):
        out = tmp_path / f"sig{len(extra)}{'-'.join(extra)}.p7"
        _json(govnet, "sign", "p7-sign", str(document), "--signer", serial, "--out", str(out), *extra)
        content = ["--content", str(document)] if "--detached" in extra else []
        verdict = _json(govnet, "sign", "p7-verify", str(out), *content)
        assert verdict["status"] == "PASSED", verdict
    other = tmp_path / "other.txt"
    other.write_bytes(b"not the document")
    code, text, _ = govnet(
        "sign", "p7-verify", str(tmp_path / "sig1--detached.p7"), "--content", str(other), "--json"
    )
    assert code == 1
    assert [c["name"] for c in json.loads(text)["checks"] if c["status"] == "FAILED"] == ["digest"]


def test_sm2_sign_over_data_and_over_a_hash(govnet, sealed, tmp_path):  # noqa: F811
    from govnet.pki import x509
    from govnet.pki.sm3 import sm3

    serial = sealed["signer"]["serial"]
    document = sealed["document"]
    cert = tmp_path / "signer.pem"
    code, out, err = govnet("pki", "export", serial)
    assert code == 0, err
    cert.write_text(out)
    certificate = x509.load_certificate(cert.read_bytes(), "signer")
    public = x509.certificate_public_key(certificate)
    e = sm3(public.z_value() + document.read_bytes())

    _json(govnet, "sign", "sm2-sign", str(document), "--signer", serial, "--out", str(tmp_path / "a.sig"))
    _json(
        govnet,
        "sign",
        "sm2-sign",
        "--hash",
        e.hex(),
        "--signer",
        serial,
        "--raw",
        "--out",
        str(tmp_path / "b.sig"),
    )
    for name in ("a.sig", "b.sig"):
        by_data = _json(
            govnet, "sign", "sm2-verify", str(tmp_path / name), "--cert", str(cert), "--data", str(document)
        )
        by_hash = _json(
            govnet, "sign", "sm2-verify", str(tmp_path / name), "--cert", str(cert), "--hash", e.hex()
        )
        assert by_data["status"] == by_hash["status"] == "PASSED"
    code, _, err = govnet(
        "sign", "sm2-sign", "--hash", "abcd", "--signer", serial, "--out", str(tmp_path / "c")
    )
    assert code == 2 and "32 bytes" in err


def test_people_see_many_matching_references_as_one_row_and_every_failure():
    from govnet.pki.ofd.cli import _condensed
    from govnet.verdict import CheckResult, Verdict

    checks = [CheckResult.passed(f"reference[/p{i}]", "SM3 matches") for i in range(20)]
    checks.insert(5, CheckResult.failed("reference[/bad]", "SM3 differs"))
    shown = _condensed(Verdict("s", (CheckResult.passed("signature_file"), *checks)))
    assert [c.name for c in shown.checks] == ["signature_file", "references", "reference[/bad]"]
    assert shown.status.value == "FAILED"


def test_the_holders_key_file_signs_and_a_key_not_escrowed_is_asked_for(govnet, sealed, ofd, tmp_path):  # noqa: F811
    """--key FILE --key-passphrase: the holder's own key (here the escrowed signer's handed-over copy,
    and the seal maker's key, which the store does not keep)."""
    signer_key = ["--key", str(sealed["dir"] / "signer.key"), "--key-passphrase", "env:HOLDER_PASS"]
    serial = sealed["signer"]["serial"]
    out = tmp_path / "signed.ofd"
    _json(
        govnet, "ofd", "sign", str(ofd), "--seal", sealed["seal"]["es_id"], "--signer", serial,
        "--page", "1", "--at", "120,200", "--out", str(out), *signer_key,
    )  # fmt: skip
    assert _json(govnet, "ofd", "verify", str(out))["status"] == "PASSED"
    p7, document = tmp_path / "doc.p7", str(sealed["document"])
    _json(govnet, "sign", "p7-sign", document, "--signer", serial, "--out", str(p7), *signer_key)
    assert _json(govnet, "sign", "p7-verify", str(p7))["status"] == "PASSED"
    # The seal maker's key was handed over, not escrowed: signing with it needs its file.
    maker = sealed["maker"]["serial"]
    code, _, err = govnet("sign", "sm2-sign", document, "--signer", maker, "--out", str(p7))
    assert code == 2 and "without key escrow" in err and "--key FILE" in err
    maker_key = ["--key", str(sealed["maker_key"]), "--key-passphrase", "env:HOLDER_PASS"]
    _json(govnet, "sign", "sm2-sign", document, "--signer", maker, "--out", str(p7), *maker_key)
    # A key file that is not the certificate's key is named.
    code, _, err = govnet("ofd", "sign", str(ofd), "--signer", serial, "--out", str(out), *maker_key)
    assert code == 2 and f"maker.key: not the private key of certificate {serial}" in err
