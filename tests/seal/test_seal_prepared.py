"""Signing many times with one seal: ``prepare_signer(prepare_seal(der), key, cert)`` parses and checks
once, and ``sign_prepared`` then makes the same SES_Signature ``sign_digest`` makes, refusing what it
refuses (a version 1 seal, an unlisted certificate, a key of another certificate, a short hash)."""

from __future__ import annotations

import datetime as dt

import pytest
from seal_kit import DOCUMENT, Kit, forge_v1

from govnet.errors import InputError
from govnet.pki.seal import asn1
from govnet.pki.seal.verify import verify_signature
from govnet.pki.seal.writer import prepare_seal, prepare_signer, sign_digest, sign_prepared
from govnet.pki.sm3 import sm3
from govnet.verdict import Status


def test_a_prepared_signer_signs_what_sign_digest_signs(kit: Kit) -> None:
    seal = kit.seal()
    signer = prepare_signer(prepare_seal(seal), kit.signer.key, kit.signer.cert)
    when = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    for document in (DOCUMENT, b"another document"):
        der = sign_prepared(signer, sm3(document), property_info="p", sign_time=when)
        verdict = verify_signature(der, data_hash=sm3(document), trust=kit.trust())
        assert verdict.status is Status.PASSED, verdict.summary()
        plain = sign_digest(
            seal, kit.signer.key, kit.signer.cert, sm3(document), property_info="p", sign_time=when
        )
        # SM2 signatures are randomised: what they sign, and the certificate, are the same bytes
        ours, theirs = asn1.SignatureV4.load(der), asn1.SignatureV4.load(plain)
        for name in ("to_sign", "cert", "signature_alg"):
            assert ours[name].dump() == theirs[name].dump()


def test_prepare_refuses_what_sign_digest_refuses(kit: Kit) -> None:
    other = kit.party(subject="CN=王五")
    with pytest.raises(InputError, match="version 4"):
        prepare_seal(forge_v1(kit)[0])
    prepared = prepare_seal(kit.seal())
    with pytest.raises(InputError, match="does not list"):
        prepare_signer(prepared, other.key, other.cert)
    with pytest.raises(InputError, match="does not belong"):
        prepare_signer(prepared, other.key, kit.signer.cert)
    signer = prepare_signer(prepared, kit.signer.key, kit.signer.cert)
    with pytest.raises(InputError, match="32 bytes"):
        sign_prepared(signer, b"short")
