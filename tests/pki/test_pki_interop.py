"""Interoperability with the real `openssl` binary (OpenSSL 3.x): what govnet makes, OpenSSL accepts,
and what OpenSSL makes, govnet reads — including OpenSSL's empty-SM2-ID default."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as cx509
from pki_chains import ChainFactory, Party

from govnet.pki import x509
from govnet.pki.verify import EMPTY_ID_REFUSED, Policy, verify_path
from govnet.verdict import Status

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl binary is not installed")

DISTID = "distid:1234567812345678"


def openssl(
    *args: str | Path, cwd: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, cwd=cwd, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"openssl {' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return done


def _write(tmp_path: Path, **parties: Party) -> dict[str, Path]:
    paths = {}
    for name, party in parties.items():
        paths[name] = tmp_path / f"{name}.pem"
        paths[name].write_bytes(party.pem)
    return paths


def test_root_and_leaf_pass_openssl_verify(chain: ChainFactory, tmp_path: Path) -> None:
    leaf = chain.make("device", "CN=router-01", chain.root, san=("router-01.gov.example",))
    p = _write(tmp_path, root=chain.root, leaf=leaf)
    done = openssl("verify", "-vfyopt", DISTID, "-CAfile", p["root"], p["leaf"])
    assert done.stdout.strip().endswith("OK")
    # and the default ID really is what signed it: without -vfyopt OpenSSL 3.0 uses the empty ID
    assert openssl("verify", "-CAfile", p["root"], p["leaf"], check=False).returncode != 0


def test_three_level_chain_passes_openssl_link_by_link(chain: ChainFactory, tmp_path: Path) -> None:
    leaf = chain.leaf()
    p = _write(tmp_path, root=chain.root, inter=chain.inter, leaf=leaf)
    openssl("verify", "-vfyopt", DISTID, "-CAfile", p["root"], p["inter"])
    openssl("verify", "-vfyopt", DISTID, "-partial_chain", "-CAfile", p["inter"], p["leaf"])
    # OpenSSL 3.0's `verify` applies -vfyopt to the target certificate only; every certificate above
    # it is checked with the empty ID, so a standard (default-ID) chain fails there at depth 1. This
    # pins that behaviour: when it changes, the single command below is the one to document.
    done = openssl(
        "verify", "-vfyopt", DISTID, "-CAfile", p["root"], "-untrusted", p["inter"], p["leaf"], check=False
    )
    if done.returncode != 0:
        assert "error 7 at 1 depth lookup: certificate signature failure" in done.stdout + done.stderr


def test_openssl_reads_our_extensions(chain: ChainFactory, tmp_path: Path) -> None:
    leaf = chain.make(
        "seal-maker", "CN=某局制章人,O=某市市场监督管理局", chain.inter, credit_code="914403001922038216"
    )
    p = _write(tmp_path, leaf=leaf, root=chain.root)
    text = openssl("x509", "-in", p["leaf"], "-noout", "-text", "-nameopt", "utf8").stdout
    assert "Signature Algorithm: SM2-with-SM3" in text
    assert "ASN1 OID: SM2" in text
    assert "Key Usage: critical\n                Digital Signature, Non Repudiation" in text
    assert "1.3.6.1.5.5.7.3.36" in text or "Document Signing" in text
    subject = openssl("x509", "-in", p["leaf"], "-noout", "-subject", "-nameopt", "utf8").stdout
    assert (
        subject.strip()
        == "subject=C=CN, O=某市市场监督管理局, CN=某局制章人, serialNumber=914403001922038216"
    )
    root_text = openssl("x509", "-in", p["root"], "-noout", "-text").stdout
    assert "CA:TRUE" in root_text and "Certificate Sign, CRL Sign" in root_text
    # cryptography parses them too (an independent X.509 reader)
    parsed = cx509.load_pem_x509_certificate(leaf.pem)
    assert parsed.extensions.get_extension_for_class(cx509.BasicConstraints).value.ca is False
    assert parsed.signature_algorithm_oid.dotted_string == x509.SM2_SM3_OID


def test_crl_signature_verifies_in_openssl(chain: ChainFactory, tmp_path: Path) -> None:
    leaf = chain.leaf()
    crl = chain.crl(chain.inter, (leaf,), number=7)
    crl_path = tmp_path / "crl.pem"
    crl_path.write_bytes(x509.to_pem(x509.PEM_CRL, crl.dump()))
    text = openssl("crl", "-in", crl_path, "-noout", "-text").stdout
    assert "Signature Algorithm: SM2-with-SM3" in text and "Key Compromise" in text
    assert format(leaf.cert.serial_number, "X") in text and "Next Update" in text
    # `openssl crl -verify` has no option for the SM2 ID (OpenSSL 3.0): it checks with the empty ID
    # and fails on a standard CRL. The signature itself is checked with `openssl dgst -sigopt distid`.
    p = _write(tmp_path, inter=chain.inter)
    pub = tmp_path / "inter-pub.pem"
    pub.write_text(openssl("x509", "-in", p["inter"], "-noout", "-pubkey").stdout)
    (tmp_path / "tbs.der").write_bytes(crl["tbs_cert_list"].dump())
    (tmp_path / "sig.der").write_bytes(crl["signature"].native)
    done = openssl(
        "dgst",
        "-sm3",
        "-verify",
        pub,
        "-sigopt",
        DISTID,
        "-signature",
        tmp_path / "sig.der",
        tmp_path / "tbs.der",
    )
    assert "Verified OK" in done.stdout
    tampered = tmp_path / "tbs.der"
    tampered.write_bytes(crl["tbs_cert_list"].dump()[:-1] + b"\x00")
    assert (
        openssl(
            "dgst",
            "-sm3",
            "-verify",
            pub,
            "-sigopt",
            DISTID,
            "-signature",
            tmp_path / "sig.der",
            tampered,
            check=False,
        ).returncode
        != 0
    )


def _openssl_chain(
    tmp_path: Path, sigopt: tuple[str, ...]
) -> tuple[asn1_x509.Certificate, asn1_x509.Certificate]:
    """A root and a leaf made entirely by the openssl command line."""
    openssl(
        "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "root.key", cwd=tmp_path
    )
    openssl(
        "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "leaf.key", cwd=tmp_path
    )
    (tmp_path / "ext.cnf").write_text(
        "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\n[leaf]\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:ossl.gov.example\n"
        "authorityKeyIdentifier=keyid\n"
    )
    openssl(
        "req", "-new", "-x509", "-key", "root.key", "-sm3", *sigopt, "-subj", "/C=CN/CN=OpenSSL Root",
        "-days", "30", "-extensions", "ca", "-config", "ext.cnf", "-out", "root.pem", cwd=tmp_path,
    )  # fmt: skip
    openssl(
        "req",
        "-new",
        "-key",
        "leaf.key",
        "-sm3",
        *sigopt,
        "-subj",
        "/C=CN/CN=ossl.gov.example",
        "-out",
        "leaf.csr",
        cwd=tmp_path,
    )
    openssl(
        "x509", "-req", "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key", "-sm3", *sigopt,
        *(("-vfyopt", sigopt[1]) if sigopt else ()), "-days", "10",
        "-extfile", "ext.cnf", "-extensions", "leaf", "-out", "leaf.pem",
        "-set_serial", "0x1234567890abcdef01", cwd=tmp_path,
    )  # fmt: skip
    root = x509.load_certificate((tmp_path / "root.pem").read_bytes(), "root.pem")
    leaf = x509.load_certificate((tmp_path / "leaf.pem").read_bytes(), "leaf.pem")
    return root, leaf


def test_openssl_made_chain_with_standard_id_verifies_in_govnet(tmp_path: Path) -> None:
    root, leaf = _openssl_chain(tmp_path, ("-sigopt", DISTID))
    verdict = verify_path(leaf, roots=[root], policy=Policy(purpose="tls-server"))
    assert [c.name for c in verdict.checks if c.status is not Status.PASSED] == [
        "revocation[leaf: ossl.gov.example]"
    ]
    assert verdict.checks[1].evidence == {"sm2_id": "default"}
    request = x509.load_csr((tmp_path / "leaf.csr").read_bytes(), "leaf.csr")
    assert x509.check_csr_signature(request, "leaf.csr")[1].signer_id is x509.SignerId.DEFAULT


def test_openssl_default_empty_id_is_named_and_allowed_only_by_policy(tmp_path: Path) -> None:
    root, leaf = _openssl_chain(tmp_path, ())
    verdict = verify_path(leaf, roots=[root])
    failed = {c.name: c for c in verdict.failures}
    assert failed["signature[leaf: ossl.gov.example]"].reason == EMPTY_ID_REFUSED
    assert failed["signature[root: OpenSSL Root]"].evidence == {"sm2_id": "empty"}
    verdict = verify_path(leaf, roots=[root], policy=Policy(allow_empty_sm2_id=True))
    assert not verdict.failures
    assert "EMPTY SM2 ID" in next(c.reason for c in verdict.checks if c.name.startswith("signature[leaf"))
    request = x509.load_csr((tmp_path / "leaf.csr").read_bytes(), "leaf.csr")
    assert x509.check_csr_signature(request, "leaf.csr")[1].signer_id is x509.SignerId.EMPTY
    # and OpenSSL agrees with govnet about which ID signed it
    assert openssl("verify", "-CAfile", tmp_path / "root.pem", tmp_path / "leaf.pem").returncode == 0


def test_openssl_ca_crls_are_read_and_their_sm2_id_policed(tmp_path: Path) -> None:
    root, leaf = _openssl_chain(tmp_path, ("-sigopt", DISTID))
    (tmp_path / "index.txt").write_text("")
    (tmp_path / "crlnumber").write_text("1000\n")
    (tmp_path / "ca.cnf").write_text(
        "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ncertificate = root.pem\n"
        "private_key = root.key\ndefault_md = sm3\ndefault_crl_days = 7\n"
    )
    openssl("ca", "-config", "ca.cnf", "-revoke", "leaf.pem", "-crl_reason", "keyCompromise", cwd=tmp_path)
    openssl("ca", "-config", "ca.cnf", "-gencrl", "-sigopt", DISTID, "-out", "standard.crl", cwd=tmp_path)
    openssl("ca", "-config", "ca.cnf", "-gencrl", "-out", "empty-id.crl", cwd=tmp_path)
    standard = x509.load_crl((tmp_path / "standard.crl").read_bytes(), "standard.crl")
    verdict = verify_path(leaf, roots=[root], crls=[standard])
    revocation = next(c for c in verdict.checks if c.name.startswith("revocation["))
    assert revocation.status is Status.FAILED
    assert "reason: keyCompromise (CRL #4096)" in revocation.reason  # crlnumber 1000 is hex
    empty = x509.load_crl((tmp_path / "empty-id.crl").read_bytes(), "empty-id.crl")
    verdict = verify_path(leaf, roots=[root], crls=[empty])
    revocation = next(c for c in verdict.checks if c.name.startswith("revocation["))
    assert revocation.status is Status.INDETERMINATE and EMPTY_ID_REFUSED in revocation.reason
    verdict = verify_path(leaf, roots=[root], crls=[empty], policy=Policy(allow_empty_sm2_id=True))
    assert next(c for c in verdict.checks if c.name.startswith("revocation[")).status is Status.FAILED
