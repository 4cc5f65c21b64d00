"""Hostile bytes never crash a parser: truncated, oversized, deeply nested, wrong tags, random.
Each is an InputError naming the file (and the field where it can), and verification says FAILED."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seal_kit import DOCUMENT, Kit, forge_v1

from govnet.errors import InputError
from govnet.pki.seal import reader
from govnet.pki.seal.verify import verify_seal, verify_signature
from govnet.pki.sm3 import sm3
from govnet.verdict import Status

PARSERS = [reader.read_any, reader.read_seal, reader.read_signature, reader.detect]


@pytest.fixture(scope="module")
def samples(kit: Kit) -> list[bytes]:
    v1_seal, v1_sig = forge_v1(kit)
    return [kit.seal(), kit.signature(), v1_seal, v1_sig]


def _only_input_errors(data: bytes) -> None:
    for parse in PARSERS:
        try:
            parse(data, "fuzz.bin")
        except InputError as exc:
            assert str(exc).startswith("fuzz.bin"), str(exc)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"\x02\x01\x00", "not a DER SEQUENCE"),
        (b"\x30\x84\xff\xff\xff\xff", "outer SEQUENCE"),
        (b"\x30\x03\x02\x01\x04", "neither SES_SealInfo nor TBS_Sign"),
        (b"\x30\x00", "is empty"),
        (b"\x30\x80" * 4000 + b"\x00\x00" * 4000, "fuzz.bin"),
        (b"\x30\x08\x30\x06\x30\x04\x16\x02ES", "has 1 elements"),
    ],
)
def test_malformed_input_is_an_input_error_naming_the_file(data: bytes, message: str) -> None:
    for parse in PARSERS:
        with pytest.raises(InputError, match=message):
            parse(data, "fuzz.bin")


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(InputError, match="larger than any seal"):
        reader.read_any(b"\x30" + b"\x00" * reader.MAX_BYTES, "huge.bin")


def test_every_truncation_of_real_structures_is_an_input_error(samples: list[bytes]) -> None:
    for sample in samples:
        for cut in range(0, len(sample), max(1, len(sample) // 200)):
            _only_input_errors(sample[:cut])


def test_a_wrong_tag_names_the_field(kit: Kit) -> None:
    seal = bytearray(kit.seal())
    at = seal.index(b"\x16\x02ES")  # header.id IA5String -> UTF8String
    seal[at] = 0x0C
    with pytest.raises(InputError, match="header"):
        reader.read_seal(bytes(seal), "seal.esl")


def test_a_header_that_is_not_es_is_refused(kit: Kit) -> None:
    seal = kit.seal().replace(b"\x16\x02ES", b"\x16\x02XX", 1)
    with pytest.raises(InputError, match="not an e-seal"):
        reader.read_seal(seal, "seal.esl")


def test_a_malformed_signature_verifies_as_a_structure_failure(samples: list[bytes]) -> None:
    verdict = verify_signature(samples[1][:-10], data_hash=sm3(DOCUMENT), trust=None)  # type: ignore[arg-type]
    assert verdict.status is Status.FAILED and [c.name for c in verdict.checks] == ["structure"]
    assert verify_seal(b"junk", trust=None).status is Status.FAILED  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_random_bytes_never_crash_a_parser(data: bytes) -> None:
    _only_input_errors(data)
    _only_input_errors(b"\x30" + bytes([min(len(data), 127)]) + data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=st.integers(0, 3), position=st.integers(0, 10**6), value=st.integers(0, 255), cut=st.booleans())
def test_mutated_real_structures_never_crash_a_parser_or_the_verifier(
    samples: list[bytes], kit: Kit, choice: int, position: int, value: int, cut: bool
) -> None:
    sample = samples[choice]
    at = position % len(sample)
    mutated = sample[:at] + bytes([value]) + (b"" if cut else sample[at + 1 :])
    _only_input_errors(mutated)
    verdict = verify_signature(mutated, data_hash=sm3(DOCUMENT), trust=kit.trust(), source="fuzz.bin")
    if mutated != sample:
        assert verdict.status is not Status.PASSED or choice in (0, 2)  # seals are not signatures
