"""SM2 signatures cross between govnet (both backends) and `openssl pkeyutl`, ID handling included."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from govnet.errors import InvalidSignature
from govnet.pki import keys, sm2
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey
from govnet.pki.sm2_base import decode_signature
from govnet.pki.sm2_openssl import libcrypto_sm2_problem

PROBLEM = libcrypto_sm2_problem()
BACKENDS = [
    pytest.param(
        "openssl", marks=pytest.mark.skipif(PROBLEM is not None, reason=f"libcrypto lacks SM2: {PROBLEM}")
    ),
    "gmssl",
]
# The last one is longer than the openssl backend's one-shot hashing limit: it is streamed.
MESSAGES = [
    b"",
    b"message digest",
    "电子政务外网 一地发证、全网互信互认".encode(),
    bytes(range(256)) * 40,
    b"Z" * 200_000,
]
MESSAGE_IDS = ["empty", "ascii", "chinese", "10k", "200k"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    sm2.set_backend(request.param)
    yield request.param
    sm2.set_backend(None)


def pkeyutl(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", "pkeyutl", *map(str, args)], capture_output=True, timeout=60)


def openssl_verifies(public_pem: Path, message: Path, signature: Path, distid: str | None) -> bool:
    id_opts = ["-pkeyopt", f"distid:{distid}"] if distid is not None else []
    result = pkeyutl(
        "-verify", "-pubin", "-inkey", public_pem, "-rawin", "-digest", "sm3", *id_opts,
        "-in", message, "-sigfile", signature,
    )  # fmt: skip
    return result.returncode == 0 and b"Signature Verified Successfully" in result.stdout


def openssl_sign(private_pem: Path, message: Path, distid: str | None) -> bytes:
    id_opts = ["-pkeyopt", f"distid:{distid}"] if distid is not None else []
    result = pkeyutl("-sign", "-inkey", private_pem, "-rawin", "-digest", "sm3", *id_opts, "-in", message)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


@pytest.mark.parametrize("message", MESSAGES, ids=MESSAGE_IDS)
def test_govnet_signatures_pass_openssl_verify(backend: str, tmp_path: Path, message: bytes) -> None:
    key = SM2PrivateKey.generate()
    public_pem = tmp_path / "public.pem"
    public_pem.write_bytes(keys.dump_public_key_pem(key.public_key()))
    msg = tmp_path / "msg"
    msg.write_bytes(message)
    sig = tmp_path / "sig"
    sig.write_bytes(key.sign(message))
    assert openssl_verifies(public_pem, msg, sig, distid=DEFAULT_ID.decode())
    assert not openssl_verifies(public_pem, msg, sig, distid=None)  # OpenSSL's empty default ID
    sig.write_bytes(key.sign(message, id=b""))
    assert openssl_verifies(public_pem, msg, sig, distid=None)
    assert not openssl_verifies(public_pem, msg, sig, distid=DEFAULT_ID.decode())
    sig.write_bytes(key.sign(message, id=b"ALICE123@YAHOO.COM"))
    assert openssl_verifies(public_pem, msg, sig, distid="ALICE123@YAHOO.COM")


@pytest.fixture(scope="module")
def openssl_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("interop") / "key.pem"
    result = subprocess.run(
        ["openssl", "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", str(path)],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize("message", MESSAGES, ids=MESSAGE_IDS)
def test_openssl_signatures_verify_in_govnet(
    backend: str, tmp_path: Path, openssl_key: Path, message: bytes
) -> None:
    public = keys.load_pkcs8_or_sec1_key_file(openssl_key).public_key()
    msg = tmp_path / "msg"
    msg.write_bytes(message)

    with_default_id = openssl_sign(openssl_key, msg, DEFAULT_ID.decode())
    public.verify(with_default_id, message)
    with pytest.raises(InvalidSignature):
        public.verify(with_default_id, message, id=b"")

    # OpenSSL 3.0's command line signs with the EMPTY ID unless told otherwise.
    with_empty_id = openssl_sign(openssl_key, msg, None)
    public.verify(with_empty_id, message, id=b"")
    with pytest.raises(InvalidSignature):
        public.verify(with_empty_id, message)

    # Some vendors hand over raw r||s: accepted on input.
    r, s = decode_signature(with_default_id)
    public.verify(r.to_bytes(32, "big") + s.to_bytes(32, "big"), message)
    with pytest.raises(InvalidSignature):
        public.verify(with_default_id, message + b"!")


def test_openssl_generated_key_signs_in_govnet_and_openssl_agrees(
    backend: str, tmp_path: Path, openssl_key: Path
) -> None:
    key = keys.load_pkcs8_or_sec1_key_file(openssl_key)
    assert sm2.backend_name() == backend
    msg = tmp_path / "msg"
    msg.write_bytes(b"signed with a key OpenSSL generated")
    sig = tmp_path / "sig"
    sig.write_bytes(key.sign(msg.read_bytes()))
    public_pem = tmp_path / "public.pem"
    public_pem.write_bytes(keys.dump_public_key_pem(key.public_key()))
    assert openssl_verifies(public_pem, msg, sig, distid=DEFAULT_ID.decode())
    # and the private key file itself works as the verifying key in openssl
    result = pkeyutl(
        "-verify", "-inkey", openssl_key, "-rawin", "-digest", "sm3",
        "-pkeyopt", f"distid:{DEFAULT_ID.decode()}", "-in", msg, "-sigfile", sig,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_gmssl_fixed_k_vector_verifies_in_openssl(tmp_path: Path) -> None:
    """The GB/T 32918 example (made through gmssl with the standard's k) passes `openssl pkeyutl -verify`."""
    from govnet.pki.sm2_gmssl import GmsslBackend, digest_to_sign

    d = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
    k = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
    signer = GmsslBackend().private_key(d)
    signature = signer.sign_digest(digest_to_sign(signer.public_point(), b"message digest", DEFAULT_ID), k)
    assert signature is not None
    public_pem = tmp_path / "public.pem"
    public_pem.write_bytes(keys.dump_public_key_pem(SM2PrivateKey.from_secret_scalar(d).public_key()))
    msg, sig = tmp_path / "msg", tmp_path / "sig"
    msg.write_bytes(b"message digest")
    sig.write_bytes(signature)
    assert openssl_verifies(public_pem, msg, sig, distid=DEFAULT_ID.decode())
