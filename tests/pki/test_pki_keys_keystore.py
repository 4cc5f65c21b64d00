"""Private keys at rest: SM4-GCM under Argon2id/scrypt, 0600 files, and nothing secret in any message."""

from __future__ import annotations

import base64
import logging
import os
import stat
import traceback
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govnet.errors import InputError, SecretError
from govnet.pki import keystore
from govnet.pki.keys import KeyDecryptionError, parse_pem
from govnet.pki.keystore import KdfParams
from govnet.pki.sm2 import SM2PrivateKey
from govnet.settings import PkiSettings

PASSPHRASE = "correct horse battery staple"
# Cheap parameters keep the suite fast; one test runs the real defaults.
FAST = KdfParams.argon2id(iterations=1, memory_kib=1024, lanes=1)
FAST_SCRYPT = KdfParams.scrypt(n=1 << 10, r=8, p=1)


def _binary(blob: bytes) -> bytearray:
    return bytearray(parse_pem(blob, "x")[0].der)


def _armour(data: bytes | bytearray) -> bytes:
    return keystore.pem_encode(keystore.PEM_LABEL, bytes(data))


@pytest.mark.parametrize("kdf", [FAST, FAST_SCRYPT], ids=["argon2id", "scrypt"])
def test_round_trip(kdf: KdfParams) -> None:
    key = SM2PrivateKey.generate()
    blob = keystore.encrypt_private_key(key, PASSPHRASE, kdf=kdf)
    assert blob.startswith(b"-----BEGIN GOVNET SM2 PRIVATE KEY-----\n")
    assert key.secret_scalar_bytes() not in _binary(blob)
    restored = keystore.decrypt_private_key(blob, PASSPHRASE)
    assert restored.secret_scalar_bytes() == key.secret_scalar_bytes()
    assert keystore.read_public_key(blob) == key.public_key()


def test_default_kdf_is_memory_hard_and_round_trips() -> None:
    params = keystore.default_kdf()
    assert params in (KdfParams.argon2id(), KdfParams.scrypt())
    key = SM2PrivateKey.generate()
    blob = keystore.encrypt_private_key(key, PASSPHRASE)
    header = _binary(blob)[: keystore._HEADER.size]
    assert header[5] == params.kind
    assert keystore.decrypt_private_key(blob, PASSPHRASE) == key


def test_same_key_encrypts_differently_each_time() -> None:
    key = SM2PrivateKey.generate()
    first = keystore.encrypt_private_key(key, PASSPHRASE, kdf=FAST)
    second = keystore.encrypt_private_key(key, PASSPHRASE, kdf=FAST)
    assert first != second  # fresh salt and nonce


def test_wrong_passphrase_says_only_that() -> None:
    blob = keystore.encrypt_private_key(SM2PrivateKey.generate(), PASSPHRASE, kdf=FAST)
    with pytest.raises(KeyDecryptionError) as info:
        keystore.decrypt_private_key(blob, "correct horse battery stapler", source="ca.key")
    assert str(info.value) == "ca.key: wrong passphrase or corrupted key file"
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_unicode_passphrases_are_normalized() -> None:
    key = SM2PrivateKey.generate()
    composed, decomposed = "政务外网-caf\u00e9-2024", "政务外网-cafe\u0301-2024"
    blob = keystore.encrypt_private_key(key, composed, kdf=FAST)
    assert keystore.decrypt_private_key(blob, decomposed) == key


@pytest.mark.parametrize("offset", [0, 4, 5, 6, 10, 20, 30, 50, 70, 110, 111, 140, 158])
def test_any_flipped_byte_is_detected(offset: int) -> None:
    """Header bytes are GCM AAD, so a change anywhere fails (or is refused as not our format)."""
    key = SM2PrivateKey.generate()
    data = _binary(keystore.encrypt_private_key(key, PASSPHRASE, kdf=FAST))
    assert len(data) == 159
    data[offset] ^= 0x01
    with pytest.raises((KeyDecryptionError, InputError)) as info:
        keystore.decrypt_private_key(_armour(data), PASSPHRASE)
    assert PASSPHRASE not in str(info.value)
    assert key.secret_scalar_bytes().hex() not in str(info.value)


def test_swapped_public_key_is_detected() -> None:
    key, other = SM2PrivateKey.generate(), SM2PrivateKey.generate()
    data = _binary(keystore.encrypt_private_key(key, PASSPHRASE, kdf=FAST))
    start = keystore._HEADER.size - 65
    data[start : keystore._HEADER.size] = other.public_key().point()
    assert keystore.read_public_key(_armour(data)) == other.public_key()  # readable, but...
    with pytest.raises(KeyDecryptionError):
        keystore.decrypt_private_key(_armour(data), PASSPHRASE)  # ...authenticated


def test_hostile_kdf_parameters_are_refused_before_running() -> None:
    data = _binary(keystore.encrypt_private_key(SM2PrivateKey.generate(), PASSPHRASE, kdf=FAST))
    data[10:14] = (1 << 30).to_bytes(4, "big")  # memory: 1 TiB
    with pytest.raises(KeyDecryptionError):
        keystore.decrypt_private_key(_armour(data), PASSPHRASE)


def test_not_our_format_and_truncation() -> None:
    with pytest.raises(InputError, match="not a govnet encrypted key"):
        keystore.decrypt_private_key(
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", PASSPHRASE
        )
    blob = keystore.encrypt_private_key(SM2PrivateKey.generate(), PASSPHRASE, kdf=FAST)
    with pytest.raises(InputError, match="truncated"):
        keystore.decrypt_private_key(_armour(_binary(blob)[:-1]), PASSPHRASE)
    data = _binary(blob)
    data[4] = 9
    with pytest.raises(InputError, match="version 9 is not supported"):
        keystore.decrypt_private_key(_armour(data), PASSPHRASE)


def test_raw_binary_form_is_accepted() -> None:
    key = SM2PrivateKey.generate()
    data = bytes(_binary(keystore.encrypt_private_key(key, PASSPHRASE, kdf=FAST)))
    assert keystore.decrypt_private_key(data, PASSPHRASE) == key


def test_short_passphrase_is_refused() -> None:
    with pytest.raises(SecretError, match="at least 8 bytes"):
        keystore.encrypt_private_key(SM2PrivateKey.generate(), "short", kdf=FAST)


def test_save_writes_0600_and_load_refuses_loose_permissions(tmp_path: Path) -> None:
    key = SM2PrivateKey.generate()
    path = keystore.save_govnet_key_file(tmp_path / "keys" / "ca.key", key, PASSPHRASE, kdf=FAST)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keystore.load_govnet_key_file(path, PASSPHRASE) == key
    os.chmod(path, 0o640)
    with pytest.raises(SecretError, match=r"ca\.key: key file is accessible by group or others .*chmod 600"):
        keystore.load_govnet_key_file(path, PASSPHRASE)
    with pytest.raises(InputError, match=r"missing\.key: cannot read"):
        keystore.load_govnet_key_file(tmp_path / "missing.key", PASSPHRASE)


def test_load_names_the_file_on_a_wrong_passphrase(tmp_path: Path) -> None:
    path = keystore.save_govnet_key_file(tmp_path / "ca.key", SM2PrivateKey.generate(), PASSPHRASE, kdf=FAST)
    with pytest.raises(KeyDecryptionError, match=r"ca\.key: wrong passphrase or corrupted key file$"):
        keystore.load_govnet_key_file(path, "not-the-passphrase")


def test_no_secret_reaches_logs_or_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    key = SM2PrivateKey.generate()
    secret_hex = key.secret_scalar_bytes().hex()
    blob = keystore.encrypt_private_key(key, PASSPHRASE, kdf=FAST)
    try:
        keystore.decrypt_private_key(blob, PASSPHRASE + "!")
    except KeyDecryptionError:
        text = traceback.format_exc()
    everything = text + caplog.text + repr(key) + str(key)
    for secret in (
        secret_hex,
        secret_hex.upper(),
        PASSPHRASE,
        base64.b64encode(key.secret_scalar_bytes()).decode(),
    ):
        assert secret not in everything


def test_resolve_passphrase_from_env_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_PKI_PASSPHRASE", PASSPHRASE)
    assert keystore.resolve_passphrase(PkiSettings()) == PASSPHRASE
    monkeypatch.delenv("GOVNET_PKI_PASSPHRASE")
    with pytest.raises(SecretError, match="GOVNET_PKI_PASSPHRASE") as info:
        keystore.resolve_passphrase(PkiSettings())
    assert PASSPHRASE not in str(info.value)
    secret_file = tmp_path / "passphrase"
    secret_file.write_text(PASSPHRASE + "\n")
    secret_file.chmod(0o600)
    assert keystore.resolve_passphrase(PkiSettings(passphrase_file=secret_file)) == PASSPHRASE
    secret_file.chmod(0o644)
    with pytest.raises(SecretError, match="chmod 600"):
        keystore.resolve_passphrase(PkiSettings(passphrase_file=secret_file))


_SEALED = keystore.encrypt_private_key(SM2PrivateKey.from_secret_scalar(0xC0FFEE), PASSPHRASE, kdf=FAST)


@settings(max_examples=150, deadline=None)
@given(position=st.integers(0, 158), value=st.integers(0, 255), cut=st.booleans())
def test_property_damaged_key_files_never_open_and_fail_cleanly(position: int, value: int, cut: bool) -> None:
    data = _binary(_SEALED)
    if cut:
        del data[position:]
    elif data[position] == value:
        return  # not a change
    else:
        data[position] = value
    with pytest.raises((KeyDecryptionError, InputError)) as info:
        keystore.decrypt_private_key(_armour(data), PASSPHRASE, source="fuzz.key")
    assert "fuzz.key" in str(info.value) or "<data>" in str(info.value)


@pytest.mark.timeout(120)
def test_concurrent_decryption_with_the_default_kdf_does_not_hang() -> None:
    """Several signing workers (threads) decrypt keys at once; multi-lane Argon2id must not deadlock."""
    from concurrent.futures import ThreadPoolExecutor

    key = SM2PrivateKey.generate()
    blob = keystore.encrypt_private_key(key, "correct horse battery")
    with ThreadPoolExecutor(max_workers=3) as pool:
        keys = list(pool.map(lambda _: keystore.decrypt_private_key(blob, "correct horse battery"), range(3)))
    assert {k.secret_scalar_bytes() for k in keys} == {key.secret_scalar_bytes()}
