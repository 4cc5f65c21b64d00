"""Private keys at rest: SM4-GCM under a key stretched from an operator passphrase (Argon2id or scrypt).

Why a format of our own rather than encrypted PKCS#8: PBES2 as OpenSSL 3.0 reads it knows neither
Argon2 nor an AEAD mode (it is PBKDF2/scrypt with CBC, unauthenticated), so an "SM4-GCM PKCS#8" would
interoperate with nothing anyway, and CBC without a MAC cannot tell a wrong passphrase from a damaged
file reliably. For exchange with other tools use ``govnet.pki.keys`` (encrypted PKCS#8).

The file is PEM-armoured (``GOVNET SM2 PRIVATE KEY``) around::

    header  = magic "GVNK" | version 1 | kdf id | 3 x uint32 kdf parameters | salt (16) | nonce (12)
              | public point (65, 04||x||y)
    payload = SM4-GCM(key = KDF(passphrase, salt), nonce, plaintext = d (32 bytes), aad = header)
              || tag (16)

Every header byte is authenticated as GCM additional data, so tampering with the KDF parameters or the
public key is caught like a wrong passphrase. The public key is readable without the passphrase
(``read_public_key``) so that operators can tell key files apart. Any failure to decrypt says
"wrong passphrase or corrupted key file" and nothing else; no key or passphrase reaches a message.

Python cannot wipe its own ints and bytes; the decrypted scalar lives only until the SM2 key object
(in libcrypto's memory with the openssl backend) is built from it.
"""

from __future__ import annotations

import os
import secrets
import stat
import struct
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.exceptions import UnsupportedAlgorithm as CryptographyUnsupported
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from govnet.errors import InputError, SecretError, UnsupportedAlgorithm
from govnet.pki.keys import KeyDecryptionError, parse_pem, pem_encode
from govnet.pki.sm2 import SM2PrivateKey, SM2PublicKey
from govnet.secrets import read_secret_file, write_secret_file
from govnet.settings import PkiSettings

PEM_LABEL = "GOVNET SM2 PRIVATE KEY"
MAGIC = b"GVNK"
VERSION = 1
KDF_ARGON2ID = 1
KDF_SCRYPT = 2
SALT_LENGTH = 16
NONCE_LENGTH = 12
TAG_LENGTH = 16
SM4_KEY_LENGTH = 16
_HEADER = struct.Struct(">4sBBIII16s12s65s")
MIN_PASSPHRASE_BYTES = 8

# Bounds on parameters read from a file, so that a corrupted (or hostile) header cannot make us spend
# gigabytes or minutes before GCM gets the chance to reject it.
MAX_MEMORY_KIB = 1 << 20  # 1 GiB
MAX_ITERATIONS = 64
MAX_LANES = 64
MAX_WORK = 1 << 25  # argon2id: iterations * KiB; scrypt: N * r * p (defaults: about 2^18 and 2^20)


@dataclass(frozen=True)
class KdfParams:
    """A passphrase KDF and its costs: argon2id (iterations, memory KiB, lanes) or scrypt (n, r, p)."""

    kind: int
    first: int
    second: int
    third: int

    @classmethod
    def argon2id(cls, iterations: int = 3, memory_kib: int = 64 * 1024, lanes: int = 4) -> KdfParams:
        # Defaults: RFC 9106's second recommended option (t=3, m=64 MiB, p=4); about 0.15 s here.
        return cls(KDF_ARGON2ID, iterations, memory_kib, lanes)

    @classmethod
    def scrypt(cls, n: int = 1 << 17, r: int = 8, p: int = 1) -> KdfParams:
        # N = 2^17, r = 8: 128 MiB, the cost the scrypt paper and OWASP suggest for keys at rest.
        return cls(KDF_SCRYPT, n, r, p)

    def check(self) -> None:
        if self.kind == KDF_ARGON2ID:
            iterations, memory, lanes = self.first, self.second, self.third
            ok = 1 <= iterations <= MAX_ITERATIONS and 1 <= lanes <= MAX_LANES
            ok = ok and 8 * lanes <= memory <= MAX_MEMORY_KIB and iterations * memory <= MAX_WORK
        elif self.kind == KDF_SCRYPT:
            n, r, p = self.first, self.second, self.third
            ok = n >= 2 and not n & (n - 1) and r >= 1 and 1 <= p <= MAX_LANES
            ok = ok and 128 * r * (n + p) <= MAX_MEMORY_KIB * 1024 and n * r * p <= MAX_WORK
        else:
            ok = False
        if not ok:
            raise InputError("key file KDF parameters are unknown or out of bounds")

    def derive(self, passphrase: bytes, salt: bytes) -> bytes:
        self.check()
        if self.kind == KDF_SCRYPT:
            return Scrypt(salt, SM4_KEY_LENGTH, self.first, self.second, self.third).derive(passphrase)
        try:
            from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

            kdf = Argon2id(
                salt=salt,
                length=SM4_KEY_LENGTH,
                iterations=self.first,
                lanes=self.third,
                memory_cost=self.second,
            )
        except (ImportError, CryptographyUnsupported):
            raise UnsupportedAlgorithm(
                "this key file uses Argon2id, which this build of 'cryptography' lacks (it needs 44+)"
            ) from None
        with _ARGON2_LOCK:
            return kdf.derive(passphrase)


# cryptography's multi-lane Argon2id deadlocks when two threads derive at once (seen with
# cryptography 50 here: two threads, lanes=4, both hang for good). Deriving a key-at-rest key is
# rare and slow by design, so serialising it here, for every caller, costs nothing a worker notices.
_ARGON2_LOCK = threading.Lock()


def default_kdf() -> KdfParams:
    """Argon2id when this ``cryptography`` has it (44+ with OpenSSL 3.2+), else scrypt."""
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        Argon2id(salt=b"\0" * SALT_LENGTH, length=16, iterations=1, lanes=1, memory_cost=8).derive(b"probe")
    except Exception:  # ImportError or UnsupportedAlgorithm: no Argon2 in this build
        return KdfParams.scrypt()
    return KdfParams.argon2id()


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    if isinstance(passphrase, str):
        # NFC, so that the same passphrase typed on different systems gives the same bytes.
        return unicodedata.normalize("NFC", passphrase).encode("utf-8")
    if isinstance(passphrase, bytes | bytearray):
        return bytes(passphrase)
    raise SecretError("a passphrase must be str or bytes")


def _sm4_gcm(key: bytes, nonce: bytes, aad: bytes, data: bytes, *, encrypt: bool, tag: bytes = b"") -> bytes:
    if encrypt:
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(data) + decryptor.finalize()


def encrypt_private_key(
    key: SM2PrivateKey, passphrase: str | bytes, *, kdf: KdfParams | None = None
) -> bytes:
    """The key encrypted under ``passphrase``, as PEM-armoured bytes ready for ``save_govnet_key_file``."""
    secret = _passphrase_bytes(passphrase)
    if len(secret) < MIN_PASSPHRASE_BYTES:
        raise SecretError(f"a key passphrase must be at least {MIN_PASSPHRASE_BYTES} bytes long")
    params = kdf or default_kdf()
    params.check()
    salt, nonce = secrets.token_bytes(SALT_LENGTH), secrets.token_bytes(NONCE_LENGTH)
    header = _HEADER.pack(
        MAGIC,
        VERSION,
        params.kind,
        params.first,
        params.second,
        params.third,
        salt,
        nonce,
        key.public_key().point(),
    )
    ciphertext = _sm4_gcm(params.derive(secret, salt), nonce, header, key.secret_scalar_bytes(), encrypt=True)
    return pem_encode(PEM_LABEL, header + ciphertext)


def _unarmour(blob: bytes, source: str) -> bytes:
    if b"-----BEGIN " not in blob[:256]:
        return bytes(blob)  # the raw binary form
    for block in parse_pem(blob, source):
        if block.label == PEM_LABEL:
            return block.der
    raise InputError(f"{source}: not a govnet encrypted key (no '-----BEGIN {PEM_LABEL}-----' block)")


@dataclass(frozen=True)
class _Parsed:
    header: bytes
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    point: bytes
    ciphertext: bytes
    tag: bytes


def _parse(blob: bytes, source: str) -> _Parsed:
    data = _unarmour(blob, source)
    if len(data) != _HEADER.size + 32 + TAG_LENGTH or data[:4] != MAGIC:
        raise InputError(f"{source}: not a govnet encrypted key, or truncated")
    _magic, version, kind, first, second, third, salt, nonce, point = _HEADER.unpack_from(data)
    if version != VERSION:
        raise InputError(
            f"{source}: govnet key file version {version} is not supported (this govnet reads 1)"
        )
    body = data[_HEADER.size :]
    return _Parsed(
        data[: _HEADER.size], KdfParams(kind, first, second, third), salt, nonce, point, body[:32], body[32:]
    )


def read_public_key(blob: bytes, *, source: str = "<data>") -> SM2PublicKey:
    """The public key stored (authenticated, not secret) in an encrypted key file; no passphrase needed."""
    try:
        return SM2PublicKey.from_point(_parse(blob, source).point)
    except InputError:
        raise InputError(f"{source}: corrupted key file") from None


def decrypt_private_key(blob: bytes, passphrase: str | bytes, *, source: str = "") -> SM2PrivateKey:
    """The key in ``blob`` (from ``encrypt_private_key``); KeyDecryptionError when the passphrase is
    wrong or the file damaged."""
    parsed = _parse(blob, source or "<data>")
    secret = _passphrase_bytes(passphrase)
    try:
        parsed.kdf.check()
        key_bytes = parsed.kdf.derive(secret, parsed.salt)
        scalar = _sm4_gcm(
            key_bytes, parsed.nonce, parsed.header, parsed.ciphertext, encrypt=False, tag=parsed.tag
        )
        key = SM2PrivateKey.from_secret_scalar(scalar)
    except (InvalidTag, InputError, ValueError):
        raise KeyDecryptionError(source) from None
    if key.public_key().point() != parsed.point:  # authenticated, so only a bug could get here
        raise KeyDecryptionError(source)
    return key


def save_govnet_key_file(
    path: str | os.PathLike[str], key: SM2PrivateKey, passphrase: str | bytes, *, kdf: KdfParams | None = None
) -> Path:
    """Encrypt ``key`` and write it to ``path``, mode 0600 from the first byte (atomically replaced)."""
    target = Path(path)
    write_secret_file(target, encrypt_private_key(key, passphrase, kdf=kdf))
    return target


def load_govnet_key_file(path: str | os.PathLike[str], passphrase: str | bytes) -> SM2PrivateKey:
    """Read and decrypt a govnet key file (what ``save_govnet_key_file`` writes); refused when group
    or others can access it (as ssh does)."""
    source = Path(path)
    try:
        mode = source.stat().st_mode
        blob = source.read_bytes()
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or type(exc).__name__}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretError(
            f"{source}: key file is accessible by group or others (mode {oct(mode & 0o777)}); chmod 600 it"
        )
    return decrypt_private_key(blob, passphrase, source=str(source))


def resolve_passphrase(pki: PkiSettings) -> str:
    """The operator passphrase named by the settings: ``passphrase_file`` (0600) if set, else the
    environment variable ``passphrase_env``. Error messages name where it was looked for, never a value."""
    if pki.passphrase_file is not None:
        return read_secret_file(Path(pki.passphrase_file).expanduser())
    value = os.environ.get(pki.passphrase_env)
    if not value:
        raise SecretError(
            f"no key passphrase: set the environment variable {pki.passphrase_env} "
            "or GOVNET_PKI__PASSPHRASE_FILE (a 0600 file)"
        )
    return value


def load_private_key(data: bytes, passphrase: str | None, *, source: str) -> SM2PrivateKey:
    """A holder's private key file, whichever form it takes: a govnet key file (this module's) or
    PKCS#8 / encrypted PKCS#8 / SEC1, PEM or DER (``govnet.pki.keys``)."""
    from govnet.pki.keys import PassphraseNeeded, load_pkcs8_or_sec1_key

    if f"-----BEGIN {PEM_LABEL}-----".encode() in data[:4096] or data[:4] == MAGIC:
        if passphrase is None:
            raise PassphraseNeeded(source)
        return decrypt_private_key(data, passphrase, source=source)
    return load_pkcs8_or_sec1_key(data, passphrase, source=source)
