"""`govnet serve` over TLS and mutual TLS: a client known by its certificate's SHA-256 is
authenticated without a token; a token and a certificate of different clients are refused; a
server certificate OpenSSL's TLS cannot use (govnet's SM2 ones, here) is an input error (exit 2)
naming the reason, not a worker's traceback.

The TLS certificates are ECDSA P-256 made with ``cryptography``: OpenSSL 3.0's TLS refuses SM2
certificates ("unknown certificate type", checked on this machine), see docs/service.md."""

from __future__ import annotations

import datetime as dt
import json
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from govnet_cli import RunGovnet, assert_clean_input_error
from served import serving
from signing_kit import World


def _pair(folder: Path, name: str, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
          *, server: bool = False) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer[0].subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if server:
        import ipaddress

        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
    cert = builder.sign(issuer[1] if issuer else key, hashes.SHA256())
    (folder / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / f"{name}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (folder / f"{name}.key").chmod(0o600)
    return cert, key


def test_mutual_tls_identifies_a_client_by_its_certificate(
    sqlite_world: World, run_govnet: RunGovnet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVNET_STORE_URL", sqlite_world.service.store.engine.url.render_as_string())
    ca = _pair(tmp_path, "ca", None)
    _pair(tmp_path, "server", ca, server=True)
    _pair(tmp_path, "tax", ca)
    _pair(tmp_path, "police", ca)
    run_govnet("serve", "admin", "client", "add", "tax", "--cert", str(tmp_path / "tax.pem"), check=True)
    run_govnet("serve", "admin", "client", "add", "police", check=True)
    police = json.loads(run_govnet("serve", "admin", "token", "issue", "police", "--json", check=True).stdout)
    run_govnet("serve", "admin", "grant", "add", "tax", "--seal", sqlite_world.seal_a, "--signer",
               sqlite_world.signer, check=True)  # fmt: skip
    context = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    context.load_cert_chain(str(tmp_path / "tax.pem"), str(tmp_path / "tax.key"))
    tls = {"verify": context}
    args = ("--tls-cert", str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key"),
            "--client-ca", str(tmp_path / "ca.pem"))  # fmt: skip
    with serving(*args, scheme="https", client=tls) as base, httpx.Client(**tls, timeout=30) as client:  # type: ignore[arg-type]
        seals = client.get(f"{base}/v1/seals")
        assert seals.status_code == 200, seals.text
        assert [s["es_id"] for s in seals.json()] == [sqlite_world.seal_a]
        signed = client.post(f"{base}/v1/seals/{sqlite_world.seal_a}/sign?hash={'ab' * 32}")
        assert signed.status_code == 200, signed.text
        mixed = client.get(f"{base}/v1/seals", headers={"Authorization": f"Bearer {police['token']}"})
        assert mixed.status_code == 401, mixed.text
        with pytest.raises(httpx.HTTPError):  # no client certificate: the handshake itself fails
            httpx.get(
                f"{base}/healthz",
                verify=ssl.create_default_context(cafile=str(tmp_path / "ca.pem")),
                timeout=10,
            ).raise_for_status()


def test_an_sm2_server_certificate_is_refused_with_the_reason(sqlite_world: World, run_govnet: RunGovnet,
                                                              tmp_path: Path) -> None:  # fmt: skip
    pki = sqlite_world.service.pki
    record = pki.certificate(sqlite_world.audit_signer)  # a govnet tls-server certificate (SM2)
    (tmp_path / "server.pem").write_bytes(record.pem)
    (tmp_path / "server.key").write_bytes(pki.export_private_key(record.serial))
    done = run_govnet(
        "serve", "--tls-cert", str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key"),
        "--tls-key-passphrase", "env:GOVNET_PKI_PASSPHRASE",
    )  # fmt: skip
    assert_clean_input_error(done, "SM2")
