"""Serials are taken as git takes hashes: whole, or any prefix that names exactly one certificate."""

from __future__ import annotations

from collections import defaultdict

import pytest

from govnet.errors import InputError, NotFoundError
from govnet.pki.service import IssueRequest, PkiService
from govnet.settings import Settings
from govnet.store import Store


@pytest.fixture
def service(store: Store, pki_settings: Settings, cheap_kdf: None) -> PkiService:
    pki = PkiService(store, pki_settings)
    pki.init(name="CN=Root", intermediate=True, crl_url="http://crl.gov.example/root.crl")
    for name in ("r1", "r2", "r3"):  # five serials, four possible first digits (4-7): two share one
        pki.issue(IssueRequest(profile="device", subject=f"CN={name}"))
    return pki


def _unique_prefix(serial: str, service: PkiService) -> str:
    others = [r.serial for r in service.certificates() if r.serial != serial]
    return next(serial[:n] for n in range(1, 41) if not any(o.startswith(serial[:n]) for o in others))


def test_a_unique_prefix_names_its_certificate_everywhere(service: PkiService) -> None:
    leaf = next(iter(service.certificates(profile="device")))
    prefix = _unique_prefix(leaf.serial, service)
    assert service.certificate(prefix).serial == leaf.serial
    assert service.certificate(prefix.upper()).serial == leaf.serial
    assert service.revoke(prefix, "superseded").status == "revoked"
    root = next(a.record for a in service.authorities() if a.role == "root")
    assert (
        service.publish_crl(ca_serial=_unique_prefix(root.serial, service)).crl.issuer.serial == root.serial
    )


def test_an_ambiguous_prefix_lists_the_candidates(service: PkiService) -> None:
    by_digit = defaultdict(list)
    for record in service.certificates():
        by_digit[record.serial[0]].append(record)
    digit, shared = next((d, rs) for d, rs in by_digit.items() if len(rs) > 1)
    with pytest.raises(InputError) as info:
        service.revoke(digit)
    message = str(info.value)
    assert f"serial prefix {digit!r} is ambiguous" in message
    for record in shared:
        assert record.serial in message and record.subject in message
    assert all(r.status == "valid" for r in service.certificates())


def test_an_unknown_serial_is_not_found(service: PkiService) -> None:
    with pytest.raises(NotFoundError, match="no certificate with serial 0123abc"):
        service.certificate("0123abc")
    with pytest.raises(InputError, match="not a hexadecimal number"):
        service.certificate("xyz")
