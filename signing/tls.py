"""TLS for ``govnet serve``: the ssl options uvicorn takes, and an HTTP protocol that tells the app
which client certificate a mutual-TLS connection verified (SHA-256 of its DER), since uvicorn does
not put the peer certificate in the ASGI scope. Clients registered with that SHA-256 are
authenticated by it (``access.Access.authenticate``)."""

from __future__ import annotations

import hashlib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from govnet.errors import InputError


class ClientCertProtocol(H11Protocol):
    """uvicorn's h11 protocol, adding ``scope["extensions"]["tls"]["client_cert_sha256"]``."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if not der:
            return
        fingerprint = hashlib.sha256(der).hexdigest()
        inner = self.app

        async def app(scope: Any, receive: Any, send: Any) -> None:
            scope.setdefault("extensions", {})["tls"] = {"client_cert_sha256": fingerprint}
            await inner(scope, receive, send)

        self.app = app


@dataclass(frozen=True)
class TlsOptions:
    cert: Path
    key: Path
    key_passphrase: str | None = None
    client_ca: Path | None = None

    def uvicorn_kwargs(self) -> dict[str, Any]:
        for what, path in (
            ("TLS certificate", self.cert),
            ("TLS key", self.key),
            ("client CA file", self.client_ca),
        ):
            if path is not None and not path.is_file():
                raise InputError(f"{what} {path}: no such file")
        self._check_loads()
        options: dict[str, Any] = {
            "ssl_certfile": str(self.cert),
            "ssl_keyfile": str(self.key),
            "ssl_keyfile_password": self.key_passphrase,
        }
        if self.client_ca is not None:
            options.update(
                ssl_ca_certs=str(self.client_ca), ssl_cert_reqs=ssl.CERT_REQUIRED, http=ClientCertProtocol
            )
        return options

    def _check_loads(self) -> None:
        """Load the pair once here, so a bad file is an input error and not a worker's traceback.
        OpenSSL 3.0's TLS (what Python's ssl uses) refuses SM2 certificates: "unknown certificate
        type", checked on this machine; SM2 TLS (TLCP) needs a proxy such as Tongsuo in front."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(str(self.cert), str(self.key), password=self.key_passphrase)
            if self.client_ca is not None:
                context.load_verify_locations(cafile=str(self.client_ca))
        except ssl.SSLError as exc:
            hint = (
                ": OpenSSL's TLS here takes RSA or ECDSA certificates, not SM2 ones -- put a TLCP proxy "
                "(e.g. Tongsuo) in front for SM2 TLS (docs/service.md)"
                if "UNKNOWN_CERTIFICATE_TYPE" in str(exc)
                else ""
            )
            raise InputError(
                f"TLS certificate {self.cert} / key {self.key}: {exc.reason or exc}{hint}"
            ) from None


def client_cert_sha256(pem_or_der: bytes) -> str:
    """The SHA-256 a client is registered with, from its certificate (PEM or DER)."""
    from govnet.pki import x509

    return hashlib.sha256(x509.load_certificate(pem_or_der, "client certificate").dump()).hexdigest()
