"""SNMPv3 message framing (RFC 3412) with USM security parameters (RFC 3414), both directions.

Parsing keeps the byte offsets of msgAuthenticationParameters so the digest is checked over the
bytes as received; building leaves a zero-filled placeholder, signs, then patches it in.
"""

from __future__ import annotations

from typing import NamedTuple

from govnet import snmp_ber as ber
from govnet.lab.snmp_usm import LocalizedUser, encrypt, sign

USM_SECURITY_MODEL = 3
FLAG_AUTH = 0x01
FLAG_PRIV = 0x02
FLAG_REPORTABLE = 0x04


class V3Message(NamedTuple):
    msg_id: int
    max_size: int
    flags: int
    security_model: int
    engine_id: bytes
    boots: int
    time: int
    user: bytes
    auth_start: int  # offsets of msgAuthenticationParameters' value in the raw message
    auth_end: int
    priv_params: bytes
    data_tag: int  # SEQUENCE (plaintext ScopedPDU) or OCTET STRING (encrypted)
    data: bytes  # the ScopedPDU TLV, or the ciphertext


class ScopedPdu(NamedTuple):
    context_engine_id: bytes
    context_name: bytes
    pdu_start: int
    pdu_end: int


def parse_v3(data: bytes, pos: int, end: int) -> V3Message:
    """Parse from just after msgVersion to the end of the message."""
    hs, he = ber.expect(data, pos, ber.SEQUENCE, end)
    s, e = ber.expect(data, hs, ber.INTEGER, he)
    msg_id = ber.decode_integer(data, s, e)
    s, e = ber.expect(data, e, ber.INTEGER, he)
    max_size = ber.decode_integer(data, s, e)
    s, e = ber.expect(data, e, ber.OCTET_STRING, he)
    if e - s != 1:
        raise ber.BerError("msgFlags must be one octet")
    flags = data[s]
    s, e = ber.expect(data, e, ber.INTEGER, he)
    model = ber.decode_integer(data, s, e)
    ps, pe = ber.expect(data, he, ber.OCTET_STRING, end)
    # UsmSecurityParameters, BER-encoded inside the OCTET STRING
    us, ue = ber.expect(data, ps, ber.SEQUENCE, pe)
    s, e = ber.expect(data, us, ber.OCTET_STRING, ue)
    engine_id = data[s:e]
    s, e = ber.expect(data, e, ber.INTEGER, ue)
    boots = ber.decode_integer(data, s, e)
    s, e = ber.expect(data, e, ber.INTEGER, ue)
    time = ber.decode_integer(data, s, e)
    s, e = ber.expect(data, e, ber.OCTET_STRING, ue)
    user = data[s:e]
    auth_start, auth_end = ber.expect(data, e, ber.OCTET_STRING, ue)
    s, e = ber.expect(data, auth_end, ber.OCTET_STRING, ue)
    priv_params = data[s:e]
    tag, ds, de = ber.read_tlv(data, pe, end)
    if tag == ber.SEQUENCE:
        payload = data[pe:de]
    elif tag == ber.OCTET_STRING:
        payload = data[ds:de]
    else:
        raise ber.BerError("msgData is neither a ScopedPDU nor an encrypted PDU")
    return V3Message(
        msg_id,
        max_size,
        flags,
        model,
        engine_id,
        boots,
        time,
        user,
        auth_start,
        auth_end,
        priv_params,
        tag,
        payload,
    )


def parse_scoped_pdu(data: bytes) -> ScopedPdu:
    """``data`` starts with the ScopedPDU TLV; decrypted DES data may carry padding after it."""
    ss, se = ber.expect(data, 0, ber.SEQUENCE)
    s, e = ber.expect(data, ss, ber.OCTET_STRING, se)
    context_engine_id = data[s:e]
    s, e = ber.expect(data, e, ber.OCTET_STRING, se)
    return ScopedPdu(context_engine_id, data[s:e], e, se)


def build_v3(
    *,
    msg_id: int,
    max_size: int,
    level: int,
    engine_id: bytes,
    boots: int,
    time: int,
    user_name: bytes,
    user: LocalizedUser | None,
    salt_counter: int,
    context_name: bytes,
    pdu: bytes,
) -> bytes:
    """A response or report from this (authoritative) engine at security ``level`` (flag bits)."""
    scoped = ber.tlv(ber.SEQUENCE, ber.encode_octets(engine_id) + ber.encode_octets(context_name) + pdu)
    priv_params = b""
    if level & FLAG_PRIV:
        assert user is not None
        ciphertext, priv_params = encrypt(user, boots, time, salt_counter, scoped)
        msg_data = ber.encode_octets(ciphertext)
    else:
        msg_data = scoped
    mac_len = user.auth.mac_length if (level & FLAG_AUTH and user and user.auth) else 0
    header = ber.tlv(
        ber.SEQUENCE,
        ber.encode_integer(msg_id)
        + ber.encode_integer(max_size)
        + ber.encode_octets(bytes((level,)))
        + ber.encode_integer(USM_SECURITY_MODEL),
    )
    before_mac = (
        ber.encode_octets(engine_id)
        + ber.encode_integer(boots)
        + ber.encode_integer(time)
        + ber.encode_octets(user_name)
    )
    after_mac = ber.encode_octets(priv_params)
    usm = ber.tlv(ber.SEQUENCE, before_mac + ber.encode_octets(bytes(mac_len)) + after_mac)
    version = ber.encode_integer(3)
    body = version + header + ber.encode_octets(usm) + msg_data
    whole = ber.tlv(ber.SEQUENCE, body)
    if not mac_len:
        return whole
    assert user is not None
    # Offset of the MAC's value: outer header, version, header, the OCTET STRING and SEQUENCE
    # headers around the USM parameters, the fields before the MAC, and the MAC's own TL (2 bytes).
    usm_octets = ber.encode_octets(usm)
    offset = (
        (len(whole) - len(body))
        + len(version)
        + len(header)
        + (len(usm_octets) - len(usm))
        + (len(usm) - len(before_mac) - len(ber.encode_octets(bytes(mac_len))) - len(after_mac))
        + len(before_mac)
        + 2
    )
    mac = sign(user, whole)
    return whole[:offset] + mac + whole[offset + mac_len :]
