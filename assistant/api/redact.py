"""``POST /api/redact``: a multipart .docx upload → the redacted .docx (or, with ``format=json``, its findings).

Fields: ``file`` (the .docx), ``keep`` (optional: finding ids to leave unmasked, "3,7" or "[3, 7]"),
``mask`` (optional: ids of findings reported but not masked by default, e.g. an office phone, to mask),
``format`` (``docx``, the default, or ``json``). Finding ids are positions in the list that
``format=json`` returns for the same file, so the web page can list, toggle and then download.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from assistant.api.deps import PoolDep, SettingsDep
from knowledge.errors import BadInput, TooLarge
from tools.docx_redact import chosen, read_docx, redact_docx
from tools.pii import Finding

router = APIRouter()
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _apply(text: str, findings: list[Finding]) -> str:
    chars = list(text)
    for f in findings:
        chars[f.start: f.end] = list(f.masked)
    return "".join(chars)


def _ids(raw: object) -> list[int]:
    if raw is None or raw == "":
        return []
    try:
        value = json.loads(raw) if isinstance(raw, str) and raw.strip().startswith("[") else str(raw).split(",")
        return [int(v) for v in value if str(v).strip()]
    except (ValueError, TypeError) as exc:
        raise BadInput("keep/mask 应为发现编号，如 3,7 或 [3, 7]。") from exc


@router.post(
    "/api/redact",
    summary="删去 Word 文件中的个人信息（保留原格式）",
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}, "keep": {"type": "string"},
        "format": {"type": "string", "enum": ["docx", "json"]}}}}}}},
    response_model=None,
)
async def redact(request: Request, settings: SettingsDep, pool: PoolDep) -> Response | dict[str, Any]:
    """The redacted .docx (``format=docx``) or ``{"findings": [{"id", "type", "text", "masked", "private", "flags", …}], "text", "redacted"}``."""
    try:
        form = await request.form(max_part_size=settings.max_file_bytes)
    except Exception as exc:  # starlette's MultiPartException and parser errors: the upload's fault
        raise BadInput("上传内容无法解析，请重新上传 .docx 文件。", detail=type(exc).__name__) from exc
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise BadInput("请上传 Word（.docx）文件（表单字段 file）。")
    name = upload.filename or "upload.docx"
    if not name.lower().endswith(".docx"):
        raise BadInput(f"文件「{name}」不是 .docx 文件；删减并下载只支持 Word（.docx）。")
    data = await upload.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise TooLarge(f"文件超过{settings.max_file_bytes // (1024 * 1024)}MB，请拆分后再试。")
    keep, mask = _ids(form.get("keep")), _ids(form.get("mask"))
    # unzip, XML and the personal-data scan run in the heavy-work pool, never on the event loop
    result = await pool.run("redact", name, data, settings.max_file_bytes, keep, mask, form.get("format") == "json")
    if isinstance(result, dict):
        return result
    body = result
    stem = name[: -len(".docx")]
    disposition = f"attachment; filename=\"redacted.docx\"; filename*=UTF-8''{quote(stem + '-删减.docx')}"
    return Response(body, media_type=DOCX_TYPE, headers={"Content-Disposition": disposition})


def redact_file(name: str, data: bytes, max_bytes: int, keep: list[int], mask: list[int], as_json: bool
                ) -> dict[str, Any] | bytes:
    """The work of ``/api/redact`` (runs in a heavy-pool worker): findings as JSON, or the redacted .docx."""
    doc = read_docx(name, data, max_bytes=max_bytes)
    findings = doc.findings()
    if as_json:
        return {"findings": [{"id": i} | f.as_dict() for i, f in enumerate(findings)], "text": doc.text,
                "redacted": _apply(doc.text, chosen(findings, keep, mask))}
    return redact_docx(doc, findings, keep=keep, mask=mask)
