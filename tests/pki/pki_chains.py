"""Test helpers for the PKI tests: the shared passphrase and certificate chains built in memory.

A plain module with a unique name (not conftest.py), so that `from pki_chains import ...` finds this
file whichever test folders pytest collects first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509

from govnet.pki import x509
from govnet.pki.profiles import PROFILES, check_request, parse_san, parse_subject
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey

PASSPHRASE = "correct horse battery staple"

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Party:
    cert: asn1_x509.Certificate
    key: SM2PrivateKey

    @property
    def issuer(self) -> x509.Issuer:
        return x509.Issuer(self.cert.subject, x509.key_identifier(self.key.public_key()), self.key)

    @property
    def pem(self) -> bytes:
        return x509.to_pem(x509.PEM_CERTIFICATE, self.cert.dump())


class ChainFactory:
    """Root → intermediate → leaves, signed with the default SM2 ID unless asked otherwise."""

    def __init__(self) -> None:
        self.root = self.make("root", "CN=Test Root CA,O=某市政务服务数据管理局", None, days=3650)
        self.inter = self.make("intermediate", "CN=Test Issuing CA", self.root, days=1825)

    def make(
        self,
        profile: str,
        subject: str,
        issuer: Party | None,
        *,
        days: int = 365,
        san: tuple[str, ...] = (),
        not_before: dt.datetime | None = None,
        sm2_id: bytes = DEFAULT_ID,
        credit_code: str | None = None,
    ) -> Party:
        key = SM2PrivateKey.generate()
        request = check_request(
            PROFILES[profile],
            parse_subject(subject, credit_code=credit_code),
            tuple(parse_san(s) for s in san),
        )
        name = x509.build_name(request.subject)
        signer = issuer.issuer if issuer else x509.Issuer(name, x509.key_identifier(key.public_key()), key)
        start = not_before or NOW - dt.timedelta(minutes=5)
        cert = x509.build_certificate(
            profile=PROFILES[profile],
            serial=x509.random_serial(),
            subject=name,
            public_key=key.public_key(),
            issuer=signer,
            not_before=start,
            not_after=start + dt.timedelta(days=days),
            alt_names=request.alt_names,
            sm2_id=sm2_id,
        )
        return Party(cert, key)

    def leaf(self, profile: str = "tls-server", **kwargs: object) -> Party:
        kwargs.setdefault("san", ("www.gov.example", "10.0.0.1"))
        return self.make(profile, "CN=www.gov.example", self.inter, **kwargs)  # type: ignore[arg-type]

    def crl(
        self, issuer: Party, revoked: tuple[Party, ...] = (), *, number: int = 1, days: int = 7
    ) -> asn1_crl.CertificateList:
        return x509.build_crl(
            issuer=issuer.issuer,
            number=number,
            this_update=NOW - dt.timedelta(minutes=1),
            next_update=NOW + dt.timedelta(days=days),
            revoked=[x509.RevokedEntry(p.cert.serial_number, NOW, "key_compromise") for p in revoked],
        )
