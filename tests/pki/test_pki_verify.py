"""Path validation: every check named, every failure said precisely."""

from __future__ import annotations

import datetime as dt

import pytest
from asn1crypto import x509 as asn1_x509
from pki_chains import NOW, ChainFactory

from govnet.errors import InputError
from govnet.pki import x509
from govnet.pki.verify import EMPTY_ID_REFUSED, Policy, verify_path
from govnet.verdict import Status, Verdict


def _check(verdict: Verdict, prefix: str) -> tuple[Status, str]:
    found = [c for c in verdict.checks if c.name.startswith(prefix)]
    assert found, f"no check {prefix!r} in {[c.name for c in verdict.checks]}"
    return found[0].status, found[0].reason


def test_good_chain_with_fresh_crls_passes(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    crls = [chain.crl(chain.inter), chain.crl(chain.root)]
    verdict = verify_path(
        leaf.cert,
        intermediates=[chain.inter.cert],
        roots=[chain.root.cert],
        crls=crls,
        policy=Policy(purpose="tls-server"),
    )
    assert verdict.status is Status.PASSED, verdict.summary()
    names = [c.name for c in verdict.checks]
    assert names[0] == "chain"
    assert "signature[leaf: www.gov.example]" in names
    assert "revocation[intermediate: Test Issuing CA]" in names
    assert not any(n.startswith("revocation[root") for n in names)  # a trust anchor has no CRL
    assert _check(verdict, "signature[leaf")[1].endswith("1234567812345678")


def test_without_crl_the_verdict_is_indeterminate(chain: ChainFactory) -> None:
    verdict = verify_path(chain.leaf().cert, intermediates=[chain.inter.cert], roots=[chain.root.cert])
    assert verdict.status is Status.INDETERMINATE
    status, reason = _check(verdict, "revocation[leaf")
    assert status is Status.INDETERMINATE and "no CRL from 'Test Issuing CA'" in reason


def test_revoked_leaf_fails_with_reason(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    crls = [chain.crl(chain.inter, (leaf,)), chain.crl(chain.root)]
    verdict = verify_path(leaf.cert, intermediates=[chain.inter.cert], roots=[chain.root.cert], crls=crls)
    assert verdict.status is Status.FAILED
    assert [c.name for c in verdict.failures] == ["revocation[leaf: www.gov.example]"]
    assert "reason: keyCompromise (CRL #1)" in verdict.failures[0].reason
    assert verdict.failures[0].evidence["revocation_reason"] == "keyCompromise"


def test_the_newest_crl_is_the_one_consulted(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    crls = [
        chain.crl(chain.inter, number=1),
        chain.crl(chain.inter, (leaf,), number=2),
        chain.crl(chain.root),
    ]
    verdict = verify_path(
        leaf.cert, intermediates=[chain.inter.cert], roots=[chain.root.cert], crls=crls[::-1]
    )
    assert verdict.failures[0].evidence["crl_number"] == 2


def test_an_intermediate_can_be_the_trust_anchor(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    verdict = verify_path(leaf.cert, roots=[chain.inter.cert], crls=[chain.crl(chain.inter)])
    assert verdict.status is Status.PASSED, verdict.summary()
    assert _check(verdict, "signature[anchor: Test Issuing CA]")[1] == "a trust anchor: trusted as configured"


def test_stale_crl_is_indeterminate(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    crls = [chain.crl(chain.inter, days=1), chain.crl(chain.root, days=1)]
    later = NOW + dt.timedelta(days=3)
    verdict = verify_path(
        leaf.cert,
        intermediates=[chain.inter.cert],
        roots=[chain.root.cert],
        crls=crls,
        policy=Policy(at=later),
    )
    status, reason = _check(verdict, "revocation[leaf")
    assert status is Status.INDETERMINATE and "expired on" in reason


def test_expired_and_not_yet_valid(chain: ChainFactory) -> None:
    leaf = chain.leaf(days=30)
    crls = [chain.crl(chain.inter, days=400), chain.crl(chain.root, days=400)]
    common = {"intermediates": [chain.inter.cert], "roots": [chain.root.cert], "crls": crls}
    verdict = verify_path(leaf.cert, **common, policy=Policy(at=NOW + dt.timedelta(days=60)))  # type: ignore[arg-type]
    assert [c.name for c in verdict.failures] == ["validity[leaf: www.gov.example]"]
    assert verdict.failures[0].reason.startswith("expired on")
    verdict = verify_path(leaf.cert, **common, policy=Policy(at=NOW - dt.timedelta(days=1)))  # type: ignore[arg-type]
    assert any(c.reason.startswith("not valid before") for c in verdict.failures)


def test_untrusted_root_fails_the_chain(chain: ChainFactory) -> None:
    other = ChainFactory()
    verdict = verify_path(
        chain.leaf().cert, intermediates=[chain.inter.cert, chain.root.cert], roots=[other.root.cert]
    )
    status, reason = _check(verdict, "chain")
    assert status is Status.FAILED and "not a trusted root" in reason
    verdict = verify_path(chain.leaf().cert, roots=[chain.root.cert])
    status, reason = _check(verdict, "chain")
    assert status is Status.FAILED and "no issuer 'CN=Test Issuing CA, C=CN'" in reason


def test_tampered_certificate_fails_its_signature(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    der = bytearray(leaf.cert.dump())
    index = der.find(b"www.gov.example")
    der[index] ^= 0x01  # the subject now says vww.gov.example
    tampered = asn1_x509.Certificate.load(bytes(der))
    verdict = verify_path(tampered, intermediates=[chain.inter.cert], roots=[chain.root.cert])
    assert _check(verdict, "signature[leaf")[0] is Status.FAILED
    assert "does not verify" in _check(verdict, "signature[leaf")[1]


def test_end_entity_cannot_issue(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    grandchild = chain.make("device", "CN=router-01", leaf)
    verdict = verify_path(
        grandchild.cert, intermediates=[leaf.cert, chain.inter.cert], roots=[chain.root.cert]
    )
    failed = {c.name: c.reason for c in verdict.failures}
    assert "not a CA" in failed["basic_constraints[intermediate: www.gov.example]"]
    assert "lacks keyCertSign" in failed["key_usage[intermediate: www.gov.example]"]


def test_path_length_constraint(chain: ChainFactory) -> None:
    sub = chain.make("intermediate", "CN=Sub CA", chain.inter)  # the intermediate has pathlen 0
    leaf = chain.make("device", "CN=router-02", sub)
    verdict = verify_path(leaf.cert, intermediates=[sub.cert, chain.inter.cert], roots=[chain.root.cert])
    status, reason = _check(verdict, "basic_constraints[intermediate: Test Issuing CA]")
    assert status is Status.FAILED and "exceeds its pathLenConstraint 0" in reason


def test_purpose_checks_key_usage_and_eku(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    verdict = verify_path(
        leaf.cert, intermediates=[chain.inter.cert], roots=[chain.root.cert], policy=Policy(purpose="signer")
    )
    status, reason = _check(verdict, "key_usage[leaf")
    assert status is Status.FAILED
    assert "key usage lacks non_repudiation" in reason and "1.3.6.1.5.5.7.3.36" in reason
    with pytest.raises(InputError, match="unknown profile"):
        verify_path(leaf.cert, roots=[chain.root.cert], policy=Policy(purpose="nope"))


def test_empty_sm2_id_is_recognised_and_refused_unless_allowed(chain: ChainFactory) -> None:
    leaf = chain.make("device", "CN=router-03", chain.inter, sm2_id=b"")
    crls = [chain.crl(chain.inter), chain.crl(chain.root)]
    common = {"intermediates": [chain.inter.cert], "roots": [chain.root.cert], "crls": crls}
    verdict = verify_path(leaf.cert, **common)  # type: ignore[arg-type]
    assert [c.name for c in verdict.failures] == ["signature[leaf: router-03]"]
    assert verdict.failures[0].reason == EMPTY_ID_REFUSED
    assert verdict.failures[0].evidence == {"sm2_id": "empty"}
    verdict = verify_path(leaf.cert, **common, policy=Policy(allow_empty_sm2_id=True))  # type: ignore[arg-type]
    assert verdict.status is Status.PASSED
    assert "EMPTY SM2 ID" in _check(verdict, "signature[leaf")[1]


def test_crl_from_a_stranger_is_ignored(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    impostor = ChainFactory()
    forged = x509.build_crl(
        issuer=x509.Issuer(chain.inter.cert.subject, b"\x00" * 20, impostor.inter.key),
        number=9,
        this_update=NOW,
        next_update=NOW + dt.timedelta(days=1),
        revoked=[],
    )
    verdict = verify_path(leaf.cert, intermediates=[chain.inter.cert], roots=[chain.root.cert], crls=[forged])
    status, reason = _check(verdict, "revocation[leaf")
    assert status is Status.INDETERMINATE and "does not verify" in reason


def test_unrecognised_critical_extension_fails(chain: ChainFactory) -> None:
    leaf = chain.leaf()
    tbs = leaf.cert["tbs_certificate"].copy()
    odd_extension = asn1_x509.Extension({"extn_id": "1.2.3.4.5", "critical": True, "extn_value": b"\x05\x00"})
    tbs["extensions"] = [*tbs["extensions"], odd_extension]
    signature = chain.inter.key.sign(tbs.dump())
    odd = asn1_x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": x509.SM2_SM3_OID},
            "signature_value": signature,
        }
    )
    verdict = verify_path(odd, intermediates=[chain.inter.cert], roots=[chain.root.cert])
    assert [c.name for c in verdict.failures] == ["critical_extensions[leaf: www.gov.example]"]
    assert "1.2.3.4.5" in verdict.failures[0].reason


def test_malformed_files_are_named_with_their_line(chain: ChainFactory) -> None:
    bundle = (
        chain.root.pem + b"\n" + b"-----BEGIN CERTIFICATE-----\nMIIB!!notbase64\n-----END CERTIFICATE-----\n"
    )
    second = chain.root.pem.count(b"\n") + 2  # the line where the second block begins
    with pytest.raises(
        InputError, match=rf"^bundle\.pem: line {second}: the CERTIFICATE block is not valid base64$"
    ):
        x509.load_certificates(bundle, "bundle.pem")
    truncated = chain.root.pem.split(b"-----END")[0]
    with pytest.raises(InputError, match=r"^cut\.pem: line 1: the CERTIFICATE block has no END line$"):
        x509.load_certificates(truncated, "cut.pem")
    good_then_bad = chain.root.pem + x509.to_pem(x509.PEM_CERTIFICATE, b"\x30\x03\x02\x01\x01")
    with pytest.raises(InputError, match=rf"^two\.pem: line {second - 1}: not a valid X\.509 certificate"):
        x509.load_certificates(good_then_bad, "two.pem")
    with pytest.raises(InputError, match=r"^raw\.der: not a valid X\.509 certificate"):
        x509.load_certificate(b"\x30\x03\x02\x01\x01", "raw.der")
