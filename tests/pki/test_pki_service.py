"""govnet.pki.service: the one entry point the CLI, the demo and the signing service share."""

from __future__ import annotations

import pytest

from govnet.pki.ca import FieldError, NoAuthorityError
from govnet.pki.service import IssueRequest, PkiService, VerifyRequest
from govnet.settings import Settings
from govnet.store import Store
from govnet.verdict import Status


@pytest.fixture
def service(store: Store, pki_settings: Settings, cheap_kdf: None) -> PkiService:
    return PkiService(store, pki_settings)


def test_service_errors_name_fields_not_command_line_options(service: PkiService) -> None:
    with pytest.raises(NoAuthorityError) as missing:
        service.issue(IssueRequest(profile="device", subject="CN=r1"))
    assert "govnet" not in str(missing.value) and "--" not in str(missing.value)
    with pytest.raises(FieldError) as info:
        service.init(name="CN=Root", root_days=0)
    assert info.value.field == "root_days" and "--" not in str(info.value)
    with pytest.raises(FieldError) as info:
        service.init(name="CN=Root", crl_url="nowhere")
    assert info.value.field == "crl_url" and "--" not in str(info.value)
    service.init(name="CN=Root", intermediate=True, crl_url="http://crl.gov.example/root.crl")
    with pytest.raises(FieldError) as info:
        service.issue(IssueRequest(profile="device", subject="CN=r1", days=-1))
    assert info.value.field == "days" and "--" not in str(info.value)


def test_issue_revoke_publish_and_verify_through_the_service(service: PkiService) -> None:
    service.init(name="CN=Root", intermediate=True)
    issued = service.issue(IssueRequest(profile="device", subject="CN=r1")).record
    assert service.chain(issued.serial)[-1].profile == "root"
    published = [service.publish_crl(ca_serial=a.record.serial) for a in service.authorities()]
    passed = service.verify(VerifyRequest(issued.der, "r1", purpose="device"))
    assert passed.status is Status.PASSED, passed.failures
    service.revoke(issued.serial, "keyCompromise")
    assert [p.crl.number for p in published] == [1, 1]
