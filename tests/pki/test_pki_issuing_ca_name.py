"""The default issuing CA is named after its root: 根CA → 二级CA, Root CA → Issuing CA, the
organisation and every other attribute of the root's subject kept."""

from __future__ import annotations

import pytest

from govnet.pki import x509
from govnet.pki.profiles import issuing_ca_common_name
from govnet.pki.service import PkiService
from govnet.settings import Settings
from govnet.store import Store


@pytest.mark.parametrize(
    ("root", "issuing"),
    [
        ("某市电子政务根CA", "某市电子政务二级CA"),
        ("某市电子政务根 CA", "某市电子政务二级CA"),
        ("Example Root CA", "Example Issuing CA"),
        ("Example ROOT ca", "Example Issuing CA"),
        ("Example Root", "Example Issuing CA"),
        ("Root Services Root CA", "Root Services Issuing CA"),
        ("Lab CA", "Lab Issuing CA"),
        ("某市CA", "某市二级CA"),
        ("某市政务", "某市政务二级CA"),
        ("Example Trust", "Example Trust Issuing CA"),
    ],
)
def test_the_issuing_cas_common_name_is_derived_from_the_roots(root: str, issuing: str) -> None:
    assert issuing_ca_common_name(root) == issuing


def test_the_default_intermediate_keeps_the_roots_organisation_and_other_attributes(
    store: Store, pki_settings: Settings, cheap_kdf: None
) -> None:
    made = (
        PkiService(store, pki_settings)
        .init(
            name="CN=某市电子政务根CA,O=某市政务服务数据管理局,OU=信息科,L=某市",
            credit_code="11440200007156789D",
            intermediate=True,
            crl_url="http://crl.gov.example/root.crl",
        )
        .result
    )
    assert made.intermediate is not None
    root = x509.load_certificate(made.root.der, "root").subject.native
    inter = x509.load_certificate(made.intermediate.der, "inter").subject.native
    assert inter["common_name"] == "某市电子政务二级CA"
    assert {k: v for k, v in inter.items() if k != "common_name"} == {
        k: v for k, v in root.items() if k != "common_name"
    }
    assert (
        inter["organization_name"] == "某市政务服务数据管理局"
        and inter["serial_number"] == "11440200007156789D"
    )
