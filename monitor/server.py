"""The exporter's HTTP side: ``/metrics`` (the store, read at scrape time), ``/probe?target=DEVICE``
(one device polled now), ``/`` (a page naming both). A threaded WSGI server on one listen address."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from govnet.errors import InputError
from govnet.monitor.probe import ProbeError

Prober = Callable[[str], CollectorRegistry]
_PAGE = b"""<html><head><title>govnet exporter</title></head><body><h1>govnet exporter</h1>
<p><a href="/metrics">/metrics</a>: links, devices, compliance, PKI, collector (from the store).</p>
<p>/probe?target=DEVICE: poll one inventory device now.</p></body></html>"""


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # scrapes are not news
        pass


def parse_listen(text: str, option: str = "--listen") -> tuple[str, int]:
    """``host:port`` or ``[v6]:port`` -> (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise InputError(f"{option} {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9810")
    return host.strip("[]") or "127.0.0.1", int(port)


@dataclass
class App:
    registry: CollectorRegistry
    prober: Prober | None = None

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path == "/metrics":
            return self._reply(start, "200 OK", generate_latest(self.registry), CONTENT_TYPE_LATEST)
        if path == "/probe":
            return self._probe(environ, start)
        if path == "/":
            return self._reply(start, "200 OK", _PAGE, "text/html; charset=utf-8")
        return self._reply(start, "404 Not Found", b"not found: try /metrics or /probe?target=DEVICE\n")

    def _probe(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        targets = parse_qs(environ.get("QUERY_STRING", "")).get("target", [])
        if self.prober is None:
            return self._reply(start, "400 Bad Request", b"/probe needs an inventory: serve with one\n")
        if len(targets) != 1 or not targets[0]:
            return self._reply(
                start, "400 Bad Request", b"/probe needs exactly one target=DEVICE parameter\n"
            )
        try:
            registry = self.prober(targets[0])
        except ProbeError as exc:
            return self._reply(start, "400 Bad Request", f"{exc}\n".encode())
        return self._reply(start, "200 OK", generate_latest(registry), CONTENT_TYPE_LATEST)

    @staticmethod
    def _reply(
        start: Callable[..., Any], status: str, body: bytes, ctype: str = "text/plain; charset=utf-8"
    ) -> list[bytes]:
        start(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
        return [body]


class Exporter:
    """The server on a thread (tests, the demo) or in the foreground (``serve_forever``)."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0) -> None:
        server_class = _Server6 if ":" in host else _Server
        self.httpd = make_server(host, port, app, server_class=server_class, handler_class=_Quiet)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host = str(self.httpd.server_address[0])
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    def start(self) -> Exporter:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="govnet-exporter", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Exporter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
