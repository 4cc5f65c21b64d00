"""PKI and e-seal checks on a real PKI made with PkiService in a temporary GOVNET_HOME."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from govnet_cli import RunGovnet
from sqlalchemy import delete, text, update

from govnet.compliance.model import Outcome
from govnet.compliance.pki import PkiAsset, key_file_form, read_pki
from govnet.compliance.scan import run_check, scan
from govnet.pki import keys, keystore
from govnet.pki.schema import pki_certificates, pki_keys
from govnet.pki.seal import schema as _seal_schema  # noqa: F401  (the seal tables, before stores open)
from govnet.pki.service import IssueRequest, PkiService
from govnet.pki.sm2 import SM2PrivateKey
from govnet.settings import Settings, load_settings
from govnet.signing.schema import signing_audit  # the signing tables, before stores open

PASSPHRASE = "correct horse battery staple"
CODE = "914403001922038216"  # a valid unified social credit code (the seal tests')
PKI_CHECKS = (
    "pki.national-algorithms",
    "pki.key-protection",
    "pki.certificate-validity",
    "pki.chain-health",
    "pki.crl-freshness",
)


@pytest.fixture
def settings(isolated_govnet_home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
    # A cheap KDF: these tests judge the CA's store, not the KDF (keystore tests cover that).
    monkeypatch.setattr(keystore, "default_kdf", lambda: keystore.KdfParams.scrypt(n=1 << 10))
    return load_settings(home=isolated_govnet_home)


@pytest.fixture
def pki(settings: Settings) -> Iterator[PkiService]:
    with PkiService.open(settings) as service:
        service.init(name="CN=QA Root", intermediate=True)
        service.issue(IssueRequest(profile="device", subject="CN=r1"))
        service.publish_all_crls(days=7)
        yield service


def judge(settings: Settings, check_id: str, **options: object) -> tuple[Outcome, str, object]:
    j = run_check(check_id, read_pki(settings, **options))  # type: ignore[arg-type]
    return j.outcome, j.reason, j.evidence.value


def test_a_fresh_pki_passes_every_check_and_its_empty_audit_chain_is_not_applicable(
    pki: PkiService, settings: Settings
) -> None:
    asset = read_pki(settings)
    assert asset.problem == "" and len(asset.certificates) == 3 and len(asset.crls) == 2
    for check_id in PKI_CHECKS:
        j = run_check(check_id, asset)
        assert j.outcome is Outcome.PASS, (check_id, j.reason)
    audit = run_check("pki.audit-chain", asset)
    assert audit.outcome is Outcome.NOT_APPLICABLE and "no audit records" in audit.reason
    found = {(f.check, f.clause) for f in scan([asset], level=3).findings if f.asset == "pki"}
    assert ("pki.key-protection", "8.1.4.8 b") in found
    assert ("pki.crl-freshness", "8.1.4.1 a") in found
    assert ("pki.national-algorithms", "8.1.4.7 a") in found
    level2 = {f.check for f in scan([asset], level=2).findings if f.asset == "pki"}
    assert "pki.key-protection" not in level2 and "pki.chain-health" in level2


def _rsa_certificate() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "legacy-rsa")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        cx509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x1234567)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(Encoding.DER)


def _insert_certificate(service: PkiService, der: bytes, serial: str, subject: str) -> None:
    now = dt.datetime.now(dt.UTC)
    with service.store.begin() as conn:
        conn.execute(
            pki_certificates.insert().values(
                serial=serial,
                subject=subject,
                issuer=subject,
                issuer_serial=None,
                profile="device",
                not_before=now - dt.timedelta(days=1),
                not_after=now + dt.timedelta(days=365),
                der=der,
                status="valid",
                is_ca=False,
                key_id=None,
                created_at=now,
            )
        )


def test_an_rsa_sha256_certificate_in_the_store_fails_national_algorithms(
    pki: PkiService, settings: Settings
) -> None:
    _insert_certificate(pki, _rsa_certificate(), "01234567", "CN=legacy-rsa")
    outcome, reason, value = judge(settings, "pki.national-algorithms")
    assert outcome is Outcome.FAIL and "legacy-rsa" in reason
    assert value == [
        {
            "what": "certificate 01234567… (CN=legacy-rsa)",
            "key": "RSA (1.2.840.113549.1.1.1)",
            "signature": "SHA256 with RSA (1.2.840.113549.1.1.11)",
        }
    ]
    # The same certificate cannot chain to this PKI's root either.
    outcome, reason, _ = judge(settings, "pki.chain-health")
    assert outcome is Outcome.FAIL and "legacy-rsa" in reason


def test_a_plaintext_key_file_or_one_others_can_read_fails_key_protection(
    pki: PkiService, settings: Settings
) -> None:
    folder = settings.home / "pki" / "issued"
    folder.mkdir(parents=True)
    plain = folder / "r2.key"
    plain.write_bytes(keys.dump_sec1_pem(SM2PrivateKey.generate()))
    os.chmod(plain, 0o600)
    outcome, _, value = judge(settings, "pki.key-protection")
    assert outcome is Outcome.FAIL and value == [f"{plain}: a plaintext private key"]
    plain.unlink()
    shared = folder / "r3.key"
    shared.write_bytes(keys.dump_private_key_pem(SM2PrivateKey.generate(), "holder passphrase"))
    os.chmod(shared, 0o644)
    outcome, _, value = judge(settings, "pki.key-protection")
    assert outcome is Outcome.FAIL and value == [f"{shared}: mode 0o644, readable beyond its owner"]
    os.chmod(shared, 0o600)
    assert judge(settings, "pki.key-protection")[0] is Outcome.PASS
    # Key files given outside the home are judged too.
    elsewhere = settings.home.parent / f"{settings.home.name}-keys"
    elsewhere.mkdir()
    (elsewhere / "a.pem").write_bytes(keys.dump_sec1_pem(SM2PrivateKey.generate()))
    os.chmod(elsewhere / "a.pem", 0o600)
    assert judge(settings, "pki.key-protection", key_paths=[elsewhere])[0] is Outcome.FAIL


def test_a_stored_key_that_is_not_encrypted_and_a_readable_store_fail_key_protection(
    pki: PkiService, settings: Settings
) -> None:
    with pki.store.begin() as conn:
        row = conn.execute(pki_keys.select().where(pki_keys.c.custody == "held")).first()
        assert row is not None
        key_id, original = row.id, row.blob
        conn.execute(
            pki_keys.update()
            .where(pki_keys.c.id == key_id)
            .values(blob=keys.dump_sec1_pem(SM2PrivateKey.generate()))
        )
    outcome, reason, _ = judge(settings, "pki.key-protection")
    assert outcome is Outcome.FAIL and f"stored key {key_id}" in reason and "not encrypted" in reason
    with pki.store.begin() as conn:
        conn.execute(pki_keys.update().where(pki_keys.c.id == key_id).values(blob=original))
    assert judge(settings, "pki.key-protection")[0] is Outcome.PASS
    store_file = settings.home / "govnet.db"
    os.chmod(store_file, 0o644)
    outcome, reason, _ = judge(settings, "pki.key-protection")
    assert outcome is Outcome.FAIL and f"{store_file} (store): mode 0o644" in reason


def test_key_file_forms_are_told_apart() -> None:
    key = SM2PrivateKey.generate()
    assert key_file_form(keystore.encrypt_private_key(key, PASSPHRASE)) == "govnet-sm4-gcm"
    assert key_file_form(keys.dump_private_key_pem(key, PASSPHRASE)) == "encrypted-pkcs8"
    assert key_file_form(keys.dump_sec1_pem(key)) == "plaintext"
    assert key_file_form(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n") is None
    assert key_file_form(b"-----BEGIN EC PRIVATE KEY-----\nnot base64!\n") == "plaintext"


def test_certificates_expiring_soon_or_expired_fail_and_a_renewed_one_is_history(
    pki: PkiService, settings: Settings
) -> None:
    short = pki.issue(IssueRequest(profile="device", subject="CN=r9", days=10)).record
    outcome, reason, _ = judge(settings, "pki.certificate-validity")
    assert outcome is Outcome.FAIL and "1 expiring" in reason and "CN=r9" in reason
    assert judge(settings, "pki.certificate-validity", expiring_days=5)[0] is Outcome.PASS
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=11)
    outcome, reason, _ = judge(settings, "pki.certificate-validity", at=later, expiring_days=5)
    assert outcome is Outcome.FAIL and "1 expired" in reason and short.serial[:16] in reason
    # Renewed: the expired one is superseded by a later certificate of the same subject and profile.
    pki.issue(IssueRequest(profile="device", subject="CN=r9", days=365))
    assert judge(settings, "pki.certificate-validity", at=later, expiring_days=5)[0] is Outcome.PASS


def test_a_revoked_certificate_is_not_judged_for_validity_or_chain(
    pki: PkiService, settings: Settings
) -> None:
    short = pki.issue(IssueRequest(profile="device", subject="CN=gone", days=3)).record
    assert judge(settings, "pki.certificate-validity")[0] is Outcome.FAIL
    pki.revoke(short.serial, "cessationOfOperation")
    assert judge(settings, "pki.certificate-validity")[0] is Outcome.PASS


def test_a_certificate_from_another_ca_has_a_broken_chain(
    pki: PkiService, settings: Settings, tmp_path: Path
) -> None:
    other = settings.model_copy(update={"store_url": f"sqlite:///{tmp_path / 'other.db'}"})
    with PkiService.open(other) as stranger:
        stranger.init(name="CN=Stranger Root")
        foreign = stranger.issue(IssueRequest(profile="device", subject="CN=foreign")).record
    _insert_certificate(pki, foreign.der, foreign.serial, foreign.subject)
    outcome, reason, value = judge(settings, "pki.chain-health")
    assert outcome is Outcome.FAIL and "CN=foreign" in reason
    assert isinstance(value, list) and len(value) == 1 and "chain:" in value[0]
    assert judge(settings, "pki.national-algorithms")[0] is Outcome.PASS  # SM2 all the same


def test_crls_missing_or_past_next_update_fail(settings: Settings) -> None:
    with PkiService.open(settings) as service:
        service.init(name="CN=QA Root", intermediate=True)
        outcome, reason, value = judge(settings, "pki.crl-freshness")
        assert outcome is Outcome.FAIL and "no CRL published" in reason and len(value) == 2  # type: ignore[arg-type]
        service.publish_crl(days=3)  # the issuing CA's only
        outcome, reason, value = judge(settings, "pki.crl-freshness")
        assert outcome is Outcome.FAIL and value == ["root CA CN=QA Root, C=CN: no CRL published"]
        service.publish_all_crls(days=3)
    assert judge(settings, "pki.crl-freshness")[0] is Outcome.PASS
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    outcome, reason, _ = judge(settings, "pki.crl-freshness", at=later)
    assert outcome is Outcome.FAIL and reason.count("passed") == 2


def _audited(pki: PkiService, settings: Settings) -> None:
    """Six real audit records, written by the signing service's own administrative operations (each
    appends its record to the chain), and the chain's head signed with a tls-server key's SM2."""
    from govnet.signing.access import Principal
    from govnet.signing.service import SigningService

    server = pki.issue(
        IssueRequest(profile="tls-server", subject="CN=signing.test", san=("DNS:signing.test",))
    )
    settings.service.audit_signer = server.record.serial
    service = SigningService(pki.store, settings)
    admin = Principal("root-admin", "admin")
    for client in ("tax-bureau", "land-bureau"):
        service.add_client(admin, client)
        token = service.issue_token(admin, client)
    service.revoke_token(admin, token.id)
    service.revoke_client(admin, "land-bureau")
    assert service.audit.sign_head() == 6


def _tamper(pki: PkiService, *statements: Any) -> None:
    with pki.store.begin() as conn:
        for statement in statements:
            conn.execute(statement)


def test_an_intact_audit_chain_passes_and_one_tampered_with_fails_naming_where(
    pki: PkiService, settings: Settings
) -> None:
    _audited(pki, settings)
    outcome, reason, value = judge(settings, "pki.audit-chain")
    assert outcome is Outcome.PASS and value == "PASSED", reason
    # a record's content changed: its hash no longer matches
    _tamper(pki, update(signing_audit).where(signing_audit.c.seq == 3).values(result="refused"))
    outcome, reason, value = judge(settings, "pki.audit-chain")
    assert outcome is Outcome.FAIL and value == "FAILED" and "record[3]: record 3 was changed" in reason


def test_a_removed_or_reordered_audit_record_fails_naming_where(pki: PkiService, settings: Settings) -> None:
    _audited(pki, settings)
    _tamper(
        pki,
        update(signing_audit).where(signing_audit.c.seq == 2).values(seq=-2),
        update(signing_audit).where(signing_audit.c.seq == 3).values(seq=2),
        update(signing_audit).where(signing_audit.c.seq == -2).values(seq=3),
    )
    outcome, reason, _ = judge(settings, "pki.audit-chain")
    assert outcome is Outcome.FAIL and "record[2]" in reason and "record[3]" in reason
    _tamper(pki, delete(signing_audit).where(signing_audit.c.seq == 4))
    outcome, reason, _ = judge(settings, "pki.audit-chain")
    assert outcome is Outcome.FAIL and "sequence[5]: records 4..4 are missing" in reason


def test_an_audit_chain_that_cannot_be_read_is_an_error(pki: PkiService, settings: Settings) -> None:
    _audited(pki, settings)
    _tamper(pki, text("DROP TABLE signing_audit"))
    outcome, reason, _ = judge(settings, "pki.audit-chain")
    assert outcome is Outcome.ERROR and "the audit chain could not be read" in reason
    assert "signing_audit" in reason


def test_the_audit_chain_is_not_applicable_without_the_signing_service(
    pki: PkiService, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "govnet.signing.audit", None)  # the module is absent: ImportError
    outcome, reason, _ = judge(settings, "pki.audit-chain")
    assert outcome is Outcome.NOT_APPLICABLE and "govnet.signing.audit is absent" in reason


def test_no_pki_or_an_unreadable_store_is_an_error_asset(settings: Settings, tmp_path: Path) -> None:
    empty = read_pki(settings)
    assert "holds no PKI" in empty.problem
    assert {run_check(c, empty).outcome for c in PKI_CHECKS} == {Outcome.ERROR}
    (tmp_path / "a-folder.db").mkdir()
    broken = read_pki(settings.model_copy(update={"store_url": f"sqlite:///{tmp_path / 'a-folder.db'}"}))
    assert broken.problem.startswith("the PKI store cannot be") and isinstance(broken, PkiAsset)


def test_comply_scan_assets_pki_judges_the_configured_pki(
    pki: PkiService, settings: Settings, run_govnet: RunGovnet
) -> None:
    env = {"GOVNET_PKI_PASSPHRASE": PASSPHRASE}
    out = settings.home / "report"
    done = run_govnet(
        "comply", "scan", "--assets", "pki", "--no-store", "-f", "json", "-o", str(out), env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # the console's JSON lists failures and errors only; the written report has every finding
    report = json.loads((out / "compliance.json").read_text(encoding="utf-8"))
    assert report["assets"][0]["type"] == "pki" and report["summary"]["fail"] == 0
    judged = {f["check"]: f["outcome"] for f in report["findings"] if f["asset"] == "pki"}
    assert judged["pki.chain-health"] == "pass" and judged["pki.audit-chain"] == "not_applicable"
    (settings.home / "pki").mkdir(exist_ok=True)
    loose = settings.home / "pki" / "loose.key"
    loose.write_bytes(keys.dump_sec1_pem(SM2PrivateKey.generate()))
    os.chmod(loose, 0o644)
    done = run_govnet("comply", "scan", "--assets", "pki", "--no-store", "--json", env=env)
    assert done.returncode == 1
    failing = [f for f in json.loads(done.stdout)["findings"] if f["outcome"] == "fail"]
    assert {f["check"] for f in failing} == {"pki.key-protection"} and "chmod 600" in failing[0]["remedy"]
    done = run_govnet("comply", "scan", "--assets", "pki", "--pki-keys", str(settings.home / "nope"))
    assert done.returncode == 2 and "no such file or folder" in done.stderr and "Traceback" not in done.stderr


def test_seals_are_judged_for_national_algorithms(pki: PkiService, settings: Settings) -> None:
    from govnet.pki.keysource import KeyInput
    from govnet.pki.seal.picture import round_seal_png
    from govnet.pki.seal.schema import seal_seals
    from govnet.pki.seal.service import MakeSealRequest, SealService

    holder = "holder passphrase"
    maker = pki.issue(
        IssueRequest(
            profile="seal-maker",
            subject="CN=制章中心",
            organisation="示例局",
            credit_code=CODE,
            key_passphrase=holder,
        )
    )
    signer = pki.issue(IssueRequest(profile="signer", subject="CN=王小明", key_passphrase=holder))
    seals = SealService(pki.store, settings)
    request = MakeSealRequest(
        name="示例局公章", picture=round_seal_png(48), signer_serials=(signer.record.serial,)
    )
    made = seals.make(request, KeyInput(maker.key_file or b"", "maker.key", holder))
    asset = read_pki(settings)
    assert [s.es_id for s in asset.seals] == [made.es_id]
    assert run_check("pki.national-algorithms", asset).outcome is Outcome.PASS
    # The seal's own signature algorithm (the last SM2-with-SM3 OID, after the maker's certificate)
    # rewritten to RSA-with-SM3 (1.2.156.10197.1.504): the seal no longer uses national algorithms.
    sm2_sm3, rsa_sm3 = bytes.fromhex("2a811ccf55018375"), bytes.fromhex("2a811ccf55018378")
    at = made.der.rindex(sm2_sm3)
    forged = made.der[:at] + rsa_sm3 + made.der[at + len(sm2_sm3) :]
    with pki.store.begin() as conn:
        conn.execute(seal_seals.update().where(seal_seals.c.es_id == made.es_id).values(der=forged))
    outcome, reason, value = judge(settings, "pki.national-algorithms")
    assert outcome is Outcome.FAIL and f"seal {made.es_id}" in reason
    assert value == [{"what": f"seal {made.es_id}", "signature": "1.2.156.10197.1.504"}]


def test_a_passphrase_file_others_can_read_fails_key_protection(pki: PkiService, settings: Settings) -> None:
    secret = settings.home / "pki.passphrase"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    os.chmod(secret, 0o600)
    with_file = settings.model_copy(
        update={"pki": settings.pki.model_copy(update={"passphrase_file": secret})}
    )
    assert judge(with_file, "pki.key-protection")[0] is Outcome.PASS
    os.chmod(secret, 0o640)
    outcome, reason, _ = judge(with_file, "pki.key-protection")
    assert outcome is Outcome.FAIL and f"{secret} (passphrase): mode 0o640" in reason
