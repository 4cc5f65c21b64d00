"""Test helpers for seals: parties, trust, and a forger that writes v4 and v1 structures with the
quirks vendors' files have (raw r||s, UTCTime, AlgorithmIdentifier, bare certificates, ...).

The forger builds the ASN.1 directly with ``govnet.pki.seal.asn1`` so that the reader is tested
against structures govnet's own writer never makes -- GM/T 0031 v1 above all.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from pki_chains import NOW, ChainFactory, Party

from govnet.pki.seal import asn1
from govnet.pki.seal.model import SM2_SIGN, SM2_SM3, SealKind
from govnet.pki.seal.picture import round_seal_png
from govnet.pki.seal.verify import Trust
from govnet.pki.seal.writer import SealRequest, build_seal, sign_digest
from govnet.pki.sm2 import DEFAULT_ID
from govnet.pki.sm2_base import decode_signature
from govnet.pki.sm3 import sm3

CODE = "914403001922038216"
PICTURE = round_seal_png(48)
DOCUMENT = "某市市场监督管理局 营业执照 编号 4403000000001".encode()


@dataclass
class Kit:
    chain: ChainFactory
    maker: Party
    signer: Party

    @classmethod
    def create(cls, *, since: dt.datetime | None = None, days: int = 365) -> Kit:
        """Parties valid from now; with ``since``, a chain of that age whose root and issuing CA are
        still valid and whose seal maker and signer were valid for ``days`` from ``since``."""
        chain = ChainFactory()
        if since is not None:
            chain.root = chain.make(
                "root", "CN=Old Root CA,O=某市政务服务数据管理局", None, not_before=since, days=7300
            )
            chain.inter = chain.make(
                "intermediate", "CN=Old Issuing CA", chain.root, not_before=since, days=7300
            )
        dates: dict[str, object] = {"not_before": since, "days": days}
        maker = chain.make(
            "seal-maker",
            "CN=示例市制章中心,O=示例市市场监督管理局",
            chain.inter,
            credit_code=CODE,
            **dates,  # type: ignore[arg-type]
        )
        signer = chain.make("signer", "CN=王小明", chain.inter, **dates)  # type: ignore[arg-type]
        return cls(chain, maker, signer)

    def party(self, profile: str = "signer", subject: str = "CN=李四", **kwargs: object) -> Party:
        return self.chain.make(profile, subject, self.chain.inter, **kwargs)  # type: ignore[arg-type]

    def trust(self, *, revoked: tuple[Party, ...] = (), roots: bool = True) -> Trust:
        return Trust(
            roots=[self.chain.root.cert] if roots else [],
            intermediates=[self.chain.inter.cert],
            crls=[self.chain.crl(self.chain.inter, revoked), self.chain.crl(self.chain.root)],
        )

    def seal(
        self, *, holders: tuple[Party, ...] | None = None, maker: Party | None = None, **kwargs: object
    ) -> bytes:
        maker = maker or self.maker
        options: dict[str, object] = {
            "es_id": "44030000000001",
            "kind": SealKind.ORGANISATION,
            "name": "示例市市场监督管理局公章",
            "certificates": tuple(p.cert for p in (holders or (self.signer,))),
            "valid_start": NOW - dt.timedelta(minutes=1),
            "valid_end": NOW + dt.timedelta(days=365),
            "picture": PICTURE,
            "width_mm": 42,
            "height_mm": 42,
        }
        options.update(kwargs)
        return build_seal(SealRequest(**options), maker.key, maker.cert)  # type: ignore[arg-type]

    def signature(
        self,
        seal: bytes | None = None,
        *,
        signer: Party | None = None,
        document: bytes = DOCUMENT,
        **kwargs: object,
    ) -> bytes:
        signer = signer or self.signer
        return sign_digest(seal or self.seal(), signer.key, signer.cert, sm3(document), **kwargs)  # type: ignore[arg-type]


# --- the forger ------------------------------------------------------------------------------------


def _algorithm(style: str) -> asn1.Algorithm:
    if style == "oid":
        return asn1.Algorithm(name="oid", value=SM2_SM3)
    if style == "sm2":
        return asn1.Algorithm(name="oid", value=SM2_SIGN)
    value: dict[str, object] = {"algorithm": SM2_SM3}
    if style == "null":
        value["parameters"] = core.Null()
    return asn1.Algorithm(name="identifier", value=value)


def _cert(cert: asn1_x509.Certificate, style: str) -> asn1.CertificateField:
    if style == "bare":
        return asn1.CertificateField(name="certificate", value=asn1_x509.Certificate.load(cert.dump()))
    if style == "base64":
        return asn1.CertificateField(name="octets", value=base64.b64encode(cert.dump()))
    return asn1.CertificateField(name="octets", value=cert.dump())


def _sign(party: Party, data: bytes, raw: bool, sm2_id: bytes) -> bytes:
    der = party.key.sign(data, id=sm2_id)
    if not raw:
        return der
    r, s = decode_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _time(when: dt.datetime, style: str) -> asn1.Time:
    return asn1.Time(name=style, value=when)


def forge_v4(
    kit: Kit,
    *,
    vendor: str = "GOMAIN",
    time: str = "generalized",
    alg: str = "oid",
    raw: bool = False,
    cert: str = "octets",
    hash_field: str = "bits",
    sm2_id: bytes = DEFAULT_ID,
    sign_time: dt.datetime | None = None,
    document: bytes = DOCUMENT,
    signer: Party | None = None,
    valid: tuple[dt.datetime, dt.datetime] | None = None,
) -> tuple[bytes, bytes]:
    """(seal DER, signature DER) as another vendor's v4 system might write them."""
    signer = signer or kit.signer
    start, end = valid or (NOW - dt.timedelta(minutes=2), NOW + dt.timedelta(days=300))
    info = asn1.SealInfoV4(
        {
            "header": {"id": "ES", "version": 4, "vid": vendor},
            "es_id": "vendor-seal-0001",
            "property": {
                "type": 1,
                "name": "外部厂商印章",
                "cert_list_type": 1,
                "cert_list": asn1.AnySequence.load(asn1.CertInfoList([_cert(signer.cert, cert)]).dump()),
                "create_date": _time(start, time),
                "valid_start": _time(start, time),
                "valid_end": _time(end, time),
            },
            "picture": {"type": "PNG", "data": PICTURE, "width": 40, "height": 40},
        }
    )
    info_der = info.dump()
    seal = asn1.SealV4(
        {
            "seal_info": asn1.SealInfoV4.load(info_der),
            "cert": _cert(kit.maker.cert, cert),
            "sign_alg": _algorithm(alg),
            "signed_value": _sign(kit.maker, info_der, raw, sm2_id),
        }
    ).dump()
    tbs = asn1.TbsSignV4(
        {
            "version": 4,
            "eseal": asn1.SealV4.load(seal),
            "time_info": _time((sign_time or NOW).replace(microsecond=0), time),
            "data_hash": asn1.HashField(name=hash_field, value=sm3(document)),
            "property_info": "/Doc_0/Signs/Sign_0/Signature.xml",
        }
    ).dump()
    signature = asn1.SignatureV4(
        {
            "to_sign": asn1.TbsSignV4.load(tbs),
            "cert": _cert(signer.cert, cert),
            "signature_alg": _algorithm(alg),
            "signature": _sign(signer, tbs, raw, sm2_id),
        }
    ).dump()
    return seal, signature


def forge_v1(
    kit: Kit,
    *,
    vendor: str = "HebeiGede",
    time_info: bytes | None = None,
    time: str = "utc",
    document: bytes = DOCUMENT,
    raw: bool = False,
) -> tuple[bytes, bytes]:
    """(seal DER, signature DER) in GM/T 0031-2014 version 1, as ofdrw and older systems write them."""
    info = asn1.SealInfoV1(
        {
            "header": {"id": "ES", "version": 1, "vid": vendor},
            "es_id": "v1-seal-0001",
            "property": {
                "type": 2,
                "name": "王小明个人章",
                "cert_list": asn1.CertInfoList([_cert(kit.signer.cert, "octets")]),
                "create_date": _time(NOW - dt.timedelta(minutes=2), time),
                "valid_start": _time(NOW - dt.timedelta(minutes=2), time),
                "valid_end": _time(NOW + dt.timedelta(days=300), time),
            },
            "picture": {"type": "PNG", "data": PICTURE, "width": 20, "height": 20},
        }
    )
    info_der = info.dump()
    cert_field = _cert(kit.maker.cert, "octets")
    alg = _algorithm("oid")
    # GM/T 0031: the maker signs SEQUENCE { sealInfo, cert, signatureAlgorithm }.
    body = info_der + cert_field.dump() + alg.dump()
    to_sign = b"\x30" + _length(len(body)) + body
    seal = asn1.SealV1(
        {
            "seal_info": asn1.SealInfoV1.load(info_der),
            "sign_info": {
                "cert": cert_field,
                "signature_algorithm": alg,
                "sign_data": _sign(kit.maker, to_sign, raw, DEFAULT_ID),
            },
        }
    ).dump()
    when = time_info if time_info is not None else NOW.strftime("%Y%m%d%H%M%SZ").encode()
    tbs = asn1.TbsSignV1(
        {
            "version": 1,
            "eseal": asn1.SealV1.load(seal),
            "time_info": asn1.SignTime(name="bits", value=when),
            "data_hash": asn1.HashField(name="bits", value=sm3(document)),
            "property_info": "/Doc_0/Signs/Sign_0/Signature.xml",
            "cert": _cert(kit.signer.cert, "octets"),
            "signature_algorithm": _algorithm("oid"),
        }
    ).dump()
    signature = asn1.SignatureV1(
        {"to_sign": asn1.TbsSignV1.load(tbs), "signature": _sign(kit.signer, tbs, raw, DEFAULT_ID)}
    ).dump()
    return seal, signature


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets
