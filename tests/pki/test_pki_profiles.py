"""Profiles, subjects, subjectAltNames and the unified social credit code (GB 32100-2015)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govnet.errors import InputError
from govnet.pki.profiles import PROFILES, check_request, get_profile, parse_san, parse_subject
from govnet.pki.uscc import ALPHABET, check_character, validate_credit_code

# Published codes of real companies (their certificates of incorporation).
REAL_CODES = ["914403001922038216", "9144030071526726XG", "91110000802100433B", "91330100716105852F"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_validate(code: str) -> None:
    assert validate_credit_code(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91440300192203821", "must be 18 characters"),
        ("914403001922038217", "check character is '7', expected '6'"),
        ("9144030019220382I6", "not allowed"),
        ("91A403001922038216", "administrative division"),
    ],
)
def test_bad_credit_codes_say_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_credit_code(code)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.sampled_from(ALPHABET))
def test_any_single_character_change_breaks_the_check(body: str, position: int, replacement: str) -> None:
    body = body[:2] + "440300" + body[8:]
    code = body + check_character(body)
    assert validate_credit_code(code) == code
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code and changed[2:8].isdigit():
        with pytest.raises(InputError):
            validate_credit_code(changed)


def test_subject_parsing_orders_and_defaults_country() -> None:
    subject = parse_subject("CN=张三, O=某市政务服务数据管理局", credit_code="914403001922038216")
    assert subject.common_name == "张三"
    assert subject.get("country_name") == "CN"
    assert [a for a, _ in subject.ordered()] == [
        "country_name",
        "organization_name",
        "common_name",
        "serial_number",
    ]
    assert parse_subject("plain name").common_name == "plain name"
    assert parse_subject(r"CN=a\, b").common_name == "a, b"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CN=a,XX=b", "unknown attribute 'XX'"),
        ("CN=a,CN=b", "more than once"),
        ("C=China,CN=x", "two capital"),
    ],
)
def test_bad_subjects(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_subject(text)


def test_san_parsing() -> None:
    assert parse_san("DNS:WWW.Gov.Example.").value == "www.gov.example"
    assert parse_san("10.1.2.3").kind == "ip_address"
    assert parse_san("IP:2001:db8::1").value == "2001:db8::1"
    assert parse_san("email:a@b.cn").kind == "rfc822_name"
    for bad in ("IP:300.1.1.1", "DNS:bad_name!", "email:nope"):
        with pytest.raises(InputError):
            parse_san(bad)


def test_profiles_enforce_their_subjects() -> None:
    seal_maker = get_profile("seal-maker")
    with pytest.raises(InputError, match="credit code is required"):
        check_request(seal_maker, parse_subject("CN=x,O=某局"), ())
    with pytest.raises(InputError, match="must name the organisation"):
        check_request(seal_maker, parse_subject("CN=x"), ())
    ok = check_request(seal_maker, parse_subject("CN=x,O=某局", credit_code="914403001922038216"), ())
    assert ok.subject.credit_code == "914403001922038216"
    with pytest.raises(InputError, match="DNS name or IP address is required"):
        check_request(get_profile("tls-server"), parse_subject("CN=www"), ())
    with pytest.raises(InputError, match="unknown profile 'nope'"):
        get_profile("nope")


def test_profile_usages() -> None:
    assert PROFILES["root"].key_usage == {"key_cert_sign", "crl_sign"}
    assert PROFILES["tls-server"].extended_key_usage == ("server_auth",)
    assert "non_repudiation" in PROFILES["signer"].key_usage
    assert PROFILES["intermediate"].path_length == 0
