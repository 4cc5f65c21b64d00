"""SM3 (GB/T 32905): the standard's vectors, streaming files, and agreement with openssl and gmssl."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gmssl import sm3 as gmssl_sm3
from hypothesis import given, settings
from hypothesis import strategies as st

from govnet.errors import InputError
from govnet.pki.sm3 import sm3, sm3_file, sm3_hex

# GB/T 32905-2016 appendix A.
VECTORS = {
    b"abc": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    b"abcd" * 16: "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
    b"": "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
}


@pytest.mark.parametrize(("data", "digest"), VECTORS.items(), ids=["abc", "abcd*16", "empty"])
def test_standard_vectors(data: bytes, digest: str) -> None:
    assert sm3_hex(data) == digest
    assert sm3(data) == bytes.fromhex(digest)


@pytest.mark.parametrize("size", [0, 1, 4095, 1 << 16, (3 << 20) + 7])
def test_file_digest_matches_openssl_dgst(tmp_path: Path, size: int) -> None:
    path = tmp_path / "blob"
    path.write_bytes(bytes((i * 131 + 7) & 0xFF for i in range(size)))
    out = subprocess.run(
        ["openssl", "dgst", "-sm3", "-r", str(path)], capture_output=True, timeout=60, check=True
    )
    expected = out.stdout.split()[0].decode()
    assert sm3_file(path).hex() == expected
    assert sm3_file(path, chunk_size=4096).hex() == expected  # chunk boundaries do not matter
    assert sm3(path.read_bytes()).hex() == expected


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"absent\.bin: cannot read"):
        sm3_file(tmp_path / "absent.bin")


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=300))
def test_property_agrees_with_gmssl(data: bytes) -> None:
    assert sm3_hex(data) == gmssl_sm3.sm3_hash(list(data))
