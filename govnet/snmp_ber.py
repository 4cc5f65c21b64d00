"""The BER subset SNMP uses (RFC 3416 / X.690), hand-written for speed.

The lab answers many thousands of values a second from one process; pyasn1's generic codec costs
tens of microseconds per value, which would make the agent slower than the pollers it is meant to
test. SNMP needs only definite lengths, single-byte tags and a dozen types, so this module encodes
and decodes exactly those. Decoding is strict: anything malformed raises ``BerError``.
"""

from __future__ import annotations

from typing import NamedTuple

# Universal and SNMP application tags (RFC 2578 / RFC 3416).
INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_IDENTIFIER = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIMETICKS = 0x43
OPAQUE = 0x44
COUNTER64 = 0x46
# Varbind exceptions (context-specific, primitive, empty).
NO_SUCH_OBJECT = 0x80
NO_SUCH_INSTANCE = 0x81
END_OF_MIB_VIEW = 0x82
# PDU types (context-specific, constructed).
GET_REQUEST = 0xA0
GET_NEXT_REQUEST = 0xA1
RESPONSE = 0xA2
SET_REQUEST = 0xA3
GET_BULK_REQUEST = 0xA5
INFORM_REQUEST = 0xA6
SNMPV2_TRAP = 0xA7
REPORT = 0xA8

UNSIGNED_TAGS = frozenset({COUNTER32, GAUGE32, TIMETICKS, COUNTER64})
EXCEPTION_TAGS = frozenset({NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW})

Oid = tuple[int, ...]


class BerError(ValueError):
    """The bytes are not the BER SNMP expects."""


# ---------------------------------------------------------------- encoding


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    return bytes((tag,)) + encode_length(n) + content


def integer_content(value: int) -> bytes:
    """Two's complement, minimal length (unsigned SNMP types get a leading zero when needed)."""
    return value.to_bytes(((value if value >= 0 else ~value).bit_length() + 8) // 8, "big", signed=True)


def encode_integer(value: int, tag: int = INTEGER) -> bytes:
    return tlv(tag, integer_content(value))


def encode_octets(value: bytes, tag: int = OCTET_STRING) -> bytes:
    return tlv(tag, value)


def arcs_content(arcs: Oid) -> bytes:
    """Base-128 encoding of OID arcs (no first-two-arcs folding: callers do that)."""
    out = bytearray()
    for arc in arcs:
        if arc < 0x80:
            out.append(arc)
            continue
        if arc < 0:
            raise BerError(f"negative OID arc {arc}")
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return bytes(out)


def oid_content(oid: Oid) -> bytes:
    if len(oid) < 2 or oid[0] > 2 or (oid[0] < 2 and oid[1] >= 40):
        raise BerError(f"invalid OID {oid}")
    return arcs_content((oid[0] * 40 + oid[1], *oid[2:]))


def encode_oid(oid: Oid) -> bytes:
    return tlv(OBJECT_IDENTIFIER, oid_content(oid))


def encode_value(tag: int, value: object) -> bytes:
    """Encode one varbind value given its BER tag and Python value."""
    if tag in (OCTET_STRING, IP_ADDRESS, OPAQUE):
        return tlv(tag, value)  # type: ignore[arg-type]
    if tag == INTEGER or tag in UNSIGNED_TAGS:
        return tlv(tag, integer_content(value))  # type: ignore[arg-type]
    if tag == OBJECT_IDENTIFIER:
        return tlv(tag, oid_content(value))  # type: ignore[arg-type]
    if tag == NULL or tag in EXCEPTION_TAGS:
        return bytes((tag, 0))
    raise BerError(f"cannot encode tag 0x{tag:02x}")


def encode_varbind(oid_der: bytes, value_der: bytes) -> bytes:
    """One VarBind from an already encoded OID TLV and value TLV."""
    return tlv(SEQUENCE, oid_der + value_der)


def encode_pdu(pdu_type: int, request_id: int, error_status: int, error_index: int, varbinds: bytes) -> bytes:
    return tlv(
        pdu_type,
        encode_integer(request_id)
        + encode_integer(error_status)
        + encode_integer(error_index)
        + tlv(SEQUENCE, varbinds),
    )


# ---------------------------------------------------------------- decoding


def read_tlv(data: bytes, pos: int, end: int | None = None) -> tuple[int, int, int]:
    """Return (tag, value start, value end) of the TLV at ``pos``, checking it fits before ``end``."""
    limit = len(data) if end is None else end
    if pos + 2 > limit:
        raise BerError("truncated TLV header")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise BerError("multi-byte tags are not used by SNMP")
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        if n == 0 or n > 4:
            raise BerError("indefinite or oversized length")
        if pos + n > limit:
            raise BerError("truncated length")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    if pos + length > limit:
        raise BerError("value runs past its container")
    return tag, pos, pos + length


def expect(data: bytes, pos: int, tag: int, end: int | None = None) -> tuple[int, int]:
    got, start, stop = read_tlv(data, pos, end)
    if got != tag:
        raise BerError(f"expected tag 0x{tag:02x}, found 0x{got:02x}")
    return start, stop


def decode_integer(data: bytes, start: int, stop: int) -> int:
    if stop <= start or stop - start > 9:
        raise BerError("bad INTEGER length")
    return int.from_bytes(data[start:stop], "big", signed=True)


def decode_oid(data: bytes, start: int, stop: int) -> Oid:
    if stop <= start:
        raise BerError("empty OID")
    arcs: list[int] = []
    value = 0
    for i in range(start, stop):
        byte = data[i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if data[stop - 1] & 0x80:
        raise BerError("OID ends inside an arc")
    first = arcs[0]
    head = (first // 40, first % 40) if first < 80 else (2, first - 80)
    return (*head, *arcs[1:])


class Pdu(NamedTuple):
    """A decoded request PDU. For GETBULK, ``error_status``/``error_index`` hold non-repeaters and
    max-repetitions, as on the wire."""

    pdu_type: int
    request_id: int
    error_status: int
    error_index: int
    oids: list[Oid]


def _pdu_head(data: bytes, pos: int, end: int) -> tuple[int, int, int, int, int, int]:
    """(PDU type, request ID, error-status, error-index, varbind list start, its end) of the PDU at
    ``pos``."""
    pdu_type, start, stop = read_tlv(data, pos, end)
    if pdu_type & 0xE0 != 0xA0:
        raise BerError(f"not a PDU (tag 0x{pdu_type:02x})")
    s, e = expect(data, start, INTEGER, stop)
    request_id = decode_integer(data, s, e)
    s, e = expect(data, e, INTEGER, stop)
    status = decode_integer(data, s, e)
    s, e = expect(data, e, INTEGER, stop)
    index = decode_integer(data, s, e)
    s, list_end = expect(data, e, SEQUENCE, stop)
    return pdu_type, request_id, status, index, s, list_end


def decode_pdu(data: bytes, pos: int, end: int) -> Pdu:
    pdu_type, request_id, status, index, s, list_end = _pdu_head(data, pos, end)
    oids: list[Oid] = []
    while s < list_end:
        vs, ve = expect(data, s, SEQUENCE, list_end)
        os_, oe = expect(data, vs, OBJECT_IDENTIFIER, ve)
        oids.append(decode_oid(data, os_, oe))
        read_tlv(data, oe, ve)  # the value (ignored by a read-only agent) must still be well formed
        s = ve
    return Pdu(pdu_type, request_id, status, index, oids)


# ---------------------------------------------------------------- manager side (the poller's fast path)

Varbind = tuple[Oid, int, object]  # (OID, BER tag, Python value: int, bytes, Oid or None)


def decode_value(data: bytes, tag: int, start: int, stop: int) -> object:
    """A varbind value as Python: int (INTEGER and the unsigned types), bytes (OCTET STRING,
    IpAddress, Opaque), an OID tuple, or None (NULL and the exceptions)."""
    if tag == INTEGER:
        return decode_integer(data, start, stop)
    if tag in UNSIGNED_TAGS:
        if stop <= start or stop - start > 9:
            raise BerError(f"bad length for tag 0x{tag:02x}")
        return int.from_bytes(data[start:stop], "big")  # unsigned, however the agent padded it
    if tag in (OCTET_STRING, IP_ADDRESS, OPAQUE):
        return data[start:stop]
    if tag == OBJECT_IDENTIFIER:
        return decode_oid(data, start, stop)
    if tag == NULL or tag in EXCEPTION_TAGS:
        return None
    raise BerError(f"unknown value tag 0x{tag:02x}")


class Response(NamedTuple):
    """A decoded Response (or Report) PDU with its varbinds' values."""

    pdu_type: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[Varbind]


def decode_response_pdu(data: bytes, pos: int, end: int) -> Response:
    pdu_type, request_id, status, index, s, list_end = _pdu_head(data, pos, end)
    if pdu_type not in (RESPONSE, REPORT):
        raise BerError(f"not a Response PDU (tag 0x{pdu_type:02x})")
    if list_end != read_tlv(data, pos, end)[2]:
        raise BerError("trailing bytes after the varbind list")
    varbinds: list[Varbind] = []
    append = varbinds.append
    while s < list_end:
        vs, ve = expect(data, s, SEQUENCE, list_end)
        os_, oe = expect(data, vs, OBJECT_IDENTIFIER, ve)
        tag, v_start, v_stop = read_tlv(data, oe, ve)
        if v_stop != ve:
            raise BerError("trailing bytes in a varbind")
        append((decode_oid(data, os_, oe), tag, decode_value(data, tag, v_start, v_stop)))
        s = ve
    return Response(pdu_type, request_id, status, index, varbinds)


def encode_community_request(
    version: int, community: bytes, pdu_type: int, request_id: int, oids: list[Oid], a: int = 0, b: int = 0
) -> bytes:
    """An SNMPv1/v2c request message; for GETBULK ``a``/``b`` are non-repeaters/max-repetitions."""
    null = bytes((NULL, 0))
    varbinds = b"".join(encode_varbind(encode_oid(o), null) for o in oids)
    pdu = encode_pdu(pdu_type, request_id, a, b, varbinds)
    return tlv(SEQUENCE, encode_integer(version) + encode_octets(community) + pdu)


def decode_community_response(data: bytes) -> tuple[int, bytes, Response]:
    """(version, community, response) of an SNMPv1/v2c answer; strict: ``BerError`` if malformed."""
    start, end = expect(data, 0, SEQUENCE)
    if end != len(data):
        raise BerError("trailing bytes after the message")
    s, e = expect(data, start, INTEGER, end)
    version = decode_integer(data, s, e)
    s, e = expect(data, e, OCTET_STRING, end)
    community = data[s:e]
    return version, community, decode_response_pdu(data, e, end)
