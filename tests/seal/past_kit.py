"""A signature made years ago: a chain five years old whose seal maker, signer and seal expired two
years ago, signed one year in, and a TSA whose clock says that time. Shared by tests/seal, tests/tsa
and tests/ofd (a plain module with a unique name)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import crl as asn1_crl
from pki_chains import NOW, Party
from seal_kit import Kit

from govnet.pki import x509
from govnet.pki.seal.verify import Trust
from govnet.pki.sm3 import sm3
from govnet.pki.tsa import TimeStampAuthority

SINCE = NOW - dt.timedelta(days=5 * 365)  # the chain's age
SIGNED = SINCE + dt.timedelta(days=365)  # when the old document was signed (and stamped)
STAMPED = SIGNED + dt.timedelta(minutes=1)
EXPIRED = SINCE + dt.timedelta(days=3 * 365)  # when the maker's, the signer's and the seal's validity ended
TSA_POLICY = "1.2.156.112233.1.1"


@dataclass
class PastKit:
    kit: Kit
    tsa: Party

    @classmethod
    def create(cls, *, tsa_days: int = 3650) -> PastKit:
        kit = Kit.create(since=SINCE, days=3 * 365)
        tsa = kit.chain.make("tsa", "CN=某市时间戳服务", kit.chain.inter, not_before=SINCE, days=tsa_days)
        return cls(kit, tsa)

    def stamper(self, when: dt.datetime = STAMPED) -> Callable[[bytes], bytes]:
        """A time-stamper whose clock says ``when`` (the token's genTime)."""
        authority = TimeStampAuthority(
            self.tsa.key, self.tsa.cert, (self.kit.chain.inter.cert,), TSA_POLICY, clock=lambda: when
        )
        return lambda value: authority.stamp(sm3(value))

    def seal(self, **kwargs: object) -> bytes:
        return self.kit.seal(valid_start=SINCE, valid_end=EXPIRED, **kwargs)

    def signature(self, *, stamped: bool = False, sign_time: dt.datetime = SIGNED, **kwargs: object) -> bytes:
        """The old document's signature, with a time-stamp from the signing time when ``stamped``."""
        if stamped:
            kwargs["time_stamper"] = self.stamper()
        return self.kit.signature(self.seal(), sign_time=sign_time, **kwargs)

    def crl(self, revoked: tuple[tuple[Party, dt.datetime, str], ...] = ()) -> asn1_crl.CertificateList:
        """The issuing CA's CRL today, listing (party, revocation date, CRLReason name)."""
        return x509.build_crl(
            issuer=self.kit.chain.inter.issuer,
            number=2,
            this_update=NOW - dt.timedelta(minutes=1),
            next_update=NOW + dt.timedelta(days=7),
            revoked=[x509.RevokedEntry(p.cert.serial_number, when, reason) for p, when, reason in revoked],
        )

    def trust(self, *, roots: bool = True, revoked: tuple[tuple[Party, dt.datetime, str], ...] = ()) -> Trust:
        chain = self.kit.chain
        return Trust(
            roots=[chain.root.cert] if roots else [],
            intermediates=[chain.inter.cert],
            crls=[self.crl(revoked), chain.crl(chain.root)],
        )
