"""(stub: the routes are added by the issue that owns them)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
