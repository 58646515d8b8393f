"""The web client: the built assets in ``ourchat/webclient`` (built from ``web/``), served at ``/``.

``index.html`` is revalidated on every load; the content-hashed files under ``/assets/`` are
cached for good. The page loads during maintenance too, so it can say so (and an administrator
can turn maintenance off).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSETS_PREFIX = "/assets/"


def assets_dir() -> Path:
    """Where the built web client lives inside the installed package."""
    return Path(str(resources.files("ourchat") / "webclient"))


class _WebClientFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if path.startswith(ASSETS_PREFIX.strip("/")) and response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def mount() -> Mount:
    """The route serving the web client at ``/`` (append it after every other route)."""
    return Mount("/", app=_WebClientFiles(directory=assets_dir(), html=True), name="webclient")
