"""``POST /api/classify``: JSON {"text", "title"?} or a multipart upload (field ``file``, optional ``title``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from assistant.api.deps import PoolDep, SettingsDep
from assistant.settings import Settings
from knowledge.errors import BadInput, TooLarge
from tools.attribute_input import ClassifyRequest, check_text, json_request

router = APIRouter()
_PARSE_HERE_BYTES = 16 * 1024

Work = tuple[str, tuple[Any, ...]]  # a heavy-pool task and its arguments


async def _from_upload(request: Request, settings: Settings) -> Work:
    try:
        form = await request.form(max_part_size=settings.max_file_bytes)
    except Exception as exc:  # starlette's MultiPartException and parser errors: the upload's fault
        raise BadInput("上传内容无法解析，请重新上传 .docx/.txt 文件。", detail=type(exc).__name__) from exc
    upload, title = form.get("file"), form.get("title")
    if not isinstance(upload, UploadFile):
        text = form.get("text")
        if isinstance(text, str):
            return "classify", (check_text(text, max_chars=settings.max_text_chars), _title(title))
        raise BadInput("请上传文件（表单字段 file）或提供 text 字段。")
    data = await upload.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise TooLarge(f"文件超过{settings.max_file_bytes // (1024 * 1024)}MB，请拆分后再试。")
    # extraction (unzip, XML, PDF) runs in the pool too: a crafted file costs a worker, not the server
    args = (upload.filename or "upload.txt", data, settings.max_file_bytes, settings.max_text_chars, _title(title))
    return "classify_file", args


def _title(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def _from_json(request: Request, settings: Settings) -> Work:
    body = await request.body()
    if len(body) > settings.max_file_bytes:
        raise TooLarge("请求内容过大，请拆分后再试。")
    if len(body) <= _PARSE_HERE_BYTES:  # microseconds: a typo or an empty text is answered without a pool hop
        return "classify", json_request(body, max_chars=settings.max_text_chars)
    return "classify_json", (body, settings.max_text_chars)  # a long draft is parsed and checked in the pool


@router.post(
    "/api/classify",
    summary="建议公文的公开属性",
    openapi_extra={"requestBody": {"content": {
        "application/json": {"schema": ClassifyRequest.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}, "title": {"type": "string"}}}},
    }}},
)
async def classify(request: Request, settings: SettingsDep, pool: PoolDep) -> Response:
    """Same JSON as ``gongkai classify --json``: attribute, confidence, reasons, findings, redacted."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        task, args = await _from_upload(request, settings)
    else:
        task, args = await _from_json(request, settings)
    return Response(await pool.run(task, *args), media_type="application/json")
