"""Where certificates tell relying parties to fetch CRLs, and publishing every CA's CRL."""

from __future__ import annotations

import socket

import pytest

from govnet.pki import x509
from govnet.pki.service import PkiService
from govnet.settings import Settings
from govnet.store import Store


def _service(store: Store, settings: Settings, **pki: object) -> PkiService:
    return PkiService(store, settings.model_copy(update={"pki": settings.pki.model_copy(update=pki)}))


def _cdp(der: bytes) -> str:
    cert = x509.load_certificate(der, "cert")
    return str(cert.crl_distribution_points[0]["distribution_point"].native[0])


def test_the_default_distribution_point_is_the_signing_services_http_url(
    store: Store, pki_settings: Settings, cheap_kdf: None
) -> None:
    service = _service(store, pki_settings)
    outcome = service.init(name="CN=Root", intermediate=True)
    root, inter = outcome.result.root, outcome.result.intermediate
    assert inter is not None
    root_key_id = root.certificate.key_identifier.hex()
    expected = f"http://{socket.getfqdn()}:8443/crl/{root_key_id}.crl"
    assert _cdp(inter.der) == expected  # the intermediate's revocation is on the root's CRL
    assert not _cdp(root.der).startswith("file:")
    assert any(expected + " is " in w and "the default; set pki.crl_base_url" in w for w in outcome.warnings)


def test_the_crl_base_url_setting_is_used_without_a_warning(
    store: Store, pki_settings: Settings, cheap_kdf: None
) -> None:
    service = _service(store, pki_settings, crl_base_url="http://pki.gov.example/crl")
    outcome = service.init(name="CN=Root", intermediate=True)
    inter = outcome.result.intermediate
    assert inter is not None
    key_id = outcome.result.root.certificate.key_identifier.hex()
    assert _cdp(inter.der) == f"http://pki.gov.example/crl/{key_id}.crl"
    assert outcome.warnings == ()
    # Publishing writes the file a web server serves under that base URL.
    published = service.publish_crl(ca_serial=outcome.result.root.serial)
    assert published.published_to == str(pki_settings.home / "pki" / "crl" / f"{key_id}.crl")


@pytest.mark.parametrize(
    ("url", "warning"),
    [
        ("file:///var/lib/govnet/root.crl", "is a file on this machine, which relying parties elsewhere"),
        ("http://localhost:8443/crl/root.crl", "is a loopback name, which others cannot reach"),
    ],
)
def test_init_warns_about_a_crl_url_nobody_else_can_fetch(
    store: Store, pki_settings: Settings, cheap_kdf: None, url: str, warning: str
) -> None:
    outcome = _service(store, pki_settings).init(name="CN=Root", crl_url=url)
    assert any(warning in w for w in outcome.warnings), outcome.warnings


def test_the_cli_prints_the_warning_on_stderr(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pki_run import govnet

    run = govnet(tmp_path, "pki", "init", "--name", "CN=Root", "--crl-url", f"file://{tmp_path}/root.crl")
    assert run.returncode == 0, run.stderr
    assert "warning:" in run.stderr and "is a file on this machine" in run.stderr
    assert run.stderr.count("warning:") == 1  # the root only: one line per URL, not per problem


def test_crl_all_publishes_every_cas_crl_and_the_verify_hint_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from pki_run import govnet

    home = tmp_path / "home"
    assert govnet(home, "pki", "init", "--name", "CN=Fresh Root", "--intermediate").returncode == 0
    inter = json.loads(govnet(home, "pki", "list", "--profile", "intermediate", "--json").stdout)[0]
    pem = tmp_path / "inter.pem"
    assert govnet(home, "pki", "export", inter["serial"][:12], "--out", str(pem)).returncode == 0
    before = govnet(home, "pki", "verify", str(pem))
    assert before.returncode == 1 and "INDETERMINATE" in before.stdout
    assert "govnet pki crl --all" in before.stderr and "run `govnet pki crl`" not in before.stdout
    published = govnet(home, "pki", "crl", "--all", "--json")
    assert published.returncode == 0, published.stderr
    crls = json.loads(published.stdout)
    assert [c["issuer"] for c in crls] == ["CN=Fresh Root, C=CN", inter["subject"]]
    assert all(c["number"] == 1 and (home / "pki" / "crl").is_dir() for c in crls)
    after = govnet(home, "pki", "verify", str(pem), "--json")
    assert after.returncode == 0 and json.loads(after.stdout)["status"] == "PASSED"
    assert "hint" not in after.stderr
