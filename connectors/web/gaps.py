"""The improvement loop's admin page (``/admin/gaps``: questions answered "没有找到", 👎 / 反馈 and weak
answers, grouped; write an approved answer with its citation; the question bank as .xlsx) and its JSON
API under ``/api/admin/gaps`` and ``/api/admin/bank``; admin-only by the guard's ``/admin`` and
``/api/admin`` prefixes, and cookie POSTs pass its same-origin check."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from assistant.auth.guard import principal_of
from assistant.bank_admin import (
    ClauseCatalog,
    Draft,
    approve,
    approved_listing,
    clause_dict,
    gap_listing,
    remove_approved,
)
from connectors.web.router import STATIC_DIR
from knowledge.errors import BadInput

router = APIRouter(include_in_schema=False)
_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class NewApproved(BaseModel):
    question: str = Field(max_length=200)
    paraphrases: list[str] = Field(default_factory=list, max_length=30)
    answer: str = Field(max_length=4000)
    chunk_id: str = Field(max_length=200)
    anchor: str = Field("", max_length=200)
    norm: str = Field("", max_length=200)  # the gap group this answers (marked resolved)


def _catalog(request: Request) -> ClauseCatalog:
    state = request.app.state
    if getattr(state, "clause_catalog", None) is None:
        state.clause_catalog = ClauseCatalog(state.settings, state.db)
    catalog: ClauseCatalog = state.clause_catalog
    return catalog


def _admin(request: Request) -> str:
    principal = principal_of(request)
    return principal.user if principal is not None else ""


@router.get("/admin/gaps")
def page() -> FileResponse:
    return FileResponse(STATIC_DIR / "admin_gaps.html", media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/admin/gaps.js")
def script() -> FileResponse:
    return FileResponse(STATIC_DIR / "admin_gaps.js", media_type="text/javascript; charset=utf-8", headers=_HEADERS)


@router.get("/api/admin/gaps")
def gaps(request: Request, kind: str | None = None, resolved: bool = False) -> list[dict[str, Any]]:
    return gap_listing(request.app.state.db, kind=kind or None, resolved=resolved)


@router.get("/api/admin/clauses")
def clauses(request: Request, q: str = "") -> list[dict[str, str]]:
    return [clause_dict(c) for c in _catalog(request).search(q[:200])]


@router.get("/api/admin/bank")
def approved(request: Request) -> list[dict[str, Any]]:
    return approved_listing(request.app.state.db)


@router.post("/api/admin/bank")
def add_approved(request: Request, body: NewApproved) -> dict[str, Any]:
    clause = _catalog(request).get(body.chunk_id)
    draft = Draft(questions=[body.question, *body.paraphrases], answer=body.answer, anchor=body.anchor.strip())
    return approve(request.app.state.db, clause, draft, created_by=_admin(request), resolves=body.norm)


@router.post("/api/admin/bank/{entry_id}/delete")
def delete_approved(request: Request, entry_id: str) -> dict[str, str]:
    remove_approved(request.app.state.db, entry_id)
    return {"deleted": entry_id}


@router.get("/api/admin/bank.xlsx")
async def export_bank(request: Request) -> Response:
    from assistant.bank_xlsx import bank_rows, write_xlsx

    catalog = _catalog(request)
    data = await asyncio.to_thread(lambda: write_xlsx(bank_rows(request.app.state.db, catalog.clauses())))
    return Response(data, media_type=XLSX, headers={**_HEADERS, "Content-Disposition":
                    "attachment; filename*=UTF-8''%E9%97%AE%E7%AD%94%E5%AF%B9.xlsx"})


@router.post("/api/admin/bank.xlsx")
async def import_bank(request: Request) -> dict[str, Any]:
    """The body is the .xlsx file itself (the page sends the chosen file as it is)."""
    from assistant.bank_xlsx import import_rows, read_xlsx

    data = await request.body()
    if not data:
        raise BadInput("请选择要导入的 .xlsx 文件。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadInput("文件过大（超过 5 MB）。")
    catalog, db, who = _catalog(request), request.app.state.db, _admin(request)
    rows = await asyncio.to_thread(read_xlsx, data)
    return await asyncio.to_thread(import_rows, db, rows, catalog.clauses(), created_by=who)
