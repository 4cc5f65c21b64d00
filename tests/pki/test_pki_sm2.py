"""SM2 conformance: every backend against the GB/T 32918 vector, against each other, and on bad input."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govnet.errors import InputError, InvalidSignature
from govnet.pki import sm2
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey, SM2PublicKey
from govnet.pki.sm2_base import GX, GY, N, P, Sm2Backend, decode_signature, encode_signature
from govnet.pki.sm2_gmssl import GmsslBackend, digest_to_sign
from govnet.pki.sm2_openssl import libcrypto_sm2_problem

# GM/T 0003 / GB/T 32918.2 example on the recommended curve (see /work/shared/BRIEF.md).
VECTOR_D = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
VECTOR_K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
VECTOR_R = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
VECTOR_S = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
VECTOR_MESSAGE = b"message digest"
VECTOR_POINT = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)

OPENSSL_PROBLEM = libcrypto_sm2_problem()
BACKENDS = [
    pytest.param(
        "openssl",
        marks=pytest.mark.skipif(
            OPENSSL_PROBLEM is not None, reason=f"libcrypto lacks SM2: {OPENSSL_PROBLEM}"
        ),
    ),
    "gmssl",
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Sm2Backend:
    return sm2.get_backend(request.param)


@pytest.fixture(params=BACKENDS)
def facade(request: pytest.FixtureRequest) -> Iterator[str]:
    sm2.set_backend(request.param)
    yield request.param
    sm2.set_backend(None)


def vector_signature() -> bytes:
    key = GmsslBackend().private_key(VECTOR_D)
    signature = key.sign_digest(digest_to_sign(key.public_point(), VECTOR_MESSAGE, DEFAULT_ID), VECTOR_K)
    assert signature is not None
    return signature


# --- the standard's vector ---------------------------------------------------------------------


def test_vector_with_fixed_k_gives_the_standard_r_and_s() -> None:
    assert decode_signature(vector_signature()) == (VECTOR_R, VECTOR_S)


def test_vector_public_key_derivation(backend: Sm2Backend) -> None:
    assert backend.private_key(VECTOR_D).public_point() == VECTOR_POINT


def test_vector_signature_verifies_in_every_backend(backend: Sm2Backend) -> None:
    public = backend.public_key(VECTOR_POINT)
    assert public.verify(vector_signature(), VECTOR_MESSAGE, DEFAULT_ID)
    assert not public.verify(vector_signature(), VECTOR_MESSAGE, b"")
    assert not public.verify(vector_signature(), b"message digesT", DEFAULT_ID)


def test_vector_verifies_through_facade_raw_and_der(facade: str) -> None:
    public = SM2PublicKey.from_point(VECTOR_POINT)
    public.verify(vector_signature(), VECTOR_MESSAGE)
    raw = VECTOR_R.to_bytes(32, "big") + VECTOR_S.to_bytes(32, "big")
    public.verify(raw, VECTOR_MESSAGE)
    with pytest.raises(InvalidSignature):
        public.verify(raw, VECTOR_MESSAGE, id=b"")


# --- backends agree with each other ---------------------------------------------------------------


@pytest.mark.parametrize("signer", [p for p in BACKENDS])
@pytest.mark.parametrize("verifier", [p for p in BACKENDS])
@pytest.mark.parametrize("id", [DEFAULT_ID, b"", b"ALICE123@YAHOO.COM", "电子政务外网".encode()])
def test_cross_backend_sign_and_verify(signer: str, verifier: str, id: bytes) -> None:
    signing = sm2.get_backend(signer).generate()
    signature = signing.sign(b"cross-check", id)
    checking = sm2.get_backend(verifier).public_key(signing.public_point())
    assert checking.verify(signature, b"cross-check", id)
    assert not checking.verify(signature, b"cross-check", id + b"x")


def test_backends_derive_the_same_public_key_from_a_scalar(backend: Sm2Backend) -> None:
    key = backend.generate()
    other = GmsslBackend().private_key(key.secret_scalar())
    assert other.public_point() == key.public_point()


def test_signatures_are_randomized(backend: Sm2Backend) -> None:
    key = backend.private_key(VECTOR_D)
    assert key.sign(b"same", DEFAULT_ID) != key.sign(b"same", DEFAULT_ID)


# --- the facade ----------------------------------------------------------------------------------


def test_generate_sign_verify_round_trip(facade: str) -> None:
    assert sm2.backend_name() == facade
    key = SM2PrivateKey.generate()
    signature = key.sign(b"payload")
    assert signature[0] == 0x30  # always DER
    key.public_key().verify(signature, b"payload")
    with pytest.raises(InvalidSignature):
        key.public_key().verify(signature, b"payload!")
    with pytest.raises(InvalidSignature):
        SM2PrivateKey.generate().public_key().verify(signature, b"payload")


def test_from_secret_scalar_accepts_bytes_and_int(facade: str) -> None:
    by_int = SM2PrivateKey.from_secret_scalar(VECTOR_D)
    by_bytes = SM2PrivateKey.from_secret_scalar(VECTOR_D.to_bytes(32, "big"))
    assert by_int.public_key().point() == by_bytes.public_key().point() == VECTOR_POINT
    assert by_bytes.secret_scalar_bytes() == VECTOR_D.to_bytes(32, "big")


@pytest.mark.parametrize("bad", [0, N - 1, N, -5, b"\x00" * 32, b"\x01" * 31, True, "deadbeef"])
def test_bad_secret_scalars_are_refused_without_showing_them(bad: Any) -> None:
    with pytest.raises(InputError) as info:
        SM2PrivateKey.from_secret_scalar(bad)
    assert "deadbeef" not in str(info.value)


def test_repr_and_pickle_never_show_the_secret(facade: str) -> None:
    key = SM2PrivateKey.from_secret_scalar(VECTOR_D)
    secret_hex = f"{VECTOR_D:064x}"
    for text in (repr(key), str(key), repr(key.public_key()), repr(key._impl)):
        assert secret_hex not in text.lower()
        assert secret_hex[:16] not in text.lower()
    with pytest.raises(TypeError):
        pickle.dumps(key)
    assert copy.deepcopy(key) is key


def test_compressed_point_is_accepted() -> None:
    y = int.from_bytes(VECTOR_POINT[33:], "big")
    compressed = bytes([2 + (y & 1)]) + VECTOR_POINT[1:33]
    assert SM2PublicKey.from_point(compressed).point() == VECTOR_POINT
    wrong_parity = bytes([3 - (y & 1)]) + VECTOR_POINT[1:33]
    assert SM2PublicKey.from_point(wrong_parity).point() != VECTOR_POINT


@pytest.mark.parametrize(
    "point",
    [
        b"",
        b"\x00",
        VECTOR_POINT[:-1],
        VECTOR_POINT[:-1] + bytes([VECTOR_POINT[-1] ^ 1]),  # off the curve
        b"\x04" + P.to_bytes(32, "big") + GY.to_bytes(32, "big"),  # x out of range
        b"\x05" + VECTOR_POINT[1:],
    ],
)
def test_bad_points_are_refused(point: bytes) -> None:
    with pytest.raises(InputError):
        SM2PublicKey.from_point(point)


def test_generator_is_a_valid_public_key() -> None:
    SM2PublicKey.from_point(b"\x04" + GX.to_bytes(32, "big") + GY.to_bytes(32, "big"))


@pytest.mark.parametrize(
    "signature",
    [
        b"",
        b"\x30\x00",
        b"\x00" * 64,  # raw r = s = 0
        N.to_bytes(32, "big") + (1).to_bytes(32, "big"),  # raw r = n
        encode_signature(VECTOR_R, VECTOR_S) + b"\x00",  # trailing garbage
        encode_signature(VECTOR_R, N + VECTOR_S),  # s out of range
        b"\x30\x46\x02\x22\x00\x00" + VECTOR_R.to_bytes(32, "big")[:31],  # truncated/non-minimal
        b"\x30\x45\x02\x21\x00" + VECTOR_R.to_bytes(32, "big") + b"\x02\x20" + VECTOR_S.to_bytes(32, "big"),
    ],
)
def test_malformed_signatures_raise_invalid_signature(facade: str, signature: bytes) -> None:
    public = SM2PublicKey.from_point(VECTOR_POINT)
    with pytest.raises(InvalidSignature):
        public.verify(signature, VECTOR_MESSAGE)


def test_non_minimal_der_is_refused() -> None:
    # r padded with a superfluous zero byte: BER, not DER.
    body_r = b"\x02\x22\x00\x00" + VECTOR_R.to_bytes(32, "big")
    body_s = b"\x02\x21\x00" + VECTOR_S.to_bytes(32, "big")
    sig = b"\x30" + bytes([len(body_r + body_s)]) + body_r + body_s
    with pytest.raises(InvalidSignature):
        SM2PublicKey.from_point(VECTOR_POINT).verify(sig, VECTOR_MESSAGE)


def test_overlong_id_is_refused() -> None:
    key = SM2PrivateKey.from_secret_scalar(VECTOR_D)
    with pytest.raises(InputError):
        key.sign(b"x", id=b"a" * 8192)


def test_unknown_backend_name_lists_the_choices() -> None:
    with pytest.raises(InputError, match="openssl, gmssl"):
        sm2.get_backend("botan")


def test_settings_choose_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_PKI__SM2_BACKEND", "gmssl")
    sm2.set_backend(None)
    try:
        assert sm2.backend_name() == "gmssl"
    finally:
        monkeypatch.delenv("GOVNET_PKI__SM2_BACKEND")
        sm2.set_backend(None)
    assert sm2.backend_name() == ("openssl" if OPENSSL_PROBLEM is None else "gmssl")


def test_auto_falls_back_to_gmssl_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import govnet.pki.sm2_openssl as sm2_openssl

    monkeypatch.setattr(sm2_openssl, "libcrypto_sm2_problem", lambda: "built without SM2 (simulated)")
    with pytest.warns(sm2.Sm2FallbackWarning, match="NOT constant-time"):
        sm2.set_backend("auto")
    try:
        assert sm2.backend_name() == "gmssl"
        from govnet.errors import UnsupportedAlgorithm

        with pytest.raises(UnsupportedAlgorithm, match="simulated"):
            sm2.set_backend("openssl")
    finally:
        sm2.set_backend(None)


# --- properties: round trips hold, and any change breaks the signature ---------------------------

_fast = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_slow = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_KEY: dict[str, tuple[object, object]] = {}


def _key(name: str) -> tuple[object, object]:
    if name not in _KEY:
        backend = sm2.get_backend(name)
        private = backend.private_key(VECTOR_D + 1)
        _KEY[name] = (private, backend.public_key(private.public_point()))
    return _KEY[name]


def _property_round_trip(name: str, data: bytes, id: bytes, flip: int) -> None:
    private, public = _key(name)
    signature = private.sign(data, id)  # type: ignore[attr-defined]
    assert public.verify(signature, data, id)  # type: ignore[attr-defined]
    # A change to the message, the ID or the signature must fail.
    changed = bytearray(data or b"\x00")
    changed[flip % len(changed)] ^= 1 << (flip % 8)
    assert not public.verify(signature, bytes(changed) if data else b"\x01", id)  # type: ignore[attr-defined]
    assert not public.verify(signature, data, id + b"\x00")  # type: ignore[attr-defined]
    r, s = decode_signature(signature)
    for tampered in ((r ^ (1 << (flip % 200)), s), (r, s ^ (1 << (flip % 200)))):
        if 1 <= tampered[0] < N and 1 <= tampered[1] < N:
            assert not public.verify(encode_signature(*tampered), data, id)  # type: ignore[attr-defined]


@pytest.mark.skipif(OPENSSL_PROBLEM is not None, reason=f"libcrypto lacks SM2: {OPENSSL_PROBLEM}")
@_fast
@given(data=st.binary(max_size=300), id=st.binary(max_size=40), flip=st.integers(0, 10_000))
def test_property_openssl(data: bytes, id: bytes, flip: int) -> None:
    _property_round_trip("openssl", data, id, flip)


@_slow
@given(data=st.binary(max_size=100), id=st.binary(max_size=20), flip=st.integers(0, 10_000))
def test_property_gmssl(data: bytes, id: bytes, flip: int) -> None:
    _property_round_trip("gmssl", data, id, flip)


@pytest.mark.skipif(OPENSSL_PROBLEM is not None, reason=f"libcrypto lacks SM2: {OPENSSL_PROBLEM}")
@_fast
@given(d=st.integers(1, N - 2))
def test_property_any_scalar_round_trips_and_other_keys_fail(d: int) -> None:
    backend = sm2.get_backend("openssl")
    key = backend.private_key(d)
    assert key.secret_scalar() == d
    other = backend.public_key(backend.private_key(d % (N - 2) + 1).public_point())
    signature = key.sign(b"m", DEFAULT_ID)
    assert backend.public_key(key.public_point()).verify(signature, b"m", DEFAULT_ID)
    assert not other.verify(signature, b"m", DEFAULT_ID)


@_fast
@given(r=st.integers(1, N - 1), s=st.integers(1, N - 1))
def test_property_signature_encoding_round_trips(r: int, s: int) -> None:
    der = encode_signature(r, s)
    assert decode_signature(der) == (r, s)
    assert decode_signature(r.to_bytes(32, "big") + s.to_bytes(32, "big")) == (r, s)


# --- the openssl backend under concurrency and load ----------------------------------------------


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.mark.skipif(OPENSSL_PROBLEM is not None, reason=f"libcrypto lacks SM2: {OPENSSL_PROBLEM}")
def test_openssl_keys_are_shared_safely_between_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    backend = sm2.get_backend("openssl")
    key = backend.private_key(VECTOR_D)
    public = backend.public_key(key.public_point())
    checker = GmsslBackend().public_key(key.public_point())  # independent check of a sample

    def work(worker: int) -> list[tuple[bytes, bytes, bytes]]:
        out = []
        for i in range(150):
            message, id = f"{worker}:{i}".encode(), (DEFAULT_ID if i % 2 else f"id-{worker}".encode())
            signature = key.sign(message, id)
            assert public.verify(signature, message, id)
            assert not public.verify(signature, message + b"x", id)
            out.append((signature, message, id))
        return out

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = [item for chunk in pool.map(work, range(6)) for item in chunk]
    assert len({signature for signature, _, _ in results}) == len(results)
    for signature, message, id in results[::150]:
        assert checker.verify(signature, message, id)


@pytest.mark.skipif(OPENSSL_PROBLEM is not None, reason=f"libcrypto lacks SM2: {OPENSSL_PROBLEM}")
def test_openssl_backend_does_not_leak() -> None:
    """Thousands of keys made and dropped, and thousands of operations, leave memory where it was."""
    backend = sm2.get_backend("openssl")

    def churn() -> None:
        for i in range(600):
            key = backend.private_key(VECTOR_D + i)
            public = backend.public_key(key.public_point())
            assert public.verify(key.sign(b"m", DEFAULT_ID), b"m", DEFAULT_ID)
            assert not public.verify(b"\x30\x06\x02\x01\x01\x02\x01\x01", b"m", DEFAULT_ID)
            key.secret_scalar()

    churn()  # warm up allocators and caches
    before = _rss_kib()
    churn()
    churn()
    assert _rss_kib() - before < 1024, "RSS grew by more than 1 MiB over 1200 keys"


@pytest.mark.skipif(OPENSSL_PROBLEM is not None, reason=f"libcrypto lacks SM2: {OPENSSL_PROBLEM}")
def test_openssl_backend_uses_the_libcrypto_python_ssl_links() -> None:
    import _ssl
    import os
    import subprocess

    import psycopg  # noqa: F401  (maps a second, bundled libcrypto into the process)

    from govnet.pki.sm2_openssl import OpensslBackend

    ldd = subprocess.run(["ldd", _ssl.__file__], capture_output=True, text=True, check=True).stdout
    linked = next(line.split("=>")[1].split()[0] for line in ldd.splitlines() if "libcrypto" in line)
    assert os.path.realpath(OpensslBackend().library_path) == os.path.realpath(linked)
