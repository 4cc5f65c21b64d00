"""The model holds what compliance judges: the FTP server switch and whether a local user's
password was stored reversibly (each vendor's words for both)."""

from __future__ import annotations

import pytest

from govnet.netconfig import parse, render

FTP_ON = {
    "huawei_vrp": "ftp server enable",
    "h3c_comware": "ftp server enable",
    "cisco_ios": "ftp-server enable",
}
FTP_OFF = {
    "huawei_vrp": "undo ftp server enable",
    "h3c_comware": "undo ftp server enable",
    "cisco_ios": "no ftp-server enable",
}


@pytest.mark.parametrize("vendor", sorted(FTP_ON))
def test_ftp_server_is_modelled_and_rendered(vendor: str) -> None:
    on = parse(vendor, FTP_ON[vendor] + "\n", strict=True).config
    assert on.ftp_server
    assert parse(vendor, render(vendor, on), strict=True).config.ftp_server
    off = parse(vendor, FTP_ON[vendor] + "\n" + FTP_OFF[vendor] + "\n", strict=True).config
    assert not off.ftp_server
    assert not parse(vendor, "", strict=True).config.ftp_server  # off by default


@pytest.mark.parametrize(
    ("vendor", "text", "reversible"),
    [
        ("huawei_vrp", "aaa\n local-user a password cipher Huawei@12345\n", True),
        ("huawei_vrp", "aaa\n local-user a password irreversible-cipher Huawei@12345\n", False),
        ("h3c_comware", "local-user a class manage\n password simple Admin@12345\n", True),
        ("h3c_comware", "local-user a class manage\n password cipher $c$3$abcdef\n", True),
        ("h3c_comware", "local-user a class manage\n password hashed Admin@12345\n", False),
        ("cisco_ios", "username a privilege 15 password 7 0822455D0A16\n", True),
        ("cisco_ios", "username a privilege 15 secret 9 $9$abc$def\n", False),
    ],
)
def test_reversible_password_storage_is_recorded(vendor: str, text: str, reversible: bool) -> None:
    config = parse(vendor, text, strict=True).config
    assert config.local_users[0].password_reversible is reversible
    # Renderers write the irreversible form: provisioning's output is always hashed.
    assert (
        parse(vendor, render(vendor, config), strict=True).config.local_users[0].password_reversible is False
    )
