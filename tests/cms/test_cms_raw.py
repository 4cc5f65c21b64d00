"""Raw SM2 signatures over data or over a caller-computed e = SM3(Z || M)."""

from __future__ import annotations

import pytest

from govnet.errors import InputError
from govnet.pki.cms import raw
from govnet.pki.sm2 import SM2PrivateKey, get_backend
from govnet.pki.sm2_base import DEFAULT_ID
from govnet.verdict import Status

DATA = b"GM/T 0029 sign this"


@pytest.fixture(scope="module")
def key() -> SM2PrivateKey:
    return SM2PrivateKey.generate()


def test_signature_over_a_hash_verifies_over_the_data(key):
    e = raw.hash_to_sign(key.public_key(), DATA)
    signature = raw.sign(key, e=e)
    assert raw.verify(key.public_key(), signature, data=DATA).status is Status.PASSED


def test_signature_over_data_verifies_over_its_hash(key):
    signature = raw.sign(key, data=DATA, id=b"alice@example.gov.cn")
    e = raw.hash_to_sign(key.public_key(), DATA, id=b"alice@example.gov.cn")
    assert raw.verify(key.public_key(), signature, e=e).status is Status.PASSED
    wrong_id = raw.verify(key.public_key(), signature, data=DATA, id=DEFAULT_ID)
    assert [c.name for c in wrong_id.failures] == ["signature"]


def test_a_hash_of_the_message_alone_is_not_e(key):
    from govnet.pki.sm3 import sm3

    signature = raw.sign(key, e=sm3(DATA))  # the classic mistake: Z left out
    assert raw.verify(key.public_key(), signature, data=DATA).status is Status.FAILED


def test_raw_r_s_encoding_round_trips(key):
    signature = raw.sign(key, data=DATA, encoding=raw.Encoding.RAW)
    assert len(signature) == 64
    verdict = raw.verify(key.public_key(), signature, data=DATA)
    assert verdict.status is Status.PASSED
    assert verdict.checks[0].reason == "64-byte r||s"


def test_garbage_signature_is_an_encoding_failure(key):
    verdict = raw.verify(key.public_key(), b"\x30\x02\x01", data=DATA)
    assert [c.name for c in verdict.failures] == ["encoding"]


@pytest.mark.parametrize("bad", [b"", b"\x00" * 31, b"\x00" * 33])
def test_a_hash_must_be_32_bytes(key, bad):
    with pytest.raises(InputError, match="32 bytes"):
        raw.sign(key, e=bad)


def test_data_and_hash_together_are_refused(key):
    with pytest.raises(InputError, match="either"):
        raw.sign(key, data=DATA, e=b"\x00" * 32)


def test_both_backends_agree_on_signatures_over_a_hash():
    gm, ossl = get_backend("gmssl"), get_backend("openssl")
    d = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
    for signer, checker in ((gm, ossl), (ossl, gm)):
        private = signer.private_key(d)
        e = bytes(range(32))
        assert checker.public_key(private.public_point()).verify_hash(private.sign_hash(e), e)
