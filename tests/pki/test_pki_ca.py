"""The CA's service functions, on SQLite and on PostgreSQL: what they make and what they refuse."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto import x509 as asn1_x509
from sqlalchemy import func, select

from govnet.errors import InputError, NotFoundError, SecretError
from govnet.pki import ca, x509
from govnet.pki.profiles import parse_subject
from govnet.pki.schema import pki_certificates, pki_keys
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.verify import Policy, verify_path
from govnet.settings import Settings
from govnet.store import Store
from govnet.verdict import Status

CODE = "914403001922038216"

pytestmark = pytest.mark.usefixtures("cheap_kdf")


@pytest.fixture
def authority(store: Store, pki_settings: Settings) -> ca.InitResult:
    return ca.init_ca(
        store,
        pki_settings,
        name="CN=某市电子政务根CA",
        organisation="某市政务服务数据管理局",
        credit_code=CODE,
        intermediate_name="CN=某市电子政务业务CA",
    )


def _count(store: Store) -> tuple[int, int]:
    with store.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(pki_certificates)).scalar_one(),
            conn.execute(select(func.count()).select_from(pki_keys)).scalar_one(),
        )


def test_init_makes_a_gm_t_0015_root_and_intermediate(store: Store, authority: ca.InitResult) -> None:
    root = authority.root.certificate
    assert root.self_signed == "maybe"  # asn1crypto: same name and key ids; the signature is checked below
    assert root.ca and root.max_path_length is None
    assert root.key_usage_value.native == {"key_cert_sign", "crl_sign"}
    assert root.key_identifier == root.authority_key_identifier
    assert root.crl_distribution_points[0]["distribution_point"].native[0].startswith("file://")
    assert (
        x509.check_certificate_signature(root, x509.certificate_public_key(root)).signer_id
        is x509.SignerId.DEFAULT
    )
    inter = authority.intermediate
    assert inter is not None and inter.certificate.max_path_length == 0
    assert inter.certificate.authority_key_identifier == root.key_identifier
    assert ca.issuing_authority(store).record.serial == inter.serial
    assert [a.role for a in ca.authorities(store)] == ["root", "intermediate"]


def test_init_runs_once(store: Store, pki_settings: Settings, authority: ca.InitResult) -> None:
    with pytest.raises(InputError, match="already has a certificate authority"):
        ca.init_ca(store, pki_settings, name="CN=again")


def test_ca_keys_are_encrypted_at_rest(
    store: Store, pki_settings: Settings, authority: ca.InitResult
) -> None:
    with store.connect() as conn:
        blob = conn.execute(
            select(pki_keys.c.blob).where(pki_keys.c.id == authority.root.key_id)
        ).scalar_one()
    assert b"GOVNET SM2 PRIVATE KEY" in blob
    key = ca.private_key_of(store, pki_settings, authority.root.serial)
    assert key.secret_scalar_bytes() not in blob
    assert key.public_key() == x509.certificate_public_key(authority.root.certificate)


def test_issue_for_generated_keys_and_verify(
    store: Store, pki_settings: Settings, authority: ca.InitResult
) -> None:
    seal = ca.issue_certificate(
        store,
        pki_settings,
        profile="seal-maker",
        subject="CN=制章人",
        organisation="某市市场监督管理局",
        credit_code=CODE,
    )
    device = ca.issue_certificate(
        store, pki_settings, profile="device", subject="CN=r1", san=["r1.gov.example"]
    )
    serials = {seal.record.serial, device.record.serial, authority.root.serial}
    assert len(serials) == 3 and all(int(s, 16).bit_length() >= 64 for s in serials)
    assert seal.private_key is not None
    assert ca.private_key_of(store, pki_settings, seal.record.serial) == seal.private_key
    cert = seal.record.certificate
    assert cert.extended_key_usage_value.native == ["document_signing"]
    assert cert.subject.native["serial_number"] == CODE
    assert [r.serial for r in seal.chain] == [authority.intermediate.serial, authority.root.serial]  # type: ignore[union-attr]
    ca.issue_crl(store, pki_settings)
    ca.issue_crl(store, pki_settings, ca_serial=authority.root.serial)
    crls = [x509.load_crl(d, "store") for d in ca.latest_crls(store)]
    verdict = verify_path(
        cert,
        intermediates=[r.certificate for r in seal.chain],
        roots=[authority.root.certificate],
        crls=crls,
        policy=Policy(purpose="seal-maker"),
    )
    assert verdict.status is Status.PASSED, verdict.summary()


def test_issue_from_csr_checks_its_signature(
    store: Store, pki_settings: Settings, authority: ca.InitResult
) -> None:
    key = SM2PrivateKey.generate()
    request = x509.build_csr(parse_subject("CN=张三,O=某市人社局", credit_code=CODE), key)
    issued = ca.issue_certificate(
        store, pki_settings, profile="signer", csr_data=request.dump(), csr_source="z.csr"
    )
    assert issued.private_key is None and issued.csr_signer_id is x509.SignerId.DEFAULT
    assert x509.certificate_public_key(issued.record.certificate) == key.public_key()
    assert issued.record.subject == f"serialNumber={CODE}, CN=张三, O=某市人社局, C=CN"
    before = _count(store)
    forged = x509.build_csr(parse_subject("CN=李四"), key).dump()
    forged = forged[:-8] + bytes(8)  # break the signature's last bytes
    with pytest.raises(InputError) as info:
        ca.issue_certificate(store, pki_settings, profile="signer", csr_data=forged, csr_source="forged.csr")
    assert "forged.csr" in str(info.value)
    with pytest.raises(InputError, match=r"garbage\.csr: not a valid PKCS#10"):
        ca.issue_certificate(
            store, pki_settings, profile="signer", csr_data=b"\x30\x03\x02\x01", csr_source="garbage.csr"
        )
    with pytest.raises(InputError, match="no PEM block"):
        ca.issue_certificate(
            store,
            pki_settings,
            profile="signer",
            csr_data=b"-----BEGIN X-----\nAA==\n-----END X-----\n",
            csr_source="x",
        )
    assert _count(store) == before


def test_csr_signed_with_the_empty_id_needs_the_operators_consent(
    store: Store, pki_settings: Settings, authority: ca.InitResult
) -> None:
    key = SM2PrivateKey.generate()
    request = x509.build_csr(parse_subject("CN=r2"), key)
    info = request["certification_request_info"]
    request = type(request)(
        {
            "certification_request_info": info,
            "signature_algorithm": {"algorithm": x509.SM2_SM3_OID},
            "signature": key.sign(info.dump(), id=b""),
        }
    )
    with pytest.raises(InputError, match="EMPTY SM2 ID"):
        ca.issue_certificate(store, pki_settings, profile="device", csr_data=request.dump())
    relaxed = pki_settings.model_copy(
        update={"pki": pki_settings.pki.model_copy(update={"allow_empty_sm2_id": True})}
    )
    issued = ca.issue_certificate(store, relaxed, profile="device", csr_data=request.dump())
    assert issued.csr_signer_id is x509.SignerId.EMPTY
    # what govnet signs always uses the default ID, whatever the request used
    chain_key = x509.certificate_public_key(issued.chain[0].certificate)
    assert (
        x509.check_certificate_signature(issued.record.certificate, chain_key).signer_id
        is x509.SignerId.DEFAULT
    )


def test_passphrase_problems_write_nothing(
    store: Store, pki_settings: Settings, authority: ca.InitResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _count(store)
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", "not the passphrase")
    with pytest.raises(SecretError) as info:
        ca.issue_certificate(store, pki_settings, profile="device", subject="CN=r3")
    assert "wrong passphrase or corrupted key file" in str(info.value)
    assert "not the passphrase" not in str(info.value)
    monkeypatch.delenv("GOVNET_PKI_PASSPHRASE")
    with pytest.raises(SecretError, match="GOVNET_PKI_PASSPHRASE"):
        ca.issue_certificate(store, pki_settings, profile="device", subject="CN=r3")
    assert _count(store) == before


def test_issue_refuses_bad_requests(store: Store, pki_settings: Settings, authority: ca.InitResult) -> None:
    cases = [
        ({"profile": "root", "subject": "CN=x"}, "is for CAs"),
        ({"profile": "tls-server", "subject": "CN=x"}, "DNS name or IP address is required"),
        (
            {
                "profile": "seal-maker",
                "subject": "CN=x",
                "organisation": "O",
                "credit_code": "914403001922038217",
            },
            "check character",
        ),
        ({"profile": "device"}, "give the subject"),
        ({"profile": "device", "subject": "CN=x", "days": 0}, "must be between 1 and"),
    ]
    for kwargs, message in cases:
        with pytest.raises(InputError, match=message):
            ca.issue_certificate(store, pki_settings, **kwargs)  # type: ignore[arg-type]


def test_issue_needs_a_ca(store: Store, pki_settings: Settings) -> None:
    with pytest.raises(NotFoundError, match="govnet pki init"):
        ca.issue_certificate(store, pki_settings, profile="device", subject="CN=x")


def test_leaf_never_outlives_its_issuer(
    store: Store, pki_settings: Settings, authority: ca.InitResult
) -> None:
    issued = ca.issue_certificate(store, pki_settings, profile="device", subject="CN=r4", days=100 * 365)
    assert issued.record.not_after == authority.intermediate.not_after  # type: ignore[union-attr]


def test_revoke_and_crl(store: Store, pki_settings: Settings, authority: ca.InitResult) -> None:
    a = ca.issue_certificate(store, pki_settings, profile="device", subject="CN=a").record
    b = ca.issue_certificate(store, pki_settings, profile="device", subject="CN=b").record
    first = ca.issue_crl(store, pki_settings)
    assert first.number == 1 and first.revoked == 0
    revoked = ca.revoke_certificate(
        store, ":".join(a.serial[i : i + 2] for i in range(0, len(a.serial), 2)), "keyCompromise"
    )
    assert revoked.status == "revoked" and revoked.reason == "keyCompromise"
    second = ca.issue_crl(store, pki_settings, days=1)
    assert second.number == 2 and second.revoked == 1
    crl = x509.load_crl(second.der, "crl")
    assert [e["user_certificate"].native for e in crl["tbs_cert_list"]["revoked_certificates"]] == [
        int(a.serial, 16)
    ]
    assert crl["tbs_cert_list"]["next_update"].native - crl["tbs_cert_list"][
        "this_update"
    ].native == dt.timedelta(days=1)
    inter_key = x509.certificate_public_key(authority.intermediate.certificate)  # type: ignore[union-attr]
    assert x509.check_crl_signature(crl, inter_key).signer_id is x509.SignerId.DEFAULT
    assert ca.latest_crls(store) == [second.der]
    assert [r.serial for r in ca.list_certificates(store, status="revoked")] == [a.serial]
    assert {r.serial for r in ca.list_certificates(store, profile="device", status="valid")} == {b.serial}


def test_revoke_refusals(store: Store, pki_settings: Settings, authority: ca.InitResult) -> None:
    leaf = ca.issue_certificate(store, pki_settings, profile="device", subject="CN=c").record
    with pytest.raises(NotFoundError, match="no certificate with serial abc"):
        ca.revoke_certificate(store, "abc")
    with pytest.raises(InputError, match="not a hexadecimal number"):
        ca.revoke_certificate(store, "xyz")
    with pytest.raises(InputError, match="unknown revocation reason 'lost'"):
        ca.revoke_certificate(store, leaf.serial, "lost")
    with pytest.raises(InputError, match="is the root CA"):
        ca.revoke_certificate(store, authority.root.serial)
    ca.revoke_certificate(store, leaf.serial, "superseded")
    with pytest.raises(InputError, match="already revoked"):
        ca.revoke_certificate(store, leaf.serial)


def test_revoked_intermediate_lands_on_the_roots_crl(
    store: Store, pki_settings: Settings, authority: ca.InitResult
) -> None:
    assert authority.intermediate is not None
    leaf = ca.issue_certificate(store, pki_settings, profile="device", subject="CN=d").record
    ca.revoke_certificate(store, authority.intermediate.serial, "cACompromise")
    root_crl = ca.issue_crl(store, pki_settings, ca_serial=authority.root.serial)
    ca.issue_crl(store, pki_settings)
    assert root_crl.revoked == 1
    verdict = verify_path(
        leaf.certificate,
        intermediates=[authority.intermediate.certificate],
        roots=[authority.root.certificate],
        crls=[x509.load_crl(d, "store") for d in ca.latest_crls(store)],
    )
    assert [c.name for c in verdict.failures] == ["revocation[intermediate: 某市电子政务业务CA]"]
    assert "cACompromise" in verdict.failures[0].reason


def test_certificates_round_trip_through_pem_and_der(
    store: Store, pki_settings: Settings, authority: ca.InitResult
) -> None:
    record = ca.issue_certificate(store, pki_settings, profile="device", subject="CN=e").record
    assert x509.load_certificate(record.pem, "pem").dump() == record.der
    assert x509.load_certificate(record.der, "der").dump() == record.der
    bundle = b"".join(r.pem for r in ca.chain_of(store, record.serial))
    assert [c.subject.native["common_name"] for c in x509.load_certificates(bundle, "bundle")] == [
        "e",
        "某市电子政务业务CA",
        "某市电子政务根CA",
    ]
    assert isinstance(record.certificate, asn1_x509.Certificate)


def test_concurrent_workers_get_unique_serials_and_crl_numbers(
    store: Store, pki_settings: Settings, authority: ca.InitResult
) -> None:
    signer = ca.open_signer(store, pki_settings)
    csr = x509.build_csr(parse_subject("CN=worker"), SM2PrivateKey.generate()).dump()

    def worker(index: int) -> tuple[list[str], list[int]]:
        serials, numbers = [], []
        for _ in range(3):
            issued = ca.issue_certificate(store, pki_settings, profile="device", csr_data=csr, signer=signer)
            serials.append(issued.record.serial)
            numbers.append(ca.issue_crl(store, pki_settings).number)
        return serials, numbers

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(worker, range(4)))
    serials = [s for r in results for s in r[0]]
    numbers = [n for r in results for n in r[1]]
    assert len(set(serials)) == 12
    assert sorted(numbers) == list(range(1, 13))  # every CRL got its own number, none was lost
