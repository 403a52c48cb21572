"""The documents admin page (``/admin/documents``: list, upload, remove, supersede) and its JSON API under
``/api/admin/documents``; both are admin-only by the guard's ``/admin`` and ``/api/admin`` prefixes, and
the guard's same-origin check covers the POSTs (CSRF)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from assistant.api.deps import PoolDep, SettingsDep
from connectors.web.router import STATIC_DIR
from knowledge import documents
from knowledge.errors import BadInput, TooLarge
from knowledge.ingest import DocInfo
from knowledge.store import ChunkStore

router = APIRouter(include_in_schema=False)
_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


class Supersede(BaseModel):
    by: str = Field(max_length=64)


def _store(request: Request) -> ChunkStore:
    store: ChunkStore = request.app.state.process.store
    return store


@router.get("/admin/documents")
def page() -> FileResponse:
    return FileResponse(STATIC_DIR / "admin_documents.html", media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/admin/documents.js")
def script() -> FileResponse:
    return FileResponse(STATIC_DIR / "admin_documents.js", media_type="text/javascript; charset=utf-8",
                        headers=_HEADERS)


@router.get("/api/admin/documents")
def list_documents(request: Request) -> list[dict[str, Any]]:
    return [documents.detail(d) for d in documents.listed(_store(request))]


@router.post("/api/admin/documents")
async def upload(request: Request, settings: SettingsDep, pool: PoolDep) -> dict[str, Any]:
    """A multipart upload (field ``file``; optional ``kind``, ``year``, ``issuer``, ``doc_number``, ``title``)."""
    try:
        form = await request.form(max_part_size=settings.max_file_bytes)
    except Exception as exc:  # starlette's MultiPartException and parser errors: the upload's fault
        raise BadInput("上传内容无法解析，请重新上传 .docx/.txt/.md/.pdf 文件。", detail=type(exc).__name__) from exc
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise BadInput("请选择要导入的文件（表单字段 file）。")
    data = await file.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise TooLarge(f"文件超过{settings.max_file_bytes // (1024 * 1024)}MB，请拆分后再试。")
    info = _info(form)
    info.check()
    out: dict[str, Any] = await pool.run("ingest", file.filename or "upload.txt", data, settings.max_file_bytes, info)
    return out


def _info(form: Any) -> DocInfo:
    def text(name: str) -> str:
        value = form.get(name)
        return value.strip()[:200] if isinstance(value, str) else ""

    year = text("year")
    if year and not year.isdigit():
        raise BadInput(f"年份「{year[:10]}」无效，请给四位年份，例如 2021。")
    return DocInfo(title=text("title"), kind=text("kind"), year=int(year) if year else None,
                   issuer=text("issuer"), doc_number=text("doc_number"))


@router.post("/api/admin/documents/{doc_id}/remove")
def remove(request: Request, doc_id: str) -> dict[str, Any]:
    return documents.summary(documents.remove(_store(request), doc_id))


@router.post("/api/admin/documents/{doc_id}/supersede")
def supersede(request: Request, doc_id: str, body: Supersede) -> dict[str, Any]:
    return documents.summary(documents.supersede(_store(request), doc_id, body.by))


@router.post("/api/admin/documents/{doc_id}/withdraw")
def withdraw(request: Request, doc_id: str) -> dict[str, Any]:
    return documents.summary(documents.withdraw(_store(request), doc_id))


@router.post("/api/admin/documents/{doc_id}/restore")
def restore(request: Request, doc_id: str) -> dict[str, Any]:
    return documents.summary(documents.restore(_store(request), doc_id))
