"""The signing service's HTTP API (FastAPI): ``create_app(service)``; ``app_from_settings`` for uvicorn."""

from govnet.signing.api.app import app_from_settings, create_app

__all__ = ["app_from_settings", "create_app"]
