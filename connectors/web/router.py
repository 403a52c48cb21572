"""The local chat page at ``/``: plain HTML + JS (no build step) over ``/api/ask`` and ``/api/classify``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from knowledge.errors import NotFound

STATIC_DIR = Path(__file__).parent / "static"
# An allow-list, not a directory mount: nothing but these files is ever served from disk.
_JS, _CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
_ASSETS = {"app.js": _JS, "style.css": _CSS, "markdown.js": _JS, "history.js": _JS, "redact.js": _JS,
           "session.js": _JS, "login.js": _JS, "admin_common.js": _JS}
_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}

router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/static/{name}")
def asset(name: str) -> FileResponse:
    if name not in _ASSETS:
        raise NotFound("没有这个文件。")
    return FileResponse(STATIC_DIR / name, media_type=_ASSETS[name], headers=_HEADERS)
