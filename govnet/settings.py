"""Settings in one place: defaults < config file < environment variables.

The config file is TOML: ``$GOVNET_CONFIG`` if set, else ``$GOVNET_HOME/govnet.toml`` if it exists.
Environment variables are ``GOVNET_<FIELD>``, and ``GOVNET_<SECTION>__<FIELD>`` for nested sections
(for example ``GOVNET_PKI__SM2_BACKEND=gmssl``). Secrets are never settings: settings only name
where a secret lives (an environment variable or a file), see ``govnet.secrets``.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from govnet.errors import ConfigError


def default_home() -> Path:
    return Path(os.environ.get("GOVNET_HOME") or Path.home() / ".govnet")


class PkiSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not silently ignored

    # "auto": OpenSSL's libcrypto when it has SM2, else gmssl with a warning.
    sm2_backend: Literal["auto", "openssl", "gmssl"] = "auto"
    # Where the CA's key passphrase comes from: an environment variable name or a file path.
    passphrase_env: str = "GOVNET_PKI_PASSPHRASE"
    passphrase_file: Path | None = None
    # Accept SM2 signatures made with the empty ID (OpenSSL 3.0's command-line default).
    allow_empty_sm2_id: bool = False
    # Where relying parties fetch CRLs: <base><ca-key-id>.crl goes into certificates made by `pki init`
    # unless a CRL URL is given. Empty: http://<this host's FQDN>:8443/crl/ (the signing service).
    crl_base_url: str = ""
    # The OCSP responder's URL, written into issued certificates (authorityInfoAccess). Empty: the
    # signing service at the host of crl_base_url (or this host), path /ocsp; "none": no AIA at all.
    ocsp_url: str = ""
    # The policy under which the time-stamp authority answers (TSTInfo.policy). The default is a
    # UUID-derived OID (ITU-T X.667, arc 2.25): unique without registration; set your own.
    tsa_policy: str = "2.25.38601294458690376738761302008712163720"


class LabSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The lab's simulated devices ship factory defaults (telnet on, weak SNMP): they listen on this
    # machine's loopback only, never where the network could reach them. host6 "" turns IPv6 off.
    host: str = "127.0.0.1"
    host6: str = "::1"

    @field_validator("host", "host6")
    @classmethod
    def _loopback(cls, value: str, info: ValidationInfo) -> str:
        if value == "" and info.field_name == "host6":
            return value
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address") from None
        want = 6 if info.field_name == "host6" else 4
        if address.version != want or not address.is_loopback:
            raise ValueError(
                f"{value!r} is not an IPv{want} loopback address: the lab listens on loopback only"
            )
        return value


class ServiceSettings(BaseModel):
    """The signing service (``govnet serve``, docs/service.md)."""

    model_config = ConfigDict(extra="forbid")

    listen: str = "127.0.0.1:8443"
    # Uploaded documents and OFDs are refused (413) past this size; hashes are 32 bytes anyway.
    max_upload_bytes: int = Field(64 << 20, ge=1)
    # Wrong PINs in a row before the seal is locked for that client, and for how long.
    pin_max_failures: int = Field(5, ge=1)
    pin_lock_seconds: int = Field(300, ge=1)
    # Argon2id cost for PIN hashes (RFC 9106's second recommendation is t=3, m=64 MiB; this is
    # OWASP's lower bound, since every use of a PIN-protected seal pays it).
    pin_time_cost: int = Field(2, ge=1)
    pin_memory_kib: int = Field(19456, ge=64)
    # The certificate (serial; a tls-server or device certificate whose key the store holds) that
    # signs the audit chain's head; empty: heads are not signed.
    audit_signer: str = ""
    # Sign the head once this many records were appended since the last signed head.
    audit_sign_every: int = Field(500, ge=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVNET_", env_nested_delimiter="__", extra="forbid")

    home: Path = default_home()
    # SQLAlchemy URL; empty means SQLite in the home directory.
    store_url: str = ""
    # The inventory commands read when given no PATH (a file or folder).
    inventory: Path | None = None
    pki: PkiSettings = PkiSettings()
    lab: LabSettings = LabSettings()
    service: ServiceSettings = ServiceSettings()

    @property
    def effective_store_url(self) -> str:
        return self.store_url or f"sqlite:///{self.home / 'govnet.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Explicit arguments win, then the environment, then the config file.
        return (init_settings, env_settings, _TomlFileSource(settings_cls))


def config_path() -> Path:
    explicit = os.environ.get("GOVNET_CONFIG")
    return Path(explicit) if explicit else default_home() / "govnet.toml"


class _TomlFileSource(PydanticBaseSettingsSource):
    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = config_path()
        if not path.exists():
            if os.environ.get("GOVNET_CONFIG"):
                raise ConfigError(f"{path}: config file named by GOVNET_CONFIG does not exist")
            return {}
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the config file: {exc.strerror or exc}") from None


def load_settings(**overrides: Any) -> Settings:
    """Read settings once; services take the result as an argument (tests pass their own)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid settings ({config_path()} or GOVNET_* variables): {problems}") from None
