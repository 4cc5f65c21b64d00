"""`govnet seal ...` end to end on a fresh store: make, sign, verify, tamper, inspect, revoke; exit
codes 0 (ok), 1 (a verdict that is not PASSED), 2 (bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from govnet_cli import in_process_runner
from pki_chains import PASSPHRASE
from seal_kit import CODE, PICTURE


@pytest.fixture
def govnet(isolated_govnet_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the CLI in this process; returns (exit code, stdout, stderr)."""
    from govnet.pki import keystore

    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HOLDER_PASS", "the holders' own passphrase")
    monkeypatch.setattr(keystore, "default_kdf", lambda: keystore.KdfParams.scrypt(n=1 << 10))

    return in_process_runner(monkeypatch, capsys)


def _json(run, *args: str):  # type: ignore[no-untyped-def]
    code, out, err = run(*args, "--json")
    assert code == 0, (out, err)
    return json.loads(out)


@pytest.fixture
def sealed(govnet, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A CA with a seal maker and a signer, CRLs published, a seal made and a document signed. The
    maker signs with the key file handed over to it; the signer's key is escrowed (--escrow)."""
    _json(govnet, "pki", "init", "--name", "CN=Test Root CA", "--intermediate")
    maker_key = tmp_path / "maker.key"
    maker = _json(
        govnet, "pki", "issue", "--profile", "seal-maker", "--subject", "CN=制章中心", "--org", "示例局",
        "--credit-code", CODE, "--key-out", str(maker_key), "--key-passphrase", "env:HOLDER_PASS",
    )  # fmt: skip
    signer = _json(
        govnet, "pki", "issue", "--profile", "signer", "--subject", "CN=王小明", "--escrow",
        "--key-out", str(tmp_path / "signer.key"), "--key-passphrase", "env:HOLDER_PASS",
    )  # fmt: skip
    roots = _json(govnet, "pki", "list", "--profile", "root")
    _json(govnet, "pki", "crl")
    _json(govnet, "pki", "crl", "--ca", roots[0]["serial"])
    (tmp_path / "seal.png").write_bytes(PICTURE)
    seal = _json(
        govnet, "seal", "make", "--name", "示例局公章", "--picture", str(tmp_path / "seal.png"),
        "--signer", signer["serial"], "--out", str(tmp_path / "seal.esl"), "--id", "44030000000001",
        "--key", str(maker_key), "--key-passphrase", "env:HOLDER_PASS",
    )  # fmt: skip
    document = tmp_path / "licence.txt"
    document.write_bytes("营业执照".encode() * 1000)
    signed = _json(
        govnet, "seal", "sign", str(document), "--seal", seal["es_id"], "--signer", signer["serial"]
    )
    return {
        "maker": maker,
        "maker_key": maker_key,
        "signer": signer,
        "seal": seal,
        "document": document,
        "signed": signed,
        "dir": tmp_path,
    }


def test_make_sign_and_verify_pass(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    assert (
        sealed["seal"]["status"] == "active" and sealed["seal"]["maker_serial"] == sealed["maker"]["serial"]
    )
    code, out, _ = govnet(
        "seal", "verify", sealed["signed"]["signature"], "--document", str(sealed["document"]), "--json"
    )
    verdict = json.loads(out)
    assert code == 0 and verdict["status"] == "PASSED", verdict
    assert {c["name"] for c in verdict["checks"]} >= {"seal_status", "revocation[signer]", "document_hash"}
    code, out, _ = govnet(
        "seal", "verify", sealed["signed"]["signature"], "--document", str(sealed["document"])
    )
    assert code == 0 and "PASSED" in out
    exported = sealed["dir"] / "exported.esl"
    assert govnet("seal", "export", "44030000000001", "--out", str(exported))[0] == 0
    assert exported.read_bytes() == (sealed["dir"] / "seal.esl").read_bytes()


def test_a_tampered_document_exits_1_naming_the_document_hash(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    with sealed["document"].open("ab") as handle:
        handle.write(b"!")
    code, out, _ = govnet(
        "seal", "verify", sealed["signed"]["signature"], "--document", str(sealed["document"]), "--json"
    )
    verdict = json.loads(out)
    assert code == 1 and verdict["status"] == "FAILED"
    assert [c["name"] for c in verdict["checks"] if c["status"] == "FAILED"] == ["document_hash"]


def test_a_seal_file_verifies_on_its_own(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = govnet("seal", "verify", str(sealed["dir"] / "seal.esl"), "--json")
    assert code == 0 and json.loads(out)["status"] == "PASSED"


def test_inspect_dumps_a_signature_and_extracts_the_picture(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    picture = sealed["dir"] / "out.png"
    facts = _json(govnet, "seal", "inspect", sealed["signed"]["signature"], "--picture", str(picture))
    assert facts["kind"] == "signature" and facts["version"] == 4
    assert facts["seal"]["vendor_id"] == "govnet" and facts["seal"]["name"] == "示例局公章"
    assert facts["seal"]["picture"]["detected_type"] == "png"
    assert facts["signer_certificate"]["serial"] == sealed["signer"]["serial"]
    assert picture.read_bytes() == PICTURE
    code, out, _ = govnet("seal", "inspect", str(sealed["dir"] / "seal.esl"))
    assert code == 0 and "示例局公章" in out and "40 x 40 mm" in out


def test_garbage_is_an_input_error_with_exit_2(govnet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.ses"
    junk.write_bytes(b"\x30\x03\x02\x01")
    code, _, err = govnet("seal", "inspect", str(junk))
    assert code == 2 and "junk.ses" in err and "Traceback" not in err
    code, out, _ = govnet("seal", "verify", str(junk), "--json")
    assert code == 1 and json.loads(out)["checks"][0]["name"] == "structure"


def test_a_revoked_seal_no_longer_signs_and_fails_verification(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    revoked = _json(govnet, "seal", "revoke", "44030000000001", "--reason", "lost")
    assert revoked["status"] == "revoked" and revoked["reason"] == "lost"
    code, out, _ = govnet(
        "seal", "verify", sealed["signed"]["signature"], "--document", str(sealed["document"]), "--json"
    )
    failed = [c["name"] for c in json.loads(out)["checks"] if c["status"] == "FAILED"]
    assert code == 1 and failed == ["seal_status"]
    code, _, err = govnet(
        "seal",
        "sign",
        str(sealed["document"]),
        "--seal",
        "44030000000001",
        "--signer",
        sealed["signer"]["serial"],
    )
    assert code == 2 and "revoked" in err
    assert [s["status"] for s in _json(govnet, "seal", "list")] == ["revoked"]


def test_a_picture_that_is_not_an_image_is_refused(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    bad = sealed["dir"] / "seal.bmp"
    bad.write_bytes(b"BM" + b"\x00" * 100)
    code, _, err = govnet(
        "seal", "make", "--name", "x", "--picture", str(bad), "--signer", sealed["signer"]["serial"],
        "--key", str(sealed["maker_key"]), "--key-passphrase", "env:HOLDER_PASS",
    )  # fmt: skip
    assert code == 2 and "PNG, GIF or JPEG" in err


def test_an_unlisted_signer_cannot_sign(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    other = _json(
        govnet, "pki", "issue", "--profile", "signer", "--subject", "CN=李四", "--escrow",
        "--key-out", str(sealed["dir"] / "lisi.key"), "--key-passphrase", "env:HOLDER_PASS",
    )  # fmt: skip
    code, _, err = govnet(
        "seal", "sign", str(sealed["document"]), "--seal", "44030000000001", "--signer", other["serial"]
    )
    assert code == 2 and "does not list" in err


def test_a_seal_maker_not_escrowed_needs_its_key_file(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    picture = str(sealed["dir"] / "seal.png")
    make = ["seal", "make", "--name", "y", "--picture", picture, "--signer", sealed["signer"]["serial"]]
    code, _, err = govnet(*make, "--maker", sealed["maker"]["serial"])
    assert code == 2 and "Traceback" not in err
    assert "issued without key escrow" in err and "--key FILE --key-passphrase" in err
    code, _, err = govnet(*make, "--key", str(sealed["maker_key"]))
    assert code == 2 and "passphrase is needed" in err and "--key-passphrase" in err
    code, _, err = govnet(
        *make, "--key", str(sealed["dir"] / "signer.key"), "--key-passphrase", "env:HOLDER_PASS"
    )
    assert code == 2 and "0 valid seal-maker certificates for the key in" in err


def test_the_default_seal_maker_is_the_one_for_the_key(govnet, sealed) -> None:  # type: ignore[no-untyped-def]
    escrowed = _json(
        govnet, "pki", "issue", "--profile", "seal-maker", "--subject", "CN=另一制章中心", "--org", "示例局",
        "--credit-code", CODE, "--escrow", "--key-out", str(sealed["dir"] / "other.key"),
        "--key-passphrase", "env:HOLDER_PASS",
    )  # fmt: skip
    picture = str(sealed["dir"] / "seal.png")
    make = ["seal", "make", "--name", "y", "--picture", picture, "--signer", sealed["signer"]["serial"]]
    assert _json(govnet, *make)["maker_serial"] == escrowed["serial"]  # the one escrowed maker
    made = _json(
        govnet, *make, "--key", str(sealed["maker_key"]), "--key-passphrase", "env:HOLDER_PASS",
        "--digests", "--type", "person", "--ext", "!1.2.3=0102",
    )  # fmt: skip
    assert made["kind"] == "person" and made["maker_serial"] == sealed["maker"]["serial"]
    _json(
        govnet, "pki", "issue", "--profile", "seal-maker", "--subject", "CN=第三制章中心", "--org", "示例局",
        "--credit-code", CODE, "--escrow", "--key-out", str(sealed["dir"] / "third.key"),
        "--key-passphrase", "env:HOLDER_PASS",
    )  # fmt: skip
    code, _, err = govnet(*make)
    assert code == 2 and "2 valid seal-maker certificates whose key the store keeps in escrow" in err
    assert _json(govnet, *make, "--maker", escrowed["serial"])["maker_serial"] == escrowed["serial"]


def test_a_signature_from_another_authority_verifies_with_its_roots_and_crls(govnet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from seal_kit import DOCUMENT, Kit, forge_v4

    from govnet.pki import x509

    kit = Kit.create()
    _seal, sig = forge_v4(kit, vendor="koal", raw=True)
    files = {
        "sig.ses": sig,
        "doc.txt": DOCUMENT,
        "root.pem": x509.to_pem(x509.PEM_CERTIFICATE, kit.chain.root.cert.dump()),
        "inter.pem": x509.to_pem(x509.PEM_CERTIFICATE, kit.chain.inter.cert.dump()),
        "inter.crl": kit.chain.crl(kit.chain.inter).dump(),
        "root.crl": kit.chain.crl(kit.chain.root).dump(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    base = ["seal", "verify", str(tmp_path / "sig.ses"), "--document", str(tmp_path / "doc.txt"), "--json"]
    code, out, _ = govnet(*base)
    assert code == 1 and json.loads(out)["status"] == "INDETERMINATE"  # nobody here trusts that root
    trusted = [*base, "--trust", str(tmp_path / "root.pem"), "--chain", str(tmp_path / "inter.pem")]
    code, out, _ = govnet(*trusted)
    statuses = {c["name"]: c["status"] for c in json.loads(out)["checks"]}
    assert code == 1 and statuses["revocation[signer]"] == "INDETERMINATE"  # no CRL yet
    code, out, _ = govnet(*trusted, "--crl", str(tmp_path / "inter.crl"), "--crl", str(tmp_path / "root.crl"))
    verdict = json.loads(out)
    assert code == 0 and verdict["status"] == "PASSED", verdict
    assert "quirk[raw-signature]" in {c["name"] for c in verdict["checks"]}


def test_files_too_large_or_missing_are_input_errors(govnet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.ses"
    with big.open("wb") as handle:
        handle.truncate(17 << 20)  # sparse: no disk used
    code, _, err = govnet("seal", "inspect", str(big))
    assert code == 2 and "too large" in err
    code, _, err = govnet("seal", "inspect", str(tmp_path / "missing.ses"))
    assert code == 2 and "cannot read" in err


def test_an_old_signature_is_indeterminate_without_a_time_stamp_and_passes_with_one(  # type: ignore[no-untyped-def]
    govnet, tmp_path: Path
) -> None:
    from past_kit import STAMPED, PastKit
    from seal_kit import DOCUMENT

    from govnet.pki import x509

    past = PastKit.create()
    chain = past.kit.chain
    files = {
        "old.ses": past.signature(),
        "stamped.ses": past.signature(stamped=True),
        "doc.txt": DOCUMENT,
        "root.pem": x509.to_pem(x509.PEM_CERTIFICATE, chain.root.cert.dump()),
        "inter.pem": x509.to_pem(x509.PEM_CERTIFICATE, chain.inter.cert.dump()),
        "inter.crl": past.crl().dump(),
        "root.crl": chain.crl(chain.root).dump(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    trust = ["--document", str(tmp_path / "doc.txt"), "--trust", str(tmp_path / "root.pem")]
    trust += ["--chain", str(tmp_path / "inter.pem")]
    trust += ["--crl", str(tmp_path / "inter.crl"), "--crl", str(tmp_path / "root.crl"), "--json"]
    code, out, _ = govnet("seal", "verify", str(tmp_path / "old.ses"), *trust)
    checks = {c["name"]: c for c in json.loads(out)["checks"]}
    assert code == 1 and json.loads(out)["status"] == "INDETERMINATE"
    assert checks["chain[signer]"]["evidence"]["basis"] == "validation time"
    assert "no time-stamp proves" in checks["chain[signer]"]["reason"]
    code, out, _ = govnet("seal", "verify", str(tmp_path / "stamped.ses"), *trust)
    verdict = json.loads(out)
    assert code == 0 and verdict["status"] == "PASSED", verdict
    evidence = {c["name"]: c["evidence"] for c in verdict["checks"]}
    assert evidence["chain[signer]"]["judged_at"] == STAMPED.isoformat()
    assert evidence["chain[signer]"]["proof_of_existence"] == STAMPED.isoformat()
    assert evidence["time_stamp"]["time_stamp"] == STAMPED.isoformat()
    code, text, _ = govnet("seal", "verify", str(tmp_path / "old.ses"), *trust[:-1])
    assert code == 1 and "no time-stamp proves" in text


def test_a_seal_alone_is_judged_with_the_roots_chain_and_crls_given(  # type: ignore[no-untyped-def]
    govnet, tmp_path: Path
) -> None:
    # another CA's seal: untrusted here until its root, issuing CA and CRLs are given
    from seal_kit import Kit

    from govnet.pki import x509

    kit = Kit.create()
    chain = kit.chain
    files = {
        "seal.esl": kit.seal(),
        "root.pem": x509.to_pem(x509.PEM_CERTIFICATE, chain.root.cert.dump()),
        "inter.pem": x509.to_pem(x509.PEM_CERTIFICATE, chain.inter.cert.dump()),
        "inter.crl": chain.crl(chain.inter).dump(),
        "root.crl": chain.crl(chain.root).dump(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    seal = str(tmp_path / "seal.esl")
    code, out, _ = govnet("seal", "verify", seal, "--json")
    alone = {c["name"]: c["status"] for c in json.loads(out)["checks"]}
    assert code == 1 and alone["chain[seal maker]"] == "INDETERMINATE"
    given = ["--trust", str(tmp_path / "root.pem"), "--chain", str(tmp_path / "inter.pem")]
    given += ["--crl", str(tmp_path / "inter.crl"), "--crl", str(tmp_path / "root.crl")]
    code, out, _ = govnet("seal", "verify", seal, *given, "--json")
    verdict = json.loads(out)
    assert code == 0 and verdict["status"] == "PASSED", verdict
