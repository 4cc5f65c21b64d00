"""A readable account of any seal or seal signature (either version): the facts, not a judgement.

``describe`` gives a JSON-ready dict; ``render`` draws it for a person. Verification is ``verify.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509

from govnet.pki import x509
from govnet.pki.seal.model import SM2_SM3, Extension, Seal, SealSignature, kind_label

if TYPE_CHECKING:
    from rich.console import Console

ALGORITHMS = {SM2_SM3: "SM2-with-SM3"}
STANDARDS = {4: "GB/T 38540-2020", 1: "GM/T 0031-2014"}


def _algorithm(oid: str) -> str:
    return f"{ALGORITHMS.get(oid, 'unknown')} ({oid})"


def _encoding(signature: bytes) -> str:
    try:
        algos.DSASignature.load(signature, strict=True)
    except ValueError:
        return "raw r||s"
    return "DER"


def certificate_facts(cert: asn1_x509.Certificate) -> dict[str, Any]:
    not_before, not_after = x509.validity(cert)
    return {
        "subject": x509.name_text(cert.subject),
        "issuer": x509.name_text(cert.issuer),
        "serial": x509.serial_hex(cert.serial_number),
        "not_before": not_before.isoformat(),
        "not_after": not_after.isoformat(),
        "sm3": x509.fingerprint_sm3(cert.dump()),
    }


def _extensions(extensions: tuple[Extension, ...]) -> list[dict[str, Any]]:
    return [{"oid": e.oid, "critical": e.critical, "value": e.value.hex()} for e in extensions]


def describe_seal(seal: Seal) -> dict[str, Any]:
    return {
        "kind": "seal",
        "version": seal.version,
        "standard": STANDARDS[seal.version],
        "header": {"id": seal.header_id, "version": seal.header_version},
        "vendor_id": seal.vendor_id,
        "es_id": seal.es_id,
        "name": seal.name,
        "type": kind_label(seal.kind),
        "created": seal.created.isoformat(),
        "valid_start": seal.valid_start.isoformat(),
        "valid_end": seal.valid_end.isoformat(),
        "cert_list_type": "certificates" if seal.cert_list_type == 1 else "certificate digests",
        "cert_list": [
            certificate_facts(e.certificate)
            if e.certificate is not None
            else {"digest_type": e.digest_type, "digest": (e.digest or b"").hex()}
            for e in seal.cert_list
        ],
        "picture": {
            "declared_type": seal.picture.declared_type,
            "detected_type": seal.picture.detected_type,
            "bytes": len(seal.picture.data),
            "width_mm": seal.picture.width_mm,
            "height_mm": seal.picture.height_mm,
        },
        "extensions": _extensions(seal.extensions),
        "maker_certificate": certificate_facts(seal.maker_certificate),
        "algorithm": _algorithm(seal.algorithm),
        "signature_encoding": _encoding(seal.signature),
        "quirks": [q.to_dict() for q in seal.quirks],
    }


def describe(value: Seal | SealSignature) -> dict[str, Any]:
    if isinstance(value, Seal):
        return describe_seal(value)
    return {
        "kind": "signature",
        "version": value.version,
        "standard": STANDARDS[value.version],
        "sign_time": value.sign_time.isoformat(),
        "data_hash": value.data_hash.hex(),
        "property_info": value.property_info,
        "extensions": _extensions(value.extensions),
        "signer_certificate": certificate_facts(value.signer_certificate),
        "algorithm": _algorithm(value.algorithm),
        "signature_encoding": _encoding(value.signature),
        "time_stamp_bytes": len(value.time_stamp) if value.time_stamp is not None else None,
        "time_stamp": _time_stamp(value.time_stamp),
        "quirks": [q.to_dict() for q in value.quirks],
        "seal": describe_seal(value.seal),
    }


def _time_stamp(token: bytes | None) -> dict[str, Any] | None:
    """What the timeStamp field's token says (TSTInfo), unverified; or why it cannot be read."""
    from govnet.errors import InputError
    from govnet.pki.tsa import read_token

    if token is None:
        return None
    try:
        return read_token(token, "timeStamp").to_dict()
    except InputError as exc:
        return {"unreadable": str(exc)}


def render(console: Console, facts: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    def table(title: str, rows: list[tuple[str, Any]]) -> None:
        grid = Table(title=escape(title), show_header=False)
        grid.add_column("field", style="bold")
        grid.add_column("value", overflow="fold")
        for key, value in rows:
            grid.add_row(key, escape(str(value)))
        console.print(grid)

    def cert_rows(prefix: str, cert: dict[str, Any]) -> list[tuple[str, Any]]:
        return [
            (f"{prefix} subject", cert["subject"]),
            (f"{prefix} issuer", cert["issuer"]),
            (f"{prefix} serial", cert["serial"]),
            (f"{prefix} validity", f"{cert['not_before']} .. {cert['not_after']}"),
        ]

    seal = facts["seal"] if facts["kind"] == "signature" else facts
    if facts["kind"] == "signature":
        rows = [
            ("structure", f"SES_Signature v{facts['version']} ({facts['standard']})"),
            ("signing time", facts["sign_time"]),
            ("document hash (SM3)", facts["data_hash"]),
            ("property info", facts["property_info"]),
            ("algorithm", f"{facts['algorithm']}, {facts['signature_encoding']}"),
            *cert_rows("signer", facts["signer_certificate"]),
        ]
        stamp = facts.get("time_stamp")
        if stamp is not None and "gen_time" in stamp:
            rows.append(("time stamp", f"{stamp['gen_time']} by {stamp['tsa']} (not verified)"))
        elif facts["time_stamp_bytes"] is not None:
            rows.append(("time stamp", f"{facts['time_stamp_bytes']} bytes, unreadable (not verified)"))
        table("seal signature", rows)
    picture = seal["picture"]
    rows = [
        ("structure", f"SES_Seal v{seal['version']} ({seal['standard']})"),
        ("vendor id", seal["vendor_id"]),
        ("seal id", seal["es_id"]),
        ("name", seal["name"]),
        ("type", seal["type"]),
        ("created", seal["created"]),
        ("valid", f"{seal['valid_start']} .. {seal['valid_end']}"),
        (
            "picture",
            f"{picture['declared_type']} (data: {picture['detected_type'] or 'unknown'}), "
            f"{picture['bytes']} bytes, {picture['width_mm']} x {picture['height_mm']} mm",
        ),
        ("algorithm", f"{seal['algorithm']}, {seal['signature_encoding']}"),
        *cert_rows("seal maker", seal["maker_certificate"]),
    ]
    for index, entry in enumerate(seal["cert_list"]):
        if "subject" in entry:
            rows += cert_rows(f"holder {index + 1}", entry)
        else:
            rows.append((f"holder {index + 1}", f"{entry['digest_type']} digest {entry['digest']}"))
    for ext in seal["extensions"]:
        rows.append(("extension", f"{ext['oid']}{' (critical)' if ext['critical'] else ''}: {ext['value']}"))
    table("seal", rows)
    quirks = facts["quirks"]
    if quirks:
        table("quirks (accepted, see docs/seals.md)", [(q["name"], q["detail"]) for q in quirks])
