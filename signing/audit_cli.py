"""`govnet audit …`: the signing service's audit chain (the commands live in ``signing/cli.py``)."""

from govnet.signing.cli import audit_app as app

__all__ = ["app"]
