"""Read seals and seal signatures of either version, from any vendor, into ``model`` facts.

Liberal in what it reads, exact in what it reports: every deviation from the standard that is
accepted becomes a named ``Quirk``; every one that is not raises ``InputError`` naming the file and
the field. Hostile input (truncated, oversized, deeply nested, wrong tags) never escapes as anything
but ``InputError``.

Deliberate decisions on what the field produces:
- raw 64-byte r||s instead of DER in a signature BIT STRING: accepted (``raw-signature``);
- UTCTime where v4 has GeneralizedTime, or GeneralizedTime where v1 has UTCTime: accepted
  (``utc-time`` / ``generalized-time``);
- an AlgorithmIdentifier SEQUENCE (with or without NULL parameters) instead of a bare OID: accepted
  (``algorithm-identifier``); SM2's own OID 1.2.156.10197.1.301.1 instead of SM2-with-SM3: accepted
  (``sm2-oid``), since an SM2 signature always hashes with SM3;
- a certificate as a bare SEQUENCE rather than inside an OCTET STRING (``bare-certificate``), or an
  OCTET STRING holding PEM/base64 text (``text-certificate``): accepted;
- dataHash as an OCTET STRING (``octet-hash``): accepted;
- trailing zero bytes after the DER (fixed-size buffers): accepted (``trailing-zeros``); any other
  trailing bytes: refused -- nothing signs them, and they could smuggle content past a reader;
- a header id other than "ES": refused (it is not a seal).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from asn1crypto import algos, core, parser
from asn1crypto import x509 as asn1_x509

from govnet.errors import InputError
from govnet.pki import x509
from govnet.pki.seal import asn1
from govnet.pki.seal.model import (
    HEADER_ID,
    SM2_SIGN,
    SM2_SM3,
    CertEntry,
    Extension,
    Picture,
    Quirk,
    Seal,
    SealSignature,
)
from govnet.pki.seal.picture import picture_type

# Seals carry a picture; signatures carry a seal. Larger than this is not a seal but an attack or a
# mistake (a whole document given in place of its signature).
MAX_BYTES = 16 << 20

_PARSE_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
    AttributeError,
    NotImplementedError,
)

T = TypeVar("T")

# China Standard Time: GM/T 0031 writers put local time as text ("2020-04-21 10:16:00") without a zone.
CST = dt.timezone(dt.timedelta(hours=8), "CST")


class _Ctx:
    """Where we are in the file (for error messages) and the quirks met on the way."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.quirks: list[Quirk] = []

    def quirk(self, name: str, detail: str) -> None:
        if not any(q.name == name and q.detail == detail for q in self.quirks):
            self.quirks.append(Quirk(name, detail))

    def get(self, path: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except InputError:
            raise
        except _PARSE_ERRORS as exc:
            raise InputError(f"{self.source}: {path}: {_first_line(exc)}") from None

    def fail(self, path: str, message: str) -> InputError:
        return InputError(f"{self.source}: {path}: {message}")


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# --- framing -----------------------------------------------------------------------------------


def _frame(data: bytes, ctx: _Ctx) -> bytes:
    """The one DER element at the start of ``data``; trailing zeros noted, other trailing bytes refused."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{ctx.source}: {len(data)} bytes is larger than any seal ({MAX_BYTES} at most)")
    if not data:
        raise InputError(f"{ctx.source}: empty file")
    data = _unarmour(data, ctx)
    info = ctx.get("the outer SEQUENCE", lambda: parser.parse(data, strict=False))
    _class, _method, tag, header, contents, trailer = info
    if tag != 16 or _class != 0:
        raise InputError(f"{ctx.source}: not a DER SEQUENCE (starts with byte 0x{data[0]:02x})")
    used = len(header) + len(contents) + len(trailer)
    rest = data[used:]
    if rest.strip(b"\x00"):
        raise InputError(
            f"{ctx.source}: {len(rest)} bytes follow the DER structure (trailing-bytes): refused, "
            "since no signature covers them"
        )
    if rest:
        ctx.quirk("trailing-zeros", f"{len(rest)} zero bytes after the DER structure, ignored")
    return data[:used]


_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/=\s]+")


def _unarmour(data: bytes, ctx: _Ctx) -> bytes:
    """Some systems hand seals over as base64 text (as in OFD readers' test files): accept, note."""
    if data[:1] == b"0":
        return data
    if data.lstrip()[:1] == b"M" and _BASE64_TEXT.fullmatch(data):
        try:
            decoded = base64.b64decode(b"".join(data.split()), validate=True)
        except (binascii.Error, ValueError):
            return data
        ctx.quirk("base64-file", "the file holds base64 text, decoded before reading")
        return decoded
    return data


def _children(der: bytes, ctx: _Ctx, path: str) -> list[Any]:
    seq = ctx.get(path, lambda: asn1.AnySequence.load(der))
    return ctx.get(path, lambda: list(seq))


def _tag_byte(value: Any) -> int:
    return value.dump()[0]


def detect(data: bytes, source: str) -> tuple[str, int]:
    """("seal" | "signature", 4 | 1) for a file's bytes; InputError when it is neither."""
    ctx = _Ctx(source)
    der = _frame(data, ctx)
    return _detect(der, ctx)


def _detect(der: bytes, ctx: _Ctx) -> tuple[str, int]:
    top = _children(der, ctx, "the outer SEQUENCE")
    if not top:
        raise ctx.fail("the outer SEQUENCE", "is empty")
    first = top[0]
    first_der = ctx.get("the first element", lambda: first.dump())
    if first_der[0] != 0x30:
        raise ctx.fail("the first element", "is not a SEQUENCE: neither SES_SealInfo nor TBS_Sign")
    inner = _children(first_der, ctx, "the first element")
    if not inner:
        raise ctx.fail("the first element", "is an empty SEQUENCE")
    tag = ctx.get("the first element", lambda: _tag_byte(inner[0]))
    if tag == 0x30:  # SES_SealInfo starts with SES_Header
        kind = "seal"
        version = 4 if len(top) == 4 else 1 if len(top) == 2 else 0
    elif tag == 0x02:  # TBS_Sign starts with its version INTEGER
        kind = "signature"
        version = 4 if len(top) in (4, 5) else 1 if len(top) == 2 else 0
    else:
        raise ctx.fail("the first element", "starts with neither SES_Header nor a version number")
    if version == 0:
        raise ctx.fail(
            "the outer SEQUENCE",
            f"has {len(top)} elements: neither a v4 (GB/T 38540) nor a v1 (GM/T 0031) {kind}",
        )
    return kind, version


# --- fields ------------------------------------------------------------------------------------


def _algorithm(value: asn1.Algorithm, ctx: _Ctx, path: str) -> str:
    def read() -> str:
        if value.name == "oid":
            return str(value.chosen.dotted)
        identifier = value.chosen
        params = identifier["parameters"]
        has_null = params.native is None and params.contents is not None and params.dump() == b"\x05\x00"
        ctx.quirk(
            "algorithm-identifier",
            f"{path}: an AlgorithmIdentifier SEQUENCE "
            f"({'with NULL parameters' if has_null else 'without parameters'}) instead of an OID",
        )
        return str(identifier["algorithm"].dotted)

    oid = ctx.get(path, read)
    if oid == SM2_SIGN:
        ctx.quirk("sm2-oid", f"{path}: SM2's OID {SM2_SIGN} instead of SM2-with-SM3 {SM2_SM3}")
        return SM2_SM3
    return oid


def _time(value: asn1.Time, ctx: _Ctx, path: str, version: int) -> dt.datetime:
    def read() -> dt.datetime:
        if value.name == "utc" and version == 4:
            ctx.quirk("utc-time", f"{path}: UTCTime where GB/T 38540 has GeneralizedTime")
        if value.name == "generalized" and version == 1:
            ctx.quirk("generalized-time", f"{path}: GeneralizedTime where GM/T 0031 has UTCTime")
        when = value.chosen.native
        if not isinstance(when, dt.datetime):
            raise ValueError("not a time")
        return when

    return ctx.get(path, read)


_TEXT_TIMES = (
    ("%Y-%m-%d %H:%M:%S", False),
    ("%Y-%m-%dT%H:%M:%S", False),
    ("%Y%m%d%H%M%SZ", True),
    ("%y%m%d%H%M%SZ", True),
    ("%Y%m%d%H%M%S", False),
)


def _sign_time_v1(value: asn1.SignTime, ctx: _Ctx, path: str) -> dt.datetime:
    """GM/T 0031's timeInfo: a BIT STRING holding the time as text; some files put a bare time."""

    def read() -> dt.datetime:
        if value.name in ("utc", "generalized"):
            ctx.quirk("bare-time", f"{path}: a bare {value.name} time instead of a BIT STRING")
            when = value.chosen.native
            if not isinstance(when, dt.datetime):
                raise ValueError("not a time")
            return when
        raw = bytes(value.chosen.native)
        return _text_time(raw, ctx, path)

    return ctx.get(path, read)


def _text_time(raw: bytes, ctx: _Ctx, path: str) -> dt.datetime:
    if raw[:1] in (b"\x17", b"\x18"):  # a DER time inside the BIT STRING
        inner = ctx.get(path, lambda: core.load(raw))
        when = inner.native
        if isinstance(when, dt.datetime):
            return when
    try:
        text = raw.decode("ascii").strip().rstrip("\x00")
    except UnicodeDecodeError:
        raise ctx.fail(
            path, "the time is neither text nor a DER time (a timestamp token is not read)"
        ) from None
    for pattern, utc in _TEXT_TIMES:
        try:
            parsed = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        if utc:
            return parsed.replace(tzinfo=dt.UTC)
        ctx.quirk("local-time", f"{path}: {text!r} has no time zone; read as China Standard Time (UTC+8)")
        return parsed.replace(tzinfo=CST).astimezone(dt.UTC)
    raise ctx.fail(path, f"unreadable time {text[:40]!r}")


def _certificate(value: asn1.CertificateField, ctx: _Ctx, path: str) -> asn1_x509.Certificate:
    def read() -> asn1_x509.Certificate:
        if value.name == "certificate":
            ctx.quirk("bare-certificate", f"{path}: a bare Certificate instead of an OCTET STRING")
            return _load_certificate(value.chosen.dump(), f"{ctx.source}: {path}")
        return _certificate_bytes(bytes(value.chosen.native), ctx, path)

    return ctx.get(path, read)


@lru_cache(maxsize=1024)
def _parsed_certificate(der: bytes) -> asn1_x509.Certificate:
    # The same signer's and seal maker's certificates arrive in signature after signature: parse
    # (and fully check) each once. Parsed certificates are never modified, so sharing them is safe.
    return x509.load_certificate(der, "")


def _load_certificate(der: bytes, source: str) -> asn1_x509.Certificate:
    try:
        return _parsed_certificate(der)
    except InputError as exc:
        raise InputError(f"{source}{exc}") from None


def _certificate_bytes(raw: bytes, ctx: _Ctx, path: str) -> asn1_x509.Certificate:
    if raw[:1] != b"0":
        text = raw.strip()
        if text.startswith(b"-----BEGIN"):
            ctx.quirk("text-certificate", f"{path}: PEM text instead of DER")
        elif _BASE64_TEXT.fullmatch(text or b"!"):
            try:
                raw = base64.b64decode(b"".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                raise ctx.fail(path, "neither DER nor base64") from None
            ctx.quirk("text-certificate", f"{path}: base64 text instead of DER")
    cert = _load_certificate(raw, f"{ctx.source}: {path}")
    if cert.dump() != raw and not raw.startswith(b"-----"):
        # A certificate with bytes after it would pass a reader that stops at the first element.
        raise ctx.fail(path, "the certificate is followed by other bytes")
    return cert


def _signature_value(value: core.OctetBitString, ctx: _Ctx, path: str) -> bytes:
    raw = ctx.get(path, lambda: bytes(value.native))
    try:
        algos.DSASignature.load(raw, strict=True)
    except _PARSE_ERRORS:
        if len(raw) == 64:
            ctx.quirk("raw-signature", f"{path}: raw 64-byte r||s instead of DER SEQUENCE{{r, s}}")
        else:
            raise ctx.fail(
                path, f"{len(raw)} bytes that are neither DER SEQUENCE{{r, s}} nor raw r||s"
            ) from None
    return raw


def _data_hash(value: asn1.HashField, ctx: _Ctx, path: str) -> bytes:
    def read() -> bytes:
        if value.name == "octets":
            ctx.quirk("octet-hash", f"{path}: an OCTET STRING instead of a BIT STRING")
        return bytes(value.chosen.native)

    return ctx.get(path, read)


def _extensions(value: Any, ctx: _Ctx, path: str) -> tuple[Extension, ...]:
    def read() -> tuple[Extension, ...]:
        if value is None or isinstance(value, core.Void):
            return ()
        return tuple(
            Extension(e["extn_id"].dotted, bool(e["critical"].native), bytes(e["extn_value"].native))
            for e in value
        )

    return ctx.get(path, read)


_DECLARED = {"png": "png", "gif": "gif", "jpg": "jpeg", "jpeg": "jpeg"}


def _picture(value: asn1.PictureInfo, ctx: _Ctx) -> Picture:
    path = "picture"
    declared = ctx.get(f"{path}.type", lambda: str(value["type"].native))
    data = ctx.get(f"{path}.data", lambda: bytes(value["data"].native))
    width = ctx.get(f"{path}.width", lambda: int(value["width"].native))
    height = ctx.get(f"{path}.height", lambda: int(value["height"].native))
    detected = picture_type(data)
    expected = _DECLARED.get(declared.strip().lower())
    if expected and detected and expected != detected:
        ctx.quirk("picture-type", f"{path}: declared {declared} but the data is {detected.upper()}")
    return Picture(declared, detected, data, width, height)


def _cert_list_v4(prop: asn1.PropertyInfoV4, ctx: _Ctx) -> tuple[int, tuple[CertEntry, ...]]:
    path = "property.certList"
    kind = ctx.get("property.certListType", lambda: int(prop["cert_list_type"].native))
    raw = ctx.get(path, lambda: prop["cert_list"].dump())
    if kind == 1:
        items = ctx.get(path, lambda: list(asn1.CertInfoList.load(raw)))
        return kind, tuple(
            CertEntry(certificate=_certificate(item, ctx, f"{path}[{i}]")) for i, item in enumerate(items)
        )
    if kind == 2:
        digests = ctx.get(path, lambda: list(asn1.CertDigestList.load(raw)))
        return kind, tuple(
            CertEntry(
                digest_type=ctx.get(f"{path}[{i}].type", lambda d=d: str(d["type"].native)),  # type: ignore[misc]
                digest=ctx.get(f"{path}[{i}].value", lambda d=d: bytes(d["value"].native)),  # type: ignore[misc]
            )
            for i, d in enumerate(digests)
        )
    raise ctx.fail("property.certListType", f"{kind}: neither 1 (certificates) nor 2 (certificate digests)")


# --- seals -------------------------------------------------------------------------------------


def read_seal(data: bytes, source: str = "seal") -> Seal:
    """A seal of either version from its bytes (DER, or base64 text of it)."""
    ctx = _Ctx(source)
    der = _frame(data, ctx)
    kind, version = _detect(der, ctx)
    if kind != "seal":
        raise InputError(f"{source}: this is a seal signature (SES_Signature), not a seal")
    return _seal(der, version, ctx)


def _seal(der: bytes, version: int, ctx: _Ctx) -> Seal:
    spec = asn1.SealV4 if version == 4 else asn1.SealV1
    seal = ctx.get("SES_Seal", lambda: spec.load(der))
    info = ctx.get("eSealInfo", lambda: seal["seal_info"])
    info_der = ctx.get("eSealInfo", lambda: info.dump())
    header = ctx.get("header", lambda: info["header"])
    header_id = ctx.get("header.id", lambda: str(header["id"].native))
    if header_id != HEADER_ID:
        raise ctx.fail("header.id", f"{header_id[:20]!r}, not {HEADER_ID!r}: not an e-seal")
    header_version = ctx.get("header.version", lambda: int(header["version"].native))
    if header_version != version:
        ctx.quirk(
            "header-version", f"header.version says {header_version}, the structure is version {version}"
        )
    prop = ctx.get("property", lambda: info["property"])
    if version == 4:
        cert_list_type, cert_list = _cert_list_v4(prop, ctx)
        maker = _certificate(ctx.get("cert", lambda: seal["cert"]), ctx, "cert")
        algorithm = _algorithm(ctx.get("signAlgID", lambda: seal["sign_alg"]), ctx, "signAlgID")
        signature = _signature_value(ctx.get("signedValue", lambda: seal["signed_value"]), ctx, "signedValue")
        signed = info_der  # GB/T 38540: the maker signs SES_SealInfo as it appears in the file
    else:
        items = ctx.get("property.certList", lambda: list(prop["cert_list"]))
        cert_list_type = 1
        cert_list = tuple(
            CertEntry(certificate=_certificate(item, ctx, f"property.certList[{i}]"))
            for i, item in enumerate(items)
        )
        sign_info = ctx.get("signInfo", lambda: seal["sign_info"])
        cert_field = ctx.get("signInfo.cert", lambda: sign_info["cert"])
        alg_field = ctx.get("signInfo.signatureAlgorithm", lambda: sign_info["signature_algorithm"])
        maker = _certificate(cert_field, ctx, "signInfo.cert")
        algorithm = _algorithm(alg_field, ctx, "signInfo.signatureAlgorithm")
        signature = _signature_value(
            ctx.get("signInfo.signData", lambda: sign_info["sign_data"]), ctx, "signInfo.signData"
        )
        # GM/T 0031: the maker signs SEQUENCE { sealInfo, cert, signatureAlgorithm } of the fields as written.
        body = info_der + ctx.get("signInfo", lambda: cert_field.dump() + alg_field.dump())
        signed = _sequence(body)
    return Seal(
        version=version,
        header_id=header_id,
        header_version=header_version,
        vendor_id=ctx.get("header.vid", lambda: str(header["vid"].native)),
        es_id=ctx.get("esID", lambda: str(info["es_id"].native)),
        kind=ctx.get("property.type", lambda: int(prop["type"].native)),
        name=ctx.get("property.name", lambda: str(prop["name"].native)),
        cert_list_type=cert_list_type,
        cert_list=cert_list,
        created=_time(
            ctx.get("property.createDate", lambda: prop["create_date"]), ctx, "property.createDate", version
        ),
        valid_start=_time(
            ctx.get("property.validStart", lambda: prop["valid_start"]), ctx, "property.validStart", version
        ),
        valid_end=_time(
            ctx.get("property.validEnd", lambda: prop["valid_end"]), ctx, "property.validEnd", version
        ),
        picture=_picture(ctx.get("picture", lambda: info["picture"]), ctx),
        extensions=_extensions(ctx.get("extDatas", lambda: info["ext_datas"]), ctx, "extDatas"),
        maker_certificate=maker,
        algorithm=algorithm,
        signature=signature,
        signed_bytes=signed,
        der=der,
        quirks=tuple(ctx.quirks),
    )


# One seal signs many documents: a verifier meets the same embedded seal again and again. Parsed
# seals are immutable facts of their bytes, so they are remembered -- small ones only, since each
# holds its picture.
_CACHED_SEAL_BYTES = 256 << 10


@lru_cache(maxsize=128)
def _remembered_seal(der: bytes, version: int) -> Seal:
    return _seal(der, version, _Ctx("seal"))


def _embedded_seal(der: bytes, version: int, source: str) -> Seal:
    if len(der) <= _CACHED_SEAL_BYTES:
        try:
            return _remembered_seal(der, version)
        except InputError:
            pass  # read again below, so that the error names this file
    return _seal(der, version, _Ctx(source))


def _sequence(body: bytes) -> bytes:
    """DER SEQUENCE header + ``body``."""
    length = len(body)
    if length < 0x80:
        return b"\x30" + bytes([length]) + body
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return b"\x30" + bytes([0x80 | len(octets)]) + octets + body


# --- signatures --------------------------------------------------------------------------------


def read_signature(data: bytes, source: str = "signature") -> SealSignature:
    """A seal signature (SES_Signature) of either version from its bytes."""
    ctx = _Ctx(source)
    der = _frame(data, ctx)
    kind, version = _detect(der, ctx)
    if kind != "signature":
        raise InputError(f"{source}: this is a seal (SES_Seal), not a seal signature")
    return _signature(der, version, ctx)


def _signature(der: bytes, version: int, ctx: _Ctx) -> SealSignature:
    spec = asn1.SignatureV4 if version == 4 else asn1.SignatureV1
    sig = ctx.get("SES_Signature", lambda: spec.load(der))
    tbs = ctx.get("toSign", lambda: sig["to_sign"])
    tbs_der = ctx.get("toSign", lambda: tbs.dump())
    tbs_version = ctx.get("toSign.version", lambda: int(tbs["version"].native))
    if tbs_version != version:
        ctx.quirk("tbs-version", f"toSign.version says {tbs_version}, the structure is version {version}")
    seal_der = ctx.get("toSign.eseal", lambda: tbs["eseal"].dump())
    seal = _embedded_seal(seal_der, version, f"{ctx.source}: toSign.eseal")
    for quirk in seal.quirks:
        ctx.quirk(quirk.name, f"eseal: {quirk.detail}")
    if version == 4:
        sign_time = _time(ctx.get("toSign.timeInfo", lambda: tbs["time_info"]), ctx, "toSign.timeInfo", 4)
        extensions = _extensions(ctx.get("toSign.extDatas", lambda: tbs["ext_datas"]), ctx, "toSign.extDatas")
        cert = _certificate(ctx.get("cert", lambda: sig["cert"]), ctx, "cert")
        algorithm = _algorithm(ctx.get("signatureAlgID", lambda: sig["signature_alg"]), ctx, "signatureAlgID")
        stamp_field = ctx.get("timeStamp", lambda: sig["time_stamp"])
        time_stamp = ctx.get(
            "timeStamp", lambda: None if isinstance(stamp_field, core.Void) else bytes(stamp_field.native)
        )
    else:
        sign_time = _sign_time_v1(
            ctx.get("toSign.timeInfo", lambda: tbs["time_info"]), ctx, "toSign.timeInfo"
        )
        extensions = ()
        cert = _certificate(ctx.get("toSign.cert", lambda: tbs["cert"]), ctx, "toSign.cert")
        algorithm = _algorithm(
            ctx.get("toSign.signatureAlgorithm", lambda: tbs["signature_algorithm"]),
            ctx,
            "toSign.signatureAlgorithm",
        )
        time_stamp = None
    return SealSignature(
        version=version,
        seal=seal,
        sign_time=sign_time,
        data_hash=_data_hash(ctx.get("toSign.dataHash", lambda: tbs["data_hash"]), ctx, "toSign.dataHash"),
        property_info=ctx.get("toSign.propertyInfo", lambda: str(tbs["property_info"].native)),
        extensions=extensions,
        signer_certificate=cert,
        algorithm=algorithm,
        signature=_signature_value(ctx.get("signature", lambda: sig["signature"]), ctx, "signature"),
        signed_bytes=tbs_der,
        time_stamp=time_stamp,
        der=der,
        quirks=tuple(ctx.quirks),
    )


def read_any(data: bytes, source: str) -> Seal | SealSignature:
    """A seal or a seal signature, whichever the bytes hold."""
    ctx = _Ctx(source)
    der = _frame(data, ctx)
    kind, version = _detect(der, ctx)
    if kind == "seal":
        return _seal(der, version, ctx)
    return _signature(der, version, ctx)
