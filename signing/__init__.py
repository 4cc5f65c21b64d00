"""The signing service (issue 15): an HTTP API over the seal, OFD and CMS code that lets each client
sign only with the seals it was granted, with PINs, a tamper-evident audit chain and a key backend
that a cipher card can later replace.

Modules, bottom up: ``schema`` (tables), ``errors`` (the API's error codes), ``access`` (clients,
tokens, grants, PINs), ``audit`` (the SM3 chain and ``verify_chain``), ``keys`` (``KeyBackend``),
``service`` (the facade the API and the CLI call), ``api/`` (FastAPI), ``cli`` (``govnet serve``,
``govnet audit``), ``demo``.
"""
