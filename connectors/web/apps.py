"""The register's admin page (``/admin/apps``: filters, add, events, a timeline per application) and its
JSON API under ``/api/admin/apps``; both are admin-only by the guard's ``/admin`` and ``/api/admin`` prefixes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from assistant.register import listing, record_event, register, show
from connectors.web.router import STATIC_DIR
from knowledge import clock
from tools.deadlines import parse_date
from tools.register import Event

router = APIRouter(include_in_schema=False)
_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


class NewApplication(BaseModel):
    received: str = Field(max_length=10)
    channel: str = Field(max_length=16)
    applicant_type: str = Field(max_length=16)
    content: str = Field(max_length=2000)
    handler: str = Field("", max_length=128)
    name: str = Field("", max_length=200)


class NewEvent(BaseModel):
    kind: str = Field(max_length=32)
    date: str | None = Field(None, max_length=10)
    outcome: str | None = Field(None, max_length=128)
    reason: str | None = Field(None, max_length=200)
    person: str | None = Field(None, max_length=128)
    result: str | None = Field(None, max_length=16)
    after_review: bool = False


@router.get("/admin/apps")
def page() -> FileResponse:
    return FileResponse(STATIC_DIR / "admin_apps.html", media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/admin/apps.js")
def script() -> FileResponse:
    return FileResponse(STATIC_DIR / "admin_apps.js", media_type="text/javascript; charset=utf-8", headers=_HEADERS)


@router.get("/api/admin/apps")
def list_apps(request: Request, status: str | None = None, handler: str | None = None,
              due_within: int | None = None, today: str | None = None) -> list[dict[str, Any]]:
    day = parse_date(today, what="今天") if today else clock.today()
    return listing(request.app.state.db, today=day, status=status or None, handler=handler or None,
                   due_within=due_within, include_closed=True)


@router.get("/api/admin/apps/{app_id}")
def show_app(request: Request, app_id: int) -> dict[str, Any]:
    return show(request.app.state.db, app_id, today=clock.today())


@router.post("/api/admin/apps")
def add_app(request: Request, body: NewApplication) -> dict[str, Any]:
    return register(request.app.state.db, received=parse_date(body.received, what="收到日"), channel=body.channel,
                    applicant_type=body.applicant_type, content=body.content, applicant_name=body.name,
                    handler=body.handler, today=clock.today())


@router.post("/api/admin/apps/{app_id}/events")
def add_event(request: Request, app_id: int, body: NewEvent) -> dict[str, Any]:
    day = parse_date(body.date, what="事件日期") if body.date else clock.today()
    event = Event(kind=body.kind, day=day, outcome=body.outcome or None, reason=body.reason or None,
                  person=body.person or None, result=body.result or None, after_review=body.after_review)
    return record_event(request.app.state.db, app_id, event, today=clock.today())
