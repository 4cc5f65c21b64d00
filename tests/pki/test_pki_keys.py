"""SM2 key files interoperate with the `openssl` binary in both directions, and bad files fail clearly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govnet.errors import InputError, SecretError
from govnet.pki import keys
from govnet.pki.keys import KeyDecryptionError
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.sm2_base import N

PASS = "Tr0ub4dor&3 政务"


def openssl(*args: str | Path, input: bytes | None = None) -> bytes:
    result = subprocess.run(["openssl", *map(str, args)], input=input, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def openssl_fails(*args: str | Path) -> str:
    result = subprocess.run(["openssl", *map(str, args)], capture_output=True, timeout=60)
    assert result.returncode != 0
    return result.stderr.decode(errors="replace")


def openssl_public_der(path: Path, password: str | None = None) -> bytes:
    extra = ["-passin", f"pass:{password}"] if password else []
    return openssl("pkey", "-in", path, *extra, "-pubout", "-outform", "DER")


@pytest.fixture(scope="module")
def openssl_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One SM2 key written by OpenSSL in every form the field uses."""
    d = tmp_path_factory.mktemp("openssl-keys")
    base = d / "genpkey.pem"
    openssl("genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", base)
    pw = f"pass:{PASS}"
    forms = {
        "genpkey.pem": None,
        "genpkey-aes.pem": ["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", pw],
        "genpkey-sm4.pem": ["pkcs8", "-topk8", "-v2", "sm4-cbc", "-passout", pw],
        "genpkey-scrypt.pem": ["pkcs8", "-topk8", "-scrypt", "-passout", pw],
        "pkcs8.der": ["pkcs8", "-topk8", "-nocrypt", "-outform", "DER"],
        "pkcs8-enc.der": ["pkcs8", "-topk8", "-v2", "aes-128-cbc", "-passout", pw, "-outform", "DER"],
        "sec1.pem": ["ec"],
        "sec1.der": ["ec", "-outform", "DER"],
        "sec1-aes.pem": ["ec", "-aes256", "-passout", pw],
        "sec1-sm4.pem": ["ec", "-sm4", "-passout", pw],
    }
    paths = {"genpkey.pem": base}
    for name, command in forms.items():
        if command is not None:
            paths[name] = d / name
            openssl(*command, "-in", base, "-out", d / name)
    paths["public.pem"] = d / "public.pem"
    openssl("pkey", "-in", base, "-pubout", "-out", paths["public.pem"])
    paths["public.der"] = d / "public.der"
    openssl("pkey", "-in", base, "-pubout", "-outform", "DER", "-out", paths["public.der"])
    paths["ecparam.pem"] = d / "ecparam.pem"  # SM2 PARAMETERS block, then the key
    openssl("ecparam", "-name", "SM2", "-genkey", "-out", paths["ecparam.pem"])
    paths["genpkey-cli-aes.pem"] = d / "genpkey-cli-aes.pem"
    openssl(
        "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:SM2", "-aes-256-cbc",
        "-pass", pw, "-out", paths["genpkey-cli-aes.pem"],
    )  # fmt: skip
    return paths


ENCRYPTED = [
    "genpkey-aes.pem",
    "genpkey-sm4.pem",
    "genpkey-scrypt.pem",
    "pkcs8-enc.der",
    "sec1-aes.pem",
    "sec1-sm4.pem",
]
PLAIN = ["genpkey.pem", "pkcs8.der", "sec1.pem", "sec1.der"]


@pytest.mark.parametrize("name", PLAIN + ENCRYPTED)
def test_openssl_written_keys_load(openssl_keys: dict[str, Path], name: str) -> None:
    password = PASS if name in ENCRYPTED else None
    key = keys.load_pkcs8_or_sec1_key_file(openssl_keys[name], password)
    reference = keys.load_pkcs8_or_sec1_key_file(openssl_keys["genpkey.pem"])
    assert key == reference
    assert keys.dump_public_key_der(key.public_key()) == openssl_keys["public.der"].read_bytes()


@pytest.mark.parametrize("name", ["ecparam.pem", "genpkey-cli-aes.pem"])
def test_keys_from_other_openssl_commands_load(openssl_keys: dict[str, Path], name: str) -> None:
    password = PASS if "aes" in name else None
    key = keys.load_pkcs8_or_sec1_key_file(openssl_keys[name], password)
    assert keys.dump_public_key_der(key.public_key()) == openssl_public_der(openssl_keys[name], password)


@pytest.mark.parametrize("name", ENCRYPTED)
def test_wrong_or_missing_passphrase(openssl_keys: dict[str, Path], name: str) -> None:
    with pytest.raises(KeyDecryptionError) as info:
        keys.load_pkcs8_or_sec1_key_file(openssl_keys[name], "not the passphrase")
    assert "wrong passphrase or corrupted key file" in str(info.value)
    assert "not the passphrase" not in str(info.value)
    with pytest.raises(SecretError, match="passphrase is needed"):
        keys.load_pkcs8_or_sec1_key_file(openssl_keys[name])


def test_public_keys_load_from_pem_and_der(openssl_keys: dict[str, Path]) -> None:
    reference = keys.load_pkcs8_or_sec1_key_file(openssl_keys["genpkey.pem"]).public_key()
    assert keys.load_public_key_file(openssl_keys["public.pem"]) == reference
    assert keys.load_public_key_file(openssl_keys["public.der"]) == reference
    assert keys.dump_public_key_pem(reference) == openssl_keys["public.pem"].read_bytes()


def test_unencrypted_pkcs8_is_byte_identical_to_openssl(openssl_keys: dict[str, Path]) -> None:
    key = keys.load_pkcs8_or_sec1_key_file(openssl_keys["genpkey.pem"])
    assert keys.dump_private_key_pem(key) == openssl_keys["genpkey.pem"].read_bytes()
    assert keys.dump_private_key_der(key) == openssl_keys["pkcs8.der"].read_bytes()


@pytest.mark.parametrize(
    ("cipher", "kdf"),
    [("aes-256-cbc", "pbkdf2"), ("sm4-cbc", "pbkdf2"), ("aes-128-cbc", "scrypt"), ("sm4-cbc", "scrypt")],
)
def test_govnet_encrypted_pkcs8_opens_in_openssl(tmp_path: Path, cipher: str, kdf: str) -> None:
    key = SM2PrivateKey.generate()
    path = tmp_path / "key.pem"
    path.write_bytes(keys.dump_private_key_pem(key, PASS, cipher=cipher, kdf=kdf, iterations=10_000))
    assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert openssl_public_der(path, PASS) == keys.dump_public_key_der(key.public_key())
    assert "bad decrypt" in openssl_fails("pkey", "-in", path, "-passin", "pass:wrong", "-noout")
    assert keys.load_pkcs8_or_sec1_key_file(path, PASS) == key


def test_govnet_sec1_and_plain_pkcs8_open_in_openssl(tmp_path: Path) -> None:
    key = SM2PrivateKey.generate()
    for name, data in (("sec1.pem", keys.dump_sec1_pem(key)), ("p8.pem", keys.dump_private_key_pem(key))):
        path = tmp_path / name
        path.write_bytes(data)
        assert openssl_public_der(path) == keys.dump_public_key_der(key.public_key())
        text = openssl("pkey", "-in", path, "-noout", "-text").decode()
        assert "ASN1 OID: SM2" in text
        assert keys.load_pkcs8_or_sec1_key_file(path) == key


def test_default_encryption_is_aes256_pbkdf2_sha256_with_many_iterations() -> None:
    key = SM2PrivateKey.generate()
    text = openssl("asn1parse", "-i", input=keys.dump_private_key_pem(key, PASS)).decode()
    assert "aes-256-cbc" in text and "hmacWithSHA256" in text
    assert f"{keys.DEFAULT_PBKDF2_ITERATIONS:X}" in text  # asn1parse prints INTEGERs in hex


# --- bad input: the source and line are named, nothing secret is shown ---------------------------


def test_non_sm2_curve_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p256.pem"
    openssl("genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", path)
    with pytest.raises(InputError, match=r"p256\.pem: line 1: an EC key on curve 1\.2\.840\.10045\.3\.1\.7"):
        keys.load_pkcs8_or_sec1_key_file(path)
    pub = tmp_path / "p256.pub"
    openssl("pkey", "-in", path, "-pubout", "-out", pub)
    with pytest.raises(InputError, match="not on SM2"):
        keys.load_public_key_file(pub)


def test_rsa_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rsa.pem"
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", path)
    with pytest.raises(InputError, match=r"algorithm 1\.2\.840\.113549\.1\.1\.1 is not SM2"):
        keys.load_pkcs8_or_sec1_key_file(path)


def test_malformed_pem_names_file_and_line(tmp_path: Path) -> None:
    key = SM2PrivateKey.generate()
    lines = keys.dump_private_key_pem(key).decode().splitlines()
    path = tmp_path / "bad.pem"
    path.write_text("# a comment\n\n" + "\n".join([lines[0], lines[1][:-3] + "!!!", *lines[2:]]) + "\n")
    with pytest.raises(InputError, match=r"bad\.pem: line 3: 'PRIVATE KEY' block is not valid base64"):
        keys.load_pkcs8_or_sec1_key_file(path)
    path.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(InputError, match=r"bad\.pem: line 1: 'PRIVATE KEY' block has no END line"):
        keys.load_pkcs8_or_sec1_key_file(path)


def test_garbage_and_wrong_blocks(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"junk\.der: not a PEM or DER private key"):
        keys.load_pkcs8_or_sec1_key(b"\x30\x03\x02\x01", source="junk.der")
    with pytest.raises(InputError, match=r"no private key PEM block \(found: CERTIFICATE"):
        keys.load_pkcs8_or_sec1_key(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(InputError, match="no '-----BEGIN PUBLIC KEY-----' block"):
        keys.load_public_key(b"-----BEGIN X-----\nAAAA\n-----END X-----\n")
    with pytest.raises(InputError, match="not a SubjectPublicKeyInfo"):
        keys.load_public_key(b"\x30\x00")
    with pytest.raises(InputError, match=r"nowhere\.pem: cannot read"):
        keys.load_pkcs8_or_sec1_key_file(tmp_path / "nowhere.pem")


def test_private_key_with_mismatched_public_key_is_refused() -> None:
    key, other = SM2PrivateKey.generate(), SM2PrivateKey.generate()
    sec1 = keys.dump_sec1_pem(key)
    der = keys.parse_pem(sec1, "x")[0].der.replace(key.public_key().point(), other.public_key().point())
    with pytest.raises(InputError, match="does not match"):
        keys.load_pkcs8_or_sec1_key(der, source="mismatch.der")


def test_corrupted_ciphertext_reads_as_wrong_passphrase() -> None:
    key = SM2PrivateKey.generate()
    der = bytearray(keys.dump_private_key_der(key, PASS, iterations=1000))
    der[-5] ^= 0x40  # inside the last CBC block: breaks the padding or the structure
    with pytest.raises(KeyDecryptionError):
        keys.load_pkcs8_or_sec1_key(bytes(der), PASS)


def test_absurd_kdf_cost_is_refused_before_running(tmp_path: Path) -> None:
    key = SM2PrivateKey.generate()
    path = tmp_path / "costly.pem"
    path.write_bytes(keys.dump_private_key_pem(key, PASS, kdf="scrypt"))
    der = keys.parse_pem(path.read_bytes(), "x")[0].der
    # r = 8, p = 1 (02 01 08 02 01 01) -> r = p = 127: 254 MiB of memory, but 127 times the work on top.
    tampered = der.replace(b"\x02\x01\x08\x02\x01\x01", b"\x02\x01\x7f\x02\x01\x7f")
    assert tampered != der
    with pytest.raises(InputError, match="out of bounds"):
        keys.load_pkcs8_or_sec1_key(tampered, PASS)


def test_unsupported_legacy_cipher_is_named(tmp_path: Path, openssl_keys: dict[str, Path]) -> None:
    path = tmp_path / "des.pem"
    openssl("ec", "-in", openssl_keys["genpkey.pem"], "-des3", "-passout", f"pass:{PASS}", "-out", path)
    with pytest.raises(InputError, match="unsupported PEM encryption DES-EDE3-CBC"):
        keys.load_pkcs8_or_sec1_key_file(path, PASS)


def test_empty_passphrase_is_refused() -> None:
    with pytest.raises(SecretError, match="empty passphrase"):
        keys.dump_private_key_pem(SM2PrivateKey.generate(), "")


def test_unknown_cipher_and_kdf_are_named() -> None:
    key = SM2PrivateKey.generate()
    with pytest.raises(InputError, match="sm4-cbc"):
        keys.dump_private_key_der(key, PASS, cipher="des-cbc")
    with pytest.raises(InputError, match="'pbkdf2' or 'scrypt'"):
        keys.dump_private_key_der(key, PASS, kdf="md5")


@settings(max_examples=40, deadline=None)
@given(d=st.integers(1, N - 2))
def test_property_serialization_round_trips(d: int) -> None:
    key = SM2PrivateKey.from_secret_scalar(d)
    assert keys.load_pkcs8_or_sec1_key(keys.dump_private_key_der(key)) == key
    assert keys.load_pkcs8_or_sec1_key(keys.dump_private_key_pem(key)) == key
    assert keys.load_pkcs8_or_sec1_key(keys.dump_sec1_pem(key)) == key
    assert keys.load_public_key(keys.dump_public_key_pem(key.public_key())) == key.public_key()
    assert keys.load_pkcs8_or_sec1_key(keys.dump_private_key_der(key)).secret_scalar_bytes() == d.to_bytes(
        32, "big"
    )


def test_legacy_ec_parameters_block_before_the_key_is_skipped() -> None:
    """OpenSSL 1.1.1's `ecparam -genkey` writes EC PARAMETERS, then EC PRIVATE KEY."""
    key = SM2PrivateKey.generate()
    params = keys.pem_encode("EC PARAMETERS", bytes.fromhex("06082a811ccf5501822d"))
    assert keys.load_pkcs8_or_sec1_key(params + keys.dump_sec1_pem(key)) == key


_VALID_KEY = SM2PrivateKey.from_secret_scalar(0x1234567890ABCDEF)
_VALID_DERS = [
    keys.dump_private_key_der(_VALID_KEY),
    keys.parse_pem(keys.dump_sec1_pem(_VALID_KEY), "x")[0].der,
    keys.dump_private_key_der(_VALID_KEY, PASS, iterations=1000),
    keys.dump_public_key_der(_VALID_KEY.public_key()),
]


@settings(max_examples=300, deadline=None)
@given(
    which=st.integers(0, len(_VALID_DERS) - 1),
    position=st.integers(0, 10_000),
    value=st.integers(0, 255),
    cut=st.booleans(),
    as_pem=st.booleans(),
)
def test_property_damaged_files_fail_cleanly(
    which: int, position: int, value: int, cut: bool, as_pem: bool
) -> None:
    """Any damaged key file gives a govnet error (never a traceback from a library), or still loads."""
    data = bytearray(_VALID_DERS[which])
    position %= len(data)
    if cut:
        del data[position:]
    else:
        data[position] = value
    blob = (
        keys.pem_encode("ENCRYPTED PRIVATE KEY" if which == 2 else "PRIVATE KEY", bytes(data))
        if as_pem
        else bytes(data)
    )
    for load in (
        lambda: keys.load_pkcs8_or_sec1_key(blob, PASS, source="fuzz.pem"),
        lambda: keys.load_public_key(blob, source="fuzz.pem"),
    ):
        try:
            load()
        except (InputError, SecretError) as exc:
            assert "fuzz.pem" in str(exc)
            assert PASS not in str(exc)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_property_random_bytes_fail_cleanly(blob: bytes) -> None:
    for load in (lambda: keys.load_pkcs8_or_sec1_key(blob, PASS), lambda: keys.load_public_key(blob)):
        with pytest.raises((InputError, SecretError)):
            load()


def test_windows_line_endings_and_surrounding_text_are_fine(openssl_keys: dict[str, Path]) -> None:
    text = openssl_keys["genpkey-aes.pem"].read_bytes().replace(b"\n", b"\r\n")
    blob = b"Key for the Shaoguan e-seal service\r\n\r\n" + text + b"\r\ntrailing notes\r\n"
    assert keys.load_pkcs8_or_sec1_key(blob, PASS) == keys.load_pkcs8_or_sec1_key_file(
        openssl_keys["genpkey.pem"]
    )
