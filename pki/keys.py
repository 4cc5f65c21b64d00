"""SM2 key files as OpenSSL and the field write them: SPKI, PKCS#8 (plain and PBES2-encrypted), SEC1.

Public keys: SubjectPublicKeyInfo with algorithm id-ecPublicKey and parameters the SM2 curve OID
1.2.156.10197.1.301 (what OpenSSL writes); the bare SM2 OID as algorithm, which some vendors write, is
accepted on input.

Private keys:
- PKCS#8 ``PRIVATE KEY`` (what ``openssl genpkey`` writes);
- encrypted PKCS#8 ``ENCRYPTED PRIVATE KEY`` (PBES2: PBKDF2 with HMAC-SHA1/224/256/384/512 or scrypt;
  AES-128/192/256-CBC or SM4-CBC), as ``openssl genpkey -aes-256-cbc`` / ``openssl pkcs8 -topk8`` write;
- SEC1 ``EC PRIVATE KEY`` / ``SM2 PRIVATE KEY`` (``openssl ecparam -genkey``, ``openssl ec``), also in
  the legacy encrypted PEM form (``Proc-Type: 4,ENCRYPTED``, OpenSSL's MD5-based key derivation);
  an ``EC PARAMETERS`` / ``SM2 PARAMETERS`` block before the key is skipped.
DER input is recognised as well as PEM. Errors name the source and, for PEM, the line; they never
show key material or passphrases. A wrong passphrase and a damaged ciphertext give the same message.

For keys at rest on govnet's own machines prefer ``govnet.pki.keystore`` (SM4-GCM, memory-hard KDF);
this module is for exchanging keys with other tools.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from asn1crypto import core
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from govnet.errors import InputError, SecretError
from govnet.pki.sm2 import SM2PrivateKey, SM2PublicKey

SM2_CURVE_OID = "1.2.156.10197.1.301"
EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1"
PBES2_OID = "1.2.840.113549.1.5.13"
PBKDF2_OID = "1.2.840.113549.1.5.12"
SCRYPT_OID = "1.3.6.1.4.1.11591.4.11"

# cipher name -> (OID, key length, algorithm class); all CBC with a 16-byte IV.
CIPHERS: dict[str, tuple[str, int, type[algorithms.AES] | type[algorithms.SM4]]] = {
    "aes-128-cbc": ("2.16.840.1.101.3.4.1.2", 16, algorithms.AES),
    "aes-192-cbc": ("2.16.840.1.101.3.4.1.22", 24, algorithms.AES),
    "aes-256-cbc": ("2.16.840.1.101.3.4.1.42", 32, algorithms.AES),
    "sm4-cbc": ("1.2.156.10197.1.104.2", 16, algorithms.SM4),
}
_CIPHER_BY_OID = {oid: name for name, (oid, _, _) in CIPHERS.items()}
# PBKDF2 PRF OID -> hash
_PRFS: dict[str, type[hashes.HashAlgorithm]] = {
    "1.2.840.113549.2.7": hashes.SHA1,
    "1.2.840.113549.2.8": hashes.SHA224,
    "1.2.840.113549.2.9": hashes.SHA256,
    "1.2.840.113549.2.10": hashes.SHA384,
    "1.2.840.113549.2.11": hashes.SHA512,
}
_HMAC_SHA256_OID = "1.2.840.113549.2.9"

# Written by default: PBKDF2-HMAC-SHA256 at OWASP's 2023 iteration count, AES-256-CBC.
DEFAULT_PBKDF2_ITERATIONS = 600_000
DEFAULT_CIPHER = "aes-256-cbc"
# Refuse absurd KDF costs from a file before spending minutes or gigabytes on them.
MAX_PBKDF2_ITERATIONS = 10_000_000
MAX_SCRYPT_MEMORY = 1 << 30
MAX_SCRYPT_WORK = 1 << 25  # N * r * p; OpenSSL's default is 2^17, a "paranoid" 2^20 * 8 is 2^23

WRONG_PASSPHRASE = "wrong passphrase or corrupted key file"

# What asn1crypto raises on damaged input (found by fuzzing: IndexError from a BIT STRING, for one).
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


class KeyDecryptionError(SecretError):
    """Decryption failed. The message never says which: wrong passphrase and damaged file look alike."""

    def __init__(self, source: str = "") -> None:
        super().__init__(f"{source}: {WRONG_PASSPHRASE}" if source else WRONG_PASSPHRASE)


# --- ASN.1 structures (explicit, so that OIDs asn1crypto does not know round-trip unchanged) --------


class _AlgorithmIdentifier(core.Sequence):
    _fields: ClassVar[list[Any]] = [
        ("algorithm", core.ObjectIdentifier),
        ("parameters", core.Any, {"optional": True}),
    ]


class _Pbkdf2Params(core.Sequence):
    _fields: ClassVar[list[Any]] = [
        ("salt", core.OctetString),
        ("iteration_count", core.Integer),
        ("key_length", core.Integer, {"optional": True}),
        ("prf", _AlgorithmIdentifier, {"optional": True}),
    ]


class _ScryptParams(core.Sequence):
    _fields: ClassVar[list[Any]] = [
        ("salt", core.OctetString),
        ("cost", core.Integer),
        ("block_size", core.Integer),
        ("parallelization", core.Integer),
        ("key_length", core.Integer, {"optional": True}),
    ]


class _Pbes2Params(core.Sequence):
    _fields: ClassVar[list[Any]] = [
        ("key_derivation_func", _AlgorithmIdentifier),
        ("encryption_scheme", _AlgorithmIdentifier),
    ]


class _AlgorithmAndKey(core.Sequence):
    """SubjectPublicKeyInfo, with the algorithm parameters left open (asn1crypto's needs key sizes)."""

    _fields: ClassVar[list[Any]] = [("algorithm", _AlgorithmIdentifier), ("public_key", core.OctetBitString)]


class _ECPrivateKey(core.Sequence):
    """SEC1 ECPrivateKey (RFC 5915); asn1crypto's own needs a registered key size for the SM2 curve."""

    _fields: ClassVar[list[Any]] = [
        ("version", core.Integer),
        ("private_key", core.OctetString),
        ("parameters", asn1_keys.ECDomainParameters, {"explicit": 0, "optional": True}),
        ("public_key", core.OctetBitString, {"explicit": 1, "optional": True}),
    ]


class _PrivateKeyInfo(core.Sequence):
    _fields: ClassVar[list[Any]] = [
        ("version", core.Integer),
        ("private_key_algorithm", _AlgorithmIdentifier),
        ("private_key", core.OctetString),
    ]


class _EncryptedPrivateKeyInfo(core.Sequence):
    _fields: ClassVar[list[Any]] = [
        ("encryption_algorithm", _AlgorithmIdentifier),
        ("encrypted_data", core.OctetString),
    ]


# --- PEM with line numbers ---------------------------------------------------------------------


@dataclass(frozen=True)
class PemBlock:
    label: str
    headers: dict[str, str]
    der: bytes
    line: int  # 1-based line of the BEGIN marker


def parse_pem(text: bytes, source: str) -> list[PemBlock]:
    """Every PEM block in ``text``; InputError naming the source and line of the first malformed one."""
    try:
        lines = text.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{source}: not a PEM file (non-ASCII bytes)") from None
    blocks: list[PemBlock] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if not line.startswith("-----BEGIN ") or not line.endswith("-----"):
            continue
        label, begin_line = line[11:-5], index
        headers: dict[str, str] = {}
        body: list[str] = []
        while True:
            if index >= len(lines):
                raise InputError(f"{source}: line {begin_line}: '{label}' block has no END line")
            current = lines[index].strip()
            index += 1
            if current == f"-----END {label}-----":
                break
            if current.startswith("-----"):
                raise InputError(f"{source}: line {index}: expected '-----END {label}-----'")
            if ":" in current and not body:
                name, _, value = current.partition(":")
                headers[name.strip()] = value.strip()
            elif current:
                body.append(current)
        try:
            der = base64.b64decode("".join(body), validate=True)
        except (binascii.Error, ValueError):
            raise InputError(f"{source}: line {begin_line}: '{label}' block is not valid base64") from None
        blocks.append(PemBlock(label, headers, der, begin_line))
    return blocks


def pem_encode(label: str, der: bytes, headers: dict[str, str] | None = None) -> bytes:
    """PEM armour: base64 in 64-character lines between BEGIN and END lines."""
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [f"-----BEGIN {label}-----"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if headers:
        lines.append("")
    lines += [body[i : i + 64] for i in range(0, len(body), 64)]
    lines.append(f"-----END {label}-----")
    return ("\n".join(lines) + "\n").encode("ascii")


def _looks_like_pem(data: bytes) -> bool:
    return b"-----BEGIN " in data[:4096]


def _where(source: str, block: PemBlock | None) -> str:
    return f"{source}: line {block.line}" if block else source


# --- public keys ---------------------------------------------------------------------------------


def dump_public_key_der(key: SM2PublicKey) -> bytes:
    """SubjectPublicKeyInfo DER, exactly as OpenSSL writes an SM2 public key."""
    return _spki(key.point())


def _spki(point: bytes) -> bytes:
    algorithm = {"algorithm": EC_PUBLIC_KEY_OID, "parameters": core.ObjectIdentifier(SM2_CURVE_OID)}
    return bytes(_AlgorithmAndKey({"algorithm": algorithm, "public_key": point}).dump())


def dump_public_key_pem(key: SM2PublicKey) -> bytes:
    return pem_encode("PUBLIC KEY", dump_public_key_der(key))


def _public_from_spki(der: bytes, where: str) -> SM2PublicKey:
    try:
        spki = _AlgorithmAndKey.load(der)
        algorithm = spki["algorithm"]["algorithm"].dotted
        params = spki["algorithm"]["parameters"]
        point = spki["public_key"].native
        spki.native  # noqa: B018 -- parse every field now, so that bad encodings surface here
    except _ASN1_ERRORS:
        raise InputError(f"{where}: not a SubjectPublicKeyInfo structure") from None
    curve = _named_curve(params)
    if algorithm == EC_PUBLIC_KEY_OID:
        if curve != SM2_CURVE_OID:
            raise InputError(
                f"{where}: an EC key on curve {curve or 'unknown'}, not on SM2 ({SM2_CURVE_OID})"
            )
    elif algorithm != SM2_CURVE_OID:
        raise InputError(f"{where}: public key algorithm {algorithm} is not SM2")
    return _point_to_key(point, where)


def _point_to_key(point: bytes, where: str) -> SM2PublicKey:
    try:
        return SM2PublicKey.from_point(point)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def _named_curve(params: object) -> str | None:
    """The named-curve OID in EC parameters, or None (absent, NULL, explicit curve parameters)."""
    try:
        if isinstance(params, asn1_keys.ECDomainParameters):
            inner = params.chosen if params.name == "named" else None
        else:
            inner = params.parsed if isinstance(params, core.Any) else params
    except _ASN1_ERRORS:
        return None
    return str(inner.dotted) if isinstance(inner, core.ObjectIdentifier) else None


def load_public_key(data: bytes, *, source: str = "<data>") -> SM2PublicKey:
    """An SM2 public key from SPKI PEM (``PUBLIC KEY``) or DER."""
    if not _looks_like_pem(data):
        return _public_from_spki(bytes(data), source)
    for block in parse_pem(data, source):
        if block.label == "PUBLIC KEY":
            return _public_from_spki(block.der, _where(source, block))
    raise InputError(f"{source}: no '-----BEGIN PUBLIC KEY-----' block")


def load_public_key_file(path: str | os.PathLike[str]) -> SM2PublicKey:
    return load_public_key(_read(path), source=str(path))


# --- private keys: dump --------------------------------------------------------------------------


def _ec_private_key(key: SM2PrivateKey, *, with_curve: bool) -> _ECPrivateKey:
    fields: dict[str, object] = {
        "version": 1,
        "private_key": key.secret_scalar_bytes(),
        "public_key": key.public_key().point(),
    }
    if with_curve:
        fields["parameters"] = asn1_keys.ECDomainParameters(name="named", value=SM2_CURVE_OID)
    return _ECPrivateKey(fields)


def _pkcs8(key: SM2PrivateKey) -> bytes:
    # Built from our own structure: asn1crypto's PrivateKeyInfo wants a registered key size for the curve.
    info = _PrivateKeyInfo(
        {
            "version": 0,
            "private_key_algorithm": {
                "algorithm": EC_PUBLIC_KEY_OID,
                "parameters": core.ObjectIdentifier(SM2_CURVE_OID),
            },
            "private_key": _ec_private_key(key, with_curve=False).dump(),
        }
    )
    return bytes(info.dump())


def _password_bytes(password: bytes | str) -> bytes:
    data = password.encode("utf-8") if isinstance(password, str) else bytes(password)
    if not data:
        raise SecretError("an empty passphrase cannot protect a private key")
    return data


def _encrypt_pkcs8(plain: bytes, password: bytes | str, *, cipher: str, kdf: str, iterations: int) -> bytes:
    if cipher not in CIPHERS:
        raise InputError(f"unknown cipher {cipher!r}; choose one of: {', '.join(CIPHERS)}")
    oid, key_length, algorithm = CIPHERS[cipher]
    salt, iv = secrets.token_bytes(16), secrets.token_bytes(16)
    secret = _password_bytes(password)
    if kdf == "pbkdf2":
        if not 1000 <= iterations <= MAX_PBKDF2_ITERATIONS:
            raise InputError(f"PBKDF2 iterations must be between 1000 and {MAX_PBKDF2_ITERATIONS}")
        derived = PBKDF2HMAC(hashes.SHA256(), key_length, salt, iterations).derive(secret)
        prf = _AlgorithmIdentifier({"algorithm": _HMAC_SHA256_OID, "parameters": core.Null()})
        kdf_id = _AlgorithmIdentifier(
            {
                "algorithm": PBKDF2_OID,
                "parameters": _Pbkdf2Params({"salt": salt, "iteration_count": iterations, "prf": prf}),
            }
        )
    elif kdf == "scrypt":
        # N = 2^14, r = 8, p = 1: OpenSSL's own default, within its 32 MiB scrypt memory limit.
        derived = Scrypt(salt, key_length, 1 << 14, 8, 1).derive(secret)
        kdf_id = _AlgorithmIdentifier(
            {
                "algorithm": SCRYPT_OID,
                "parameters": _ScryptParams(
                    {"salt": salt, "cost": 1 << 14, "block_size": 8, "parallelization": 1}
                ),
            }
        )
    else:
        raise InputError(f"unknown key derivation {kdf!r}; choose 'pbkdf2' or 'scrypt'")
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithm(derived), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padded) + encryptor.finalize()
    scheme = _AlgorithmIdentifier({"algorithm": oid, "parameters": core.OctetString(iv)})
    pbes2 = _AlgorithmIdentifier(
        {
            "algorithm": PBES2_OID,
            "parameters": _Pbes2Params({"key_derivation_func": kdf_id, "encryption_scheme": scheme}),
        }
    )
    return bytes(
        _EncryptedPrivateKeyInfo({"encryption_algorithm": pbes2, "encrypted_data": encrypted}).dump()
    )


def dump_private_key_der(
    key: SM2PrivateKey,
    password: bytes | str | None = None,
    *,
    cipher: str = DEFAULT_CIPHER,
    kdf: str = "pbkdf2",
    iterations: int = DEFAULT_PBKDF2_ITERATIONS,
) -> bytes:
    """PKCS#8 DER; with a password, PBES2 (``cipher`` aes-*-cbc or sm4-cbc, ``kdf`` pbkdf2 or scrypt)."""
    plain = _pkcs8(key)
    if password is None:
        return plain
    return _encrypt_pkcs8(plain, password, cipher=cipher, kdf=kdf, iterations=iterations)


def dump_private_key_pem(
    key: SM2PrivateKey,
    password: bytes | str | None = None,
    *,
    cipher: str = DEFAULT_CIPHER,
    kdf: str = "pbkdf2",
    iterations: int = DEFAULT_PBKDF2_ITERATIONS,
) -> bytes:
    """``PRIVATE KEY`` PEM, or ``ENCRYPTED PRIVATE KEY`` with a password (see ``dump_private_key_der``)."""
    der = dump_private_key_der(key, password, cipher=cipher, kdf=kdf, iterations=iterations)
    return pem_encode("ENCRYPTED PRIVATE KEY" if password is not None else "PRIVATE KEY", der)


def dump_sec1_pem(key: SM2PrivateKey) -> bytes:
    """Unencrypted SEC1 ``EC PRIVATE KEY`` with the SM2 curve named, for tools that want the legacy form."""
    return pem_encode("EC PRIVATE KEY", bytes(_ec_private_key(key, with_curve=True).dump()))


# --- private keys: load --------------------------------------------------------------------------


def _check_sm2_ec_key(der: bytes, curve: str | None, where: str) -> SM2PrivateKey:
    """An SM2PrivateKey from ECPrivateKey DER; ``curve`` is the one named outside it (PKCS#8), if any."""
    try:
        ec = _ECPrivateKey.load(der)
        version = ec["version"].native
        scalar = ec["private_key"].native
        embedded_point = ec["public_key"].native
        inner_curve = _named_curve(ec["parameters"])
        ec.native  # noqa: B018 -- parse every field now, so that bad encodings surface here
    except _ASN1_ERRORS:
        raise InputError(f"{where}: malformed EC private key") from None
    if version != 1:
        raise InputError(f"{where}: unsupported EC private key version {version}")
    curve = curve or inner_curve
    if curve != SM2_CURVE_OID:
        raise InputError(f"{where}: an EC key on curve {curve or 'unknown'}, not on SM2 ({SM2_CURVE_OID})")
    if not 1 <= len(scalar) <= 33:
        raise InputError(f"{where}: SM2 private key scalar has a bad length")
    try:
        key = SM2PrivateKey.from_secret_scalar(int.from_bytes(scalar, "big"))
    except InputError:
        raise InputError(f"{where}: SM2 private key scalar out of range") from None
    if embedded_point is not None and bytes(embedded_point) != key.public_key().point():
        raise InputError(f"{where}: the public key stored with the private key does not match it")
    return key


def _from_pkcs8(der: bytes, where: str) -> SM2PrivateKey:
    try:
        info = _PrivateKeyInfo.load(der)
        algorithm = info["private_key_algorithm"]["algorithm"].dotted
        curve = _named_curve(info["private_key_algorithm"]["parameters"])
        inner = info["private_key"].native
    except _ASN1_ERRORS:
        raise InputError(f"{where}: malformed PKCS#8 private key") from None
    if algorithm == SM2_CURVE_OID:  # some vendors name the SM2 OID as the algorithm itself
        curve = curve or SM2_CURVE_OID
    elif algorithm != EC_PUBLIC_KEY_OID:
        raise InputError(f"{where}: private key algorithm {algorithm} is not SM2")
    return _check_sm2_ec_key(inner, curve, where)


def _from_sec1(der: bytes, where: str) -> SM2PrivateKey:
    return _check_sm2_ec_key(der, None, where)


def _decrypt_pkcs8(der: bytes, password: bytes | str | None, where: str) -> bytes:
    if password is None:
        raise SecretError(f"{where}: the private key is encrypted; a passphrase is needed")
    secret = _password_bytes(password)
    try:
        info = _EncryptedPrivateKeyInfo.load(der)
        if info["encryption_algorithm"]["algorithm"].dotted != PBES2_OID:
            raise InputError(
                f"{where}: encryption {info['encryption_algorithm']['algorithm'].dotted} is not PBES2"
            )
        pbes2 = _Pbes2Params.load(info["encryption_algorithm"]["parameters"].dump())
        scheme_oid = pbes2["encryption_scheme"]["algorithm"].dotted
        iv = core.OctetString.load(pbes2["encryption_scheme"]["parameters"].dump()).native
        kdf_oid = pbes2["key_derivation_func"]["algorithm"].dotted
        kdf_params = pbes2["key_derivation_func"]["parameters"].dump()
        encrypted = info["encrypted_data"].native
    except _ASN1_ERRORS:
        raise InputError(f"{where}: malformed encrypted PKCS#8 private key") from None
    cipher_name = _CIPHER_BY_OID.get(scheme_oid)
    if cipher_name is None:
        raise InputError(f"{where}: unsupported key encryption cipher {scheme_oid}")
    _, key_length, algorithm = CIPHERS[cipher_name]
    derived = _derive(kdf_oid, kdf_params, secret, key_length, where)
    return _cbc_decrypt(algorithm(derived), iv, encrypted, where)


def _derive(kdf_oid: str, params_der: bytes, secret: bytes, key_length: int, where: str) -> bytes:
    try:
        if kdf_oid == PBKDF2_OID:
            p = _Pbkdf2Params.load(params_der)
            salt, iterations = p["salt"].native, p["iteration_count"].native
            prf_oid = p["prf"]["algorithm"].dotted if p["prf"].native is not None else "1.2.840.113549.2.7"
            stated = p["key_length"].native
        elif kdf_oid == SCRYPT_OID:
            s = _ScryptParams.load(params_der)
            salt, n, r, par = (
                s["salt"].native,
                s["cost"].native,
                s["block_size"].native,
                s["parallelization"].native,
            )
            stated = s["key_length"].native
        else:
            raise InputError(f"{where}: unsupported key derivation {kdf_oid}")
    except _ASN1_ERRORS:
        raise InputError(f"{where}: malformed key derivation parameters") from None
    if stated is not None and stated != key_length:
        raise KeyDecryptionError(where)
    if kdf_oid == PBKDF2_OID:
        if prf_oid not in _PRFS:
            raise InputError(f"{where}: unsupported PBKDF2 PRF {prf_oid}")
        if not 1 <= iterations <= MAX_PBKDF2_ITERATIONS:
            raise InputError(f"{where}: PBKDF2 iteration count {iterations} is out of bounds")
        return PBKDF2HMAC(_PRFS[prf_oid](), key_length, salt, iterations).derive(secret)
    too_costly = 128 * r * (n + par) > MAX_SCRYPT_MEMORY or n * r * par > MAX_SCRYPT_WORK
    if n < 2 or n & (n - 1) or r < 1 or par < 1 or too_costly:
        raise InputError(f"{where}: scrypt parameters N={n}, r={r}, p={par} are out of bounds")
    try:
        return Scrypt(salt, key_length, n, r, par).derive(secret)
    except (ValueError, MemoryError):
        raise InputError(f"{where}: scrypt parameters N={n}, r={r}, p={par} are not usable") from None


def _cbc_decrypt(algorithm: algorithms.AES | algorithms.SM4, iv: bytes, data: bytes, where: str) -> bytes:
    if len(iv) != 16 or not data or len(data) % 16:
        raise KeyDecryptionError(where)
    decryptor = Cipher(algorithm, modes.CBC(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise KeyDecryptionError(where) from None


# Legacy PEM encryption (DEK-Info) names -> (key length, algorithm).
_LEGACY_CIPHERS: dict[str, tuple[int, type[algorithms.AES] | type[algorithms.SM4]]] = {
    "AES-128-CBC": (16, algorithms.AES),
    "AES-192-CBC": (24, algorithms.AES),
    "AES-256-CBC": (32, algorithms.AES),
    "SM4-CBC": (16, algorithms.SM4),
}


def _legacy_decrypt(block: PemBlock, password: bytes | str | None, where: str) -> bytes:
    """OpenSSL's traditional PEM encryption: key = EVP_BytesToKey(MD5, password, salt = IV[:8])."""
    if password is None:
        raise SecretError(f"{where}: the private key is encrypted; a passphrase is needed")
    secret = _password_bytes(password)
    cipher_name, _, iv_hex = block.headers.get("DEK-Info", "").partition(",")
    cipher_name = cipher_name.strip().upper()
    if cipher_name not in _LEGACY_CIPHERS:
        supported = ", ".join(_LEGACY_CIPHERS)
        raise InputError(
            f"{where}: unsupported PEM encryption {cipher_name or '(none)'}; supported: {supported}"
        )
    try:
        iv = bytes.fromhex(iv_hex.strip())
    except ValueError:
        raise InputError(f"{where}: DEK-Info has a malformed IV") from None
    key_length, algorithm = _LEGACY_CIPHERS[cipher_name]
    derived, previous = b"", b""
    while len(derived) < key_length:
        previous = hashlib.md5(previous + secret + iv[:8], usedforsecurity=False).digest()
        derived += previous
    return _cbc_decrypt(algorithm(derived[:key_length]), iv, block.der, where)


_PRIVATE_LABELS = ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "SM2 PRIVATE KEY")


def _from_block(block: PemBlock, password: bytes | str | None, where: str) -> SM2PrivateKey:
    if block.label == "PRIVATE KEY":
        return _from_pkcs8(block.der, where)
    if block.label == "ENCRYPTED PRIVATE KEY":
        plain = _decrypt_pkcs8(block.der, password, where)
        return _decrypted(lambda: _from_pkcs8(plain, where), where)
    # EC PRIVATE KEY / SM2 PRIVATE KEY
    if block.headers.get("Proc-Type", "").replace(" ", "") == "4,ENCRYPTED":
        plain = _legacy_decrypt(block, password, where)
        return _decrypted(lambda: _from_sec1(plain, where), where)
    return _from_sec1(block.der, where)


def _decrypted(parse: Callable[[], SM2PrivateKey], where: str) -> SM2PrivateKey:
    # After decryption, garbage means a wrong passphrase as often as a damaged file: say both.
    try:
        return parse()
    except InputError:
        raise KeyDecryptionError(where) from None


def load_pkcs8_or_sec1_key(
    data: bytes, password: bytes | str | None = None, *, source: str = "<data>"
) -> SM2PrivateKey:
    """An SM2 private key from PKCS#8 / encrypted PKCS#8 / SEC1, PEM or DER (see the module docstring)."""
    data = bytes(data)
    if _looks_like_pem(data):
        blocks = parse_pem(data, source)
        for block in blocks:
            if block.label in _PRIVATE_LABELS:
                return _from_block(block, password, _where(source, block))
        found = ", ".join(b.label for b in blocks) or "none"
        raise InputError(f"{source}: no private key PEM block (found: {found})")
    kind = _der_kind(data)
    if kind == "pkcs8":
        return _from_pkcs8(data, source)
    if kind == "encrypted":
        plain = _decrypt_pkcs8(data, password, source)
        return _decrypted(lambda: _from_pkcs8(plain, source), source)
    if kind == "sec1":
        return _from_sec1(data, source)
    raise InputError(f"{source}: not a PEM or DER private key")


def _der_kind(data: bytes) -> str | None:
    """Tell the DER private key structures apart by the tags of their first two elements:
    PKCS#8 is INTEGER, SEQUENCE; SEC1 is INTEGER, OCTET STRING; encrypted PKCS#8 is SEQUENCE, OCTET STRING."""
    try:
        outer = core.Sequence.load(data)
        tags = (outer[0].tag, outer[1].tag)
    except _ASN1_ERRORS:
        return None
    return {(2, 16): "pkcs8", (2, 4): "sec1", (16, 4): "encrypted"}.get(tags)


def load_pkcs8_or_sec1_key_file(
    path: str | os.PathLike[str], password: bytes | str | None = None
) -> SM2PrivateKey:
    return load_pkcs8_or_sec1_key(_read(path), password, source=str(path))


def _read(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or type(exc).__name__}") from None
