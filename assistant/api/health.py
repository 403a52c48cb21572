"""``GET /health``."""

from __future__ import annotations

from fastapi import APIRouter

from assistant import __version__

router = APIRouter()
# async: answered on the event loop itself, never queued behind the thread pool or the heavy work


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}
